"""The guided interview over HTTP against the real servers, answered as people type.

Which question is pending is read from the conversation's tracker (the form's
``requested_slot``), not from the bot's wording, so that rewording a question breaks nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import pytest

from launch.servers import RasaStack, texts

MAX_TURNS = 16


def pending_question(stack: RasaStack, sender: str) -> Optional[str]:
    """The profile question the interview waits for, None when no interview is running."""
    tracker = stack.tracker(sender)
    if not (tracker.get("active_loop") or {}).get("name"):
        return None
    return tracker["slots"].get("requested_slot")


def recommendation(messages: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "pathway_recommendation":
            return custom
    return None


def new_sender() -> str:
    return f"persona-{uuid.uuid4().hex[:10]}"


def interview(stack: RasaStack, sender: str, opening: str, answers: Dict[str, str]) -> Tuple[Dict[str, Any], List[str], str]:
    """Runs the interview; returns the recommendation card, the questions asked and the last reply's text."""
    messages = stack.say(sender, opening)
    asked: List[str] = []
    for _ in range(MAX_TURNS):
        card = recommendation(messages)
        if card:
            return card, asked, texts(messages)
        slot = pending_question(stack, sender)
        assert slot, f"neither a question nor a recommendation: {texts(messages)!r}"
        asked.append(slot)
        messages = stack.say(sender, answers[slot])
    raise AssertionError(f"no recommendation after {MAX_TURNS} turns; asked {asked}")


@dataclass(frozen=True)
class Persona:
    name: str
    opening: str
    answers: Dict[str, str]
    top: str
    says: List[str] = field(default_factory=list)
    profile: Dict[str, Any] = field(default_factory=dict)  # values the card's profile must hold


