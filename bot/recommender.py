"""Recommends a training pathway from a person's profile, and explains why.

Transparent scoring, route by route:

* hard constraints exclude a route, with the reason (cost above the budget when no
  financing can help, duration above the limit, no pay when pay is needed, age,
  diploma and situation for the lycée and the ARM diploma);
* softer ones (a financing could cover the gap, an access condition to check)
  cost points, with the reason;
* preferences (interest, situation, alternance) add points, with the reason.

Unknown answers never exclude. Every figure shown comes from the knowledge base
(the texts of its ranges, its min_age and max_age), none from this module. Ties
follow TIE_ORDER, so the ranking is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.answers import source_links
from bot.french import join, lower_first
from bot.knowledge import FinancingOption, KnowledgeBase, TrainingRoute
from bot.parsing import LITTLE_BUDGET, NO_LIMIT, UNKNOWN
from bot.reply import Button, Reply

DIGITAL_MOVE = "evolution_numerique"
DIGITAL_MOVE_NAME = "Évoluer vers le numérique en santé (assistant médical numérique, référent e-santé)"
DIGITAL_MOVE_ADVICE = "d'évoluer vers le numérique en santé, par exemple comme référent e-santé"
# Facts of topics.yml the digital move is built from.
DIGITAL_FACTS = ("digital_moves", "digital_title")
# Ties go to the most widely accessible pathway first.
TIE_ORDER = (DIGITAL_MOVE, "formation_continue", "alternance", "lycee_pro", "formation_privee", "arm")

# Points: a need weighs more than a preference; a hard constraint excludes.
PAID_POINTS = 4
INTEREST_POINTS = 3
WISH_POINTS = 3
SITUATION_POINTS = 2
FITS_BUDGET_POINTS = 1
FINANCING_POINTS = 1
# Regulation is offered by one route only: the wish is specific, so it counts double.
SPECIFIC_INTEREST_FACTOR = 2
SMALL_PENALTY = 1  # a condition to check
# From this age, someone who has not said their situation is not taken for a pupil.
ADULT_AGE = 18
GAP_PENALTY = 2  # a cost above the budget that a financing might cover

# The bubble; the card carries every detail.
MAX_TEXT_LENGTH = 600


def as_number(value: Any) -> Optional[float]:
    """A slot value as a number, or None for UNKNOWN, NO_LIMIT, None, booleans, text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def _known(value: Any) -> bool:
    return value is not None and value != UNKNOWN


@dataclass(frozen=True)
class Profile:
    """What the person said; any field may be None (not asked) or UNKNOWN."""

    situation: Optional[str] = None  # an id of profile.yml's situations
    age: Any = None  # years
    diploma: Optional[str] = None  # an id of profile.yml's diplomas
    budget_eur: Any = None  # euros; 0.0 = no budget
    max_duration_months: Any = None  # months, or NO_LIMIT
    must_be_paid: Any = None  # bool
    financing: Any = None  # ids of financing.yml's schemes; [] = none at all
    interest: Optional[str] = None  # an id of profile.yml's interests
    wants_alternance: Any = None  # bool

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> "Profile":
        return cls(**{f.name: slots.get(f.name) for f in fields(cls)})

    @property
    def age_years(self) -> Optional[float]:
        return as_number(self.age)

    @property
    def budget(self) -> Optional[float]:
        # A small budget with no amount ("pas grand chose") pays for none of the paying routes.
        return 0.0 if self.budget_eur == LITTLE_BUDGET else as_number(self.budget_eur)

    @property
    def duration_limit(self) -> Optional[float]:
        return None if self.max_duration_months == NO_LIMIT else as_number(self.max_duration_months)

    @property
    def financing_list(self) -> List[str]:
        return [str(item) for item in self.financing] if isinstance(self.financing, list) else []

    @property
    def no_financing(self) -> bool:
        """The person said they have no financing at all (not "I don't know")."""
        return isinstance(self.financing, list) and not self.financing


