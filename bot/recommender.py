"""Recommends a training pathway from a person's profile, and explains why.

The recommendation is a table of rules (RULES below), each resting on facts of the knowledge
base, with their sources, and saying its sentence to the visitor. They are applied in three
stages, as a careers adviser reasons:

* eligibility: who may enter a route at all (apprenticeship's usual ages, the CQP's bac or
  level 4, the ARM diploma's 18 years and bac or three years of work, what a health diplôme
  d'État already allows). A route the person is not eligible for is never first;
* constraints: budget (the CPF with its cap and the part that remains), duration, pay; a
  constraint excludes, or costs points when a financing may lift it;
* preferences: what the person already has, what attracts them, their situation, their wishes.

Unknown answers never exclude. Every figure shown comes from the knowledge base, none from this
module. Ties follow TIE_ORDER, so the ranking is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.answers import source_links
from bot.french import join, lower_first
from bot.knowledge import FinancingOption, KnowledgeBase, TrainingRoute
from bot.parsing import LITTLE_BUDGET, NO_LIMIT, SOME_YEARS, UNKNOWN
from bot.reply import Button, Reply

# Ties go to what the person already has, then to the most widely accessible pathway.
TIE_ORDER = ("de_sante", "vae", "formation_continue", "alternance", "lycee_pro", "formation_privee", "arm")
# The ARM diploma prepares for another job: offered only to people drawn to it.
NEIGHBOURING_JOB = "arm"
NEIGHBOURING_INTEREST = "regulation"
# Years of full-time work that open the ARM diploma without the bac (arrêté du 19 juillet 2019).
ARM_YEARS_INSTEAD_OF_BAC = 3

# Points: what the person already has weighs most, then a need, then a preference.
HAS_POINTS = 6
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
    background: Any = None  # {"health_diploma": id or None, "experience_years": years or None}
    budget_eur: Any = None  # euros; 0.0 = no budget
    max_duration_months: Any = None  # months, or NO_LIMIT
    must_be_paid: Any = None  # bool
    financing: Any = None  # ids of financing.yml's schemes; [] = none at all
    interest: Any = None  # an id of profile.yml's interests, or several in a list
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
    def interests(self) -> List[str]:
        if isinstance(self.interest, list):
            return [str(item) for item in self.interest]
        return [self.interest] if _known(self.interest) else []

    @property
    def health_diploma(self) -> Optional[str]:
        return self.background.get("health_diploma") if isinstance(self.background, dict) else None

    @property
    def experience_years(self) -> Optional[float]:
        return as_number(self.background.get("experience_years")) if isinstance(self.background, dict) else None

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
    eligible: bool = True  # False: an entry condition the person does not meet; never first
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
    drawn_to: bool = False  # the one route for what the person wants (ARM for the regulation, the VAE for their years of work)
    wish: str = ""  # that want, in a clause: "qui correspond à ce qui vous attire"
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
    """Scores one route for one profile, applying RULES in their order and collecting the reasons."""

    def __init__(self, route: TrainingRoute, profile: Profile, kb: KnowledgeBase):
        self.route, self.profile, self.kb = route, profile, kb
        self.options = applicable_financing(route, profile, kb)
        # The route's own scheme (the apprenticeship contract of alternance) is not a way to pay for it.
        others = [o for o in self.options if o.id != route.id]
        self.weighted_reasons: List[Tuple[float, str]] = []
        self.applied: List[str] = []  # the ids of the rules that said something
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
        if route.id == NEIGHBOURING_JOB:
            self.rec.caveat = f"C'est {lower_first(route.summary.text)}"

    def cite(self, rule: "Rule") -> None:
        self.applied.append(rule.id)
        self.rec.sources = tuple(dict.fromkeys(self.rec.sources + rule.sources))

    def ineligible(self, rule: "Rule", reason: str, strict: bool = False) -> None:
        """An entry condition not met: never first; ``strict``, a bar (not a usual limit) that also excludes."""
        self.cite(rule)
        self.rec.eligible = False
        self.rec.excluded = self.rec.excluded or strict
        self.rec.blockers.append(reason)

    def exclude(self, rule: "Rule", reason: str) -> None:
        self.cite(rule)
        self.rec.excluded = True
        self.rec.blockers.append(reason)

    def penalise(self, rule: "Rule", points: float, reason: str) -> None:
        self.cite(rule)
        self.rec.score -= points
        self.rec.blockers.append(reason)

    def reward(self, rule: "Rule", points: float, reason: str) -> None:
        self.cite(rule)
        self.rec.score += points
        self.weighted_reasons.append((points, reason))

    def score(self) -> Recommendation:
        for rule in RULES:
            rule.check(self, rule)
        # The weightiest reasons first (a stable sort keeps the order of equals): the reply shows two.
        self.rec.reasons = [reason for _, reason in sorted(self.weighted_reasons, key=lambda item: -item[0])]
        self.rec.source_names = self.kb.source_names(self.rec.sources)
        self.rec.source_links = source_links(self.kb, self.rec.sources)
        return self.rec


@dataclass(frozen=True)
class Rule:
    """One rule of an adviser's reasoning: its stage, the facts it rests on (source ids of the
    knowledge base, besides the route's own figures), what it tells the visitor, and its check."""

    id: str
    stage: str  # eligibility, constraint or preference
    sources: Tuple[str, ...]
    says: str  # the sentence, with {placeholders} the check fills
    check: Callable[[_Scorer, "Rule"], None]


