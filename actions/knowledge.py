"""Actions that answer knowledge questions from the knowledge base.

rasa_sdk's ActionQueryKnowledgeBase is not used: it answers "object/attribute"
lookups with English templates and mention resolution ("the first one"), while
our answers are composed per topic, filtered by route or term, carry their
sources and quick replies. The composition lives in bot/answers.py.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import distinct_entities, first_entity, knowledge_base, latest_intent, send
from bot.answers import KNOWLEDGE_INTENTS, answer
from bot.context import resolve


class ActionAnswerQuestion(Action):
    """Answers every knowledge intent, and follow-ups such as "et en alternance ?"."""

    def name(self) -> Text:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        routes = distinct_entities(tracker, "formation_type")
        # Several routes in one question ("alternance ou formation continue ?"): the comparison table.
        formation_type = routes[0] if len(routes) == 1 else None
        question = resolve(
            intent=latest_intent(tracker),
            text=tracker.latest_message.get("text") or "",
            formation_type=formation_type,
            term=first_entity(tracker, "term"),
            last_topic=tracker.get_slot("last_topic"),
            last_formation_type=tracker.get_slot("formation_type"),
        )
        intent = question.intent if question.intent in KNOWLEDGE_INTENTS else "ask_training_paths"
        send(dispatcher, answer(knowledge_base(), intent, question.formation_type, question.term))
        return [
            SlotSet("last_topic", intent),
            SlotSet("formation_type", question.formation_type),
            SlotSet("term", question.term),
        ]


class ActionAnswerFollowup(ActionAnswerQuestion):
    """Same as action_answer_question; a name of its own keeps the stories readable."""

    def name(self) -> Text:
        return "action_answer_followup"
