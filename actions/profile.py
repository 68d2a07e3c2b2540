"""The person's situation said outside the interview: kept, and the interview offered."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import knowledge_base, send
from bot.conversation import message
from bot.interview import checked, correction_note, profile_of, read_answer
from bot.recommender import format_recommendation, recommend
from bot.vocabulary import normalize


def remember_profile(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The person's situation said without being asked: kept; the interview offered, or the
    recommendation updated when one was given."""
    kb = knowledge_base()
    text = tracker.latest_message.get("text") or ""
    updates = {slot: value for slot, value in read_answer(text, None).items() if checked(kb, slot, value) is not None}
    events: List[EventType] = [SlotSet(slot, value) for slot, value in updates.items()]
    if tracker.get_slot("recommendation_given") and updates:
        note = correction_note(kb, updates, tracker.slots, None)
        if note:
            dispatcher.utter_message(text=note)
        profile = profile_of({**tracker.slots, **updates})
        send(dispatcher, format_recommendation(profile, recommend(profile, kb), kb))
        return events
    send(dispatcher, message("offer_interview"))
    return events


def offered_the_interview(tracker: Tracker) -> bool:
    """Whether the bot's last message offered the interview (a « oui » then accepts it)."""
    said = next((e.get("text") for e in reversed(tracker.events) if e.get("event") == "bot"), None)
    return normalize(said or "") == normalize(message("offer_interview").text)