@dataclass
class Recommendation:
    id: str
    name: str
    advice: str = ""  # what follows "Je vous conseille": "l'alternance", "d'évoluer vers…"
    score: float = 0.0
    excluded: bool = False
    reasons: List[str] = field(default_factory=list)  # in its favour
    blockers: List[str] = field(default_factory=list)  # against it (excluding or not)
    cost: str = ""
    duration: str = ""
    certification: str = ""
    financing: List[str] = field(default_factory=list)  # names of the options open to this person
    financing_short: List[str] = field(default_factory=list)  # the same, inside a sentence
    next_steps: List[str] = field(default_factory=list)
    suits: str = ""  # whom it suits, for when the profile says too little to give reasons
    caveat: str = ""  # said in the bubble whenever it is recommended
    pay_note: str = ""  # how an unpaid route can still keep a salary, said beside it as an alternative
    drawn_to: bool = False  # the one route for what attracts the person (ARM for the regulation)
    sources: Tuple[str, ...] = ()  # source ids
    source_names: List[str] = field(default_factory=list)  # short citations
    source_links: List[Dict[str, Any]] = field(default_factory=list)  # as answers give them (bot.answers)

    def card(self) -> Dict[str, Any]:
        """The web card's view of it."""
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "excluded": self.excluded,
            "cost": self.cost,
            "duration": self.duration,
            "certification": self.certification,
            "reasons": self.reasons or [self.suits],
            "cautions": self.blockers,
            "financing": self.financing,
            "next_steps": self.next_steps,
            "sources": self.source_links,
        }


def applicable_financing(route: TrainingRoute, profile: Profile, kb: KnowledgeBase) -> List[FinancingOption]:
    """The route's financing options open to this person's situation; those they named first."""
    options = [kb.financing[i] for i in route.financing]
    if _known(profile.situation):
        options = [o for o in options if profile.situation in o.situations]
    named = profile.financing_list
    return sorted(options, key=lambda o: (o.id not in named, route.financing.index(o.id)))


