"""Table-driven personas: the expected top pathway, the words its reply must give, the routes it must rule out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import pytest

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeBase
from bot.parsing import NO_LIMIT, UNKNOWN
from bot.recommender import MAX_TEXT_LENGTH, Profile, Recommendation, format_recommendation, recommend


@dataclass(frozen=True)
class Persona:
    name: str
    slots: Dict[str, Any]
    top: Optional[str]  # None: nothing fits, the reply must say so
    says: List[str]  # words the reply's text must contain (case-insensitive)
    rules_out: Dict[str, str] = field(default_factory=dict)  # route -> word of the reason it is excluded


PERSONAS = [
    # --- students ---------------------------------------------------------------------------------
    Persona(
        "lycéen sans budget",
        dict(situation="etudiant", age=15, diploma="none", budget_eur=0.0),
        "lycee_pro",
        ["collégiens", "gratuit"],
    ),
    Persona(
        "collégienne attirée par les patients",
        dict(situation="etudiant", age=14, interest="patient"),
        "lycee_pro",
        ["contact avec les patients"],
    ),
    Persona(
        "lycéen qui ne sait rien encore",
        dict(situation="etudiant", age=UNKNOWN, budget_eur=UNKNOWN, max_duration_months=UNKNOWN),
        "lycee_pro",
        ["collégiens"],
    ),
    Persona(
        "élève avec un CAP, sans budget",
        dict(situation="etudiant", age=17, diploma="cap_bep", budget_eur=0.0, interest="patient"),
        "lycee_pro",
        ["gratuit"],
    ),
    Persona(
        "étudiante qui doit être payée",
        dict(situation="etudiant", age=19, diploma="bac", must_be_paid=True),
        "alternance",
        ["rémunér"],
        {"lycee_pro": "rémunér"},
    ),
    Persona(
        "étudiante de 18 ans attirée par la régulation",
        dict(situation="etudiant", age=18, diploma="bac", interest="regulation"),
        "arm",
        ["régulation des appels d'urgence", "1 470 heures"],
    ),
    Persona(
        "trop jeune pour l'ARM",
        dict(situation="etudiant", age=17, diploma="none", interest="regulation"),
        "lycee_pro",
        ["collégiens"],
        {"arm": "18 ans"},
    ),
    Persona(
        "pas de bac pour l'ARM, étudiant payé",
        dict(situation="etudiant", age=19, diploma="cap_bep", interest="regulation", must_be_paid=True),
        # The CQP prepared in alternance asks for the bac or a level 4 (Onisep): nothing fits, said honestly.
        None,
        ["conseiller"],
        {"arm": "Conditions d'accès"},
    ),
    Persona(
        "étudiant bachelier attiré par le numérique, sans budget",
        dict(situation="etudiant", age=20, diploma="bac", budget_eur=0.0, interest="numerique"),
        "alternance",
        ["budget"],
    ),
    # --- job seekers and career changers ---------------------------------------------------------
    Persona(
        "demandeur d'emploi qui doit être payé",
        dict(situation="reconversion", age=34, diploma="bac", budget_eur=0.0, must_be_paid=True, financing=["france_travail"]),
        # Apprenticeship is usually open until 29: not advised first at 34 (issue 20); nothing else pays.
        None,
        ["conseiller"],
        {"formation_continue": "rémunér", "lycee_pro": "situation"},
    ),
    Persona(
        "reconversion avec 6 000 €",
        dict(situation="reconversion", budget_eur=6000.0, must_be_paid=False),
        "formation_continue",
        ["budget", "3 000 € à 6 000 €"],
    ),
    Persona(
        "reconversion attirée par la régulation, avec le bac",
        dict(situation="reconversion", age=30, diploma="bac", interest="regulation"),
        "arm",
        ["régulation"],
    ),
    Persona(
        "adulte sans bac attiré par la régulation",
        dict(situation="reconversion", age=40, diploma="cap_bep", interest="regulation"),
        "arm",
        ["Conditions d'accès", "expérience"],
    ),
    Persona(
        "demandeur d'emploi attiré par le numérique",
        dict(situation="reconversion", interest="numerique", budget_eur=3000.0),
        "formation_continue",
        ["numérique"],
    ),
    Persona("veut l'alternance", dict(situation="reconversion", wants_alternance=True), "alternance", ["alternance"]),
    Persona(
        "budget sous tous les coûts, aucun financement",
        dict(situation="reconversion", budget_eur=1000.0, financing=[]),
        "alternance",
        ["budget"],
        {"formation_continue": "dépasse votre budget", "formation_privee": "dépasse votre budget"},
    ),
    Persona(
        "sans budget, financement pas encore connu",
        dict(situation="reconversion", budget_eur=0.0, interest="patient", financing=UNKNOWN),
        "alternance",
        ["budget"],
    ),
    Persona(
        "souhaits contradictoires : payé mais pas d'alternance",
        dict(situation="reconversion", must_be_paid=True, wants_alternance=False),
        None,
        ["honnête", "conseiller"],
        {"alternance": "alternance", "formation_continue": "rémunér"},
    ),
    Persona(
        "trois mois devant soi : rien ne rentre",
        dict(situation="reconversion", max_duration_months=3.0),
        None,
        ["aucune voie", "conseiller"],
        {"formation_continue": "dure plus longtemps", "alternance": "dure plus longtemps"},
    ),
    Persona(
        "rien ne rentre : ni budget, ni financement, ni temps, besoin d'un revenu",
        dict(situation="reconversion", budget_eur=0.0, financing=[], must_be_paid=True, max_duration_months=2.0),
        None,
        ["honnête", "conseiller"],
    ),
    # --- employees ----------------------------------------------------------------------------------
    Persona(
        "salariée avec CPF, un an, sans alternance",
        dict(situation="salarie", budget_eur=5000.0, financing=["cpf"], max_duration_months=12.0, wants_alternance=False),
        "formation_continue",
        ["en quelques mois", "3 000 € à 6 000 €", "CPF"],
        {"alternance": "alternance"},
    ),
    Persona(
        "salarié sans contrainte de durée",
        dict(situation="salarie", max_duration_months=NO_LIMIT),
        "formation_continue",
        ["en quelques mois"],
    ),
    Persona(
        "petit budget mais CPF",
        dict(situation="salarie", budget_eur=1000.0, financing=["cpf"], wants_alternance=False),
        "formation_continue",
        ["CPF", "différence"],
    ),
    Persona(
        "gros budget, pressée",
        dict(situation="salarie", budget_eur=10000.0, max_duration_months=6.0, wants_alternance=False, interest="administration"),
        "formation_continue",
        ["durée"],
        {"lycee_pro": "situation"},
    ),
    Persona(
        "payé sans alternance, salarié",
        dict(situation="salarie", must_be_paid=True, wants_alternance=False),
        "formation_continue",
        ["Transitions Pro"],
        {"alternance": "alternance"},
    ),
    Persona(
        "salariée bac+2 attirée par l'administratif, aidée par son employeur",
        dict(situation="salarie", diploma="bac2", interest="administration", budget_eur=4000.0, financing=["employer"]),
        "formation_continue",
        ["employeur"],
    ),
    Persona(
        "senior de 58 ans, en poste",
        dict(situation="salarie", age=58, interest="patient", max_duration_months=NO_LIMIT),
        "formation_continue",
        ["patients"],
        {"lycee_pro": "situation"},
    ),
    Persona(
        "salarié qui veut l'alternance et un salaire",
        dict(situation="salarie", must_be_paid=True, wants_alternance=True),
        "alternance",
        ["rémunér", "alternance"],
    ),
    # No source makes « référent e-santé » a route for any employee drawn to digital tools (issue 20).
    Persona(
        "salarié attiré par le numérique",
        dict(situation="salarie", interest="numerique", financing=["cpf"]),
        "formation_continue",
        ["numérique"],
    ),
    Persona(
        "salarié numérique qui doit garder son salaire",
        dict(situation="salarie", interest="numerique", must_be_paid=True, wants_alternance=False),
        "formation_continue",
        ["Transitions Pro"],
    ),
    Persona(
        "salarié numérique sans budget ni financement",
        dict(situation="salarie", interest="numerique", budget_eur=0.0, financing=[]),
        "alternance",
        ["budget"],
        {"formation_continue": "budget"},
    ),
    # --- little known ---------------------------------------------------------------------------------
    Persona("rien de connu", dict(), "formation_continue", ["Formation continue"]),
    Persona(
        "tout inconnu",
        {
            name: UNKNOWN
            for name in (
                "situation",
                "age",
                "diploma",
                "budget_eur",
                "max_duration_months",
                "must_be_paid",
                "financing",
                "interest",
                "wants_alternance",
            )
        },
        "formation_continue",
        ["Formation continue"],
    ),
    Persona("adulte de 45 ans, situation inconnue, sans budget", dict(age=45, budget_eur=0.0), "formation_continue", ["budget"]),
]


def _ranked(kb: KnowledgeBase, slots: Dict[str, Any]) -> List[Recommendation]:
    return recommend(Profile.from_slots(slots), kb)


def test_enough_personas() -> None:
    assert len(PERSONAS) >= 24
    situations = {p.slots.get("situation") for p in PERSONAS}
    assert {"etudiant", "reconversion", "salarie"} <= situations


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_persona(kb: KnowledgeBase, persona: Persona) -> None:
    profile = Profile.from_slots(persona.slots)
    ranked = recommend(profile, kb)
    text = format_recommendation(profile, ranked, kb).text
    summary = [(r.id, r.score, r.excluded) for r in ranked]
    if persona.top is None:
        assert all(r.excluded or not r.eligible for r in ranked), summary
        assert ranked[0].blockers[0] in text, "the least constrained route says what stands in the way"
    else:
        assert ranked[0].id == persona.top and not ranked[0].excluded, summary
    for word in persona.says:
        assert word.lower() in text.lower(), (word, text)
    by_id = {r.id: r for r in ranked}
    for route_id, word in persona.rules_out.items():
        assert by_id[route_id].excluded, (route_id, summary)
        assert any(word.lower() in b.lower() for b in by_id[route_id].blockers), (route_id, by_id[route_id].blockers)


# --- the must-haves, spelt out --------------------------------------------------------------------------


def test_lyceen_without_budget_gets_the_lycee(kb: KnowledgeBase) -> None:
    assert _ranked(kb, dict(situation="etudiant", budget_eur=0.0))[0].id == "lycee_pro"


def test_job_seeker_who_must_be_paid_gets_alternance_and_is_told_why(kb: KnowledgeBase) -> None:
    top = _ranked(kb, dict(situation="reconversion", must_be_paid=True))[0]
    assert top.id == "alternance" and "rémunérée" in top.reasons[0]


def test_employee_with_cpf_one_year_no_alternance_gets_formation_continue(kb: KnowledgeBase) -> None:
    top = _ranked(kb, dict(situation="salarie", financing=["cpf"], max_duration_months=12.0, wants_alternance=False))[0]
    assert top.id == "formation_continue" and any("CPF" in r for r in top.reasons)


def test_regulation_with_the_bac_gets_arm(kb: KnowledgeBase) -> None:
    assert _ranked(kb, dict(diploma="bac", interest="regulation"))[0].id == "arm"


# --- rules of the scoring ------------------------------------------------------------------------------


def test_ranking_is_deterministic(kb: KnowledgeBase) -> None:
    for persona in PERSONAS:
        first = [(r.id, r.score) for r in _ranked(kb, persona.slots)]
        assert first == [(r.id, r.score) for r in _ranked(kb, dict(reversed(list(persona.slots.items()))))]


def test_unknown_answers_never_exclude(kb: KnowledgeBase) -> None:
    slots = {name: UNKNOWN for name in Profile.__dataclass_fields__}
    assert not any(r.excluded for r in _ranked(kb, slots))
    assert not any(r.excluded for r in _ranked(kb, {}))


def test_unknown_financing_softens_a_budget_gap(kb: KnowledgeBase) -> None:
    unknown = {r.id: r for r in _ranked(kb, dict(situation="salarie", budget_eur=1000.0))}
    none = {r.id: r for r in _ranked(kb, dict(situation="salarie", budget_eur=1000.0, financing=[]))}
    assert not unknown["formation_continue"].excluded and none["formation_continue"].excluded


def test_no_digital_move_is_offered_without_a_source(kb: KnowledgeBase) -> None:
    for slots in (dict(situation="salarie", interest="numerique"), dict(situation="salarie", interest="numerique", financing=["employer"])):
        ranked = _ranked(kb, slots)
        text = format_recommendation(Profile.from_slots(slots), ranked, kb).text
        assert "référent e-santé" not in text and {r.id for r in ranked} <= set(kb.routes) | set(kb.recognition)


def test_every_recommendation_carries_what_the_card_needs(kb: KnowledgeBase) -> None:
    for route in _ranked(kb, dict(situation="salarie", interest="numerique")):
        assert route.name and route.cost and route.duration and route.certification and route.next_steps
        assert route.sources and route.source_names
        assert set(route.sources) <= set(kb.sources)


def test_financing_follows_the_situation(kb: KnowledgeBase) -> None:
    student = {r.id: r for r in _ranked(kb, dict(situation="etudiant"))}
    employee = {r.id: r for r in _ranked(kb, dict(situation="salarie", financing=["employer"]))}
    assert kb.financing["employer"].name not in student["formation_continue"].financing
    assert employee["formation_continue"].financing[0] == kb.financing["employer"].name


# --- the reply ---------------------------------------------------------------------------------------------


def _numbers(text: str) -> Set[str]:
    return {re.sub(r"[\s\u202f\u00a0]", "", n) for n in re.findall(r"\d(?:[\d\s\u202f\u00a0]*\d)?", text)}


def test_every_number_of_a_recommendation_comes_from_the_knowledge_base(kb: KnowledgeBase) -> None:
    """No invented figure: every number of the reply (before the recap of what the person said)
    and of the card's pathways appears in the knowledge-base YAML."""
    kb_numbers = _numbers(" ".join(p.read_text(encoding="utf-8") for p in Path(KNOWLEDGE_DIR).glob("*.yml")))
    for persona in PERSONAS:
        profile = Profile.from_slots(persona.slots)
        reply = format_recommendation(profile, recommend(profile, kb), kb)
        body = reply.text.split("Vous m'avez dit")[0]
        cards = [reply.custom["top"]] + reply.custom["alternatives"]
        card_text = " ".join(str(v) for card in cards for k, v in card.items() if k != "score")
        invented = (_numbers(body) | _numbers(card_text)) - kb_numbers
        assert not invented, f"{persona.name}: {invented}"


