"""stores/windowed_tracker_store.py: a long conversation is read from its last cut, with the
same state, the same history for the policies and every event kept."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from launch.servers import ROOT
from rasa_overrides.stores.tracker_store import EVENTS_IN_STORE
from rasa_overrides.stores.windowed_tracker_store import POLICY_REACH_ACTIONS, WindowedSQLTrackerStore, same_state

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
SENDER = "visiteur"
KEEP = 4


def store_at(path: Path, monkeypatch: pytest.MonkeyPatch, turns: int = KEEP) -> WindowedSQLTrackerStore:
    monkeypatch.setenv("TRACKER_WINDOW_TURNS", str(turns))
    return WindowedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))


def rows(path: Path, table: str = "events") -> List[Dict[str, Any]]:
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(table):
            return []
        order = "id" if table == "events" else "sender_id"
        return [dict(row._mapping) for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY {order}"))]


def user(text: str, intent: str) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9})


def answer_turn(index: int) -> List[Event]:
    topic = ["cost", "duration", "salary", "missions"][index % 4]
    return [
        user(f"question {index} sur {topic}", f"ask_{topic}"),
        ActionExecuted("action_answer_knowledge"),
        BotUttered(f"réponse {index}", data={"custom": {"type": "knowledge_answer", "feedback": {"answer_id": f"a{index}"}}}),
        SlotSet("last_topic", topic),
        ActionExecuted("action_listen"),
    ]


def rating_turn(answer_id: str) -> List[Event]:
    # The widget's rating: stored as a record, then the turn is reverted (actions/feedback.py).
    return [
        user(f'/give_feedback{{"feedback_answer":"{answer_id}"}}', "give_feedback"),
        ActionExecuted("action_record_feedback"),
        BotUttered("Merci", data={"custom": {"type": "feedback_ack", "answer_id": answer_id}}),
        SlotSet("feedback", {"answer_id": answer_id, "rating": "up"}),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
    ]


def interview_turns(start: int, questions: int) -> List[List[Event]]:
    """The interview: activated, ``questions`` answers, then the recommendation."""
    turns = [
        [
            user("je veux me reconvertir", "request_pathway"),
            ActionExecuted("orientation_form"),
            ActiveLoop("orientation_form"),
            SlotSet("interview_started", True),
            SlotSet("requested_slot", "situation"),
            BotUttered("Quelle est votre situation ?"),
            ActionExecuted("action_listen"),
        ]
    ]
    for number in range(questions):
        turns.append(
            [
                user(f"réponse {start + number}", "inform"),
                ActionExecuted("orientation_form"),
                SlotSet("age", 30 + number),
                SlotSet("requested_slot", f"q{number}"),
                BotUttered(f"Question {number}"),
                ActionExecuted("action_listen"),
            ]
        )
    turns[-1][2:] = [
        SlotSet("age", 41),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        ActionExecuted("action_recommend_pathway"),
        BotUttered("Votre parcours", data={"custom": {"type": "pathway_recommendation", "top": {"name": "alternance"}}}),
        SlotSet("recommendation_given", True),
        ActionExecuted("action_listen"),
    ]
    return turns


def a_long_conversation(seed: int, turns: int) -> List[List[Event]]:
    chance = random.Random(seed)
    conversation: List[List[Event]] = [[ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]]
    index = 0
    while len(conversation) < turns:
        roll = chance.random()
        if roll < 0.1:
            conversation.extend(interview_turns(index, chance.randint(2, 12)))
        elif roll < 0.3 and index:
            conversation.append(rating_turn(f"a{chance.randrange(max(0, index - 30), index)}"))
        else:
            conversation.append(answer_turn(index))
        index += 1
    return conversation


async def play(store: WindowedSQLTrackerStore, conversation: List[List[Event]]) -> List[Event]:
    """Each turn as Rasa plays it: read, add the turn's events, save. Returns every event."""
    everything: List[Event] = []
    for events in conversation:
        tracker = await store.retrieve(SENDER)
        if tracker is None:
            tracker = DialogueStateTracker(SENDER, DOMAIN.slots)
        for event in events:
            tracker.update(event, DOMAIN)
        everything.extend(events)
        await store.save(tracker)
    return everything