class _Scorer:
    """Scores one route for one profile, collecting the reasons as it goes."""

    def __init__(self, route: TrainingRoute, profile: Profile, kb: KnowledgeBase):
        self.route, self.profile, self.kb = route, profile, kb
        self.options = applicable_financing(route, profile, kb)
        # The route's own scheme (the apprenticeship contract of alternance) is not a way to pay for it.
        others = [o for o in self.options if o.id != route.id]
        self.weighted_reasons: List[Tuple[float, str]] = []
        sources = route.cost.sources + route.duration.sources + route.certification.sources + route.entry.sources
        self.rec = Recommendation(
            id=route.id,
            name=route.name,
            advice=route.the,
            cost=route.cost.text,
            duration=route.duration.text,
            certification=route.certification.text,
            financing=[o.name for o in self.options],
            financing_short=[o.short for o in others],
            next_steps=[step.text for step in route.next_steps],
            suits=route.suits[0].text,
            sources=tuple(dict.fromkeys(sources + route.suits[0].sources)),
        )

    def exclude(self, reason: str) -> None:
        self.rec.excluded = True
        self.rec.blockers.append(reason)

    def penalise(self, points: float, reason: str) -> None:
        self.rec.score -= points
        self.rec.blockers.append(reason)

    def reward(self, points: float, reason: str) -> None:
        self.rec.score += points
        self.weighted_reasons.append((points, reason))

    def score(self) -> Recommendation:
        self.entry_conditions()
        self.budget()
        self.duration()
        self.pay()
        self.preferences()
        # The weightiest reasons first (a stable sort keeps the order of equals): the reply shows two.
        self.rec.reasons = [reason for _, reason in sorted(self.weighted_reasons, key=lambda item: -item[0])]
        self.rec.source_names = self.kb.source_names(self.rec.sources)
        self.rec.source_links = source_links(self.kb, self.rec.sources)
        return self.rec

    # --- hard constraints -----------------------------------------------------------------
    def entry_conditions(self) -> None:
        route, profile, kb = self.route, self.profile, self.kb
        age = profile.age_years
        if route.only_for and _known(profile.situation) and profile.situation not in route.only_for:
            self.exclude(f"Cette voie ne correspond pas à votre situation : {route.entry.text}")
        elif route.only_for == ("etudiant",) and not _known(profile.situation) and age is not None and age >= ADULT_AGE:
            self.penalise(SITUATION_POINTS, f"Cette voie est d'abord celle des élèves : {route.entry.text}")
        elif (
            route.leads_to
            and profile.diploma is not None
            and _known(profile.diploma)
            and kb.profile.diploma_rank(profile.diploma) >= kb.profile.diploma_rank(route.leads_to)
        ):
            self.penalise(
                SITUATION_POINTS, f"Vous avez déjà {kb.profile.diplomas[route.leads_to]} ou plus : cette voie ne vous ferait pas avancer."
            )
        if route.min_age is not None and age is not None and age < route.min_age:
            (self.exclude if route.strict_ages else self.soft)(f"Il faut avoir au moins {route.min_age} ans pour y entrer.")
        if route.max_age is not None and age is not None and age > route.max_age:
            if route.strict_ages:
                self.exclude(f"Cette voie est ouverte jusqu'à {route.max_age} ans.")
            else:
                self.soft(f"Elle est en général ouverte jusqu'à {route.max_age} ans : vérifiez si une exception s'applique à vous.")
        required = route.required_diploma
        if (
            required
            and profile.diploma is not None
            and _known(profile.diploma)
            and kb.profile.diploma_rank(profile.diploma) < kb.profile.diploma_rank(required)
        ):
            if profile.situation == "etudiant":
                self.exclude(f"Conditions d'accès que vous ne remplissez pas encore : {route.entry.text}")
            else:
                # Adults may have other ways in (the ARM diploma also admits three years of experience).
                self.penalise(SMALL_PENALTY, f"Conditions d'accès à vérifier dans votre cas : {route.entry.text}")

    def soft(self, reason: str) -> None:
        """A usual limit the person is outside of: a condition to check, not a bar."""
        self.penalise(GAP_PENALTY, reason)

    def budget(self) -> None:
        budget, cost = self.profile.budget, self.route.cost
        if budget is None:
            return
        if cost.minimum is None:
            # The sources give no price: say so rather than guess, without ruling it out.
            self.penalise(SMALL_PENALTY, f"Vérifiez son coût, {cost.text}.")
            return
        if cost.minimum <= budget:
            # The figures are on the "Coût" line of the reply and in the card: the reasons do not repeat them.
            if cost.maximum == 0:
                self.reward(FITS_BUDGET_POINTS, "Cette voie ne vous coûte rien : votre budget n'est pas un obstacle.")
            elif cost.maximum is not None and cost.maximum <= budget:
                self.reward(FITS_BUDGET_POINTS, "Son coût tient dans votre budget.")
            else:
                self.reward(FITS_BUDGET_POINTS, "Son coût peut tenir dans votre budget, selon l'organisme choisi.")
            return
        named = [o for o in self.options if o.id in self.profile.financing_list]
        if named:
            self.penalise(SMALL_PENALTY, f"Son coût dépasse votre budget, mais {named[0].short} peut couvrir la différence.")
        elif self.options and not self.profile.no_financing:
            names = join([o.short for o in self.options[:2]], "ou")
            self.penalise(GAP_PENALTY, f"Son coût dépasse votre budget ; un financement pourrait couvrir la différence : {names}.")
        else:
            self.exclude("Son coût dépasse votre budget, sans financement possible pour compléter.")

    def duration(self) -> None:
        limit, duration = self.profile.duration_limit, self.route.duration
        if limit is None or duration.minimum is None:
            return
        if duration.minimum > limit:
            self.exclude("Cette voie dure plus longtemps que le temps dont vous disposez.")
        else:
            self.reward(0, "Sa durée tient dans le temps dont vous disposez.")

    def pay(self) -> None:
        route, profile = self.route, self.profile
        if profile.must_be_paid is not True:
            return
        if route.paid_while_training:
            self.reward(PAID_POINTS, "Vous avez besoin d'un revenu pendant la formation : cette voie est rémunérée, vous y êtes salarié.")
            return
        open_ids = [o.id for o in self.options]
        ways: List[str] = []
        if "transitions_pro" in open_ids:
            self.rec.pay_note = f"{self.kb.financing['transitions_pro'].short} peut maintenir votre salaire, sous conditions d'ancienneté"
            ways.append(self.rec.pay_note)
        if "alternance" in open_ids and profile.wants_alternance is not False:
            ways.append("elle peut se préparer en alternance, avec un salaire, si vous trouvez un employeur")
        if ways:
            self.penalise(SMALL_PENALTY, f"Cette voie n'est pas rémunérée en soi, mais {join(ways, 'ou')}.")
        else:
            self.exclude("Cette voie n'est pas rémunérée, or vous avez besoin d'un revenu pendant la formation.")

    # --- preferences ---------------------------------------------------------------------------
    def preferences(self) -> None:
        route, profile = self.route, self.profile
        if route.id == "alternance":
            if profile.wants_alternance is False:
                self.exclude("Vous ne souhaitez pas vous former en alternance.")
            elif profile.wants_alternance is True:
                self.reward(WISH_POINTS, "Vous souhaitez vous former en alternance.")
        if _known(profile.interest) and profile.interest in route.interests:
            specific = all(profile.interest not in r.interests for r in self.kb.routes.values() if r.id != route.id)
            points = INTEREST_POINTS * (SPECIFIC_INTEREST_FACTOR if specific else 1)
            self.rec.drawn_to = specific
            self.reward(points, f"Cette voie correspond à ce qui vous attire : {self.kb.profile.interests[profile.interest]}.")
        if _known(profile.situation) and profile.situation in route.only_for + route.meant_for and not self.rec.excluded:
            self.reward(SITUATION_POINTS, route.suits[0].text)
        if route.meant_for and _known(profile.situation) and profile.situation not in route.meant_for:
            meant = join([self.kb.profile.situations[s] for s in route.meant_for], "ou")
            self.penalise(SMALL_PENALTY, f"Cette voie s'adresse d'abord aux personnes {meant}.")
        named = [o for o in self.options if o.id in profile.financing_list]
        if named:
            said = named[0].short
            if any(said in reason for reason in self.rec.blockers):
                self.rec.score += FINANCING_POINTS  # already said: "... mais votre CPF peut couvrir la différence"
            else:
                self.reward(FINANCING_POINTS, f"{said[:1].upper()}{said[1:]} peut la financer.")


