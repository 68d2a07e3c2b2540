"""Each action, run with rasa_sdk's Tracker and CollectingDispatcher on JSON tracker fixtures."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionFollowContext, ActionRequestHuman, ActionSessionStart
from actions.knowledge import ActionAnswerQuestion

FIXTURES = Path(__file__).parent / "fixtures" / "trackers"


def load_tracker(name: str, **slots: Any) -> Tracker:
    state = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    state["slots"].update(slots)
    return Tracker.from_dict(state)


def run(action, tracker: Tracker) -> tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, {})
    events = asyncio.run(result) if asyncio.iscoroutine(result) else result
    return dispatcher.messages, events


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_cost_of_private_course() -> None:
    messages, events = run(ActionAnswerQuestion(), load_tracker("ask_cost_formation_privee"))
    text = plain(messages[0]["text"])
    assert "5 000" in text and "10 000" in text
    assert messages[0]["buttons"]
    assert slot_events(events) == {
        "last_topic": "ask_cost",
        "formation_type": "formation_privee",
        "term": None,
        "financing_scheme": None,
        "last_facet": None,
    }
    assert messages[0]["custom"]["type"] == "answer" and messages[0]["custom"]["sources"]


def test_follow_up_keeps_the_cost_topic() -> None:
    tracker = load_tracker("followup_alternance", last_topic="ask_cost", formation_type="formation_continue")
    messages, events = run(ActionAnswerQuestion(), tracker)
    assert "employeur" in messages[0]["text"]
    assert slot_events(events)["last_topic"] == "ask_cost"
    assert slot_events(events)["formation_type"] == "alternance"


def test_follow_up_keeps_the_duration_topic() -> None:
    tracker = load_tracker("followup_formation_continue", last_topic="ask_duration", formation_type="alternance")
    messages, _ = run(ActionAnswerQuestion(), tracker)
    assert "12 mois" in messages[0]["text"] and "279" in messages[0]["text"]


def test_definition_of_dmp() -> None:
    messages, events = run(ActionAnswerQuestion(), load_tracker("ask_definition_dmp"))
    assert messages[0]["text"].startswith("DMP")
    assert slot_events(events)["term"] == "dmp"


def test_clarify_offers_the_likely_topics() -> None:
    messages, _ = run(ActionFollowContext(), load_tracker("nlu_fallback"))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:2] == ["/ask_cost", "/ask_financing"]
    assert "/help" in payloads


def test_request_human_reads_the_configured_contact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    contact = tmp_path / "contact.yml"
    contact.write_text(
        "intro: 'Notre équipe :'\ncontacts:\n  - {name: Service orientation, detail: 'du lundi au vendredi', url: 'tel:+33100000000'}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CONTACT_FILE", str(contact))
    messages, _ = run(ActionRequestHuman(), load_tracker("request_human"))
    assert "Service orientation" in messages[0]["text"] and "tel:+33100000000" in messages[0]["text"]


def test_session_start_welcomes_a_new_visitor() -> None:
    messages, events = run(ActionSessionStart(), Tracker.from_dict({"sender_id": "new", "slots": {}, "events": [], "latest_message": {}}))
    assert "assistant virtuel" in messages[0]["text"]
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