PERSONAS = [
    Persona(
        "lycéenne de 16 ans sans le bac",
        "slt jsui au lycee et jsais pas koi faire comme formation tu peux m aider",
        {
            "situation": "lyceenne",
            "age": "16",
            "diploma": "pas encore le bac",
            "budget_eur": "0",
            "max_duration_months": "jsp",
            "must_be_paid": "nn",
            "financing": "rien",
            "interest": "aider les patients",
        },
        "lycee_pro",
        ["bac pro"],
        {"diploma": "none", "age": 16.0},
    ),
    Persona(
        "chômeur qui doit être payé",
        "Je suis au chômage depuis 6 mois et je voudrais me former pour devenir assistant médical, tu peux m'aider à choisir ?",
        {
            "situation": "demandeur d emploi",
            "age": "34 ans",
            "diploma": "jai le bac",
            "background": "non",
            "budget_eur": "pas un sou",
            "max_duration_months": "2 ans max",
            "must_be_paid": "oui obligé jai un loyer",
            "financing": "france travail",
            "interest": "plutot l'administratif",
        },
        # Over 29, apprenticeship is not open as a rule, and no other route pays: said honestly.
        "formation_continue",
        ["aucune voie", "conseiller"],
        {"situation": "reconversion", "must_be_paid": True},
    ),
    Persona(
        "salariée qui donne tout d'un coup",
        "aide moi a choisir une formation",
        {
            "situation": "je suis salariée, 5000 € avec mon CPF, un an maximum, pas d'alternance",
            "age": "41 ans",
            "diploma": "bac+2",
            "background": "non aucun",
            "budget_eur": "5000",
            "max_duration_months": "un an",
            "must_be_paid": "non",
            "financing": "mon cpf",
            "interest": "le contact patient",
        },
        "formation_continue",
        ["CPF"],
        {"budget_eur": 5000.0, "financing": ["cpf"], "wants_alternance": False},
    ),
    Persona(
        "bachelier de 19 ans attiré par le SAMU",
        "Je voudrais travailler au SAMU à prendre les appels d'urgence, quelle formation me conseillez-vous ?",
        {
            "situation": "etudiant",
            "age": "19ans",
            "diploma": "bac general",
            "background": "non",
            "budget_eur": "pas de budget",
            "max_duration_months": "peu importe",
            "must_be_paid": "pas forcement",
            "financing": "je sais pas",
            "interest": "la regulation des appels",
        },
        "arm",
        ["ARM"],
        {"interest": "regulation"},
    ),
    Persona(
        "salarié attiré par le numérique, dicté sans ponctuation",
        "je suis secretaire medicale en poste et je voudrais evoluer vous me conseillez quoi",
        {
            "situation": "salarie",
            "age": "47 ans",
            "diploma": "un bts",
            "background": "15 ans de secrétariat médical",
            "budget_eur": "2000 euros",
            "max_duration_months": "pas plus d un an",
            "must_be_paid": "non je garde mon poste",
            "financing": "mon employeur ou le cpf",
            "interest": "le numerique et les logiciels",
        },
        # Years of similar work and the bac: the VAE towards the CQP, as an adviser says.
        "vae",
        ["VAE"],
        {"situation": "salarie", "interest": "numerique"},
    ),
    Persona(
        "demandeuse d'emploi qui corrige son âge en route",
        "vous pouvez me conseiller une formation ? je suis inscrite a france travail",
        {
            "situation": "demandeuse d'emploi",
            "age": "23",
            "diploma": "en fait j'ai 32 ans, et un cap",
            "background": "non",
            "budget_eur": "3000",
            "max_duration_months": "1 an",
            "must_be_paid": "non",
            "financing": "cpf",
            "interest": "l'accueil",
        },
        "formation_continue",
        ["CPF"],
        {"age": 32.0, "diploma": "cap_bep"},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_persona_interview(stack: RasaStack, persona: Persona) -> None:
    card, asked, text = interview(stack, new_sender(), persona.opening, persona.answers)
    assert card["top"]["id"] == persona.top, (card["top"]["id"], card["profile"], asked)
    for words in persona.says:
        assert words.lower() in text.lower(), (words, text)
    for slot, value in persona.profile.items():
        assert card["profile"][slot] == value, (slot, card["profile"])
    assert len(asked) == len(set(asked)), f"a question was asked twice: {asked}"
    assert len(text) <= 650, "the recommendation bubble stays short"


def test_answers_given_at_once_are_not_asked_again(stack: RasaStack) -> None:
    _, asked, _ = interview(stack, new_sender(), "aide moi a choisir une formation", PERSONAS[2].answers)
    for already_said in ("budget_eur", "max_duration_months", "financing"):
        assert already_said not in asked, f"asked again for {already_said}: {asked}"


def test_a_correction_after_the_recommendation_gives_a_new_one(stack: RasaStack) -> None:
    sender = new_sender()
    card, _, _ = interview(
        stack,
        sender,
        "quelle formation pour moi ?",
        {
            "situation": "en reconversion",
            "age": "24",
            "diploma": "bac",
            "background": "non",
            "budget_eur": "0",
            "max_duration_months": "2 ans",
            "must_be_paid": "non",
            "financing": "aucun",
            "interest": "le contact avec les patients",
        },
    )
    assert card["top"]["id"] == "alternance"
    corrected = stack.say(sender, "en fait j'ai 5000 euros de budget et je peux utiliser mon cpf, et pas d'alternance")
    new_card = recommendation(corrected)
    assert new_card, texts(corrected)
    assert new_card["top"]["id"] == "formation_continue" and new_card["profile"]["budget_eur"] == 5000.0
    assert "corrigé" in texts(corrected).lower()


def test_question_during_interview_is_answered_then_interview_goes_on(stack: RasaStack) -> None:
    sender = new_sender()
    stack.say(sender, "que me conseilles-tu ?")
    assert pending_question(stack, sender) == "situation"
    stack.say(sender, "je suis salarié")
    assert pending_question(stack, sender) == "age"
    reply = stack.say(sender, "combien coute la formation continue ?")
    assert "3 000" in texts(reply).replace("\u202f", " ")
    assert pending_question(stack, sender) == "age", "the interview resumes on the pending question"
    medical = stack.say(sender, "j'ai de la fièvre depuis hier, je prends quoi ?")
    assert "15" in texts(medical) and pending_question(stack, sender) == "age"


def test_stop_keeps_answers_and_resume_continues(stack: RasaStack) -> None:
    sender = new_sender()
    stack.say(sender, "fais moi un bilan d'orientation")
    stack.say(sender, "je suis en reconversion")
    stopped = texts(stack.say(sender, "stop"))
    assert "arrête" in stopped and pending_question(stack, sender) is None
    choice = stack.say(sender, "conseille-moi une formation")
    assert any(b["payload"] == "/resume_interview" for m in choice for b in m.get("buttons", []))
    stack.say(sender, "reprendre")
    assert pending_question(stack, sender) == "age"
    assert stack.tracker(sender)["slots"]["situation"] == "reconversion"


def test_restart_forgets_the_answers(stack: RasaStack) -> None:
    sender = new_sender()
    stack.say(sender, "conseille moi une formation")
    stack.say(sender, "je suis salariée")
    stack.say(sender, "stop")
    stack.say(sender, "on recommence depuis le debut")
    assert pending_question(stack, sender) == "situation"
    assert stack.tracker(sender)["slots"]["situation"] is None


def test_unreadable_answer_is_asked_again_once_with_an_example_then_noted_unknown(stack: RasaStack) -> None:
    sender = new_sender()
    stack.say(sender, "que me conseilles tu")
    stack.say(sender, "je suis lyceen")
    first = stack.say(sender, "patate")
    assert "par exemple" in texts(first) and pending_question(stack, sender) == "age"
    stack.say(sender, "patate")
    assert pending_question(stack, sender) == "diploma", "after a second miss the interview moves on"
    assert stack.tracker(sender)["slots"]["age"] == "unknown"