def test_reply_fits_a_chat_bubble_and_carries_a_card(kb: KnowledgeBase) -> None:
    for persona in PERSONAS:
        profile = Profile.from_slots(persona.slots)
        ranked = recommend(profile, kb)
        reply = format_recommendation(profile, ranked, kb)
        assert len(reply.text) <= MAX_TEXT_LENGTH, (persona.name, len(reply.text))
        assert reply.custom["type"] == "pathway_recommendation"
        top = reply.custom["top"]
        assert top["id"] == ranked[0].id
        for key in ("name", "cost", "duration", "certification", "reasons", "financing", "next_steps", "sources"):
            assert key in top
        assert top["reasons"] and top["next_steps"] and top["sources"]
        assert len(reply.custom["alternatives"]) <= 2
        assert {b.payload for b in reply.buttons} >= {"/request_human", "/ask_financing"}
        assert reply.sources


def test_reply_gives_the_top_reasons_alternatives_financing_and_next_step(kb: KnowledgeBase) -> None:
    profile = Profile.from_slots(
        dict(situation="salarie", budget_eur=5000.0, financing=["cpf"], max_duration_months=12.0, wants_alternance=False)
    )
    ranked = recommend(profile, kb)
    text = format_recommendation(profile, ranked, kb).text
    assert text.startswith("Je vous conseille la formation continue.")
    assert "Autres pistes : " + ranked[1].advice in text
    assert "Financements possibles : le CPF" in text
    assert "Première étape : " + ranked[0].next_steps[0][:1].lower() + ranked[0].next_steps[0][1:] in text


