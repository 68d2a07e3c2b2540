"""The visitor's rating of an answer (the widget's 👍 / 👎), stored without touching the dialogue.

``/give_feedback{...}`` is a payload message (bot/feedback.py): the rule of data/rules/feedback.yml
runs this action, which stores the rating as the ``feedback`` slot's event, thanks the visitor, and
reverts the visitor's message (UserUtteranceReverted), so that the rating never changes what the
bot does next: the interview's pending question, the stories and the memoization go on as if
nothing had been said. The events stay in the tracker store, where the dashboard reads them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send
from bot.commands import parse_command
from bot.feedback import (
    ACK_TYPE,
    ALREADY_RATED_REPLY,
    FEEDBACK_INTENT,
    FEEDBACK_SLOT,
    INVALID_REPLY,
    Feedback,
    read_feedback,
    record,
    thanks,
)
from bot.reply import Reply


def bot_customs(tracker: Tracker) -> List[Dict[str, Any]]:
    """The custom payloads of the bot's messages in the conversation, in order."""
    customs = []
    for event in tracker.events:
        if event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom")
            if isinstance(custom, dict):
                customs.append(custom)
    return customs


def earlier_ratings(tracker: Tracker) -> List[Any]:
    return [e.get("value") for e in tracker.events if e.get("event") == "slot" and e.get("name") == FEEDBACK_SLOT]


class ActionRecordFeedback(Action):
    def name(self) -> Text:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        command = parse_command(tracker.latest_message.get("text") or "")
        checked = read_feedback(command.payload) if command and command.intent == FEEDBACK_INTENT else INVALID_REPLY
        if isinstance(checked, Feedback):
            checked = record(checked, bot_customs(tracker), earlier_ratings(tracker))
        if isinstance(checked, str):
            answer_id = command.payload.get("feedback_answer") if command else None
            # "recorded": whether this answer's rating is stored (already, for a second rating).
            recorded = checked == ALREADY_RATED_REPLY
            send(dispatcher, Reply(text=checked, custom={"type": ACK_TYPE, "answer_id": answer_id, "recorded": recorded}))
            return [UserUtteranceReverted()]
        send(dispatcher, thanks(checked))
        return [SlotSet(FEEDBACK_SLOT, checked.as_slot()), UserUtteranceReverted()]