def full_tracker(events: List[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(SENDER, events, DOMAIN.slots)


def test_a_long_conversation_reads_a_bounded_window_with_the_same_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db, monkeypatch)
    lengths: List[int] = []

    async def scenario() -> List[Event]:
        everything: List[Event] = []
        for number, events in enumerate(a_long_conversation(seed=7, turns=110)):
            tracker = await store.retrieve(SENDER) or DialogueStateTracker(SENDER, DOMAIN.slots)
            lengths.append(len(tracker.events))
            for event in events:
                tracker.update(event, DOMAIN)
            everything.extend(events)
            await store.save(tracker)
            if number % 3:
                continue
            read = await store.retrieve(SENDER)
            assert read is not None
            full = full_tracker(everything)
            assert same_state(read, full)
            assert read.past_states(DOMAIN)[-8:] == full.past_states(DOMAIN)[-8:]
        return everything

    everything = asyncio.run(scenario())
    # Every event stored once, in order; the full tracker (Rasa's API, the dashboard) has them all.
    assert [json.loads(row["data"]) for row in rows(db)] == [event.as_dict() for event in everything]
    full = asyncio.run(store.retrieve_full_tracker(SENDER))
    assert full is not None and len(full.events) == len(everything)
    # Read through the window, a turn's tracker stays bounded while the conversation grows.
    assert len(rows(db, "tracker_windows")) == 1
    assert max(lengths[-40:]) < len(everything) / 3
    assert max(lengths[-40:]) <= 1.25 * max(lengths[20:60])


def test_what_actions_read_of_the_past_is_carried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db, monkeypatch)
    conversation = [[ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]]
    conversation += interview_turns(0, 3)
    conversation += [answer_turn(i) for i in range(1, 30)]
    conversation.append(rating_turn("a25"))
    conversation += [answer_turn(i) for i in range(30, 40)]
    asyncio.run(play(store, conversation))
    read = asyncio.run(store.retrieve(SENDER))
    assert read is not None
    assert len(read.events) < sum(len(turn) for turn in conversation) / 2
    raw = [event.as_dict() for event in read.events]
    customs = [e["data"]["custom"] for e in raw if e["event"] == "bot" and (e.get("data") or {}).get("custom")]
    # The recommendation, older than the answers kept, and the answer rated with its rating.
    assert any(c["type"] == "pathway_recommendation" for c in customs)
    assert any(c.get("feedback", {}).get("answer_id") == "a25" for c in customs)
    assert any(e["event"] == "slot" and e["name"] == "feedback" and (e["value"] or {}).get("answer_id") == "a25" for e in raw)
    # Older answers are no longer carried, nor their ratings.
    assert not any(c.get("feedback", {}).get("answer_id") == "a3" for c in customs)
    # The visitor's last questions (the hand-off passes them on), none of the interview's answers...
    texts = [e["text"] for e in raw if e["event"] == "user"]
    questions = [f"question {i} sur {['cost', 'duration', 'salary', 'missions'][i % 4]}" for i in range(1, 40)]
    assert "question 30 sur salary" in texts and not [t for t in texts if t.startswith("réponse")]
    # ... and not in the history the policies read, which has the last turns only.
    applied = [e.text for e in read.applied_events() if isinstance(e, UserUttered)]
    assert len(applied) >= 4 and applied == questions[-len(applied) :]
    assert read.get_slot("feedback") is None and read.get_slot("recommendation_given") is True