def _diploma_below(kb: KnowledgeBase, profile: Profile, required: str) -> bool:
    return (
        _known(profile.diploma)
        and profile.diploma is not None
        and kb.profile.diploma_rank(profile.diploma) < kb.profile.diploma_rank(required)
    )


# --- eligibility ----------------------------------------------------------------------------


def _only_for(s: _Scorer, rule: Rule) -> None:
    route, profile = s.route, s.profile
    if route.only_for and _known(profile.situation) and profile.situation not in route.only_for:
        s.ineligible(rule, rule.says.format(entry=route.entry.text), strict=True)


def _pupils_first(s: _Scorer, rule: Rule) -> None:
    route, profile = s.route, s.profile
    age = profile.age_years
    if route.only_for == ("etudiant",) and not _known(profile.situation) and age is not None and age >= ADULT_AGE:
        s.ineligible(rule, rule.says.format(entry=route.entry.text))


def _already_held(s: _Scorer, rule: Rule) -> None:
    route, profile, kb = s.route, s.profile, s.kb
    if route.leads_to and _known(profile.diploma) and profile.diploma is not None:
        if kb.profile.diploma_rank(profile.diploma) >= kb.profile.diploma_rank(route.leads_to):
            s.penalise(rule, SITUATION_POINTS, rule.says)


def _minimum_age(s: _Scorer, rule: Rule) -> None:
    route, age = s.route, s.profile.age_years
    if route.min_age is not None and age is not None and age < route.min_age:
        s.ineligible(rule, rule.says.format(age=route.min_age), strict=route.strict_ages)


def _apprenticeship_ages(s: _Scorer, rule: Rule) -> None:
    route, age = s.route, s.profile.age_years
    if route.max_age is not None and age is not None and age > route.max_age:
        s.ineligible(rule, rule.says.format(age=route.max_age))


def _cqp_level(s: _Scorer, rule: Rule) -> None:
    # The CQP is prepared in alternance or obtained by VAE, with the bac or a level 4 at least.
    if s.route.id in ("alternance", "vae") and _diploma_below(s.kb, s.profile, "bac"):
        s.ineligible(rule, rule.says)


def _arm_entry(s: _Scorer, rule: Rule) -> None:
    route, profile = s.route, s.profile
    if route.id != NEIGHBOURING_JOB or not _diploma_below(s.kb, profile, route.required_diploma or "bac"):
        return
    years = profile.experience_years
    if years is not None and years >= ARM_YEARS_INSTEAD_OF_BAC:
        s.reward(rule, HAS_POINTS, rule.says)  # (the way in: said first)
    elif profile.situation == "etudiant" or years is not None:
        s.ineligible(rule, f"Conditions d'accès que vous ne remplissez pas encore : {route.entry.text}", strict=True)
    else:
        s.penalise(rule, SMALL_PENALTY, f"Conditions d'accès à vérifier dans votre cas : {route.entry.text}")


