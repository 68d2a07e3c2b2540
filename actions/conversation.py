"""Conversation actions: welcome, clarification on low confidence, human adviser."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import knowledge_base, send
from bot.conversation import clarification, human_contact


class ActionSessionStart(Action):
    """Starts a session with the welcome message, keeping the slots of the last session."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        # carry_over_slots_to_new_session: copy the slots explicitly, as Rasa's default action does.
        events.extend(e for e in tracker.events if e.get("event") == "slot")
        if not tracker.events or not any(e.get("event") == "user" for e in tracker.events):
            dispatcher.utter_message(response="utter_welcome")
        events.append(ActionExecuted("action_listen"))
        return events


class ActionClarify(Action):
    """Low NLU confidence: offers the likely topics instead of guessing."""

    def name(self) -> Text:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        send(dispatcher, clarification(knowledge_base(), [r.get("name", "") for r in ranking]))
        return []


class ActionRequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        send(dispatcher, human_contact())
        return []