def test_recap_lets_the_person_correct(kb: KnowledgeBase) -> None:
    profile = Profile.from_slots(dict(situation="salarie", budget_eur=5000.0, max_duration_months=12.0, wants_alternance=False))
    text = format_recommendation(profile, recommend(profile, kb), kb).text
    assert "Vous m'avez dit : en poste, budget 5 000 €, un an maximum, pas d'alternance." in text
    assert "Corrigez-moi" in text


@pytest.mark.parametrize(
    "slots, recap",
    [
        (dict(budget_eur=0.0), "pas de budget"),
        (dict(max_duration_months=18.0), "18 mois maximum"),
        (dict(max_duration_months=24.0), "2 ans maximum"),
        (dict(max_duration_months=NO_LIMIT), "pas de limite de durée"),
        (dict(financing=[]), "aucun financement"),
        (dict(age=42.0), "42 ans"),
        (dict(diploma="bac2"), "bac+2 ou plus"),
        (dict(must_be_paid=True), "besoin d'un revenu pendant la formation"),
    ],
)
def test_recap_words(kb: KnowledgeBase, slots: Dict[str, Any], recap: str) -> None:
    profile = Profile.from_slots(slots)
    assert f"Vous m'avez dit : {recap}." in format_recommendation(profile, recommend(profile, kb), kb).text