# --- constraints ----------------------------------------------------------------------------


def _cpf_note(kb: KnowledgeBase) -> str:
    cpf = kb.financing.get("cpf")
    if cpf is None or cpf.cap_eur is None:
        return ""
    note = f"CPF plafonné à {_euros(cpf.cap_eur)}"
    if cpf.contribution_eur:
        note += f", environ {_euros(cpf.contribution_eur)} à votre charge"
    return note


def _cpf_leaves(kb: KnowledgeBase, cost: float) -> float:
    """What remains to pay when the CPF pays what it can of ``cost``."""
    cpf = kb.financing["cpf"]
    return max(cost - (cpf.cap_eur or 0), 0) + (cpf.contribution_eur or 0)


def _budget(s: _Scorer, rule: Rule) -> None:
    budget, cost, kb = s.profile.budget, s.route.cost, s.kb
    if budget is None:
        return
    if cost.minimum is None and s.route.id in kb.recognition:
        return  # (not a training bought beforehand: the card says the sources give no cost)
    if cost.minimum is None:
        # The sources give no price: say so rather than guess, without ruling it out.
        s.penalise(rule, SMALL_PENALTY, f"Vérifiez son coût, {cost.text}.")
        return
    if cost.minimum <= budget:
        # The figures are on the "Coût" line of the reply and in the card: the reasons do not repeat them.
        if cost.maximum == 0:
            s.reward(rule, FITS_BUDGET_POINTS, "Cette voie ne vous coûte rien : votre budget n'est pas un obstacle.")
        elif cost.maximum is not None and cost.maximum <= budget:
            s.reward(rule, FITS_BUDGET_POINTS, "Son coût tient dans votre budget.")
        else:
            s.reward(rule, FITS_BUDGET_POINTS, "Son coût peut tenir dans votre budget, selon l'organisme choisi.")
        return
    named = [o for o in s.options if o.id in s.profile.financing_list]
    others = [o for o in named if o.id != "cpf"]
    if others:
        s.penalise(rule, SMALL_PENALTY, f"Son coût dépasse votre budget, mais {others[0].short} peut couvrir la différence.")
    elif named:  # the CPF alone: it pays up to its cap, and a part always remains
        if _cpf_leaves(kb, cost.minimum) <= budget:
            s.penalise(rule, SMALL_PENALTY, f"Son coût dépasse votre budget ; votre CPF peut couvrir la différence ({_cpf_note(kb)}).")
        else:
            s.exclude(rule, f"Son coût dépasse votre budget, même avec le CPF ({_cpf_note(kb)}).")
    elif s.options and not s.profile.no_financing:
        names = join([o.short for o in s.options[:2]], "ou")
        note = f" ({_cpf_note(kb)})" if any(o.id == "cpf" for o in s.options[:2]) and _cpf_note(kb) else ""
        s.penalise(rule, GAP_PENALTY, f"Son coût dépasse votre budget ; un financement pourrait couvrir la différence : {names}{note}.")
    else:
        s.exclude(rule, "Son coût dépasse votre budget, sans financement possible pour compléter.")


def _duration(s: _Scorer, rule: Rule) -> None:
    limit, duration = s.profile.duration_limit, s.route.duration
    if limit is None or duration.minimum is None:
        return
    if duration.minimum > limit:
        s.exclude(rule, "Cette voie dure plus longtemps que le temps dont vous disposez.")
    else:
        s.reward(rule, 0, "Sa durée tient dans le temps dont vous disposez.")


