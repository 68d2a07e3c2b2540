"""The recommender's rule table (bot/recommender.RULES), rule by rule: the facts and sources each
rests on, a profile that sets it off, and what it tells the visitor. Then the advice a careers
adviser would not give, each found in a review against the sources (issue 20)."""

from __future__ import annotations

import re
from typing import Any, Dict, List

import pytest

from bot.knowledge import KnowledgeBase
from bot.recommender import RULES, Profile, Recommendation, _Scorer, candidates, format_recommendation, recommend

STAGES = ("eligibility", "constraint", "preference")
DEAS = {"health_diploma": "de_aide_soignant", "experience_years": None}


def ranked(kb: KnowledgeBase, **slots: Any) -> List[Recommendation]:
    return recommend(Profile.from_slots(slots), kb)


def scored(kb: KnowledgeBase, route_id: str, **slots: Any) -> _Scorer:
    route = kb.routes.get(route_id) or kb.recognition[route_id]
    scorer = _Scorer(route, Profile.from_slots(slots), kb)
    scorer.score()
    return scorer


def text(kb: KnowledgeBase, **slots: Any) -> str:
    profile = Profile.from_slots(slots)
    return format_recommendation(profile, recommend(profile, kb), kb).text


def test_rules_come_in_the_adviser_s_order_with_known_sources(kb: KnowledgeBase) -> None:
    stages = [rule.stage for rule in RULES]
    assert stages == sorted(stages, key=STAGES.index), "eligibility, then constraints, then preferences"
    assert len({rule.id for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert set(rule.sources) <= set(kb.sources), rule.id
        assert rule.says and rule.says[0].isupper() or rule.says.startswith("{"), rule.id


# Each rule: the route it is seen on, a profile that sets it off, and words of what it says.
CASES: Dict[str, tuple] = {
    "only_for": ("lycee_pro", dict(situation="salarie"), "ne correspond pas à votre situation"),
    "pupils_first": ("lycee_pro", dict(age=40), "d'abord celle des élèves"),
    "already_held": ("lycee_pro", dict(situation="etudiant", diploma="bac"), "que vous avez déjà"),
    "minimum_age": ("arm", dict(age=17, interest="regulation"), "au moins 18 ans"),
    "apprenticeship_ages": ("alternance", dict(age=34), "en général ouvert jusqu'à 29 ans"),
    "cqp_level": ("alternance", dict(situation="reconversion", diploma="cap_bep"), "le bac ou un titre de niveau 4"),
    "arm_entry": (
        "arm",
        dict(situation="reconversion", age=40, diploma="none", background={"health_diploma": None, "experience_years": 3}),
        "trois ans d'expérience",
    ),
    "pay": ("formation_privee", dict(situation="reconversion", must_be_paid=True), "revenu"),
    "budget": ("formation_continue", dict(situation="reconversion", budget_eur=0.0, financing=["cpf"]), "plafonné à 5 000 €"),
    "duration": ("formation_continue", dict(max_duration_months=3.0), "plus longtemps"),
    "no_alternance": ("alternance", dict(wants_alternance=False), "pas vous former en alternance"),
    "health_diploma": ("de_sante", dict(situation="salarie", background=DEAS), "dans les trois ans"),
    "experience": (
        "vae",
        dict(situation="salarie", diploma="bac", background={"health_diploma": None, "experience_years": 6}),
        "6 ans d'expérience",
    ),
    "interest": ("arm", dict(interest="regulation"), "ce qui vous attire"),
    "situation": ("formation_continue", dict(situation="etudiant"), "d'abord aux personnes"),
    "alternance_wish": ("alternance", dict(wants_alternance=True), "souhaitez vous former en alternance"),
    "named_financing": ("formation_continue", dict(situation="salarie", financing=["employer"]), "Votre employeur peut la financer"),
}


def test_every_rule_has_its_case() -> None:
    assert set(CASES) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule(kb: KnowledgeBase, rule_id: str) -> None:
    route_id, slots, words = CASES[rule_id]
    scorer = scored(kb, route_id, **slots)
    said = " ".join(scorer.rec.reasons + scorer.rec.blockers)
    assert rule_id in scorer.applied, (rule_id, scorer.applied)
    assert words.lower() in said.lower(), (words, said)
    rule = next(r for r in RULES if r.id == rule_id)
    assert set(rule.sources) <= set(scorer.rec.sources), "the sources of the rule are cited with the route"
    # Nothing is said when the profile says nothing.
    assert rule_id not in scored(kb, route_id).applied or rule_id == "situation"


def test_cpf_figures_are_those_of_its_facts(kb: KnowledgeBase) -> None:
    cpf = kb.financing["cpf"]
    assert f"{cpf.cap_eur:,} €".replace(",", " ") in cpf.summary.text
    assert any(f"{cpf.contribution_eur} €" in detail.text for detail in cpf.details)


# --- the advice no adviser would give (issue 20's review) ---------------------------------------------


def test_employed_aide_soignante_of_34_is_told_her_diploma_already_opens_the_job(kb: KnowledgeBase) -> None:
    slots = dict(situation="salarie", age=34, diploma="cap_bep", background=DEAS, must_be_paid=True, interest=["patient"])
    routes = ranked(kb, **slots)
    assert routes[0].id == "de_sante"
    assert "alternance" not in [r.id for r in routes[:1]] and "arm" not in [r.id for r in routes]
    said = text(kb, **slots)
    assert "diplôme d'État d'aide-soignant" in said and "trois ans" in said
    assert "ARM" not in said


def test_apprenticeship_is_never_first_after_29_and_said_as_usual(kb: KnowledgeBase) -> None:
    for age in (30, 34, 45):
        routes = ranked(kb, situation="reconversion", age=age, diploma="bac", must_be_paid=True)
        assert routes[0].id != "alternance", age
        alternance = next(r for r in routes if r.id == "alternance")
        assert not alternance.eligible and not alternance.excluded, "a usual limit, not a bar"
        assert any("en général" in b for b in alternance.blockers)


def test_secretary_whose_doctor_pays_is_offered_the_vae_with_her_employer(kb: KnowledgeBase) -> None:
    slots = dict(
        situation="salarie", age=41, diploma="bac", background={"health_diploma": None, "experience_years": 8}, financing=["employer"]
    )
    routes = ranked(kb, **slots)
    assert routes[0].id == "vae"
    assert "votre employeur" in routes[0].financing_short


def test_three_years_of_work_open_the_arm_diploma_without_the_bac(kb: KnowledgeBase) -> None:
    slots = dict(
        situation="reconversion", age=38, diploma="none", background={"health_diploma": None, "experience_years": 3}, interest="regulation"
    )
    routes = ranked(kb, **slots)
    assert routes[0].id == "arm"
    said = text(kb, **slots)
    assert "trois ans d'expérience" in said and "métier voisin" in said


def test_the_arm_diploma_is_offered_only_to_people_drawn_to_regulation(kb: KnowledgeBase) -> None:
    for interest in (None, "patient", "administration", "numerique", ["patient", "administration"]):
        assert "arm" not in [c.id for c in candidates(Profile.from_slots(dict(interest=interest)), kb)], interest
    assert "arm" in [c.id for c in candidates(Profile.from_slots(dict(interest=["patient", "regulation"])), kb)]


def test_no_referent_e_sante_move_for_employees_drawn_to_digital_tools(kb: KnowledgeBase) -> None:
    said = text(kb, situation="salarie", interest="numerique", financing=["cpf"])
    assert "référent e-santé" not in said


def test_the_cpf_never_covers_a_gap_it_cannot_cover(kb: KnowledgeBase) -> None:
    routes = {r.id: r for r in ranked(kb, situation="reconversion", budget_eur=0.0, financing=["cpf"])}
    for route_id in ("formation_continue", "formation_privee"):
        said = " ".join(routes[route_id].blockers)
        assert routes[route_id].excluded and "plafonné à 5 000 €" in said and "100 €" in said, said
        assert "peut couvrir la différence" not in said
    enough = {r.id: r for r in ranked(kb, situation="reconversion", budget_eur=500.0, financing=["cpf"])}
    assert not enough["formation_continue"].excluded
    assert "plafonné à 5 000 €" in " ".join(enough["formation_continue"].blockers)


def test_the_cqp_is_not_the_outcome_of_formation_continue_or_private_schools(kb: KnowledgeBase) -> None:
    for route_id in ("formation_continue", "formation_privee"):
        route = kb.routes[route_id]
        # What the route leads to (its notes on certification) never makes the CQP its outcome.
        about_cqp = [n.text for n in route.notes if "CQP" in n.text and "ask_certification" in n.about]
        assert about_cqp and all("alternance" in t and "VAE" in t for t in about_cqp), about_cqp
        assert "CQP" not in route.certification.text


def test_no_alternance_towards_the_cqp_without_the_bac(kb: KnowledgeBase) -> None:
    for diploma in ("none", "cap_bep"):
        routes = ranked(kb, situation="reconversion", age=22, diploma=diploma, must_be_paid=True)
        alternance = next(r for r in routes if r.id == "alternance")
        assert not alternance.eligible and routes[0].id != "alternance", diploma


def test_sentences_read_as_french(kb: KnowledgeBase) -> None:
    profiles = [
        dict(situation="etudiant", diploma="bac"),
        dict(situation="salarie", age=34, background=DEAS),
        dict(situation="reconversion", budget_eur=0.0, financing=["cpf"], must_be_paid=True),
    ]
    for slots in profiles:
        said = text(kb, **slots) + " ".join(" ".join(r.reasons + r.blockers) for r in ranked(kb, **slots))
        assert "déjà bac" not in said and not re.search(r"\bL'alternance faut\b", said), said