def test_nothing_fits_points_to_a_human(kb: KnowledgeBase) -> None:
    profile = Profile.from_slots(dict(situation="reconversion", budget_eur=0.0, financing=[], must_be_paid=True, max_duration_months=2.0))
    reply = format_recommendation(profile, recommend(profile, kb), kb)
    assert reply.custom["nothing_fits"] is True
    assert "conseiller" in reply.text and any(b.payload == "/request_human" for b in reply.buttons)


def test_profile_from_slots_ignores_other_slots() -> None:
    profile = Profile.from_slots({"situation": "salarie", "requested_slot": "age", "age": 41.0})
    assert profile.situation == "salarie" and profile.age_years == 41.0 and profile.budget is None


# --- personas as they type: each answer read by bot/parsing.py, then recommended ---------------------------


@dataclass(frozen=True)
class TypedPersona:
    name: str
    answers: List[str]  # one per question, in the interview's order (bot.interview.ASKED_SLOTS)
    top: Optional[str]
    says: List[str]
    never_says: List[str] = field(default_factory=list)


TYPED_PERSONAS = [
    TypedPersona(
        "lycéenne de 16 ans sans le bac",
        ["jsuis au lycee", "16 ans", "pas encore le bac", "0", "jsp", "non", "aucun", "le contact avec les patients"],
        "lycee_pro",
        ["bac pro", "gratuit"],
        ["Je vous conseille l'alternance"],
    ),
    TypedPersona(
        "collégien de 15 ans",
        ["je suis en 3eme", "15", "brevet", "rien", "peu importe", "nn", "jsais pas", "aider les gens"],
        "lycee_pro",
        ["gratuit"],
    ),
    TypedPersona(
        "lycéen de 17 ans attiré par le SAMU",
        ["lyceen", "17ans", "jai pas le bac", "pas de sous", "3 ans ca me va", "non", "rien", "le samu, les appels d'urgence"],
        "lycee_pro",
        ["18 ans"],
    ),
    TypedPersona(
        "bachelière de 19 ans attirée par la régulation",
        [
            "etudiante",
            "19",
            "jai eu mon bac l'an dernier",
            "pas de budget",
            "deux ans",
            "pas forcement",
            "aucune idee",
            "la regulation au samu",
        ],
        "arm",
        ["régulation"],
    ),
    TypedPersona(
        "étudiant de 20 ans qui doit gagner sa vie",
        ["je suis etudiant en fac", "20 ans", "bac général", "0€", "2 ans max", "oui obligé", "non", "l'accueil des patients"],
        "alternance",
        ["rémunér"],
    ),
    TypedPersona(
        "chômeuse de 38 ans, bac pro commerce, AIF possible",
        [
            "au chomage depuis 6 mois",
            "38",
            "bac pro commerce",
            "pas de budget",
            "un an",
            "oui si possible",
            "france travail peut etre",
            "le contact patient",
        ],
        # At 38 apprenticeship is not open as a rule, and no other route pays: said honestly.
        None,
        ["conseiller"],
        ["la seule"],
    ),
    TypedPersona(
        "demandeur d'emploi avec 2 000 € et le CPF",
        ["demandeur d'emploi", "45 ans", "cap", "2000 euros", "6 mois", "non", "mon cpf", "l'administratif"],
        "formation_continue",
        ["CPF"],
    ),
    TypedPersona(
        "demandeuse d'emploi de 31 ans, sans bac, attirée par la régulation",
        ["inscrite a france travail", "31", "pas de diplome", "rien", "peu importe", "non", "je sais pas", "regulation des appels"],
        "arm",
        ["expérience"],
    ),
    TypedPersona(
        "reconversion en SMS, tout en minuscules",
        ["reconversion", "42 ans", "bac+2", "3k", "1 an", "non", "cpf", "secretariat medical"],
        "formation_continue",
        ["CPF"],
    ),
    TypedPersona(
        "salariée qui doit garder son salaire",
        ["je suis salariée en cdi", "35", "bac", "pas grand chose", "1 an", "oui je dois garder mon salaire", "jsp", "les patients"],
        "formation_continue",
        ["Transitions Pro"],
        ["la seule"],
    ),
    TypedPersona(
        "salarié aidé par son employeur, pas d'alternance",
        [
            "salarié",
            "50 ans",
            "bac pro",
            "5000",
            "pas plus de 8 mois",
            "non pas besoin",
            "mon employeur paie, pas d'alternance",
            "l'organisation du cabinet",
        ],
        "formation_continue",
        ["employeur"],
    ),
    TypedPersona(
        "aide-soignante en poste attirée par le numérique",
        [
            "aide soignante en poste",
            "44",
            "diplome d'etat aide soignant",
            "1500",
            "peu importe",
            "non",
            "cpf",
            "le numerique, le dossier patient informatise",
        ],
        # Her DEAS already lets her work as assistant médical (arrêté du 7 novembre 2019).
        "de_sante",
        ["diplôme d'État d'aide-soignant", "trois ans"],
    ),
    TypedPersona(
        "secrétaire en CDD dictée sans ponctuation",
        [
            "je suis secretaire en cdd dans un cabinet",
            "29 ans",
            "bac stmg",
            "j ai mille euros de cote",
            "un an et demi max",
            "pas forcement",
            "je sais pas trop",
            "je prefere l'administratif",
        ],
        "alternance",
        ["formation continue"],
    ),
    TypedPersona(
        "jeune de 22 ans au RSA, pas de budget",
        ["je touche le rsa", "22", "bac", "zero", "2 ans", "oui", "rien", "aider les patients"],
        "alternance",
        ["rémunér"],
    ),
    TypedPersona(
        "personne qui ne sait presque rien",
        ["jsp", "je prefere pas dire", "aucune idee", "jsp", "je sais pas", "jsp", "je sais pas", "je sais pas"],
        "formation_continue",
        ["formation continue"],
    ),
    TypedPersona(
        "adulte de 55 ans, trois mois devant lui",
        ["en reconversion", "55 ans", "bac", "4000 euros", "3 mois", "non", "cpf", "patients"],
        None,
        ["conseiller"],
    ),
    TypedPersona(
        "étudiante qui ne veut pas d'alternance mais doit être payée",
        ["etudiante", "21", "bac", "0", "2 ans", "oui il faut que je sois payee mais pas en alternance", "non", "patients"],
        None,
        ["conseiller"],
    ),
    TypedPersona(
        "employé de 30 ans avec 7 000 €, pressé",
        ["employé de banque", "30", "licence", "7000€", "6 mois grand max", "non", "moi meme", "l'administratif"],
        "formation_continue",
        ["durée"],
    ),
]


