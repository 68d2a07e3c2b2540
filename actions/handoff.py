"""The hand-off to the careers service: the form that asks consent and a contact, and the request.

After the public contacts (action_request_human), ``handoff_form`` explains what will be sent
and asks the visitor's consent, then an e-mail address or a phone number; an answer it cannot
read is asked again once (then the hand-off is dropped, politely), « non » or « annuler » stops
it. ``action_submit_handoff`` stores the request as the ``handoff_request`` slot's event, e-mails
it to the careers service (bot/handoff.py; nothing fails without SMTP) and tells the visitor
when to expect an answer. The reading and the wording are in bot/handoff.py.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import knowledge_base, latest_intent, send
from bot.cues import is_question
from bot.feedback import FEEDBACK_INTENT
from bot.handoff import (
    CANCELLED,
    CONSENT_SLOT,
    CONTACT_SLOT,
    FORM_SLOTS,
    INTERRUPTING_INTENTS,
    INVALID,
    MALFORMED,
    NO_INTENTS,
    REQUEST_SLOT,
    UNCLEAR,
    Contact,
    Conversation,
    HandoffRequest,
    cancels,
    consent_question,
    contact_question,
    last_questions,
    notify,
    outcome,
    read_consent,
    read_contact,
    settings,
)
from bot.interview import profile_of
from bot.parsing import parse_yes_no
from bot.recommender import recap_items
from bot.safety import is_personal_health_question

FORM = "handoff_form"
FORMS = ("orientation_form", FORM)
REASKED = "reasked_slot"
HUMAN_INTENT = "request_human"
MEDICAL_INTENT = "ask_medical_advice"


def _user_turns(tracker: Tracker) -> List[Tuple[str, str]]:
    """The visitor's messages and their intents, in order; an answer to a form's question (the
    next action is the form: « l'administratif » may read as a question) has no intent."""
    turns: List[Tuple[str, str]] = []
    answer_pending = False
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            turns.append((str(event.get("text") or ""), str(intent)))
            answer_pending = True
        elif kind == "action" and answer_pending and event.get("name") != "action_listen":
            answer_pending = False
            if event.get("name") in FORMS:
                turns[-1] = (turns[-1][0], "")
    return turns


def conversation_of(tracker: Tracker) -> Conversation:
    """What the careers service would receive: the interview's answers, the pathway recommended
    (if the recommendation stands), the visitor's questions before they asked for an adviser."""
    turns = _user_turns(tracker)
    last_request = max((i for i, (_, intent) in enumerate(turns) if intent == HUMAN_INTENT), default=len(turns))
    recommendation: Optional[str] = None
    if tracker.get_slot("recommendation_given"):
        for event in reversed(tracker.events):
            custom = (event.get("data") or {}).get("custom") if event.get("event") == "bot" else None
            if isinstance(custom, dict) and custom.get("type") == "pathway_recommendation":
                recommendation = str((custom.get("top") or {}).get("name") or "") or None
                break
    return Conversation(
        recap=tuple(recap_items(profile_of(tracker.slots), knowledge_base())),
        recommendation=recommendation,
        last_questions=last_questions(turns[:last_request]),
    )


def interview_paused(tracker: Tracker) -> bool:
    """An interview begun, not finished, and not running: the hand-off took its place."""
    return bool(tracker.get_slot("interview_started")) and not tracker.get_slot("recommendation_given")


def reset_events(tracker: Tracker) -> List[EventType]:
    """A hand-off starts afresh: no consent, no contact, no question being asked again."""
    events: List[EventType] = [SlotSet(slot, None) for slot in FORM_SLOTS]
    if tracker.get_slot(REASKED) in FORM_SLOTS:
        events.append(SlotSet(REASKED, None))
    return events


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> Text:
        return f"validate_{FORM}"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # The contact is asked only after a yes.
        return [CONSENT_SLOT, CONTACT_SLOT] if tracker.slots.get(CONSENT_SLOT) is True else [CONSENT_SLOT]

    @staticmethod
    def _asked(tracker: Tracker, slot: str) -> bool:
        # A rating is no answer: the form lets it go (rejects), and the feedback rule takes it.
        return tracker.get_slot("requested_slot") == slot and latest_intent(tracker) != FEEDBACK_INTENT

    async def extract_handoff_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self._asked(tracker, CONSENT_SLOT):
            return {}
        consent = read_consent(tracker.latest_message.get("text") or "", latest_intent(tracker))
        # None: a question or a request of its own, answered before the consent is asked again.
        return {} if consent is None else {CONSENT_SLOT: consent}

    async def validate_handoff_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if isinstance(value, bool):
            return {CONSENT_SLOT: value, REASKED: None}
        if value == UNCLEAR and tracker.get_slot(REASKED) != CONSENT_SLOT:
            return {CONSENT_SLOT: None, REASKED: CONSENT_SLOT}
        # Unclear twice: no consent, nothing is sent.
        return {CONSENT_SLOT: False, REASKED: None}

    async def extract_handoff_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self._asked(tracker, CONTACT_SLOT):
            return {}
        text = tracker.latest_message.get("text") or ""
        intent = latest_intent(tracker)
        if intent == MEDICAL_INTENT or is_personal_health_question(text):
            return {}  # health first: the doctor, 15 and 112, then the contact is asked again
        contact = read_contact(text)
        if contact is not None:
            return {CONTACT_SLOT: contact.as_slot()}
        if intent in NO_INTENTS or cancels(text) or parse_yes_no(text) is False:
            return {CONTACT_SLOT: CANCELLED}
        if intent in INTERRUPTING_INTENTS and is_question(text):
            return {}  # a question: answered, then the contact asked again
        return {CONTACT_SLOT: MALFORMED}

    async def validate_handoff_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if Contact.from_slot(value) is not None or value == CANCELLED:
            return {CONTACT_SLOT: value, REASKED: None}
        if tracker.get_slot(REASKED) != CONTACT_SLOT:
            return {CONTACT_SLOT: None, REASKED: CONTACT_SLOT}
        # Malformed twice: the request is dropped.
        return {CONTACT_SLOT: INVALID, REASKED: None}


class ActionAskHandoffConsent(Action):
    """What will be sent, and the request for consent."""

    def name(self) -> Text:
        return f"action_ask_{CONSENT_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        again = tracker.get_slot(REASKED) == CONSENT_SLOT
        send(dispatcher, consent_question(conversation_of(tracker), settings().reply_time, again=again))
        return []


class ActionAskHandoffContact(Action):
    def name(self) -> Text:
        return f"action_ask_{CONTACT_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        send(dispatcher, contact_question(again=tracker.get_slot(REASKED) == CONTACT_SLOT))
        return []


class ActionSubmitHandoff(Action):
    """Stores and e-mails the request when the visitor consented and gave a contact, then says
    what happened; the form's answers are cleared (the request keeps what was sent)."""

    def name(self) -> Text:
        return "action_submit_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        reply_time = settings().reply_time
        consented = tracker.get_slot(CONSENT_SLOT) is True
        contact_slot = tracker.get_slot(CONTACT_SLOT) if consented else None
        contact = Contact.from_slot(contact_slot)
        events: List[EventType] = []
        if contact is not None:
            request = HandoffRequest.new(contact, conversation_of(tracker))
            events.append(SlotSet(REQUEST_SLOT, request.as_slot()))
            # smtplib blocks: in a thread, so that the action server keeps answering meanwhile.
            await asyncio.get_running_loop().run_in_executor(None, notify, request, reply_time, tracker.sender_id)
        send(dispatcher, outcome(contact_slot, reply_time, interview_paused(tracker)))
        return events + reset_events(tracker)
