"""The guided orientation interview: form validation, profile memory, recommendation.

The parsing of answers and the recommender live in bot/parsing.py and
bot/recommender.py; these actions only move values between Rasa and them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import knowledge_base, latest_intent, send
from bot.answers import KNOWLEDGE_INTENTS
from bot.interview import PROFILE_SLOTS, answer_updates, correction_note
from bot.recommender import Profile, format_recommendation, recommend

FORM = "orientation_form"
# Questions the person may ask in the middle of the interview; the form resumes after the answer.
INTERRUPTIONS = set(KNOWLEDGE_INTENTS) | {"ask_followup", "help", "bot_challenge", "request_human", "ask_medical_advice"}
# Messages the form must not read as answers: rejecting them lets the rules act (answer, or stop).
NOT_ANSWERS = INTERRUPTIONS | {"stop_interview", "restart_interview", "resume_interview"}


def _situation_entity(tracker: Tracker) -> Optional[str]:
    values = list(tracker.get_latest_entity_values("situation"))
    return str(values[0]) if values else None


def _profile_events(updates: Dict[str, Any]) -> List[EventType]:
    events: List[EventType] = [SlotSet(slot, value) for slot, value in updates.items()]
    if updates:
        events.append(SlotSet("profile_known", True))
    return events


class ValidateOrientationForm(FormValidationAction):
    """Fills every profile slot a message mentions, and re-asks once with an example."""

    def name(self) -> Text:
        return f"validate_{FORM}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        text = tracker.latest_message.get("text") or ""
        updates = answer_updates(text, requested, _situation_entity(tracker))
        intent = latest_intent(tracker)
        if intent in NOT_ANSWERS and (intent not in INTERRUPTIONS or requested not in updates):
            # Nothing answered: reject, so that the interruption rules answer the question.
            return []
        note = correction_note(updates, tracker.slots, requested)
        if note:
            dispatcher.utter_message(text=note)
        events = _profile_events(updates) + [SlotSet("interview_started", True)]
        if requested and requested not in updates:
            if not updates and tracker.get_slot("reasked_slot") != requested:
                dispatcher.utter_message(response=f"utter_hint_{requested}")
                events.append(SlotSet("reasked_slot", requested))
            elif not updates:
                # Second miss on the same question: note "unknown" and move on rather than loop.
                dispatcher.utter_message(response="utter_noted_unknown")
                events += _profile_events({requested: "unknown"})
        return events


class ActionRememberProfile(Action):
    """Facts given outside the interview: kept, then either the offer of the interview or an updated recommendation."""

    def name(self) -> Text:
        return "action_remember_profile"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        updates = answer_updates(text, None, _situation_entity(tracker))
        events = _profile_events(updates)
        if tracker.get_slot("recommendation_given") and updates:
            slots = {**tracker.slots, **updates}
            note = correction_note(updates, tracker.slots, None)
            if note:
                dispatcher.utter_message(text=note)
            profile = Profile.from_slots(slots)
            send(dispatcher, format_recommendation(profile, recommend(profile, knowledge_base()), knowledge_base()))
            return events
        dispatcher.utter_message(response="utter_offer_interview")
        return events


class ActionRecommendPathway(Action):
    def name(self) -> Text:
        return "action_recommend_pathway"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile = Profile.from_slots(tracker.slots)
        send(dispatcher, format_recommendation(profile, recommend(profile, knowledge_base()), knowledge_base()))
        return [SlotSet("recommendation_given", True), SlotSet("reasked_slot", None)]


class ActionResetProfile(Action):
    """Restart: forget the answers of the interview (and nothing else)."""

    def name(self) -> Text:
        return "action_reset_profile"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_restart_interview")
        slots = PROFILE_SLOTS + ("profile_known", "interview_started", "recommendation_given", "reasked_slot")
        return [SlotSet(slot, None) for slot in slots]