def _typed_profile(answers: List[str]) -> Dict[str, Any]:
    from bot.interview import ASKED_SLOTS, read_answer

    slots: Dict[str, Any] = {}
    # Typed before the question on what the person already has; a DE said elsewhere is still read.
    for slot, text in zip([s for s in ASKED_SLOTS if s != "background"], answers, strict=False):
        read = read_answer(text, slot)
        assert slot in read, f"{text!r} is not read as an answer to {slot}: {read}"
        slots.update(read)
    return slots


def test_forty_personas_in_all() -> None:
    assert len(PERSONAS) + len(TYPED_PERSONAS) >= 40
    assert all(len(p.answers) == 8 for p in TYPED_PERSONAS)


@pytest.mark.parametrize("persona", TYPED_PERSONAS, ids=[p.name for p in TYPED_PERSONAS])
def test_typed_persona(kb: KnowledgeBase, persona: TypedPersona) -> None:
    profile = Profile.from_slots(_typed_profile(persona.answers))
    ranked = recommend(profile, kb)
    text = format_recommendation(profile, ranked, kb).text
    summary = [(r.id, r.score, r.excluded) for r in ranked]
    if persona.top is None:
        assert all(r.excluded or not r.eligible for r in ranked), summary
    else:
        assert ranked[0].id == persona.top and not ranked[0].excluded, (profile, summary)
    for word in persona.says:
        assert word.lower() in text.lower(), (word, text)
    for word in persona.never_says + ["la seule voie"]:
        assert word.lower() not in text.lower(), (word, text)