def _digital_move(base: Recommendation, profile: Profile, kb: KnowledgeBase) -> Optional[Recommendation]:
    """Employed people drawn to digital tools: aim at the digital side of the job, through the
    training of ``base`` (formation continue), whose constraints it inherits."""
    if profile.situation != "salarie" or profile.interest != "numerique":
        return None
    try:
        moves, title = (kb.fact(fact_id) for fact_id in DIGITAL_FACTS)
    except KeyError:
        return None  # the knowledge base no longer states it: say nothing
    sources = tuple(dict.fromkeys(moves.sources + title.sources + base.sources))
    return Recommendation(
        id=DIGITAL_MOVE,
        name=DIGITAL_MOVE_NAME,
        advice=DIGITAL_MOVE_ADVICE,
        score=base.score + FINANCING_POINTS,  # just above the plain training when both fit
        excluded=base.excluded,
        reasons=["Vous êtes en poste et le numérique vous attire.", moves.text]
        + [r for r in base.reasons if not r.startswith("Cette voie correspond")],
        blockers=list(base.blockers),
        cost=base.cost,
        duration=base.duration,
        certification=title.text,
        caveat=title.text,
        pay_note=base.pay_note,
        financing=list(base.financing),
        financing_short=list(base.financing_short),
        next_steps=list(base.next_steps),
        suits=moves.text,
        sources=sources,
        source_names=kb.source_names(sources),
        source_links=source_links(kb, sources),
    )


