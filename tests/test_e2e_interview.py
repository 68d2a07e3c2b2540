"""The guided interview over HTTP against the real servers, answered as a person would."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional, Tuple

from tests.servers import RasaStack, texts

# Which question the bot is asking, recognised from its words (the persona answers it).
QUESTION_MARKERS = [
    ("situation", "situation"),
    ("age", "quel âge"),
    ("diploma", "diplôme le plus élevé"),
    ("budget_eur", "budget"),
    ("max_duration_months", "combien de temps"),
    ("must_be_paid", "rémunéré"),
    ("financing", "financements"),
    ("interest", "vous attire"),
]
MAX_TURNS = 14


def asked_question(messages: List[Dict[str, Any]]) -> Optional[str]:
    last_text = next((m["text"] for m in reversed(messages) if m.get("text")), "")
    for slot, marker in QUESTION_MARKERS:
        if marker in last_text.lower():
            return slot
    return None


def recommendation(messages: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "pathway_recommendation":
            return custom
    return None


def interview(stack: RasaStack, opening: str, answers: Dict[str, str]) -> Tuple[Dict[str, Any], List[str], str]:
    """Runs the interview; returns the recommendation card, the questions asked and the final text."""
    sender = f"persona-{uuid.uuid4().hex[:10]}"
    messages = stack.say(sender, opening)
    asked: List[str] = []
    for _ in range(MAX_TURNS):
        card = recommendation(messages)
        if card:
            return card, asked, texts(messages)
        slot = asked_question(messages)
        assert slot, f"neither a question nor a recommendation: {texts(messages)!r}"
        asked.append(slot)
        messages = stack.say(sender, answers[slot])
    raise AssertionError(f"no recommendation after {MAX_TURNS} turns; asked {asked}")


def test_lyceen_without_budget_gets_the_bac_pro(stack: RasaStack) -> None:
    card, asked, text = interview(stack, "je suis en 3e, quelle formation me conseilles-tu ?", {
        "situation": "je suis collégien", "age": "15 ans", "diploma": "j'ai pas encore de diplome",
        "budget_eur": "aucun budget", "max_duration_months": "3 ans ça me va", "must_be_paid": "non",
        "financing": "aucun", "interest": "le contact avec les patients",
    })
    assert card["top"]["id"] == "lycee_pro"
    assert "bac pro" in text.lower()


def test_job_seeker_who_must_be_paid_gets_alternance(stack: RasaStack) -> None:
    card, asked, text = interview(stack, "je veux me reconvertir, que me conseilles-tu ?", {
        "situation": "je suis demandeur d'emploi", "age": "34 ans", "diploma": "j'ai le bac",
        "budget_eur": "pas un sou", "max_duration_months": "deux ans max",
        "must_be_paid": "oui je dois absolument etre payé", "financing": "france travail",
        "interest": "plutot l'organisation et l'administratif",
    })
    assert card["top"]["id"] == "alternance"
    assert "rémunér" in text or "salaire" in text


def test_employee_with_cpf_fills_several_answers_at_once(stack: RasaStack) -> None:
    card, asked, _ = interview(stack, "aide moi a choisir une formation", {
        "situation": "je suis salariée, 5000 € avec mon CPF, un an maximum, pas d'alternance",
        "age": "41 ans", "diploma": "bac+2", "must_be_paid": "non",
        "interest": "le contact patient", "budget_eur": "5000", "max_duration_months": "un an",
        "financing": "mon cpf",
    })
    assert card["top"]["id"] == "formation_continue"
    for already_said in ("budget_eur", "max_duration_months", "financing"):
        assert already_said not in asked, f"asked again for {already_said}: {asked}"
    assert len(asked) == len(set(asked)), f"a question was asked twice: {asked}"


def test_question_during_interview_is_answered_then_interview_goes_on(stack: RasaStack) -> None:
    sender = f"persona-{uuid.uuid4().hex[:10]}"
    assert asked_question(stack.say(sender, "que me conseilles-tu ?")) == "situation"
    assert asked_question(stack.say(sender, "je suis salarié")) == "age"
    reply = stack.say(sender, "combien coute la formation continue ?")
    assert "3 000" in texts(reply).replace("\u202f", " ")
    assert asked_question(reply) == "age", "the interview resumes on the pending question"


def test_stop_keeps_answers_and_resume_continues(stack: RasaStack) -> None:
    sender = f"persona-{uuid.uuid4().hex[:10]}"
    stack.say(sender, "fais moi un bilan d'orientation")
    stack.say(sender, "je suis en reconversion")
    stopped = texts(stack.say(sender, "stop"))
    assert "arrête" in stopped
    choice = stack.say(sender, "conseille-moi une formation")
    assert any(b["payload"] == "/resume_interview" for m in choice for b in m.get("buttons", []))
    assert asked_question(stack.say(sender, "reprendre")) == "age"


def test_invalid_answer_is_reasked_once_with_an_example(stack: RasaStack) -> None:
    sender = f"persona-{uuid.uuid4().hex[:10]}"
    stack.say(sender, "que me conseilles tu")
    stack.say(sender, "je suis lyceen")
    first = stack.say(sender, "patate")
    assert "par exemple" in texts(first) and asked_question(first) == "age"
    second = stack.say(sender, "patate")
    assert asked_question(second) == "diploma", "after a second miss the interview moves on"
