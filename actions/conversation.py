"""Conversation actions: welcome, messages placed by the context or clarified, human adviser."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, FollowupAction, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, send
from actions.handoff import reset_events
from actions.interview import FORM
from actions.knowledge import answer_about_a_neighbour, answer_in_context, clarify
from actions.profile import offered_the_interview
from bot.conversation import human_contact, message
from bot.feedback import FEEDBACK_SLOT
from bot.handoff import FORM_SLOTS, REQUEST_SLOT

# The intents action_follow_context handles that have a usual reply (bot/messages.yml).
USUAL_REPLY = ("out_of_scope", "bot_challenge", "help", "affirm", "deny")
# Not carried over to a new session: records the dashboard reads once (ratings, hand-off requests)
# and the hand-off's own answers.
NOT_CARRIED_OVER = (FEEDBACK_SLOT, REQUEST_SLOT) + FORM_SLOTS


class ActionSessionStart(Action):
    """Starts a session with the welcome message, keeping the slots of the last session."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        # carry_over_slots_to_new_session: copy the slots explicitly, as Rasa's default action does.
        events.extend(e for e in tracker.events if e.get("event") == "slot" and e.get("name") not in NOT_CARRIED_OVER)
        if not tracker.events or not any(e.get("event") == "user" for e in tracker.events):
            send(dispatcher, message("welcome"))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionFollowContext(Action):
    """A message the NLU could not place (or placed where follow-ups often land by mistake:
    out of scope, "are you a robot?", help, yes, no) is answered in the context of the previous answer when
    it names one of its facts ("y a un plafond ?" after the CPF). Otherwise the usual reply:
    the likely topics for a low-confidence message, rather than a guess."""

    def name(self) -> Text:
        return "action_follow_context"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        if intent == "affirm" and offered_the_interview(tracker):
            return [FollowupAction(FORM)]
        if intent == "out_of_scope":
            about_a_neighbour = answer_about_a_neighbour(dispatcher, tracker)
            if about_a_neighbour is not None:
                return about_a_neighbour
        answered = answer_in_context(dispatcher, tracker)
        if answered is not None:
            return answered
        if intent in USUAL_REPLY:
            send(dispatcher, message(intent))
            return []
        return clarify(dispatcher, tracker)


class ActionRequestHuman(Action):
    """The public contacts; the hand-off form follows (data/rules/handoff.yml), afresh."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        send(dispatcher, human_contact(closing=False))
        return reset_events(tracker)