def _pay(s: _Scorer, rule: Rule) -> None:
    route, profile = s.route, s.profile
    if profile.must_be_paid is not True or route.id in s.kb.recognition and not route.paid_while_training:
        return  # (the VAE recognises work already done: no time in training to be paid for)
    if route.paid_while_training:
        s.reward(rule, PAID_POINTS, "Vous avez besoin d'un revenu pendant la formation : cette voie est rémunérée, vous y êtes salarié.")
        return
    open_ids = [o.id for o in s.options]
    ways: List[str] = []
    if "transitions_pro" in open_ids:
        s.rec.pay_note = f"{s.kb.financing['transitions_pro'].short} peut maintenir votre salaire, sous conditions d'ancienneté"
        ways.append(s.rec.pay_note)
    if "alternance" in open_ids and profile.wants_alternance is not False:
        ways.append("elle peut se préparer en alternance, avec un salaire, si vous trouvez un employeur")
    if ways:
        s.penalise(rule, SMALL_PENALTY, f"Cette voie n'est pas rémunérée en soi, mais {join(ways, 'ou')}.")
    else:
        s.exclude(rule, "Cette voie n'est pas rémunérée, or vous avez besoin d'un revenu pendant la formation.")


def _no_alternance(s: _Scorer, rule: Rule) -> None:
    if s.route.id == "alternance" and s.profile.wants_alternance is False:
        s.exclude(rule, rule.says)


# --- preferences ----------------------------------------------------------------------------


def _health_diploma(s: _Scorer, rule: Rule) -> None:
    held = s.profile.health_diploma
    if s.route.id == "de_sante" and held in s.kb.profile.health_diplomas:
        s.reward(rule, HAS_POINTS, rule.says.format(diploma=s.kb.profile.health_diplomas[held]))


def _experience(s: _Scorer, rule: Rule) -> None:
    years = s.profile.experience_years
    if s.route.id == "vae" and years:
        s.rec.drawn_to, s.rec.wish = True, "qui reconnaîtrait votre expérience"
        said = "plusieurs années" if years == SOME_YEARS else f"{years:g} an{'s' if years >= 2 else ''}"
        s.reward(rule, HAS_POINTS, rule.says.format(years=said))


def _interest(s: _Scorer, rule: Rule) -> None:
    route, profile, kb = s.route, s.profile, s.kb
    liked = [i for i in profile.interests if i in route.interests]
    if not liked:
        return
    everything = list(kb.routes.values()) + list(kb.recognition.values())
    specific = any(all(i not in r.interests for r in everything if r.id != route.id) for i in liked)
    s.rec.drawn_to = s.rec.drawn_to or specific
    if specific:
        s.rec.wish = "qui correspond à ce qui vous attire"
    points = INTEREST_POINTS * (SPECIFIC_INTEREST_FACTOR if specific else 1)
    s.reward(rule, points, rule.says.format(interest=join([kb.profile.interests[i] for i in liked])))


def _situation(s: _Scorer, rule: Rule) -> None:
    route, profile, kb = s.route, s.profile, s.kb
    if _known(profile.situation) and profile.situation in route.only_for + route.meant_for and not s.rec.excluded:
        s.reward(rule, SITUATION_POINTS, route.suits[0].text)
    if route.meant_for and _known(profile.situation) and profile.situation not in route.meant_for:
        meant = join([kb.profile.situations[x] for x in route.meant_for], "ou")
        s.penalise(rule, SMALL_PENALTY, rule.says.format(meant=meant))


def _alternance_wish(s: _Scorer, rule: Rule) -> None:
    if s.route.id == "alternance" and s.profile.wants_alternance is True:
        s.reward(rule, WISH_POINTS, rule.says)


def _named_financing(s: _Scorer, rule: Rule) -> None:
    named = [o for o in s.options if o.id in s.profile.financing_list and o.id != s.route.id]
    if not named:
        return
    said = named[0].short
    if any(said in reason for reason in s.rec.blockers):
        s.rec.score += FINANCING_POINTS  # already said: "... mais votre employeur peut couvrir la différence"
    else:
        s.reward(rule, FINANCING_POINTS, rule.says.format(who=f"{said[:1].upper()}{said[1:]}"))


