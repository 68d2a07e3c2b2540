"""Visitors' feedback, without a server: the payload's checks, which messages can be rated, the action
on tracker fixtures event by event, the channels' checks of payload messages, and the components."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send
from actions.feedback import ActionRecordFeedback
from bot.commands import MALFORMED_COMMAND_REPLY, UNKNOWN_COMMAND_REPLY, command_refusal, parse_command
from bot.feedback import (
    ALREADY_RATED_REPLY,
    COMMENT_FOREIGN_REPLY,
    COMMENT_NO_WORDS_REPLY,
    COMMENT_TOO_LONG_REPLY,
    INVALID_REPLY,
    REASONS,
    THANKS_DOWN,
    UNKNOWN_ANSWER_REPLY,
    Feedback,
    read_feedback,
)
from bot.reply import Reply
from launch.servers import ROOT, VENV_BIN

INTENTS = frozenset({"ask_cost", "ask_financing", "give_feedback", "session_start", "affirm"})
ENTITIES = frozenset({"financing", "facet", "feedback_answer", "feedback_rating", "feedback_reason", "feedback_comment"})


def payload(**fields: Any) -> str:
    return "/give_feedback" + json.dumps(fields, ensure_ascii=False)


# ---- the payload ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"feedback_answer": "a1", "feedback_rating": "up"}, Feedback("a1", "up")),
        ({"feedback_answer": "a1", "feedback_rating": "down"}, Feedback("a1", "down")),
        (
            {"feedback_answer": "a1", "feedback_rating": "down", "feedback_reason": "pas_clair", "feedback_comment": "  trop long\u0007 "},
            Feedback("a1", "down", "pas_clair", "trop long"),
        ),
        ({"feedback_answer": "a1", "feedback_rating": "down", "feedback_reason": None, "feedback_comment": ""}, Feedback("a1", "down")),
        ({"feedback_answer": "a1", "feedback_rating": "down", "feedback_comment": "x" * 300}, Feedback("a1", "down", comment="x" * 300)),
        ({"feedback_answer": "a1", "feedback_rating": "down", "feedback_comment": "x" * 301}, COMMENT_TOO_LONG_REPLY),
        ({"feedback_answer": "a1", "feedback_rating": "down", "feedback_comment": "👎😡"}, COMMENT_NO_WORDS_REPLY),
        ({"feedback_answer": "a1", "feedback_rating": "down", "feedback_comment": "how much does it cost you"}, COMMENT_FOREIGN_REPLY),
        ({"feedback_answer": "a1", "feedback_rating": "meh"}, INVALID_REPLY),
        ({"feedback_answer": "a1", "feedback_rating": "up", "feedback_reason": "pas_clair"}, INVALID_REPLY),  # a reason is for a 👎
        ({"feedback_answer": "a1", "feedback_rating": "down", "feedback_reason": "nul"}, INVALID_REPLY),
        ({"feedback_answer": "a1", "feedback_rating": "down", "feedback_comment": 12}, INVALID_REPLY),
        ({"feedback_answer": "a1 b2", "feedback_rating": "up"}, INVALID_REPLY),
        ({"feedback_answer": "a" * 65, "feedback_rating": "up"}, INVALID_REPLY),
        ({"feedback_rating": "up"}, INVALID_REPLY),
        # The topic comes from the rated message in the conversation, never from the visitor.
        ({"feedback_answer": "a1", "feedback_rating": "up", "feedback_topic": "ask_salary"}, INVALID_REPLY),
    ],
)
def test_the_payload_is_checked(fields: Dict[str, Any], expected: Any) -> None:
    assert read_feedback(fields) == expected


def test_every_reason_has_a_french_label_and_the_widget_shows_the_same() -> None:
    assert list(REASONS) == ["pas_ma_question", "pas_clair", "incomplet", "errone"]
    labels = (ROOT / "web" / "labels.js").read_text(encoding="utf-8")
    block = re.search(r"feedbackReasons:\s*\[(.*?)\]", labels, re.S)
    assert block, "web/labels.js has no feedbackReasons"
    shown = re.findall(r'\{\s*id:\s*"([a-z_]+)",\s*label:\s*"([^"]+)"\s*\}', block.group(1))
    assert [(i, label.lower()) for i, label in shown] == [(i, label.lower()) for i, label in REASONS.items()]


@pytest.mark.parametrize(
    "text, refusal",
    [
        ("/ask_cost", None),
        ('/ask_financing{"financing": "cpf"}', None),
        ("/session_start", None),
        (payload(feedback_answer="a1", feedback_rating="up"), None),
        (payload(feedback_answer="a1", feedback_rating="down", feedback_reason="errone", feedback_comment="c'est faux"), None),
        ('/give_feedback{"feedback_answer": "a1", "feedback_rating": "up"', MALFORMED_COMMAND_REPLY),  # JSON cut short
        ('/give_feedback{"feedback_answer": "a1"} et puis', MALFORMED_COMMAND_REPLY),  # text after the JSON
        ('/give_feedback{\n"feedback_answer": "a1", "feedback_rating": "up"}', MALFORMED_COMMAND_REPLY),  # a line break
        ('/give_feedback["a1", "up"]', MALFORMED_COMMAND_REPLY),
        ('/ask_financing{"financing": {"id": "cpf"}}', MALFORMED_COMMAND_REPLY),
        ('/ask_cost{"nom": "Dupont"}', MALFORMED_COMMAND_REPLY),  # not one of the model's entities
        ("/restart_everything", UNKNOWN_COMMAND_REPLY),
        ("/etc/passwd", MALFORMED_COMMAND_REPLY),
        ("/ bonjour", MALFORMED_COMMAND_REPLY),
        (payload(feedback_answer="a1", feedback_rating="down", feedback_comment="x" * 301), COMMENT_TOO_LONG_REPLY),
        (payload(feedback_answer="a1", feedback_rating="bof"), INVALID_REPLY),
    ],
)
def test_payload_messages_are_let_through_only_when_rasa_can_read_them(text: str, refusal: Any) -> None:
    assert command_refusal(text, INTENTS, ENTITIES) == refusal


def test_without_the_models_vocabulary_only_the_form_is_checked() -> None:
    assert command_refusal("/restart_everything") is None
    assert command_refusal('/ask_cost{"nom": "Dupont"}') is None
    assert command_refusal("/ask_cost{") == MALFORMED_COMMAND_REPLY
    assert parse_command('/ask_financing{"financing": ["cpf", "region"]}') is not None


# ---- which messages can be rated ------------------------------------------------------------


def test_answers_and_recommendations_carry_a_fresh_id_and_their_topic() -> None:
    dispatcher = CollectingDispatcher()
    send(dispatcher, Reply(text="Réponse", custom={"type": "answer", "topic": "ask_cost", "facet": "", "sources": []}))
    send(dispatcher, Reply(text="Réponse", custom={"type": "answer", "topic": "ask_cost", "facet": "", "sources": []}))
    send(dispatcher, Reply(text="Je vous conseille…", custom={"type": "pathway_recommendation", "top": {}}))
    send(dispatcher, Reply(text="Bonjour"))
    first, second, card, hello = (m.get("custom") for m in dispatcher.messages)
    assert first["feedback"]["topic"] == "ask_cost" and card["feedback"]["topic"] == "request_pathway"
    assert first["feedback"]["answer_id"] != second["feedback"]["answer_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first["feedback"]["answer_id"])
    assert not hello


# ---- the action, on tracker fixtures --------------------------------------------------------


def rated_answer(answer_id: str = "a1", topic: str = "ask_salary") -> Dict[str, Any]:
    custom = {"type": "answer", "topic": topic, "feedback": {"answer_id": answer_id, "topic": topic}}
    return {"event": "bot", "text": "Le salaire…", "data": {"custom": custom}}


def feedback_tracker(text: str, events: List[Dict[str, Any]]) -> Tracker:
    message = {"text": text, "intent": {"name": "give_feedback", "confidence": 1.0}, "entities": []}
    return Tracker(
        sender_id="unit-test",
        slots={},
        latest_message=message,
        events=events + [{"event": "user", "text": text, "parse_data": message}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def record(text: str, events: List[Dict[str, Any]]) -> tuple:
    dispatcher = CollectingDispatcher()
    out = asyncio.run(ActionRecordFeedback().run(dispatcher, feedback_tracker(text, events), {}))
    return dispatcher.messages, out


def test_a_rating_is_stored_tied_to_the_rated_message_then_reverted() -> None:
    text = payload(feedback_answer="a1", feedback_rating="down", feedback_reason="incomplet", feedback_comment="et les primes ?")
    messages, events = record(text, [rated_answer("a1", "ask_salary"), rated_answer("b2", "ask_cost")])
    assert events == [
        SlotSet(
            "feedback",
            {"answer_id": "a1", "topic": "ask_salary", "rating": "down", "reason": "incomplet", "comment": "et les primes ?"},
        ),
        UserUtteranceReverted(),
    ]
    assert messages[0]["text"] == THANKS_DOWN
    assert messages[0]["custom"] == {"type": "feedback_ack", "answer_id": "a1", "recorded": True}


def test_a_rating_of_no_message_of_the_conversation_is_refused() -> None:
    messages, events = record(payload(feedback_answer="zz", feedback_rating="up"), [rated_answer("a1")])
    assert events == [UserUtteranceReverted()]
    assert messages[0]["text"] == UNKNOWN_ANSWER_REPLY and messages[0]["custom"]["recorded"] is False


def test_an_answer_is_rated_once() -> None:
    earlier = {"event": "slot", "name": "feedback", "value": {"answer_id": "a1", "topic": "ask_salary", "rating": "up"}}
    messages, events = record(payload(feedback_answer="a1", feedback_rating="down"), [rated_answer("a1"), earlier])
    assert events == [UserUtteranceReverted()] and messages[0]["text"] == ALREADY_RATED_REPLY
    assert messages[0]["custom"] == {"type": "feedback_ack", "answer_id": "a1", "recorded": True}  # the widget shows it as rated


def test_a_malformed_rating_reaching_the_action_is_refused_too() -> None:
    messages, events = record('/give_feedback{"feedback_answer": "a1"', [rated_answer("a1")])
    assert events == [UserUtteranceReverted()] and messages[0]["text"] == INVALID_REPLY


# ---- the components -------------------------------------------------------------------------


def test_a_typed_message_never_reads_as_a_rating() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from components.payload_only_intents import PayloadOnlyIntents

    typed = Message(data={"text": "feedback"})
    typed.set("intent", {"name": "give_feedback", "confidence": 0.6})
    typed.set("intent_ranking", [{"name": "give_feedback", "confidence": 0.6}, {"name": "help", "confidence": 0.3}])
    sent = Message(data={"text": '/give_feedback{"feedback_answer": "a1"}'})
    sent.set("intent", {"name": "give_feedback", "confidence": 1.0})
    PayloadOnlyIntents().process([typed, sent])
    assert typed.get("intent") == {"name": "help", "confidence": 0.3}
    assert [r["name"] for r in typed.get("intent_ranking")] == ["help"]
    assert sent.get("intent")["name"] == "give_feedback"


def test_the_interview_policy_lets_a_rating_go(tmp_path: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
    from rasa.shared.core.events import SlotSet as CoreSlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from components.form_answer_policy import FormAnswerPolicy

    domain = Domain.load(str(ROOT / "domain.yml"))
    policy = FormAnswerPolicy(
        FormAnswerPolicy.get_default_config(), LocalModelStorage(tmp_path), Resource("form_answer"), ExecutionContext(GraphSchema({}))
    )
    form = domain.index_for_action("orientation_form")

    def predicted(text: str, intent: str, confidence: float) -> float:
        tracker = DialogueStateTracker.from_events(
            "unit-test",
            [
                ActionExecuted("action_listen"),
                ActiveLoop("orientation_form"),
                CoreSlotSet("requested_slot", "age"),
                ActionExecuted("action_listen"),
                UserUttered(text, {"name": intent, "confidence": confidence}),
            ],
        )
        return policy.predict_action_probabilities(tracker, domain).probabilities[form]

    assert predicted("16", "ask_salary", 0.4) == 1.0
    assert predicted('/give_feedback{"feedback_answer": "a1", "feedback_rating": "up"}', "give_feedback", 1.0) == 0.0


# ---- retention: ratings and hand-off requests are conversation events -----------------------


def test_forget_conversations_deletes_ratings_and_hand_off_requests(tmp_path: Path) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.events import SlotSet as CoreSlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_overrides.stores.tracker_store import SQLTrackerStoreWithoutRecount

    db = tmp_path / "conversations.db"
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLTrackerStoreWithoutRecount(domain=domain, dialect="sqlite", db=str(db))
    old = time.time() - 40 * 86400
    request = {"request_id": "r1", "contact_kind": "phone", "contact": "06 12 34 56 78", "recap": [], "recommendation": None}

    async def fill() -> None:
        for sender, when in (("old-visitor", old), ("named-visitor", time.time()), ("recent-visitor", time.time())):
            tracker = DialogueStateTracker.from_events(
                sender,
                [
                    ActionExecuted("action_listen", timestamp=when),
                    UserUttered("06 12 34 56 78", {"name": "inform", "confidence": 1.0}, timestamp=when),
                    CoreSlotSet("handoff_request", request, timestamp=when),
                    CoreSlotSet("feedback", {"answer_id": "a1", "rating": "up"}, timestamp=when),
                ],
            )
            await store.save(tracker)

    asyncio.run(fill())
    url = f"sqlite:///{db}"
    script = [str(VENV_BIN / "python"), str(ROOT / "scripts" / "forget_conversations.py")]
    env = {"TRACKER_STORE_URL": url, "PATH": "/usr/bin:/bin"}
    for args in (["--older-than-days", "30"], ["named-visitor"]):
        done = subprocess.run(script + args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT sender_id, data FROM events")).fetchall()
    assert {sender for sender, _ in rows} == {"recent-visitor"}
    assert not any("06 12 34 56 78" in data for sender, data in rows if sender != "recent-visitor")
