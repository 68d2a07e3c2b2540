"""stores/lock_store.py's tickets as leases: a dead process's ticket stops blocking its conversation
after LEASE_SECONDS, a live process's ticket is renewed up to Rasa's lock lifetime, and a turn whose
ticket is gone stops waiting. Redis is replaced by a dict, with the store's own transactions on it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError

from rasa_overrides.stores import lock_store
from rasa_overrides.stores.lock_store import AtomicRedisLockStore, Mutation
from rasa_overrides.stores.outage import StoreUnavailable, channel_turn

LEASE = 0.6
RENEW = 0.1


class DictLockStore(AtomicRedisLockStore):
    """AtomicRedisLockStore on a dict: the same mutations, applied one at a time as Redis would."""

    def __init__(self) -> None:  # no Redis client
        self.key_prefix = "lock:"
        self.saved: Dict[str, str] = {}

    def _transact(self, conversation_id: str, mutate: Mutation) -> Any:
        key = self.key_prefix + conversation_id
        raw = self.saved.get(key)
        new_lock, result = mutate(TicketLock.from_dict(json.loads(raw)) if raw else None)
        if new_lock is None:
            self.saved.pop(key, None)
        else:
            self.saved[key] = new_lock.dumps()
        return result

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        raw = self.saved.get(self.key_prefix + conversation_id)
        return TicketLock.from_dict(json.loads(raw)) if raw else None


@pytest.fixture(autouse=True)
def short_lease(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock_store, "LEASE_SECONDS", LEASE)
    monkeypatch.setattr(lock_store, "RENEW_SECONDS", RENEW)


def test_a_dead_process_ticket_blocks_its_conversation_for_one_lease_at_most() -> None:
    store = DictLockStore()
    # A process took the conversation's ticket, then was killed: nobody renews or releases it.
    store.issue_ticket("visitor", LEASE)

    async def next_message() -> float:
        started = time.monotonic()
        async with store.lock("visitor"):
            return time.monotonic() - started

    waited = asyncio.run(next_message())
    assert LEASE * 0.5 < waited < LEASE + 0.5
    assert "lock:visitor" not in store.saved  # released, nothing left behind


def test_a_live_turn_keeps_its_ticket_past_the_lease_and_the_next_one_waits() -> None:
    store = DictLockStore()
    order: List[str] = []

    async def long_turn() -> None:
        async with store.lock("visitor"):
            order.append("first starts")
            await asyncio.sleep(LEASE * 3)  # its ticket would have expired three times over
            order.append("first ends")

    async def next_turn() -> None:
        await asyncio.sleep(0.05)
        async with store.lock("visitor"):
            order.append("second starts")

    async def both() -> None:
        await asyncio.gather(long_turn(), next_turn())

    asyncio.run(both())
    assert order == ["first starts", "first ends", "second starts"]


def test_renewal_stops_at_rasas_lock_lifetime() -> None:
    store = DictLockStore()
    lifetime = LEASE * 2

    async def stuck_turn() -> None:
        async with store.lock("visitor", lock_lifetime=lifetime):
            await asyncio.sleep(lifetime + LEASE)
            lock = store.get_lock("visitor")
            assert lock is not None and not lock_store.holds(lock, 0)  # expired: stock Rasa's limit stands

    asyncio.run(stuck_turn())


def test_a_turn_whose_ticket_vanished_stops_waiting() -> None:
    store = DictLockStore()
    blocker = store.issue_ticket("visitor", 60)

    async def waiting_turn() -> None:
        with channel_turn():
            async with store.lock("visitor"):
                raise AssertionError("the turn must not run")

    async def scenario() -> None:
        waiting = asyncio.create_task(waiting_turn())
        await asyncio.sleep(0.3)
        # The waiter's ticket disappears (its process stalled past the lease, another removed it).
        lock = store.get_lock("visitor")
        assert lock is not None
        lock.tickets = type(lock.tickets)(t for t in lock.tickets if t.number == blocker)
        store.saved["lock:visitor"] = lock.dumps()
        await waiting

    with pytest.raises(StoreUnavailable):
        asyncio.run(asyncio.wait_for(scenario(), 5))


def test_outside_a_channel_turn_the_vanished_ticket_is_rasas_lock_error() -> None:
    store = DictLockStore()
    store.issue_ticket("visitor", 60)

    async def api_call() -> None:
        async def drop_my_ticket() -> None:
            await asyncio.sleep(0.3)
            lock = store.get_lock("visitor")
            assert lock is not None
            lock.tickets.pop()
            store.saved["lock:visitor"] = lock.dumps()

        dropping = asyncio.create_task(drop_my_ticket())
        try:
            async with store.lock("visitor"):
                raise AssertionError("the call must not run")
        finally:
            await dropping

    with pytest.raises(LockError):
        asyncio.run(asyncio.wait_for(api_call(), 5))