RULES: Tuple[Rule, ...] = (
    Rule("only_for", "eligibility", (), "Cette voie ne correspond pas à votre situation : {entry}", _only_for),
    Rule("pupils_first", "eligibility", (), "Cette voie est d'abord celle des élèves : {entry}", _pupils_first),
    Rule("already_held", "eligibility", (), "Cette voie mène au bac, que vous avez déjà : elle ne vous ferait pas avancer.", _already_held),
    Rule(
        "minimum_age",
        "eligibility",
        ("weblex_apprentissage", "legifrance_arm_2019"),
        "Il faut avoir au moins {age} ans pour y entrer.",
        _minimum_age,
    ),
    Rule(
        "apprenticeship_ages",
        "eligibility",
        ("weblex_apprentissage",),
        "L'apprentissage est en général ouvert jusqu'à {age} ans : à votre âge, ce n'est possible que par exception, à vérifier.",
        _apprenticeship_ages,
    ),
    Rule(
        "cqp_level",
        "eligibility",
        ("onisep_met7819",),
        "Le CQP Assistant médical, qui se prépare en alternance ou s'obtient par la VAE, demande au minimum le bac ou un titre de niveau 4.",
        _cqp_level,
    ),
    Rule(
        "arm_entry",
        "eligibility",
        ("legifrance_arm_2019",),
        "Sans le bac, trois ans d'expérience professionnelle à temps plein vous ouvrent l'accès à ce diplôme.",
        _arm_entry,
    ),
    # A need of pay is said before the budget: it is what such a person must hear first.
    Rule("pay", "constraint", ("cma54_apprentissage", "centre_inffo_ptp"), "Un revenu pendant la formation.", _pay),
    Rule("budget", "constraint", ("service_public_cpf",), "Son coût face à votre budget et à vos financements.", _budget),
    Rule("duration", "constraint", (), "Sa durée face au temps dont vous disposez.", _duration),
    Rule("no_alternance", "constraint", (), "Vous ne souhaitez pas vous former en alternance.", _no_alternance),
    Rule(
        "health_diploma",
        "preference",
        ("legifrance_arrete_2019_11_07",),
        "Avec votre {diploma}, vous pouvez déjà travailler comme assistant médical auprès d'un médecin de ville ; "
        "il vous faudra suivre une formation d'adaptation à l'emploi dans les trois ans.",
        _health_diploma,
    ),
    Rule(
        "experience",
        "preference",
        ("onisep_met7819", "ccn_cqp"),
        "La VAE, ouverte pour le CQP Assistant médical, peut faire reconnaître vos {years} d'expérience dans un travail proche.",
        _experience,
    ),
    Rule("interest", "preference", (), "Cette voie correspond à ce qui vous attire : {interest}.", _interest),
    Rule("situation", "preference", (), "Cette voie s'adresse d'abord aux personnes {meant}.", _situation),
    Rule("alternance_wish", "preference", (), "Vous souhaitez vous former en alternance.", _alternance_wish),
    Rule("named_financing", "preference", (), "{who} peut la financer.", _named_financing),
)


def candidates(profile: Profile, kb: KnowledgeBase) -> List[TrainingRoute]:
    """The routes an adviser would weigh for this person: what they already have only when they
    have it, the neighbouring job only for people drawn to it."""
    out = [r for r in kb.routes.values() if r.id != NEIGHBOURING_JOB or NEIGHBOURING_INTEREST in profile.interests]
    if profile.health_diploma in kb.profile.health_diplomas and "de_sante" in kb.recognition:
        out.append(kb.recognition["de_sante"])
    if profile.experience_years and "vae" in kb.recognition:
        out.append(kb.recognition["vae"])
    return out


def _rank_key(rec: Recommendation) -> Tuple[Any, ...]:
    # Eligible before not eligible; fitting routes by score; when nothing fits, the least constrained first.
    constrained = len(rec.blockers) if rec.excluded else 0
    return (not rec.eligible, rec.excluded, constrained, -rec.score, len(rec.blockers), TIE_ORDER.index(rec.id))


