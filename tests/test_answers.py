"""Answers are composed from the knowledge base and filtered by route or term."""

from __future__ import annotations

import pytest

from bot.answers import KNOWLEDGE_INTENTS, ROUTE_INTENTS, answer, follow_up_intent
from bot.context import resolve
from bot.knowledge import FORMATION_TYPES, TERMS, KnowledgeBase


def amounts(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize("intent", KNOWLEDGE_INTENTS)
def test_every_knowledge_intent_has_a_sourced_answer_with_next_steps(kb: KnowledgeBase, intent: str) -> None:
    reply = answer(kb, intent)
    assert len(reply.text) > 60
    assert reply.buttons, "quick replies suggest the next questions"
    if intent != "ask_definition":
        assert "Source" in reply.text and reply.sources


@pytest.mark.parametrize("intent", ROUTE_INTENTS)
@pytest.mark.parametrize("route", FORMATION_TYPES)
def test_route_answers_name_the_route_and_fit_a_chat_bubble(kb: KnowledgeBase, intent: str, route: str) -> None:
    reply = answer(kb, intent, formation_type=route)
    assert kb.routes[route].name in reply.text
    assert len(reply.text) < 1200
    assert all(route in b.payload for b in reply.buttons)


def test_cost_of_the_private_course_only(kb: KnowledgeBase) -> None:
    text = amounts(answer(kb, "ask_cost", formation_type="formation_privee").text)
    assert "5 000" in text and "10 000" in text
    assert "3 000" not in text and kb.routes["lycee_pro"].name not in text
    assert "indicati" in text  # the disclaimer goes with every cost


def test_cost_overview_lists_every_route_with_the_disclaimer(kb: KnowledgeBase) -> None:
    text = amounts(answer(kb, "ask_cost").text)
    for route in kb.routes.values():
        assert route.name in text and route.cost.text.replace("\u202f", " ") in text
    assert kb.disclaimer.text in text


def test_duration_of_formation_continue_gives_both_sources(kb: KnowledgeBase) -> None:
    reply = answer(kb, "ask_duration", formation_type="formation_continue")
    assert "6" in reply.text and "12 mois" in reply.text
    assert "279" in reply.text, "the CQP's 279 h is given beside the indicative 6-12 months"
    assert len(reply.sources) >= 2


def test_alternance_is_paid_by_the_employer(kb: KnowledgeBase) -> None:
    assert "employeur" in answer(kb, "ask_cost", formation_type="alternance").text


@pytest.mark.parametrize("term", TERMS)
def test_every_term_is_defined(kb: KnowledgeBase, term: str) -> None:
    reply = answer(kb, "ask_definition", term=term)
    assert reply.text.startswith(kb.terms[term].label)
    assert kb.terms[term].definition.text in reply.text


def test_digital_role_is_honest_about_the_title(kb: KnowledgeBase) -> None:
    text = answer(kb, "ask_digital_role").text.lower()
    assert "officiel" in text and "cqp" in text


def test_salary_gives_the_onisep_range(kb: KnowledgeBase) -> None:
    text = amounts(answer(kb, "ask_salary").text)
    assert "1 801" in text and "2 118" in text and "brut" in text


def test_follow_up_repeats_the_previous_topic() -> None:
    assert follow_up_intent("ask_cost", "alternance", None) == "ask_cost"
    assert follow_up_intent("ask_salary", "alternance", None) == "ask_training_paths"
    assert follow_up_intent("ask_definition", None, "dpi") == "ask_definition"


@pytest.mark.parametrize(
    "intent, text, entity, last_topic, last_route, expected",
    [
        ("ask_followup", "et en alternance ?", "alternance", "ask_cost", "formation_continue", ("ask_cost", "alternance")),
        ("ask_cost", "et en alternance ?", "alternance", "ask_duration", "formation_continue", ("ask_duration", "alternance")),
        ("ask_duration", "et ça dure combien de temps ?", None, "ask_cost", "alternance", ("ask_duration", "alternance")),
        ("ask_cost", "combien coûte le bac pro ?", "lycee_pro", "ask_duration", "alternance", ("ask_cost", "lycee_pro")),
        ("ask_cost", "quels sont les tarifs de toutes les formations pour adultes ?", None, "ask_duration", "alternance", ("ask_cost", None)),
    ],
)
def test_context_resolution(intent, text, entity, last_topic, last_route, expected) -> None:
    question = resolve(intent, text, entity, None, last_topic, last_route)
    assert (question.intent, question.formation_type) == expected
