"""Recommends a training pathway from a person's profile, and explains why.

Transparent scoring: hard constraints exclude a route (each with the reason),
preferences add points (each with the reason). Unknown answers never exclude.
Every figure shown comes from the knowledge base; ties follow a fixed order,
so results are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.knowledge import FinancingOption, KnowledgeBase, TrainingRoute
from bot.parsing import NO_LIMIT, UNKNOWN
from bot.reply import Button, Reply

DIPLOMA_RANK = {"none": 0, "cap_bep": 1, "bac": 2, "bac2": 3}
INTEREST_WORDS = {
    "patient": "le contact avec les patients",
    "administration": "l'organisation et l'administratif",
    "numerique": "le numérique et la e-santé",
    "regulation": "la régulation des appels d'urgence",
}
SITUATION_WORDS = {"etudiant": "en études", "reconversion": "en reconversion ou en recherche d'emploi", "salarie": "en poste"}
FINANCING_WORDS = {"cpf": "votre CPF", "employer": "votre employeur", "region": "une aide régionale", "france_travail": "France Travail"}
DIGITAL_MOVE = "evolution_numerique"
# Ties go to the most widely accessible route first (open to adults and young people alike).
TIE_ORDER = (DIGITAL_MOVE, "formation_continue", "alternance", "lycee_pro", "formation_privee", "arm")
# Age above which the lycée route (entered after the 3e) is not a realistic option.
LYCEE_MAX_AGE = 20

# Points: a preference weighs less than a need, a hard constraint excludes.
INTEREST_POINTS = 3
SITUATION_POINTS = 2
PAID_POINTS = 4
WISH_POINTS = 3
FITS_BUDGET_POINTS = 1


def _known(value: Any) -> bool:
    return value is not None and value != UNKNOWN


@dataclass(frozen=True)
class Profile:
    situation: Optional[str] = None
    age: Any = None
    diploma: Optional[str] = None
    budget_eur: Any = None
    max_duration_months: Any = None
    must_be_paid: Any = None
    financing: Any = None
    interest: Optional[str] = None
    wants_alternance: Any = None

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> "Profile":
        return cls(**{name: slots.get(name) for name in cls.__dataclass_fields__})

    @property
    def financing_list(self) -> List[str]:
        return list(self.financing) if isinstance(self.financing, list) else []


@dataclass
class Recommendation:
    id: str
    name: str
    score: float = 0.0
    excluded: bool = False
    reasons: List[str] = field(default_factory=list)
    blockers: List[str] = field(default_factory=list)
    cost: str = ""
    duration: str = ""
    certification: str = ""
    financing: List[str] = field(default_factory=list)
    next_steps: List[str] = field(default_factory=list)
    sources: Tuple[str, ...] = ()

    def card(self) -> Dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "cost": self.cost, "duration": self.duration,
            "certification": self.certification, "reasons": self.reasons + self.blockers,
            "financing": self.financing, "next_steps": self.next_steps,
        }


def _applicable_financing(route: TrainingRoute, profile: Profile, kb: KnowledgeBase) -> List[FinancingOption]:
    options = [kb.financing[i] for i in route.financing]
    if _known(profile.situation):
        options = [o for o in options if profile.situation in o.situations]
    mentioned = profile.financing_list
    # What the person said they can use comes first.
    return sorted(options, key=lambda o: (o.id not in mentioned, route.financing.index(o.id)))


def _score_route(route: TrainingRoute, profile: Profile, kb: KnowledgeBase) -> Recommendation:
    rec = Recommendation(
        id=route.id, name=route.name, cost=route.cost.text, duration=route.duration.text,
        certification=route.certification.text,
        next_steps=[s.text for s in route.next_steps],
        sources=tuple(dict.fromkeys(route.cost.sources + route.duration.sources + route.certification.sources)),
    )
    options = _applicable_financing(route, profile, kb)
    rec.financing = [o.name for o in options]

    def exclude(reason: str) -> None:
        rec.excluded = True
        rec.blockers.append(reason)

    # --- hard constraints ------------------------------------------------------------------
    age = float(profile.age) if _known(profile.age) else None
    if route.id == "lycee_pro":
        if profile.situation in ("reconversion", "salarie") or (age is not None and age > LYCEE_MAX_AGE):
            exclude("Le lycée professionnel s'adresse aux élèves qui sortent de 3e, pas aux adultes.")
        elif _known(profile.diploma) and DIPLOMA_RANK.get(profile.diploma, 0) >= DIPLOMA_RANK["bac"]:
            rec.score -= SITUATION_POINTS
            rec.blockers.append("Vous avez déjà le bac : un bac pro vous ferait repartir en arrière.")
    if route.min_age is not None and age is not None and age < route.min_age:
        exclude(f"Il faut avoir au moins {route.min_age} ans pour y entrer.")
    if route.required_diploma and _known(profile.diploma):
        if DIPLOMA_RANK.get(profile.diploma, 0) < DIPLOMA_RANK[route.required_diploma]:
            if profile.situation in ("salarie", "reconversion"):
                rec.score -= SITUATION_POINTS
                rec.blockers.append(f"Sans le bac, l'accès reste possible sous conditions : {route.entry.text}")
            else:
                exclude(f"Conditions d'accès : {route.entry.text}")
    budget = profile.budget_eur
    if isinstance(budget, (int, float)) and not isinstance(budget, bool) and route.cost.minimum is not None:
        if route.cost.minimum > budget:
            helpers = [o.name for o in options if o.id in profile.financing_list]
            if helpers:
                rec.score -= 1
                rec.reasons.append(f"Son coût ({route.cost.text}) dépasse votre budget, mais {helpers[0]} peut compléter.")
            else:
                exclude(f"Son coût ({route.cost.text}) dépasse votre budget.")
        elif route.cost.maximum is not None and route.cost.maximum <= budget:
            rec.score += FITS_BUDGET_POINTS
            rec.reasons.append(f"Elle tient dans votre budget : {route.cost.text}.")
    limit = profile.max_duration_months
    if isinstance(limit, (int, float)) and not isinstance(limit, bool) and route.duration.minimum is not None:
        if route.duration.minimum > limit:
            exclude(f"Elle dure plus longtemps que ce que vous pouvez y consacrer ({route.duration.text}).")
        else:
            rec.reasons.append(f"Sa durée vous convient : {route.duration.text}.")
    if profile.must_be_paid is True:
        if route.paid_while_training:
            rec.score += PAID_POINTS
            rec.reasons.insert(0, "Vous avez besoin d'un revenu pendant la formation : l'alternance est rémunérée, et l'employeur paie aussi la formation.")
        elif profile.situation == "salarie" and "transitions_pro" in route.financing:
            rec.score -= 1
            rec.reasons.append(f"Pour garder votre salaire : {kb.financing['transitions_pro'].name}, sous conditions d'ancienneté.")
        else:
            exclude("Vous avez besoin d'un revenu pendant la formation, ce que cette voie ne prévoit pas.")
    if profile.wants_alternance is False and route.id == "alternance":
        exclude("Vous ne souhaitez pas suivre une formation en alternance.")

    # --- preferences -------------------------------------------------------------------------
    if profile.wants_alternance is True and route.id == "alternance":
        rec.score += WISH_POINTS
        rec.reasons.append("Vous souhaitez apprendre en alternance.")
    if _known(profile.interest) and profile.interest in route.interests:
        points = INTEREST_POINTS * (2 if profile.interest == "regulation" else 1)
        rec.score += points
        rec.reasons.append(f"Elle correspond à ce qui vous attire : {INTEREST_WORDS.get(profile.interest, profile.interest)}.")
    if profile.situation == "etudiant" and route.id == "lycee_pro" and not rec.excluded:
        rec.score += SITUATION_POINTS
        rec.reasons.insert(0, "C'est la voie prévue pour les jeunes après la 3e.")
    if profile.situation in ("reconversion", "salarie") and route.id == "formation_continue":
        rec.score += SITUATION_POINTS
        rec.reasons.insert(0, "Elle est conçue pour les adultes qui se reconvertissent ou évoluent.")
    if any(o.id in profile.financing_list for o in options):
        rec.score += 1
    return rec


def _digital_move(profile: Profile, kb: KnowledgeBase) -> Optional[Recommendation]:
    """For employees drawn to digital tools: move towards the digital side of the job."""
    if profile.situation != "salarie" or profile.interest != "numerique":
        return None
    moves, title, skills = kb.fact("digital_moves"), kb.fact("digital_title"), kb.fact("digital_skills")
    base = kb.routes["formation_continue"]
    rec = Recommendation(
        id=DIGITAL_MOVE,
        name="Évoluer vers le numérique en santé (assistant médical numérique, référent e-santé)",
        score=INTEREST_POINTS + SITUATION_POINTS + 1,
        reasons=[
            "Vous êtes en poste et le numérique vous attire : votre expérience est un atout pour le versant numérique du métier.",
            moves.text,
        ],
        cost=f"celui de la formation choisie, par exemple en formation continue : {base.cost.text}",
        duration=f"selon la formation, par exemple {base.duration.text}",
        certification=title.text,
        financing=[o.name for o in _applicable_financing(base, profile, kb)],
        next_steps=[base.next_steps[0].text, skills.text],
        sources=tuple(dict.fromkeys(moves.sources + title.sources + skills.sources + base.cost.sources)),
    )
    return rec


def recommend(profile: Profile, kb: KnowledgeBase) -> List[Recommendation]:
    """Every pathway, best first: the excluded ones last, ties in TIE_ORDER."""
    results = [_score_route(route, profile, kb) for route in kb.routes.values()]
    move = _digital_move(profile, kb)
    if move:
        results.insert(0, move)
    return sorted(results, key=lambda r: (r.excluded, -r.score, len(r.blockers), TIE_ORDER.index(r.id)))


# --- the reply ----------------------------------------------------------------------------------

def recap(profile: Profile) -> str:
    """What the person said, in a few words, so that they can correct it."""
    parts: List[str] = []
    if _known(profile.situation):
        parts.append(SITUATION_WORDS.get(profile.situation, profile.situation))
    if _known(profile.age):
        parts.append(f"{int(float(profile.age))} ans")
    if isinstance(profile.budget_eur, (int, float)) and not isinstance(profile.budget_eur, bool):
        parts.append("pas de budget" if profile.budget_eur == 0 else f"budget {int(profile.budget_eur):,} €".replace(",", " "))
    if profile.max_duration_months == NO_LIMIT:
        parts.append("pas de limite de durée")
    elif isinstance(profile.max_duration_months, (int, float)) and not isinstance(profile.max_duration_months, bool):
        months = float(profile.max_duration_months)
        parts.append(f"{int(months)} mois au plus" if months % 12 else f"{int(months // 12)} an{'s' if months >= 24 else ''} au plus")
    if profile.must_be_paid is True:
        parts.append("besoin d'un revenu pendant la formation")
    elif profile.must_be_paid is False:
        parts.append("pas besoin d'un revenu pendant la formation")
    if profile.financing_list:
        parts.append("financement : " + ", ".join(FINANCING_WORDS.get(f, f) for f in profile.financing_list))
    if profile.wants_alternance is False:
        parts.append("pas d'alternance")
    if _known(profile.interest):
        parts.append("intérêt : " + INTEREST_WORDS.get(profile.interest, profile.interest))
    return ", ".join(parts)


def format_recommendation(profile: Profile, recommendations: List[Recommendation], kb: KnowledgeBase) -> Reply:
    top = recommendations[0]
    alternatives = [r for r in recommendations[1:] if not r.excluded][:2]
    lines: List[str] = []
    if top.excluded:
        lines.append("Aucune voie ne remplit toutes vos conditions. La moins contraignante pour vous :")
        lines.append(f"➜ {top.name}. {top.blockers[0]}")
    else:
        lines.append(f"Mon conseil : {top.name}.")
        lines.append(" ".join(top.reasons[:2]))
    lines.append(f"Coût : {top.cost}. Durée : {top.duration}.")
    if top.financing:
        lines.append("Pour la financer : " + ", ".join(top.financing[:3]) + ".")
    if top.next_steps:
        lines.append(f"Première étape : {top.next_steps[0]}")
    if alternatives:
        lines.append("Autres pistes : " + " ; ".join(f"{r.name} ({r.cost})" for r in alternatives) + ".")
    if top.excluded or not alternatives:
        lines.append("Un conseiller peut vous aider à trouver une solution adaptée.")
    said = recap(profile)
    if said:
        lines.append(f"Vous m'avez dit : {said}. Si c'est inexact, corrigez-moi (par exemple « en fait, mon budget est de 3 000 € »).")
    custom = {
        "type": "pathway_recommendation",
        "top": top.card(),
        "alternatives": [r.card() for r in alternatives],
        "profile": {name: getattr(profile, name) for name in Profile.__dataclass_fields__},
        "disclaimer": kb.disclaimer.text,
    }
    buttons = (
        Button.for_intent("Modifier mes réponses", "restart_interview"),
        Button.for_intent(kb.topic_labels.get("ask_financing", "Le financement"), "ask_financing"),
        Button.for_intent(kb.topic_labels.get("request_human", "Parler à un conseiller"), "request_human"),
    )
    sources = tuple(dict.fromkeys(top.sources + tuple(s for r in alternatives for s in r.sources)))
    return Reply(text="\n".join(lines), buttons=buttons, custom=custom, sources=sources)
