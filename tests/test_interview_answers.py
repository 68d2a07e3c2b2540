"""The interview's answers as people type them: tests/interview/answers.yml, written by a writer
who read neither the parser nor the training data, each answer with the reading expected.
An answer that cannot be read gives nothing (the question is asked again), never another value."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from bot.answers import KNOWLEDGE_INTENTS
from bot.cues import is_question
from bot.interview import ASKED_SLOTS, PROFILE_SLOTS, SURE_INTENT, read_answer, read_turn
from launch.heldout import load_heldout

# The table predates the question on what the person already has (background), which the fresh
# personas of tests/interview/personas.yml cover.
TABLE_SLOTS = tuple(slot for slot in ASKED_SLOTS if slot != "background")
TABLE = yaml.safe_load((Path(__file__).parent / "interview" / "answers.yml").read_text(encoding="utf-8"))["answers"]


def plain(values: Dict[str, Any]) -> Dict[str, Any]:
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in values.items()}


def test_the_table_covers_every_question_in_many_voices() -> None:
    assert len(TABLE) >= 200
    for slot in TABLE_SLOTS:
        assert sum(1 for row in TABLE if row["question"] == slot) >= 20, slot
    assert all(set(row["expect"] or {}) <= set(PROFILE_SLOTS) for row in TABLE)
    assert sum(1 for row in TABLE if not row["expect"]) >= 10, "answers that must be asked again"
    assert sum(1 for row in TABLE if len(row["expect"] or {}) > 1) >= 20, "answers that carry two facts"


@pytest.mark.parametrize("row", TABLE, ids=lambda row: f"{row['question']}: {row['answer']}")
def test_answer_is_read_as_expected(row: Dict[str, Any]) -> None:
    assert plain(read_answer(row["answer"], row["question"])) == plain(row["expect"] or {})


# What the NLU may say of an answer it misreads: an unsure intent of its own.
UNSURE = 0.5


@pytest.mark.parametrize(
    "row",
    [r for r in TABLE if (r["expect"] or {}).get(r["question"]) not in (None, "unknown") and "?" not in r["answer"]],
    ids=lambda row: f"{row['question']}: {row['answer']}",
)
def test_an_answer_misread_by_the_nlu_still_answers_the_question(kb, row: Dict[str, Any]) -> None:
    """Whatever the classifier called it, a readable answer to the pending question goes to the form."""
    readable = read_turn(kb, row["answer"], row["question"], "ask_salary", UNSURE).goes_to_the_form()
    # A few answers start like a question ("c'est pas obligatoire"): they go to the form by their intent.
    assert readable or is_question(row["answer"]), row["answer"]


@pytest.mark.parametrize("slot", ASKED_SLOTS)
def test_a_question_or_a_sure_request_is_never_taken_for_an_answer(kb, slot: str) -> None:
    questions = [(intent, text) for intent, text, _ in load_heldout() if intent in KNOWLEDGE_INTENTS and is_question(text)]
    assert len(questions) > 300
    taken = [read_turn(kb, text, slot, intent, UNSURE) for intent, text in questions]
    # A statement shaped like a yes/no question, without its mark, that answers the question pending
    # (« c'est un diplôme de niveau 4 » to the diploma question) is read as the answer: answer first.
    assert not [t.text for t in taken if t.goes_to_the_form() and (t.asks or t.answer is None)]
    requests = [text for intent, text, _ in load_heldout() if intent == "request_human"]
    assert not [text for text in requests if read_turn(kb, text, slot, "request_human", SURE_INTENT).goes_to_the_form()]
    health = [text for intent, text, _ in load_heldout() if intent == "ask_medical_advice"]
    assert not [text for text in health if read_turn(kb, text, slot, "ask_salary", UNSURE).goes_to_the_form()]


@pytest.mark.parametrize(
    "text, slot, intent, expected",
    [
        # Financings named, nothing asked, to « Quels financements ? »: an answer, however sure the NLU is of ask_financing.
        ("mon employeur ou le cpf", "financing", "ask_financing", True),
        # A value in a few words, whatever pleasantry the NLU saw in it.
        ("peu importe", "max_duration_months", "help", True),
        ("4000 euros", "budget_eur", "ask_cost", True),
        # Answer first: a reason that names pay answers the yes/no question (issue 20).
        ("non, j'ai mes indemnités chômage, le salaire c'est pas le sujet", "must_be_paid", "ask_salary", True),
        # A sure request about the conversation is one, even with an answer in it...
        ("non merci, on arrête là", "must_be_paid", "stop_interview", False),
        # ...but a message that is nothing but an answer answers (« zéro » is not « on repart à zéro »).
        ("non", "must_be_paid", "stop_interview", True),
        ("zéro", "budget_eur", "restart_interview", True),
        # Who pays, to the budget question: a financing, kept; the budget is asked again.
        ("rien de ma poche, c'est ma patronne qui règle la facture", "budget_eur", "ask_financing", True),
        ("mon employeur ou le cpf", "budget_eur", "ask_financing", True),
        # A request about the conversation with no answer in it is one.
        ("stop", "must_be_paid", "stop_interview", False),
        ("je veux parler à un conseiller", "interest", "request_human", False),
        # A question, even with a topic word of the question pending, has its own answer first.
        ("c'est quoi le CPF ?", "financing", "ask_financing", False),
        # Indifference is an answer.
        ("égal", "must_be_paid", "help", True),
        ("peu m'importe", "must_be_paid", "out_of_scope", True),
    ],
)
def test_a_sure_intent_and_an_answer(kb, text: str, slot: str, intent: str, expected: bool) -> None:
    assert read_turn(kb, text, slot, intent, 0.95).goes_to_the_form() is expected
