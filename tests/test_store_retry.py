"""stores/outage.py and its use by the stores: bounded retries, then a refusal Rasa cannot swallow."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, List

import pytest
import redis
import sqlalchemy.exc
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from launch.servers import free_port
from rasa_overrides.stores.lock_store import AtomicRedisLockStore, is_redis_outage
from rasa_overrides.stores.outage import StoreUnavailable, backoff_pauses, caused_by, channel_turn, with_retries
from rasa_overrides.stores.tracker_store import SQLTrackerStoreWithoutRecount, is_database_outage
from tests.test_tracker_store import DOMAIN, store_at, stored_rows

OUTAGE = sqlalchemy.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_pauses_double_up_to_the_cap_and_sum_to_the_budget() -> None:
    assert backoff_pauses(4.0) == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 0.5]
    assert sum(backoff_pauses(2.0)) == pytest.approx(2.0)
    assert backoff_pauses(0.25, first=0.1) == [0.1, 0.15]
    assert backoff_pauses(0) == []
    assert max(backoff_pauses(30, cap=2.0)) == 2.0


def test_the_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa_overrides.stores.outage import DEFAULT_RETRY_SECONDS, retry_budget

    monkeypatch.setenv("STORE_RETRY_SECONDS", "1.5")
    assert retry_budget() == 1.5
    monkeypatch.setenv("STORE_RETRY_SECONDS", "beaucoup")
    assert retry_budget() == DEFAULT_RETRY_SECONDS


class Flaky:
    """Fails with ``error`` the first ``failures`` times, then returns "ok"."""

    def __init__(self, failures: int, error: Exception = OUTAGE) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def run(attempt: Flaky, budget: float = 1.0, in_turn: bool = False) -> tuple[Any, List[float]]:
    slept: List[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def go() -> Any:
        if in_turn:
            with channel_turn():
                return await with_retries(attempt, is_database_outage, "test store", budget, sleep)
        return await with_retries(attempt, is_database_outage, "test store", budget, sleep)

    return asyncio.run(go()), slept


def test_an_outage_shorter_than_the_budget_is_waited_out() -> None:
    attempt = Flaky(failures=2)
    assert run(attempt) == ("ok", [0.1, 0.2])
    assert attempt.calls == 3


def test_other_errors_are_not_retried() -> None:
    attempt = Flaky(failures=1, error=sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("duplicate")))
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        run(attempt)
    assert attempt.calls == 1


def test_a_longer_outage_refuses_the_turn_with_an_error_rasa_cannot_swallow() -> None:
    attempt = Flaky(failures=100)
    with pytest.raises(StoreUnavailable):
        run(attempt, budget=1.0, in_turn=True)
    assert attempt.calls == len(backoff_pauses(1.0)) + 1
    # Outside a channel's turn (HTTP API, scripts) the store's own error, as before.
    with pytest.raises(sqlalchemy.exc.OperationalError):
        run(Flaky(failures=100), budget=0.3)
    assert not issubclass(StoreUnavailable, Exception)


def test_wrapped_errors_are_recognised() -> None:
    try:
        try:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:1")
        except redis.ConnectionError as error:
            raise LockError("Error while acquiring lock.") from error
    except LockError as wrapped:
        assert is_redis_outage(wrapped)
        assert caused_by(wrapped, (redis.ConnectionError,))
    assert not is_redis_outage(LockError("Could not acquire lock"))
    assert is_database_outage(OUTAGE)
    assert not is_database_outage(ValueError("bad value"))


def test_failsafe_store_no_longer_answers_from_an_empty_tracker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa wraps every tracker store in FailSafeTrackerStore: a read that failed gave a new, empty tracker."""
    monkeypatch.setenv("STORE_RETRY_SECONDS", "0.2")
    store = store_at(tmp_path / "conversations.db")

    async def down(*args: Any, **kwargs: Any) -> None:
        raise OUTAGE

    monkeypatch.setattr(SQLTrackerStore, "_retrieve", down)
    monkeypatch.setattr(SQLTrackerStore, "save", down)
    wrapped = FailSafeTrackerStore(store)

    async def in_turn_read() -> None:
        with channel_turn():
            await wrapped.get_or_create_tracker("visitor")

    async def in_turn_save() -> None:
        with channel_turn():
            await wrapped.save(store.init_tracker("visitor"))

    with pytest.raises(StoreUnavailable):
        asyncio.run(in_turn_read())
    with pytest.raises(StoreUnavailable):
        asyncio.run(in_turn_save())


def test_a_save_retried_after_a_lost_commit_stores_each_event_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db)
    original = SQLTrackerStore.save
    calls: List[int] = []

    async def commit_then_lose_the_answer(self: SQLTrackerStore, tracker: Any) -> None:
        calls.append(1)
        await original(self, tracker)
        if len(calls) == 1:
            raise OUTAGE  # committed, but the connection dropped before the answer

    async def scenario() -> None:
        tracker = await store.get_or_create_tracker("visitor")
        tracker = await store.retrieve("visitor")
        assert tracker is not None
        tracker.update_with_events([UserUttered("question"), ActionExecuted("utter_answer"), BotUttered("réponse")], DOMAIN)
        monkeypatch.setattr(SQLTrackerStore, "save", commit_then_lose_the_answer)
        await store.save(tracker)

    asyncio.run(scenario())
    assert len(calls) == 2
    assert stored_rows(db, "visitor") == ["action", "user", "action", "bot"]


def test_the_pool_pings_its_connections() -> None:
    store = SQLTrackerStoreWithoutRecount(domain=DOMAIN, dialect="sqlite", db=":memory:")
    assert store.engine.pool._pre_ping
    asyncio.run(store.save(store.init_tracker("visitor")))  # tables exist on the rebuilt engine


def test_redis_down_refuses_the_turn_before_anything_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORE_RETRY_SECONDS", "0.3")
    store = AtomicRedisLockStore(host="127.0.0.1", port=free_port(), socket_timeout=1)  # nothing listens there

    async def turn() -> None:
        with channel_turn():
            async with store.lock("visitor"):
                raise AssertionError("the turn must not run")

    async def api_call() -> None:
        async with store.lock("visitor"):
            raise AssertionError("the call must not run")

    with pytest.raises(StoreUnavailable):
        asyncio.run(turn())
    with pytest.raises(LockError):
        asyncio.run(api_call())


class ReleaseFails(AtomicRedisLockStore):
    """Redis goes down after the turn has run: only the release of the ticket fails."""

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = 60) -> int:
        return 0

    def get_lock(self, conversation_id: str) -> TicketLock:
        lock = TicketLock(conversation_id)
        lock.issue_ticket(60)
        return lock

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        raise redis.ConnectionError("Connection closed by server.")


def test_a_turn_that_ran_is_not_failed_by_the_release_of_its_ticket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORE_RETRY_SECONDS", "0.2")
    store = ReleaseFails(host="127.0.0.1", port=free_port())
    ran = []

    async def turn() -> None:
        with channel_turn():
            async with store.lock("visitor"):
                ran.append(True)

    asyncio.run(turn())
    assert ran == [True]
