"""What the stores do when PostgreSQL or Redis is unreachable: wait, retry, then refuse the turn.

A store call that fails because its server is unreachable is retried with growing
pauses, for at most STORE_RETRY_SECONDS in all (PostgreSQL or Redis restarting
takes a few seconds). If the store is still down, a channel's turn is stopped with
StoreUnavailable and the channel tells the visitor that the message was not
recorded and can be sent again.

StoreUnavailable derives from BaseException, as asyncio.CancelledError does, and for
the same reason: Rasa wraps every tracker store in its FailSafeTrackerStore, whose
``except Exception`` would otherwise turn a failed read into an empty tracker (the
bot greets the visitor as a newcomer) and a failed save into a copy kept in memory
only (the message is lost while the visitor got an answer). It is raised only inside
a channel's turn (``channel_turn()``), where the channel catches it; elsewhere (the
HTTP API, scripts) the store's own error is raised as before.

ActionServerUnavailable is the same kind of refusal for a turn whose action server
cannot be reached (serving/action_outage.py): nothing of the turn is saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
from dataclasses import dataclass
from typing import Awaitable, Callable, Iterator, List, Optional, Tuple, Type, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_RETRY_SECONDS = 4.0
FIRST_PAUSE_SECONDS = 0.1
MAX_PAUSE_SECONDS = 1.0


@dataclass
class ChannelTurn:
    """What the overrides need to know of the channel's turn in progress."""

    # Custom actions of this turn that the action server ran, the session start aside: their side effects are done.
    remote_actions_run: int = 0


_CHANNEL_TURN: contextvars.ContextVar[Optional[ChannelTurn]] = contextvars.ContextVar("channel_turn", default=None)


class StoreUnavailable(BaseException):
    """A store stayed unreachable for the whole retry budget: this message was not recorded."""

    def __init__(self, store: str, error: BaseException) -> None:
        super().__init__(f"{store} unreachable: {error}")
        self.store = store


class ActionServerUnavailable(BaseException):
    """The action server could not be reached before any custom action of the turn ran:
    the turn is stopped before it is saved, and this message was not recorded."""

    def __init__(self, action: str, error: BaseException) -> None:
        super().__init__(f"action server unreachable for {action}: {error}")
        self.action = action


def retry_budget() -> float:
    """STORE_RETRY_SECONDS, or the default when unset or unreadable."""
    try:
        return max(0.0, float(os.environ.get("STORE_RETRY_SECONDS", "") or DEFAULT_RETRY_SECONDS))
    except ValueError:
        return DEFAULT_RETRY_SECONDS


def backoff_pauses(budget: float, first: float = FIRST_PAUSE_SECONDS, cap: float = MAX_PAUSE_SECONDS) -> List[float]:
    """The pauses between attempts: doubling from ``first``, each at most ``cap``, summing to ``budget``.

    Short first pauses catch a connection dropped by a restart; the cap keeps polling a server
    that is starting up, so that the turn goes on soon after it is back."""
    pauses: List[float] = []
    total, pause = 0.0, first
    while total < budget - 1e-9 and first > 0:
        step = min(pause, cap, budget - total)
        pauses.append(round(step, 6))
        total += step
        pause *= 2
    return pauses


def caused_by(error: BaseException, kinds: Tuple[Type[BaseException], ...]) -> bool:
    """Whether ``error`` or an error it was raised from (LockError wraps Redis's) is one of ``kinds``."""
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kinds):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@contextlib.contextmanager
def channel_turn() -> Iterator[None]:
    """Marks a channel's turn: inside it, a store still down after its retries raises StoreUnavailable."""
    token = _CHANNEL_TURN.set(ChannelTurn())
    try:
        yield
    finally:
        _CHANNEL_TURN.reset(token)


def current_turn() -> Optional[ChannelTurn]:
    """The channel's turn this code runs in, None outside one (HTTP API, scripts)."""
    return _CHANNEL_TURN.get()


def refusal(store: str, error: BaseException) -> BaseException:
    """What to raise for a store that cannot serve this call: StoreUnavailable in a channel's turn."""
    return StoreUnavailable(store, error) if current_turn() is not None else error


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    is_outage: Callable[[BaseException], bool],
    store: str,
    budget: float | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """``attempt()``, again after each pause of backoff_pauses while it fails with an outage.

    The pauses are asyncio sleeps: the other conversations of the worker go on meanwhile."""
    pauses = backoff_pauses(retry_budget() if budget is None else budget)
    for number in range(len(pauses) + 1):
        try:
            return await attempt()
        except Exception as error:
            if not is_outage(error):
                raise
            if number == len(pauses):
                logger.error("%s still unreachable after %d attempts: %s", store, number + 1, error)
                refused = refusal(store, error)
                if refused is error:
                    raise
                raise refused from error
            logger.warning("%s unreachable (attempt %d), retrying in %.1f s: %s", store, number + 1, pauses[number], error)
            await sleep(pauses[number])
    raise AssertionError("unreachable")  # the loop always returns or raises