def test_no_cut_while_a_form_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db, monkeypatch)
    opening = [[ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")], answer_turn(0)]
    interview = interview_turns(0, 15)
    asyncio.run(play(store, opening + interview[:-1]))
    # Only the turn before the form could be a cut, and it would leave more than KEEP turns.
    windows = rows(db, "tracker_windows")
    if windows:
        prefix = json.loads(windows[0]["prefix"])
        assert not [e for e in prefix if e["event"] == "active_loop"]
    read = asyncio.run(store.retrieve(SENDER))
    assert read is not None and read.active_loop_name == "orientation_form"
    # The form's first run is read: Rasa folds its later runs into it.
    assert [e.action_name for e in read.applied_events() if isinstance(e, ActionExecuted)].count("orientation_form") == 1
    assert read.get_slot("age") == full_tracker([e for turn in opening + interview[:-1] for e in turn]).get_slot("age")


def interruption_turn(index: int) -> List[Event]:
    """A question in the middle of the interview: answered, then the form asks its question again."""
    return [
        user(f"au fait, question {index} ?", "ask_cost"),
        ActionExecutionRejected("orientation_form"),
        ActionExecuted("action_answer_question"),
        BotUttered(f"réponse {index}", data={"custom": {"type": "knowledge_answer", "feedback": {"answer_id": f"i{index}"}}}),
        SlotSet("last_topic", "ask_cost"),
        ActionExecuted("orientation_form"),
        SlotSet("requested_slot", "situation"),
        BotUttered("Quelle est votre situation ?"),
        ActionExecuted("action_listen"),
    ]


def test_a_form_interrupted_again_and_again_is_cut_with_its_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db, monkeypatch)
    conversation = [[ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]]
    conversation += interview_turns(0, 12)[:1] + [interruption_turn(i) for i in range(40)]
    conversation += interview_turns(0, 12)[1:]

    async def scenario() -> None:
        everything: List[Event] = []
        for events in conversation:
            tracker = await store.retrieve(SENDER) or DialogueStateTracker(SENDER, DOMAIN.slots)
            for event in events:
                tracker.update(event, DOMAIN)
            everything.extend(events)
            await store.save(tracker)
            read, full = await store.retrieve(SENDER), full_tracker(everything)
            assert read is not None and same_state(read, full)
            assert read.past_states(DOMAIN)[-8:] == full.past_states(DOMAIN)[-8:]

    asyncio.run(scenario())
    prefix = json.loads(rows(db, "tracker_windows")[0]["prefix"])
    assert {"event": "active_loop", "name": "orientation_form"}.items() <= next(e for e in prefix if e["event"] == "active_loop").items()


def test_a_retried_save_recounts_from_the_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db, monkeypatch)
    conversation = a_long_conversation(seed=3, turns=40)
    asyncio.run(play(store, conversation))

    async def retried() -> None:
        tracker = await store.retrieve(SENDER)
        assert tracker is not None
        for event in answer_turn(99):
            tracker.update(event, DOMAIN)
        await store.save(tracker)
        # As after a commit whose answer was lost: the count on the tracker is gone.
        delattr(tracker, EVENTS_IN_STORE)
        await store.save(tracker)

    asyncio.run(retried())
    stored = [json.loads(row["data"]) for row in rows(db)]
    expected = [e.as_dict() for turn in conversation for e in turn] + [e.as_dict() for e in answer_turn(99)]
    assert [(e["event"], e.get("text"), e.get("name")) for e in stored] == [(e["event"], e.get("text"), e.get("name")) for e in expected]


def test_a_new_session_after_the_cut_reads_from_the_session_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db, monkeypatch)
    conversation = a_long_conversation(seed=5, turns=30)
    conversation.append(
        [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("last_topic", "cost"), ActionExecuted("action_listen")]
    )
    conversation.append(answer_turn(500))
    asyncio.run(play(store, conversation))
    read = asyncio.run(store.retrieve(SENDER))
    assert read is not None
    assert [e.text for e in read.events if isinstance(e, UserUttered)] == ["question 500 sur cost"]


def test_window_off_reads_like_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "conversations.db"
    store = store_at(db, monkeypatch, turns=0)
    conversation = a_long_conversation(seed=11, turns=40)
    everything = asyncio.run(play(store, conversation))
    read = asyncio.run(store.retrieve(SENDER))
    # Rasa reads from the session start on (action_session_start, just before it, is left out).
    assert read is not None and len(read.events) == len(everything) - 1
    assert rows(db, "tracker_windows") == []


def test_a_cut_leaves_after_it_all_the_history_the_policies_read() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    histories = [policy.get("max_history") for policy in config["policies"] if "max_history" in policy]
    assert histories and max(histories) < POLICY_REACH_ACTIONS