# --- the rules a careers adviser applies, from the knowledge base ------------------------------------------


def test_arm_needs_18_years_and_the_bac_or_three_years_of_work(kb: KnowledgeBase) -> None:
    arm = kb.routes["arm"]
    assert arm.min_age == 18 and arm.strict_ages
    assert all(words in arm.entry.text for words in ("18 ans", "bac", "trois ans d'expérience"))
    young = {r.id: r for r in _ranked(kb, dict(age=17, diploma="bac", interest="regulation"))}
    assert young["arm"].excluded
    experienced = {r.id: r for r in _ranked(kb, dict(situation="reconversion", age=40, diploma="none", interest="regulation"))}
    assert not experienced["arm"].excluded, "three years of work open it without the bac: a condition to check"


def test_apprenticeship_is_usually_16_to_29_a_condition_to_check_not_a_bar(kb: KnowledgeBase) -> None:
    alternance = kb.routes["alternance"]
    assert (alternance.max_age, alternance.strict_ages) == (29, False)
    assert "16 à 29 ans" in alternance.entry.text
    older = {r.id: r for r in _ranked(kb, dict(situation="reconversion", age=35))}
    assert not older["alternance"].excluded and any("29 ans" in b for b in older["alternance"].blockers)


def test_under_18_without_the_bac_is_pointed_to_the_bac_pro_first(kb: KnowledgeBase) -> None:
    for slots in (
        dict(situation="etudiant", age=16, diploma="none"),
        dict(situation="etudiant", age=15),
        dict(situation="etudiant", age=17, diploma="none", must_be_paid=False, interest="regulation"),
    ):
        assert _ranked(kb, slots)[0].id == "lycee_pro", slots


