"""The lock store named by LOCK_STORE_TYPE (endpoints.yml): Rasa's in-memory one,
or Rasa's Redis one with its read-modify-write steps made atomic.

Rasa 3.6's RedisLockStore reads the conversation's ticket lock, changes it and
writes it back in three separate Redis calls. Two Rasa processes receiving
messages of the same conversation at the same moment can then draw the same
ticket, or one can delete the lock the other just queued on: both turns run at
once and one user message is lost from the tracker store (seen in
tests/test_scale_out.py with a burst across two processes). Rasa Pro ships a
ConcurrentRedisLockStore for this; here each change is a Redis transaction
(WATCH/MULTI/EXEC, retried on conflict), with Rasa's own lock format and keys.

When Redis is unreachable, each call is retried for a few seconds without blocking the
worker (stores/outage.py); if it stays down, the channel's turn is refused before anything
is read or answered. A turn that is over is never failed by the release of its ticket:
the ticket expires with its lifetime.

A ticket is a lease: issued for LEASE_SECONDS and renewed every RENEW_SECONDS by the process
that holds it, up to Rasa's lock lifetime (LOCK_LIFETIME, 60 s, counted from its issue, as in
stock Rasa). Stock Rasa issues it for the whole lifetime at once: a Rasa process killed in the
middle of a turn leaves its ticket in Redis, and the conversation's next messages, on the other
processes, wait behind it for up to a minute. Here they wait at most LEASE_SECONDS after the
last renewal. A process whose own ticket has expired (its event loop stalled longer than the
lease) or vanished stops waiting and refuses the turn, where Rasa would wait for ever.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_overrides.stores.outage import StoreUnavailable, caused_by, refusal, with_retries

T = TypeVar("T")
REDIS_STORE = "lock store (Redis)"

logger = logging.getLogger(__name__)

# What a mutation returns: the lock to store (None deletes it) and a value for the caller.
Mutation = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]
# Rasa polls a busy conversation's lock every second: a visitor's second message, sent
# while the first is processed, then waits up to a second for nothing. 0.1 s keeps
# Redis traffic small (one GET per waiting message per poll).
LOCK_POLL_SECONDS = 0.1
# How long a dead process's ticket can block its conversation. Long enough that a live
# process, whose turn's CPU work can hold its event loop for a fraction of a second at a time,
# renews it several times over before it would expire; short enough that the visitor's next
# message, on another process, waits a few seconds rather than a minute.
LEASE_SECONDS = 10.0
RENEW_SECONDS = 2.0


class QuickPolling:
    """Mixin: poll a busy lock every LOCK_POLL_SECONDS instead of every second."""

    def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = LOCK_POLL_SECONDS) -> Any:
        return super().lock(conversation_id, lock_lifetime, wait_time_in_seconds)  # type: ignore[misc]


class QuickInMemoryLockStore(QuickPolling, InMemoryLockStore):
    """Rasa's in-memory lock store, polling faster."""


def is_redis_outage(error: BaseException) -> bool:
    """Whether Redis could not be reached (LockError wraps Redis's own errors)."""
    import redis

    return caused_by(error, (redis.ConnectionError, redis.TimeoutError, OSError))


class AtomicRedisLockStore(QuickPolling, RedisLockStore):
    """RedisLockStore whose ticket issuing, expiry and release are Redis transactions,
    retried while Redis is unreachable."""

    async def _redis(self, call: Callable[[], T]) -> T:
        async def attempt() -> T:
            return call()

        return await with_retries(attempt, is_redis_outage, REDIS_STORE)

    @asynccontextmanager
    async def lock(  # type: ignore[override]
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = LOCK_POLL_SECONDS
    ) -> AsyncIterator[TicketLock]:
        """Rasa's LockStore.lock, each Redis step retried, the ticket a lease renewed while this process lives."""
        deadline = time.time() + lock_lifetime
        ticket = await self._redis(lambda: self.issue_ticket(conversation_id, min(LEASE_SECONDS, lock_lifetime)))
        renewal = asyncio.create_task(self._renew(conversation_id, ticket, deadline))
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            # Not awaited: it stops at its next sleep, and a renewal after the release finds no ticket.
            renewal.cancel()
            try:
                await self._redis(lambda: self.cleanup(conversation_id, ticket))
            except (Exception, StoreUnavailable) as error:
                # The turn is over, recorded or refused already: its outcome stands.
                logger.warning("Ticket %s of a conversation not released (it will expire): %s", ticket, error)

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = await self._redis(lambda: self.get_lock(conversation_id))
            if not lock or not holds(lock, ticket):
                # Expired, or Redis restarted empty: the turn's place in the queue is gone.
                raise refusal(REDIS_STORE, LockError(f"Lock of conversation '{conversation_id}' vanished."))
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            await self._redis(lambda: self.update_lock(conversation_id))

    async def _renew(self, conversation_id: Text, ticket: int, deadline: float) -> None:
        """Moves the ticket's expiry LEASE_SECONDS ahead every RENEW_SECONDS, never past ``deadline``."""
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            until = min(time.time() + LEASE_SECONDS, deadline)
            try:
                if not self._transact(conversation_id, renewal(ticket, until)):
                    return  # released or expired: nothing left to renew
            except Exception as error:
                # Redis briefly unreachable: the lease still runs, the next period tries again.
                logger.debug("Ticket %s not renewed: %s", ticket, error)
            if until >= deadline:
                return

    def _transact(self, conversation_id: Text, mutate: Mutation) -> Any:
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result = mutate(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another process changed this lock meanwhile: redo on the new value

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return int(self._transact(conversation_id, issue))
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def expire(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._transact(conversation_id, expire)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def release(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._transact(conversation_id, release)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Release and "delete if nobody waits" in one step: a ticket issued in between is never dropped.
        def release_and_maybe_delete(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._transact(conversation_id, release_and_maybe_delete)


def holds(lock: TicketLock, ticket: int) -> bool:
    """Whether ``ticket`` is still in the lock's queue (not released, not expired)."""
    lock.remove_expired_tickets()
    return any(t.number == ticket for t in lock.tickets)


def renewal(ticket: int, until: float) -> Mutation:
    """The mutation that moves ``ticket``'s expiry to ``until``; its result says whether the ticket was there."""

    def renew(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], bool]:
        if lock is None or not holds(lock, ticket):
            return lock, False
        for held in lock.tickets:
            if held.number == ticket:
                held.expires = max(held.expires, until)
        return lock, True

    return renew


class ConfiguredLockStore:
    """Chosen in endpoints.yml by `kind`: `in_memory` (one process) or `redis` (several)."""

    def __new__(cls, endpoint_config: Optional[EndpointConfig] = None) -> LockStore:  # type: ignore[misc]
        settings = dict(endpoint_config.kwargs) if endpoint_config else {}
        kind = str(settings.pop("kind", "in_memory") or "in_memory").strip().lower()
        if kind == "redis":
            host = endpoint_config.url if endpoint_config and endpoint_config.url else "localhost"
            return AtomicRedisLockStore(host=host, **settings)
        if kind != "in_memory":
            raise ValueError(f"LOCK_STORE_TYPE must be 'in_memory' or 'redis', not {kind!r}")
        workers = os.environ.get("SANIC_WORKERS", "1").strip() or "1"
        if workers != "1":
            # Rasa would silently drop to one worker; say it instead.
            raise ValueError("SANIC_WORKERS > 1 needs a shared lock store: set LOCK_STORE_TYPE=redis")
        return QuickInMemoryLockStore()
