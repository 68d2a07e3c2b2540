"""The guided orientation interview: the form's extraction and validation hooks, the profile
given outside the interview, the recommendation.

The answer to the question asked is mapped in domain.yml (from_text, unless the message is a
question or a request of its own); every other profile value a message gives is read by the
form's extract_<slot> methods; validate_<slot> keeps possible values and asks an unreadable
answer again once, then records it as unknown. The reading itself is in bot/parsing.py
(through bot/interview.py), the recommendation in bot/recommender.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import knowledge_base, latest_intent, send
from actions.knowledge import answer_unplaced
from actions.profile import remember_profile
from bot.conversation import interview_intro, message, question
from bot.interview import (
    ASKED_SLOTS,
    NOTHING_YET,
    PROFILE_SLOTS,
    Turn,
    answers_to_change,
    applied,
    asked_slots,
    asks_something,
    checked,
    correction_note,
    history_of,
    is_stuck,
    news,
    pending_since,
    profile_of,
    progress,
    read_answer,
    read_turn,
)
from bot.parsing import UNKNOWN
from bot.recommender import format_recommendation, recommend
from bot.reply import Reply

FORM = "orientation_form"
# Slots the interview keeps beside the answers (domain.yml).
INTERVIEW_STATE = ("reasked_slot", "noted_unknown", "interview_started", "recommendation_given", "interview_introduced")


def read_latest(tracker: Tracker) -> Turn:
    """The latest message read once as an answer to the pending question (bot/interview.py)."""
    requested = tracker.get_slot("requested_slot")
    text = tracker.latest_message.get("text") or ""
    intent = tracker.latest_message.get("intent") or {}
    stuck = is_stuck(pending_since(history_of(tracker.events), requested), text)
    shown = bool(requested) and tracker.get_slot("reasked_slot") == requested
    return read_turn(knowledge_base(), text, requested, latest_intent(tracker), float(intent.get("confidence") or 0.0), stuck, shown)


class AskedOnceAgainFormValidation(FormValidationAction, ABC):
    """Form validation where the message is read as an answer first; an answer that cannot be
    read is asked again once (with an example and a button to skip it), then recorded as unknown.
    A correction of an earlier answer is confirmed and never counts as a failed answer."""

    @abstractmethod
    def name(self) -> Text:
        """The validation action's name, validate_<form>."""

    def read(self, slot: str, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """What the latest message says for ``slot``, if the form takes it as an answer (or if a
        question came with an answer: the question has had its own reply)."""
        turn = read_latest(tracker)
        if not (turn.goes_to_the_form() or turn.asks):
            return {}
        values = applied(turn, tracker.slots)
        if slot == turn.requested and slot not in values and turn.goes_to_the_form():
            # An attempt that cannot be read (or that only says again what is known): kept as
            # typed, so that validate_<slot> asks again, then notes it unknown. One that changes
            # another answer is no failed attempt (get_extraction_events).
            return {slot: turn.text}
        return {slot: values[slot]} if slot in values else {}

    def kept(self, slot: str, value: Any, tracker: Tracker) -> Dict[Text, Any]:
        good = checked(knowledge_base(), slot, value)
        if good is not None:
            return {
                slot: good,
                "interview_started": True,
                "noted_unknown": False,
                **({"reasked_slot": None} if tracker.get_slot("reasked_slot") == slot else {}),
            }
        if value is None:
            # A correction, or another answer (get_extraction_events): the question again, no failure counted.
            return {slot: None, "interview_started": True}
        if tracker.get_slot("reasked_slot") != slot:
            return {slot: None, "reasked_slot": slot, "noted_unknown": False, "interview_started": True}
        # A second answer that cannot be read: noted as unknown rather than asked forever.
        return {slot: UNKNOWN, "reasked_slot": None, "noted_unknown": True, "interview_started": True}

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        before = dict(tracker.slots)
        turn = read_latest(tracker)
        # Read against the answers known before this message (the SDK updates them slot by slot).
        changes_another = bool(news(turn, before)) and turn.answer is None and not turn.stuck
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if changes_another and turn.requested and before.get("reasked_slot") != turn.requested:
            events.append(SlotSet(turn.requested, None))
        # Never asked, so not a required slot the SDK extracts: read here when the person says it.
        events += [SlotSet(slot, value) for slot, value in self.read("wants_alternance", tracker, domain).items()]
        updates = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        after = {**before, **updates}
        if after.get("background") is None and "background" not in asked_slots(after):
            # A pupil or a minor: what they already have is not asked.
            events.append(SlotSet("background", NOTHING_YET))
        note = correction_note(knowledge_base(), updates, before, tracker.get_slot("requested_slot"))
        if note:
            dispatcher.utter_message(text=note)
        return events

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        # The SDK keeps only the form's required slots; a value said without being asked stays too.
        return events + [SlotSet(slot, value) for slot, value in self.read("wants_alternance", tracker, domain).items()]


class ValidateOrientationForm(AskedOnceAgainFormValidation):
    def name(self) -> Text:
        return f"validate_{FORM}"

    async def extract_situation(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("situation", tracker, domain)

    async def extract_age(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("age", tracker, domain)

    async def extract_diploma(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("diploma", tracker, domain)

    async def extract_background(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("background", tracker, domain)

    async def extract_budget_eur(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("budget_eur", tracker, domain)

    async def extract_max_duration_months(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("max_duration_months", tracker, domain)

    async def extract_must_be_paid(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("must_be_paid", tracker, domain)

    async def extract_financing(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("financing", tracker, domain)

    async def extract_interest(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.read("interest", tracker, domain)

    async def validate_situation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.kept("situation", value, tracker)

    async def validate_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.kept("age", value, tracker)

    async def validate_diploma(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self.kept("diploma", value, tracker)

    async def validate_background(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.kept("background", value, tracker)

    async def validate_budget_eur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.kept("budget_eur", value, tracker)

    async def validate_max_duration_months(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.kept("max_duration_months", value, tracker)

    async def validate_must_be_paid(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.kept("must_be_paid", value, tracker)

    async def validate_financing(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.kept("financing", value, tracker)

    async def validate_interest(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.kept("interest", value, tracker)


class ActionAskQuestion(Action, ABC):
    """Asks the interview's question for its slot (bot/messages.yml): again with an example after
    an answer that could not be read, or after acknowledging an answer noted as unknown."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = []
        if not tracker.get_slot("interview_introduced"):
            asked = asked_slots(tracker.slots)
            left = [slot for slot in asked if tracker.get_slot(slot) is None]
            send(dispatcher, interview_intro(len(left), len(asked)))
            events.append(SlotSet("interview_introduced", True))
        # Asked again with its choices and a button to skip it: after an answer that could not be
        # read, or when the question has waited twice (the same reply never comes a third time).
        pending = tracker.get_slot("requested_slot") == self.slot  # (a new question: the form sets it after asking)
        stuck = pending and read_latest(tracker).stuck
        again = tracker.get_slot("reasked_slot") == self.slot or stuck
        number, count = progress(tracker.slots, self.slot)
        send(
            dispatcher, question(self.slot, again=again, after_unknown=bool(tracker.get_slot("noted_unknown")), number=number, count=count)
        )
        # Its choices shown: the next message the form cannot read notes it unknown (kept()).
        return events + ([SlotSet("reasked_slot", self.slot)] if stuck else [])


# One asking action per question of the form (rasa_sdk registers each concrete subclass).
ASKING_ACTIONS = [type(f"ActionAsk_{slot}", (ActionAskQuestion,), {"slot": slot, "__module__": __name__}) for slot in ASKED_SLOTS]


class ActionRememberProfile(Action):
    """Facts given outside the interview: kept, then either the offer of the interview or an updated recommendation."""

    def name(self) -> Text:
        return "action_remember_profile"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if asks_something(text) and not read_answer(text, None):
            # Taken for a statement by the NLU (« cpf cb par an »), it asks: answered as a question.
            return answer_unplaced(dispatcher, tracker)
        return remember_profile(dispatcher, tracker)


class ActionChangeAnswer(Action):
    """« Modifier mes réponses »: without a slot, the answers given as buttons; with one, that
    answer forgotten and the interview run again, which asks it alone, then recommends anew."""

    def name(self) -> Text:
        return "action_change_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slot = next(tracker.get_latest_entity_values("profile_slot"), None)
        if slot not in ASKED_SLOTS:
            listed = message("change_answer")
            send(dispatcher, Reply(text=listed.text, buttons=tuple(answers_to_change(knowledge_base(), tracker.slots)) + listed.buttons))
            return []
        return [SlotSet(slot, None), SlotSet("reasked_slot", None), SlotSet("noted_unknown", False), FollowupAction(FORM)]


class ActionRecommendPathway(Action):
    def name(self) -> Text:
        return "action_recommend_pathway"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        kb = knowledge_base()
        profile = profile_of(tracker.slots)
        send(dispatcher, format_recommendation(profile, recommend(profile, kb), kb))
        return [SlotSet("recommendation_given", True), SlotSet("reasked_slot", None), SlotSet("noted_unknown", False)]


class ActionResetProfile(Action):
    """Restart: forget the answers of the interview (and nothing else)."""

    def name(self) -> Text:
        return "action_reset_profile"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        send(dispatcher, message("restart_interview"))
        return [SlotSet(slot, None) for slot in PROFILE_SLOTS + INTERVIEW_STATE]