def test_employee_who_must_keep_a_salary_hears_of_transitions_pro_and_alternance(kb: KnowledgeBase) -> None:
    profile = Profile.from_slots(dict(situation="salarie", age=35, must_be_paid=True))
    ranked = recommend(profile, kb)
    text = format_recommendation(profile, ranked, kb).text
    # At 35 apprenticeship is not open as a rule: Transitions Pro is how a salary is kept.
    assert "Transitions Pro" in text and ranked[0].id != "alternance"


def test_job_seeker_hears_of_france_travail_aif(kb: KnowledgeBase) -> None:
    profile = Profile.from_slots(dict(situation="reconversion", budget_eur=1000.0, must_be_paid=False, wants_alternance=False))
    ranked = recommend(profile, kb)
    assert ranked[0].id == "formation_continue"
    assert kb.financing["france_travail"].name in ranked[0].financing
    assert "France Travail" in format_recommendation(profile, ranked, kb).text


def test_no_route_is_called_the_only_one(kb: KnowledgeBase) -> None:
    for slots in [p.slots for p in PERSONAS] + [_typed_profile(p.answers) for p in TYPED_PERSONAS]:
        profile = Profile.from_slots(slots)
        ranked = recommend(profile, kb)
        reply = format_recommendation(profile, ranked, kb)
        everything = reply.text + " ".join(" ".join(r.reasons + r.blockers) for r in ranked)
        assert "la seule" not in everything.lower() and "le seul" not in everything.lower(), slots
