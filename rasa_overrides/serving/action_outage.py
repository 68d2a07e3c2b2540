"""A channel's turn whose action server cannot be reached is refused, never stored half-done.

Stock Rasa 3.6 (``RemoteAction.run``, then ``MessageProcessor._run_action``) logs the failed
custom action, goes on and saves the turn: the visitor's message is stored with no answer,
while the visitor is told to try again (channels/guarded.py), so that the message sent again
is stored twice, once unanswered. Here, inside a channel's turn, an action server that cannot
be reached (refused, or the connection dropped: it was stopped or killed) before any custom
action of the turn has run raises ActionServerUnavailable: a BaseException, as StoreUnavailable
is, so that the processor's ``except Exception`` lets it through and nothing of the turn is
saved. The channel refuses the message with the « service unavailable » text.

Once a custom action of the turn has run, its side effects are done (a contact request
e-mailed): the turn goes on as in stock Rasa and is stored with what it produced. The session
start is no such action: it only writes the tracker (a new session, the welcome), which is not
saved either, and runs again with the message sent again. Errors other
than an unreachable server (a 500, a bad answer) and calls outside a channel's turn (the HTTP
API) are left to stock Rasa.
"""

from __future__ import annotations

from typing import Any, List

import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import Event
from rasa.shared.exceptions import RasaException

from rasa_overrides.stores.outage import ActionServerUnavailable, caused_by, current_turn

_stock_run = RemoteAction.run


async def run_or_refuse(action: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
    turn = current_turn()
    try:
        events: List[Event] = await _stock_run(action, output_channel, nlg, tracker, domain)
    except RasaException as error:
        # Rasa raises its own exception inside `except aiohttp.ClientConnectionError`: the cause is its context.
        if turn is not None and not turn.remote_actions_run and caused_by(error, (aiohttp.ClientConnectionError,)):
            raise ActionServerUnavailable(action.name(), error) from error
        raise
    if turn is not None and action.name() != ACTION_SESSION_START_NAME:
        turn.remote_actions_run += 1
    return events


def install() -> None:
    RemoteAction.run = run_or_refuse  # type: ignore[method-assign]
