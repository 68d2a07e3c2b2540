"""Actions that answer knowledge questions from the knowledge base.

rasa_sdk's ActionQueryKnowledgeBase is not used: it answers "object/attribute"
lookups with English templates and mention resolution ("the first one"), while
our answers are composed per topic and facet, filtered by route, term or scheme,
and carry their sources and quick replies. The composition lives in bot/answers.py,
the context in bot/context.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import distinct_entities, first_entity, knowledge_base, latest_intent, send
from bot.answers import KNOWLEDGE_INTENTS, Question, compose, neighbour_answer
from bot.context import Context, resolve
from bot.conversation import clarification
from bot.neighbours import neighbour_asked_about


def _question(tracker: Tracker) -> Question:
    schemes = distinct_entities(tracker, "financing")
    confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 1.0)
    question = resolve(
        knowledge_base(),
        intent=latest_intent(tracker),
        text=tracker.latest_message.get("text") or "",
        routes=distinct_entities(tracker, "formation_type"),
        term=first_entity(tracker, "term"),
        scheme=schemes[0] if schemes else None,
        also=schemes[1:],
        facet=first_entity(tracker, "facet"),
        last=Context(
            topic=tracker.get_slot("last_topic"),
            route=tracker.get_slot("formation_type"),
            term=tracker.get_slot("term"),
            scheme=tracker.get_slot("financing_scheme"),
            facet=tracker.get_slot("last_facet"),
        ),
    )
    return replace(question, confidence=confidence)


def _answer(dispatcher: CollectingDispatcher, tracker: Tracker, question: Question) -> List[Dict[Text, Any]]:
    situation = tracker.get_slot("situation")
    reply = compose(knowledge_base(), question, dt.date.today(), situation if isinstance(situation, str) else None)
    send(dispatcher, reply)
    if question.sources_only:
        return []  # the subject of the conversation stays the same
    return [
        SlotSet("last_topic", question.intent),
        SlotSet("formation_type", question.route),
        SlotSet("term", question.term),
        SlotSet("financing_scheme", question.scheme),
        SlotSet("last_facet", (reply.custom or {}).get("facet") or None),
    ]


def answer_about_a_neighbour(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """A question about another job (« combien gagne une infirmière ? »): its link with the
    assistant médical and its own page; None when no neighbouring job is the subject."""
    if distinct_entities(tracker, "formation_type"):
        return None  # a route of the knowledge base named (the ARM diploma is one): answered from it
    neighbour = neighbour_asked_about(knowledge_base(), tracker.latest_message.get("text") or "")
    if neighbour is None:
        return None
    send(dispatcher, neighbour_answer(knowledge_base(), neighbour, dt.date.today()))
    # The next question starts afresh: no route or scheme of the assistant médical to carry on.
    return [SlotSet("last_topic", None), SlotSet("formation_type", None), SlotSet("financing_scheme", None), SlotSet("term", None)]


def answer_in_context(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """Answers a message the NLU could not place when the context says what it is about; None otherwise."""
    question = _question(tracker)
    return _answer(dispatcher, tracker, question) if question.intent in KNOWLEDGE_INTENTS else None


class ActionAnswerQuestion(Action):
    """Answers every knowledge intent, and follow-ups such as "et en alternance ?"."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        about_a_neighbour = answer_about_a_neighbour(dispatcher, tracker)
        if about_a_neighbour is not None:
            return about_a_neighbour
        question = _question(tracker)
        if question.intent not in KNOWLEDGE_INTENTS:
            question = Question("ask_training_paths", text=question.text)
        return _answer(dispatcher, tracker, question)


def answer_unplaced(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """A question the NLU took for something else: answered in context, else the likely topics."""
    answered = answer_in_context(dispatcher, tracker)
    return answered if answered is not None else clarify(dispatcher, tracker)


def clarify(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The likely topics of a message not understood, rather than a guess."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    send(dispatcher, clarification(knowledge_base(), [r.get("name", "") for r in ranking]))
    return []
