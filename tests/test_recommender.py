"""Table-driven personas: the expected top pathway and the reasons it must give."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeBase
from bot.parsing import NO_LIMIT, UNKNOWN
from bot.recommender import Profile, format_recommendation, recommend

# (name, profile, expected top, words its text must contain)
PERSONAS: List[tuple] = [
    ("lycéen sans budget", dict(situation="etudiant", age=15, diploma="none", budget_eur=0.0), "lycee_pro", ["3e"]),
    ("collégienne attirée par les patients", dict(situation="etudiant", age=14, interest="patient"), "lycee_pro", ["patients"]),
    ("lycéen qui a tout inconnu", dict(situation="etudiant", age=UNKNOWN, budget_eur=UNKNOWN, max_duration_months=UNKNOWN), "lycee_pro", ["3e"]),
    ("demandeur d'emploi qui doit être payé", dict(situation="reconversion", age=34, diploma="bac", budget_eur=0.0, must_be_paid=True), "alternance", ["revenu"]),
    ("étudiante qui doit être payée", dict(situation="etudiant", age=19, diploma="bac", must_be_paid=True), "alternance", ["revenu"]),
    ("salariée CPF un an sans alternance", dict(situation="salarie", budget_eur=5000.0, financing=["cpf"], max_duration_months=12.0, wants_alternance=False), "formation_continue", ["adultes"]),
    ("salarié sans contrainte", dict(situation="salarie", max_duration_months=NO_LIMIT), "formation_continue", ["adultes"]),
    ("reconversion avec 6000 €", dict(situation="reconversion", budget_eur=6000.0, must_be_paid=False), "formation_continue", ["budget"]),
    ("régulation avec le bac", dict(situation="reconversion", age=30, diploma="bac", interest="regulation"), "arm", ["régulation"]),
    ("lycéenne de 18 ans attirée par la régulation", dict(situation="etudiant", age=18, diploma="bac", interest="regulation"), "arm", ["régulation"]),
    ("régulation à 17 ans", dict(situation="etudiant", age=17, diploma="none", interest="regulation"), "lycee_pro", ["3e"]),
    ("régulation sans bac, étudiant", dict(situation="etudiant", age=19, diploma="cap_bep", interest="regulation", must_be_paid=True), "alternance", ["revenu"]),
    ("salarié numérique", dict(situation="salarie", interest="numerique", financing=["cpf"]), "evolution_numerique", ["numérique"]),
    ("demandeur d'emploi numérique", dict(situation="reconversion", interest="numerique", budget_eur=3000.0), "formation_continue", ["numérique"]),
    ("veut l'alternance", dict(situation="reconversion", wants_alternance=True), "alternance", ["alternance"]),
    ("budget sous tous les coûts sans financement", dict(situation="reconversion", budget_eur=1000.0, financing=[]), "alternance", ["budget"]),
    ("budget faible mais CPF", dict(situation="salarie", budget_eur=1000.0, financing=["cpf"], wants_alternance=False), "formation_continue", ["CPF"]),
    ("budget large, pressé", dict(situation="salarie", budget_eur=10000.0, max_duration_months=6.0, wants_alternance=False, interest="administration"), "formation_continue", ["durée"]),
    ("tout inconnu", dict(), "formation_continue", ["Formation continue"]),
    ("payé mais pas d'alternance, salarié", dict(situation="salarie", must_be_paid=True, wants_alternance=False), "formation_continue", ["Transitions Pro"]),
    ("adulte de 45 ans sans situation", dict(age=45, budget_eur=0.0), "alternance", ["budget"]),
    ("souhaits contradictoires: payé, pas d'alternance, demandeur", dict(situation="reconversion", must_be_paid=True, wants_alternance=False), None, ["conseiller"]),
    ("trois mois, rien ne rentre", dict(situation="reconversion", max_duration_months=3.0), None, ["Aucune voie"]),
    ("bac+2 salariée administratif", dict(situation="salarie", diploma="bac2", interest="administration", budget_eur=4000.0, financing=["employer"]), "formation_continue", ["employeur"]),
]


@pytest.mark.parametrize("name, slots, expected_top, words", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_persona(kb: KnowledgeBase, name: str, slots: Dict[str, Any], expected_top: str, words: List[str]) -> None:
    profile = Profile.from_slots(slots)
    ranked = recommend(profile, kb)
    text = format_recommendation(profile, ranked, kb).text
    if expected_top is None:
        assert ranked[0].excluded, "nothing fits: the reply says so"
    else:
        assert ranked[0].id == expected_top and not ranked[0].excluded, [(r.id, r.score, r.excluded) for r in ranked]
    for word in words:
        assert word.lower() in text.lower(), text


def test_ranking_is_deterministic(kb: KnowledgeBase) -> None:
    profile = Profile.from_slots({"situation": "salarie"})
    assert [r.id for r in recommend(profile, kb)] == [r.id for r in recommend(profile, kb)]


def test_unknown_answers_never_exclude(kb: KnowledgeBase) -> None:
    profile = Profile.from_slots({k: UNKNOWN for k in Profile.__dataclass_fields__})
    assert not any(r.excluded for r in recommend(profile, kb) if r.id != "lycee_pro")


def test_every_figure_of_a_recommendation_comes_from_the_knowledge_base(kb: KnowledgeBase) -> None:
    """No number is invented: each one in the reply is in the knowledge base or was said by the person."""
    kb_text = " ".join(p.read_text(encoding="utf-8") for p in Path(KNOWLEDGE_DIR).glob("*.yml"))
    kb_numbers = set(re.findall(r"\d[\d  ]*\d|\d", kb_text))
    kb_numbers = {n.replace(" ", "").replace("\u202f", "") for n in kb_numbers}
    for _, slots, _, _ in PERSONAS:
        profile = Profile.from_slots(slots)
        reply = format_recommendation(profile, recommend(profile, kb), kb)
        said = {str(int(v)) for v in slots.values() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        body = reply.text.split("Vous m'avez dit")[0]
        for number in re.findall(r"\d[\d  ]*\d|\d", body):
            number = number.replace(" ", "").replace("\u202f", "")
            assert number in kb_numbers or number in said, f"{number} in {body!r}"


def test_reply_fits_a_chat_bubble_and_carries_a_card(kb: KnowledgeBase) -> None:
    for _, slots, _, _ in PERSONAS:
        profile = Profile.from_slots(slots)
        reply = format_recommendation(profile, recommend(profile, kb), kb)
        assert len(reply.text) < 1200
        assert reply.custom["type"] == "pathway_recommendation"
        assert reply.custom["top"]["name"] and reply.custom["top"]["cost"]
        assert any(b.payload == "/request_human" for b in reply.buttons)


def test_recap_lets_the_person_correct(kb: KnowledgeBase) -> None:
    profile = Profile.from_slots({"situation": "salarie", "budget_eur": 5000.0, "max_duration_months": 12.0})
    text = format_recommendation(profile, recommend(profile, kb), kb).text
    assert "Vous m'avez dit : en poste, budget 5 000 €, 1 an au plus" in text