def recommend(profile: Profile, kb: KnowledgeBase) -> List[Recommendation]:
    """Every candidate pathway, best first; those the person is not eligible for or that break a constraint last."""
    return sorted((_Scorer(route, profile, kb).score() for route in candidates(profile, kb)), key=_rank_key)


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
            "background": "diplôme de santé ou expérience",
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
        liked = value if isinstance(value, list) else [value]
        return "intérêt : " + join([kb.profile.interests.get(item, str(item)) for item in liked])
    if slot == "background":
        return _say_background(kb, value)
    return str(value)


def _say_background(kb: KnowledgeBase, value: Any) -> str:
    """« aide-soignant diplômé d'État », « 5 ans d'expérience proche », or « ni diplôme de santé ni expérience proche »."""
    if not isinstance(value, dict):
        return ""
    held, years = value.get("health_diploma"), as_number(value.get("experience_years"))
    parts = [kb.profile.health_diplomas[held]] if held in kb.profile.health_diplomas else []
    if years:
        parts.append(("plusieurs années" if years == SOME_YEARS else f"{years:g} an{'s' if years >= 2 else ''}") + " d'expérience proche")
    # Having neither is not worth a line of the recap: nothing to correct there.
    return join(parts)


def recap_items(profile: Profile, kb: KnowledgeBase) -> List[str]:
    """Each answer the person gave, in a few words (answers not given or not known left out)."""
    said = [(f.name, getattr(profile, f.name)) for f in fields(Profile)]
    items = [say(kb, slot, value) for slot, value in said if value is not None and value != UNKNOWN]
    return [item for item in items if item]


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
    if top.excluded or not top.eligible:
        lines.append("Je préfère être honnête : aucune voie ne remplit toutes vos conditions.")
        lines.append(
            " ".join([f"La moins contraignante pour vous : {top.advice}.", top.blockers[0]] + top.reasons[: 1 if brevity < 6 else 0])
        )
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
        lines.append(f"Pour {out_of_reach.advice}, {out_of_reach.wish} : {lower_first(out_of_reach.blockers[0])}")
    if top.excluded or not top.eligible:
        lines.append("Un conseiller peut vous aider à y voir clair.")
    if said:
        lines.append(f"Vous m'avez dit : {said}. Une erreur ? Corrigez-moi, j'adapte mon conseil.")
    return "\n".join(lines)


def format_recommendation(profile: Profile, recommendations: List[Recommendation], kb: KnowledgeBase) -> Reply:
    """The chat bubble (at most about MAX_TEXT_LENGTH characters), the web card and the buttons."""
    top = recommendations[0]
    alternatives = [r for r in recommendations[1:] if not r.excluded and r.eligible][:2]
    said = recap(profile, kb)
    # The card keeps every detail; the bubble drops some until it stays readable.
    out_of_reach = next((r for r in recommendations if r.drawn_to and (r.excluded or not r.eligible) and r is not top and r.blockers), None)
    for brevity in range(7):
        text = _compose(top, alternatives, said, brevity, out_of_reach)
        if len(text) <= MAX_TEXT_LENGTH:
            break
    custom = {
        "type": "pathway_recommendation",
        "top": top.card(),
        "alternatives": [r.card() for r in alternatives],
        "nothing_fits": top.excluded or not top.eligible,
        "profile": {f.name: getattr(profile, f.name) for f in fields(Profile)},
        "recap": said,
        "disclaimer": kb.disclaimer.text,
    }
    buttons = (
        Button.for_intent("Modifier mes réponses", "change_answer"),
        Button.for_intent(kb.topic_labels.get("ask_financing", "Le financement"), "ask_financing"),
        Button.for_intent(kb.topic_labels.get("request_human", "Parler à un conseiller"), "request_human"),
    )
    sources = tuple(dict.fromkeys(top.sources + tuple(s for r in alternatives for s in r.sources)))
    return Reply(text=text, buttons=buttons, custom=custom, sources=sources)
