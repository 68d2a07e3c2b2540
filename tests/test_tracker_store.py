"""stores/tracker_store.py: Rasa's SQL tracker store minus the recount, same rows."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_overrides.stores.tracker_store import SQLTrackerStoreWithoutRecount

DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  route:\n    type: any\n    mappings: []\n")


def store_at(path: Path) -> SQLTrackerStoreWithoutRecount:
    return SQLTrackerStoreWithoutRecount(domain=DOMAIN, dialect="sqlite", db=str(path))


def stored_rows(path: Path, sender: str) -> List[str]:
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT type_name FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
        return [row[0] for row in rows]


def turn(text: str, answer: str) -> List[Any]:
    return [UserUttered(text), ActionExecuted("utter_answer"), BotUttered(answer), ActionExecuted("action_listen")]


def recorded_queries(store: SQLTrackerStoreWithoutRecount) -> List[str]:
    seen: List[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_turns_are_stored_once_in_order_without_counting_again(tmp_path: Path) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db)

    async def scenario() -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker("visitor")
        tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")], DOMAIN)
        await store.save(tracker)
        for index in range(3):
            tracker = await store.retrieve("visitor")
            assert tracker is not None
            queries = recorded_queries(store)
            tracker.update_with_events(turn(f"question {index}", f"réponse {index}") + [SlotSet("route", index)], DOMAIN)
            await store.save(tracker)
            assert not [q for q in queries if "count(" in q.lower()], queries
        return tracker

    tracker = asyncio.run(scenario())
    # A new tracker starts with action_listen; reading gives the events from the session start on.
    rows = stored_rows(db, "visitor")
    assert rows == ["action", "action", "session_started", "action"] + ["user", "action", "bot", "action", "slot"] * 3
    assert len(tracker.events) == len(rows) - 2


def test_two_stores_on_one_database_take_turns_without_losing_or_doubling(tmp_path: Path) -> None:
    # Two Rasa processes answering one conversation in turn (the lock store orders them).
    db = tmp_path / "conversations.db"
    first, second = store_at(db), store_at(db)

    async def scenario() -> DialogueStateTracker:
        tracker = await first.get_or_create_tracker("visitor")
        await first.save(tracker)
        for index in range(6):
            store = first if index % 2 == 0 else second
            tracker = await store.retrieve("visitor")
            assert tracker is not None
            tracker.update_with_events(turn(f"q{index}", f"r{index}"), DOMAIN)
            await store.save(tracker)
        final = await second.retrieve("visitor")
        assert final is not None
        return final

    final = asyncio.run(scenario())
    texts = [event.text for event in final.events if isinstance(event, UserUttered)]
    assert texts == [f"q{index}" for index in range(6)]
    assert len(stored_rows(db, "visitor")) == len(final.events)


@pytest.mark.parametrize("how", ["new tracker", "copied tracker", "full history"])
def test_trackers_not_read_from_this_store_are_counted_as_rasa_does(tmp_path: Path, how: str) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db)

    async def scenario() -> None:
        tracker = await store.get_or_create_tracker("visitor")
        tracker.update_with_events(turn("bonjour", "Bonjour !"), DOMAIN)
        await store.save(tracker)
        if how == "new tracker":
            tracker = DialogueStateTracker.from_events("visitor", list(tracker.events), DOMAIN.slots)
        elif how == "copied tracker":
            tracker = tracker.copy()
        else:
            tracker = await store.retrieve_full_tracker("visitor")
        tracker.update_with_events(turn("merci", "Avec plaisir."), DOMAIN)
        await store.save(tracker)

    asyncio.run(scenario())
    assert stored_rows(db, "visitor") == ["action"] + ["user", "action", "bot", "action"] * 2