def _rank_key(rec: Recommendation) -> Tuple[Any, ...]:
    # Fitting routes by score; when nothing fits, the least constrained route first.
    return (rec.excluded, len(rec.blockers) if rec.excluded else 0, -rec.score, len(rec.blockers), TIE_ORDER.index(rec.id))


def recommend(profile: Profile, kb: KnowledgeBase) -> List[Recommendation]:
    """Every pathway, best first; the excluded ones last, the least constrained of them first."""
    results = {route.id: _Scorer(route, profile, kb).score() for route in kb.routes.values()}
    move = _digital_move(results["formation_continue"], profile, kb) if "formation_continue" in results else None
    ranked = list(results.values()) + ([move] if move else [])
    return sorted(ranked, key=_rank_key)


# --- the reply ----------------------------------------------------------------------------------


def _euros(amount: float) -> str:
    return f"{int(amount):,} €".replace(",", " ")


def _months(months: float) -> str:
    if months % 12 == 0:
        years = int(months // 12)
        return "un an" if years == 1 else f"{years} ans"
    return f"{months:g} mois".replace(".", ",")


def say(kb: KnowledgeBase, slot: str, value: Any) -> str:
    """One answer of the interview in a few French words ("budget 5 000 €", "pas d'alternance")."""
    if value == UNKNOWN:
        return {
            "situation": "situation",
            "age": "âge",
            "diploma": "diplôme",
            "budget_eur": "budget",
            "max_duration_months": "durée",
            "must_be_paid": "rémunération",
            "financing": "financement",
            "interest": "intérêt",
            "wants_alternance": "alternance",
        }.get(slot, slot) + " : vous ne savez pas encore"
    if slot == "situation":
        return kb.profile.situations.get(value, str(value))
    if slot == "age":
        return f"{int(as_number(value) or 0)} ans"
    if slot == "diploma":
        return kb.profile.diplomas.get(value, str(value))
    if slot == "budget_eur":
        if value == LITTLE_BUDGET:
            return "petit budget"
        return "pas de budget" if as_number(value) == 0 else f"budget {_euros(as_number(value) or 0)}"
    if slot == "max_duration_months":
        return "pas de limite de durée" if value == NO_LIMIT else f"{_months(as_number(value) or 0)} maximum"
    if slot == "must_be_paid":
        return "besoin d'un revenu pendant la formation" if value else "pas besoin de revenu pendant la formation"
    if slot == "financing":
        if not value:
            return "aucun financement"
        return "financement : " + join([kb.financing[f].short if f in kb.financing else str(f) for f in value])
    if slot == "wants_alternance":
        return "envie d'alternance" if value else "pas d'alternance"
    if slot == "interest":
        return "intérêt : " + kb.profile.interests.get(value, str(value))
    return str(value)


def recap_items(profile: Profile, kb: KnowledgeBase) -> List[str]:
    """Each answer the person gave, in a few words (answers not given or not known left out)."""
    said = [(f.name, getattr(profile, f.name)) for f in fields(Profile)]
    return [say(kb, slot, value) for slot, value in said if value is not None and value != UNKNOWN]


def recap(profile: Profile, kb: KnowledgeBase) -> str:
    """What the person said, in a few words, so that they can correct it ("" if nothing)."""
    return ", ".join(recap_items(profile, kb))


def _first_clause(text: str) -> str:
    return re.split(r",| [(]| ;", text)[0]


def _compose(
    top: Recommendation, alternatives: Sequence[Recommendation], said: str, brevity: int, out_of_reach: Optional[Recommendation] = None
) -> str:
    """The bubble's text; each level of ``brevity`` drops a detail the card still shows
    (1: the second reason, 2: the first step, 3: the alternatives, 4: the financing and why the
    route the person is drawn to is out of reach,
    5: what follows the first clause of the cost and of the duration, 6: the reasons, when
    there is a caution to give)."""
    lines: List[str] = []
    if top.excluded:
        lines.append("Je préfère être honnête : aucune voie ne remplit toutes vos conditions.")
        lines.append(" ".join([f"La moins contraignante pour vous : {top.advice}.", top.blockers[0]] + top.reasons[:1]))
    else:
        reasons = top.reasons[: 2 if brevity < 1 else 1] + top.blockers[:1]
        if brevity >= 6 and top.blockers:
            reasons = top.blockers[:1]  # the recap says what the person wants; the caution matters more
        lines.append(
            f"Je vous conseille {top.advice}. "
            + (" ".join(reasons) or f"Sans en savoir plus sur vous, c'est une voie ouverte à beaucoup de profils. {top.suits}")
        )
    if top.caveat:
        lines.append(top.caveat)
    cost, duration = (top.cost, top.duration) if brevity < 5 else (_first_clause(top.cost), _first_clause(top.duration))
    lines.append(f"Coût : {cost} ; durée : {duration}.")
    if top.financing_short and brevity < 4:
        lines.append(f"Financements possibles : {join(top.financing_short[:3], 'ou')}.")
    if top.next_steps and brevity < 2:
        lines.append(f"Première étape : {lower_first(top.next_steps[0])}")
    # An employee who needs a salary always hears how the unpaid alternatives can keep it.
    pay_note = "" if top.pay_note else next((r.pay_note for r in alternatives[:2] if r.pay_note), "")
    if alternatives and (brevity < 3 or pay_note):
        lines.append(f"Autres pistes : {join([r.advice for r in alternatives[:2]])}." + (f" {pay_note}." if pay_note else ""))
    if out_of_reach is not None and brevity < 4:
        lines.append(f"Pour {out_of_reach.advice}, qui correspond à ce qui vous attire : {lower_first(out_of_reach.blockers[0])}")
    if top.excluded:
        lines.append("Un conseiller peut vous aider à y voir clair.")
    if said:
        lines.append(f"Vous m'avez dit : {said}. Une erreur ? Corrigez-moi, j'adapte mon conseil.")
    return "\n".join(lines)


def format_recommendation(profile: Profile, recommendations: List[Recommendation], kb: KnowledgeBase) -> Reply:
    """The chat bubble (at most about MAX_TEXT_LENGTH characters), the web card and the buttons."""
    top = recommendations[0]
    alternatives = [r for r in recommendations[1:] if not r.excluded][:2]
    said = recap(profile, kb)
    # The card keeps every detail; the bubble drops some until it stays readable.
    out_of_reach = next((r for r in recommendations if r.drawn_to and r.excluded and r is not top and r.blockers), None)
    for brevity in range(7):
        text = _compose(top, alternatives, said, brevity, out_of_reach)
        if len(text) <= MAX_TEXT_LENGTH:
            break
    custom = {
        "type": "pathway_recommendation",
        "top": top.card(),
        "alternatives": [r.card() for r in alternatives],
        "nothing_fits": top.excluded,
        "profile": {f.name: getattr(profile, f.name) for f in fields(Profile)},
        "recap": said,
        "disclaimer": kb.disclaimer.text,
    }
    buttons = (
        Button.for_intent("Modifier mes réponses", "restart_interview"),
        Button.for_intent(kb.topic_labels.get("ask_financing", "Le financement"), "ask_financing"),
        Button.for_intent(kb.topic_labels.get("request_human", "Parler à un conseiller"), "request_human"),
    )
    sources = tuple(dict.fromkeys(top.sources + tuple(s for r in alternatives for s in r.sources)))
    return Reply(text=text, buttons=buttons, custom=custom, sources=sources)
