"""Shared helpers of the actions: one knowledge base per process, replies to dispatcher."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.feedback import rateable
from bot.knowledge import KnowledgeBase, load_knowledge_base
from bot.reply import Reply


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    # Read once per process; a broken file fails the first action with the file and field named.
    return load_knowledge_base()


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """One message: the text, its buttons and its custom payload (sources, pathway card) together.
    A knowledge answer or a recommendation gets a fresh id, by which the visitor can rate it."""
    reply = rateable(reply, uuid.uuid4().hex)
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    dispatcher.utter_message(text=reply.text, buttons=buttons or None, json_message=reply.custom)


def first_entity(tracker: Tracker, name: str) -> Optional[str]:
    values: List[Any] = list(tracker.get_latest_entity_values(name))
    return str(values[0]) if values else None


def distinct_entities(tracker: Tracker, name: str) -> List[str]:
    return list(dict.fromkeys(str(v) for v in tracker.get_latest_entity_values(name)))


def latest_intent(tracker: Tracker) -> str:
    intent: Dict[str, Any] = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or "")
