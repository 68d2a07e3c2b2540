"""French parsing of the interview answers, as people type them.

Every parser returns a slot-friendly value (str, float, bool, list of str) or
one of these:

* ``UNKNOWN`` ("unknown"): the person said they do not know ("je ne sais pas",
  "aucune idée", "bof"). It is an answer: the question is not asked again.
* ``NO_LIMIT`` ("no_limit"): no constraint on the duration ("peu importe").
* ``NO_BUDGET`` (0.0): no money at all ("pas de budget", "rien").
* ``LITTLE_BUDGET`` ("little"): a small budget, no amount ("pas grand chose", "très peu").
* ``None``: the message does not answer this question.

``parse_yes_no`` is the exception: True, False, or None when there is no usable
yes or no ("bof", "je ne sais pas", "banane"); ``extract_profile`` tells
"je ne sais pas" apart and stores UNKNOWN for the question being asked.

Numbers written in words go through text2num (``alpha2digit``), never through
hand-written number tables. The per-question parsers take the question into
account: a bare "4000" answers the budget question, a bare "42" the age one.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, List, Optional, Sequence, Tuple, Union

from text_to_num import alpha2digit  # type: ignore[attr-defined]

from bot.vocabulary import normalize

__all__ = [
    "UNKNOWN",
    "NO_LIMIT",
    "NO_BUDGET",
    "LITTLE_BUDGET",
    "MIN_AGE",
    "MAX_AGE",
    "Answer",
    "normalize",
    "parse_amount",
    "parse_duration_months",
    "parse_yes_no",
    "parse_situation",
    "parse_age",
    "parse_diploma",
    "parse_financing",
    "parse_interest",
    "parse_wants_alternance",
    "parse_must_be_paid",
    "parse_background",
    "extract_profile",
]

UNKNOWN = "unknown"
NO_LIMIT = "no_limit"
NO_BUDGET = 0.0
LITTLE_BUDGET = "little"  # "pas grand chose": a small budget, no amount
# Plausible ages for someone choosing a training; anything else is a typo or a joke.
MIN_AGE, MAX_AGE = 11, 80

# What the person already has (parse_background): {"health_diploma": id or None, "experience_years": years or None}.
Background = Dict[str, Union[str, float, None]]
Answer = Union[float, str, bool, List[str], Background, None]

_DONT_KNOW = re.compile(
    r"\b(je ne sais pas|je sais pas|j sais pas|jsais pas|chais pas|sais pas|ne sait pas|ne sais pas|aucune idee|pas d idee|"
    r"je ne suis pas sure?|pas sure?|peut etre|bof|je prefere ne pas|je prefere pas|pas envie de (le )?dire|je (ne )?veux pas (le )?dire|nsp|on verra|je verrai|aucun avis|"
    r"chai pas|chais pas|che pa|che pas|ch sais pas|jsp|jsais pas|j sais pas|sais po|je sais po|jsais po|aucune id|"
    r"j en sais rien|je sais plus|je ne sais plus|pas d avis|sans avis|no idea|dunno|i don t know|idk|"
    r"je prefere passer|passer (cette|la) question|je passe (mon tour|cette question|la question)|question suivante|skip|"
    # Alone, « je passe » skips the question (« je passe le bac » says something else).
    r"^(je passe|on passe|passe|suivant|suivante|au suivant|next|pass|je saute|joker)( svp| stp| merci)?$)\b"
)
# No constraint at all: recorded as NO_LIMIT for the duration, as no need of pay, else as unknown.
INDIFFERENT = re.compile(
    r"\b(peu (m )?importe|qu importe|n importe|(ca )?(m est|m et) (egal|egale)|egal|pareil|comme (vous voulez|tu veux|vous voudrez)|"
    r"ca m est indifferent|indifferent|sans importance|aucune importance|pas d importance|pas important|je m en fiche|m en fiche|"
    r"je m en fous|m en fous|pas de preference|aucune preference|whatever|doesn t matter|ca depend pas de moi)\b"
)
_INDIFFERENT_VALUE: Dict[str, Answer] = {"max_duration_months": "no_limit", "must_be_paid": False}
# A negation just before a word ("pas de CPF", "ni l'informatique") cancels it.
_NEGATION_BEFORE = re.compile(
    r"\b(pas|ni|sans|plus|jamais|surtout pas|pas trop)( (de|d|du|des|la|le|les|l|en|par|mon|ma|mes|un|une|avec|vraiment|trop))*\s*$"
)


def _negated(normalized: str, start: int) -> bool:
    return bool(_NEGATION_BEFORE.search(normalized[max(0, start - 30) : start]))


# ... or just after it ("mon patron veut pas", "le CPF non"), unless that "pas" opens a wish of
# its own ("mon employeur paie, pas d'alternance": the comma is gone once normalized).
_NEGATION_AFTER = re.compile(
    r"^\s*(ne |n )?(veut|voudra|voudrait|peut|pourra|accepte|acceptera|paiera|paie|paye)\s+pas\b(?! (d |de |en |l )?(alternance|apprentissage))"
    r"|^\s*(refuse\w*|non\b)"
)


def _mentions(normalized: str, table: Sequence[Tuple[str, str]]) -> List[Tuple[int, str]]:
    """(position, value) of every value of ``table`` whose pattern occurs without a negation around it."""
    found = []
    for value, pattern in table:
        for match in re.finditer(pattern, normalized):
            if not _negated(normalized, match.start()) and not _NEGATION_AFTER.search(normalized[match.end() : match.end() + 25]):
                found.append((match.start(), value))
                break
    return sorted(found)


# ---- numbers ---------------------------------------------------------------------------


def _with_digits(text: str) -> str:
    """The text normalized, numbers as digits: "cinq mille" -> "5000", "5 000" and "5.000" -> "5000",
    "2,5" -> "2.5", "un an" -> "1 an", "1/2" -> "et demi"."""
    lowered = text.lower().replace("’", "'").replace("½", " et demi").replace("1/2", " et demi")
    # "dix huit" typed without its hyphen would become "10 8"; text2num needs "dix-huit".
    lowered = re.sub(r"\bquatre\s+vingt", "quatre-vingt", lowered)
    lowered = re.sub(
        r"\b(dix|soixante|quatre-vingts?)\s+(?=(un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingts?)\b)",
        r"\1-",
        lowered,
    )
    converted = alpha2digit(lowered, "fr")
    converted = re.sub(r"(?<=\d)[\s\u202f\u00a0.](?=\d{3}\b)", "", converted)  # thousands separators
    converted = re.sub(r"(?<=\d),(?=\d)", ".", converted)  # decimal comma
    converted = "".join(c for c in unicodedata.normalize("NFKD", converted) if not unicodedata.combining(c))
    converted = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", converted)  # keep only decimal points
    converted = re.sub(r"[^\w\s+€.]", " ", converted)
    converted = re.sub(r"\b(un|une) (an|annee)\b", r"1 \2", converted)
    return re.sub(r"\s+", " ", converted).strip()


# ---- amounts ---------------------------------------------------------------------------

_AMOUNT = re.compile(r"(?<![\w+.])(\d+(?:\.\d+)?)\s*(k€|keur|k\b|mille\b)?\s*(€|eur\b|euros?\b|balles\b)?")
_NOT_MONEY_AFTER = re.compile(r"\s*(ans?|annees?|mois|semaines?|jours?|h\b|heures?|%)")
_NO_MONEY = re.compile(
    r"\b(pas de budget|aucun budget|plus aucun budget|plus de budget|budget nul|zero euro|pas d argent|pas un sou|pas un rond|"
    r"pas un centime|pas un euro|pas une thune|sans budget|rien|pas les moyens|je suis fauchee?|pas de sous|pas de thunes?|"
    r"gratuit(e|ement)?|nada|que dalle|zero)\b"
)
_NONE_AT_ALL = re.compile(r"(non )?(aucun|aucune|neant|nul|walou|zero|0)( du tout)?")
_LITTLE_MONEY = re.compile(
    r"\b(pas grand chose|pas grand ch|tres peu|un petit budget|petit budget|presque rien|quasi rien|pas beaucoup|pas bcp|"
    r"pas enormement|peu de moyens|un peu d argent|quelques economies|modeste)\b"
)


def parse_amount(text: str, bare_number_is_amount: bool = True) -> Answer:
    """Budget in euros: "5 000 €", "5k", "cinq mille euros" -> 5000.0; NO_BUDGET (0.0) for
    "pas de budget" or "rien"; UNKNOWN for "je ne sais pas"; None when no amount is stated.

    Numbers followed by "ans" or "mois" are ages or durations, never money. A bare
    number counts only when ``bare_number_is_amount`` (the budget question is pending)
    and no other number carries a currency. For a range ("entre 2000 et 4000") the
    upper bound is kept: the budget is compared with the minimum cost of each route,
    and the person said they could go up to that amount.
    """
    digits = _with_digits(text)
    marked: List[float] = []
    bare: List[float] = []
    for match in _AMOUNT.finditer(digits):
        if _NOT_MONEY_AFTER.match(digits, match.end(1)) or re.search(r"\bbac ?(\+|plus) ?$", digits[: match.start()]):
            continue  # "35 ans", "18 mois", "bac+2"
        value, thousands, currency = float(match.group(1)), match.group(2), match.group(3)
        if thousands:
            value *= 1000
        (marked if thousands or currency else bare).append(value)
    # "3000 sur mon CPF": what the account holds is money for the training.
    marked += [float(m.group(1)) for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(?:sur|de|dans|d)\s*(?:mon |le |mon compte )?cpf\b", digits)]
    amounts = marked or (bare if bare_number_is_amount else [])
    if amounts:
        return max(amounts)
    normalized = normalize(text)
    if _LITTLE_MONEY.search(normalized):
        return LITTLE_BUDGET
    if _NO_MONEY.search(normalized) and not text.rstrip().endswith("?"):
        return NO_BUDGET  # ("c'est gratuit non ?" asks, it does not answer)
    if bare_number_is_amount and _NONE_AT_ALL.fullmatch(normalized):
        return NO_BUDGET  # « aucun », « néant », to the budget question itself
    if _DONT_KNOW.search(normalized):
        return UNKNOWN
    return None


# ---- durations -------------------------------------------------------------------------

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ans?|annees?|mois|semaines?)\b(\s*et\s*demie?)?")
_NOT_A_LIMIT_BEFORE = re.compile(r"\b(depuis|il y a|ca fait|fait)\s*$")  # "au chômage depuis 6 mois"
_NO_LIMIT = re.compile(
    r"\b(pas de limite|sans limite|peu importe|pas de contrainte|pas presse|pas pressee|tout mon temps|tout le temps|"
    r"illimite|aucune limite|le temps qu il faudra|le temps qu il faut|pas de souci de duree|n importe|ca m est egal)\b"
)


def parse_duration_months(text: str, bare_number_unit: Optional[str] = None) -> Answer:
    """Longest training the person can follow, in months ("un an et demi" -> 18.0);
    NO_LIMIT ("peu importe"); UNKNOWN ("quelques mois", "je ne sais pas"); None when absent.

    "N ans" with N of a plausible age is an age, not a duration; "depuis 6 mois" is
    not a limit. A bare number counts when ``bare_number_unit`` is "months" or "years"
    (the duration question is pending). Of several durations the longest is kept,
    for the same reason as the upper bound of a budget range.
    """
    normalized = normalize(text)
    if _NO_LIMIT.search(normalized):
        return NO_LIMIT
    digits = _with_digits(text)
    durations = []
    for match in _DURATION.finditer(digits):
        value, unit, half = float(match.group(1)), match.group(2), match.group(3)
        if _NOT_A_LIMIT_BEFORE.search(digits[: match.start()]):
            continue
        if unit.startswith("an"):
            if value >= MIN_AGE:
                continue  # "42 ans" is an age
            months = value * 12 + (6 if half else 0)
        elif unit.startswith("sem"):
            months = round(value * 12 / 52, 1)
        else:
            months = value + (0.5 if half else 0)
        durations.append(float(months))
    if durations:
        return max(durations)
    bare = re.fullmatch(r"(?:max(?:imum)?\s*)?(\d+(?:\.\d+)?)\s*(?:max(?:imum)?)?", digits)
    if bare_number_unit and bare:
        value = float(bare.group(1))
        return value * 12 if bare_number_unit == "years" else value
    if _DONT_KNOW.search(normalized):
        return UNKNOWN
    # "quelques mois", "le moins possible": no limit can be read from it; the question is asked again.
    return None


# ---- yes / no ---------------------------------------------------------------------------

_FILLERS = r"^(euh+ |ben |bah |bon |alors |hmm+ |heu+ |mmh+ |et bien |eh bien )*"
_YES = re.compile(
    _FILLERS + r"(oui|ouais|ouai|ouep|ouaip|yes|yep|ok|okay|d accord|bien sur|carrement|absolument|tout a fait|evidemment|"
    r"exact|exactement|obligatoirement|c est sur|affirmatif|plutot oui|volontiers|certainement|assurement|grave|clairement)\b"
    r"|\b(donc|alors|et|mais) oui\b"
    r"|\b(j en ai besoin|il me faut|je dois etre|necessaire|indispensable|obligatoire|il faut que je sois)\b"
)
_NO = re.compile(
    _FILLERS + r"(non|nan|nn|nope|no|pas du tout|pas vraiment|absolument pas|jamais|plutot pas|plutot non|pas forcement|"
    r"je ne pense pas|je pense pas|negatif|aucunement|surtout pas)\b"
    r"|\b(pas besoin|pas necessaire|pas obligatoire|pas forcement|je peux m en passer|pas indispensable)\b"
    r"|\b(donc|alors|et|mais) non\b"
)


def parse_yes_no(text: str) -> Optional[bool]:
    """True ("oui", "carrément", "bien sûr"), False ("non", "nan", "pas du tout"),
    None when the person does not know ("bof", "je ne sais pas") or did not answer."""
    normalized = normalize(text)
    if _DONT_KNOW.search(normalized):
        return None
    if _NO.search(normalized):
        return False
    if _YES.search(normalized):
        return True
    return None


# ---- situation, age, diploma, financing, interest ----------------------------------------

# Order matters: someone employed who wants to change careers is "salarie" (their
# employer, Transitions Pro and the CPF are open to them); "reconversion" first
# means job seekers, then anyone who only says they want to change.
_SITUATIONS = [
    (
        "reconversion",
        r"\b(demandeu\w* d emploi|chomage|chomeu\w*|sans emploi|sans travail|sans boulot|cherche (du|un) (travail|emploi|boulot)|"
        r"inscrite? (a|chez) (france travail|pole emploi)|licencie\w*|en recherche d emploi|au rsa|touche le rsa|rsa|"
        r"entre deux (emplois|contrats|boulots)|je ne suis plus salariee?|plus salariee?)\b",
    ),
    (
        "salarie",
        r"\b(salarie\w*|en poste|en cdi|en cdd|cdi|cdd|je travaille|je bosse|employee?|j ai un (travail|emploi|job|boulot)|en activite|"
        r"fonctionnaire|interimaire|secretaire|aide soignante?|caissiere?|vendeuse?|en entreprise)\b",
    ),
    (
        "etudiant",
        r"\b(lyceen\w*|etudiant\w*|eleve|collegien\w*|(?<!arrete )(?<!quitte )(?<!stoppe )en (3e|3eme|troisieme|seconde|2nde|premiere|1ere|1re|terminale)|au lycee|au college|"
        r"en formation initiale|en fac|a la fac|bachelier\w*|je suis en (cours|etudes))\b",
    ),
    # "France Travail" alone is often an answer to the financing question, not a situation.
    (
        "reconversion",
        r"\b(reconver\w*|changer de (metier|voie|boulot|travail|carriere)|nouvelle carriere|je suis (a|chez) (france travail|pole emploi))\b",
    ),
]


def _first_of(text: str, table: Sequence[Tuple[str, str]]) -> Answer:
    """The value of the first pattern of ``table`` found (the table is in priority order)."""
    normalized = normalize(text)
    for value, pattern in table:
        if re.search(pattern, normalized):
            return value
    return UNKNOWN if _DONT_KNOW.search(normalized) else None


# Words that only their accents tell from a situation's word, once normalize() has removed them:
# "j'ai élevé mes enfants" is not "je suis élève".
_RAISED = re.compile(r"\b[ée]lev[ée]e?s?\b(?<![eè]ve)(?<![eè]ves)", re.IGNORECASE)


def parse_situation(text: str) -> Answer:
    """etudiant, reconversion (job seekers and people changing careers) or salarie; UNKNOWN; None."""
    return _first_of(_RAISED.sub("elevait", text), _SITUATIONS)


def parse_age(text: str, bare_number_is_age: bool = True) -> Answer:
    """Age in years ("j'ai 42 ans", "42", "quarante-deux ans" -> 42.0); None when absent or absurd
    (outside MIN_AGE..MAX_AGE); UNKNOWN for "je ne sais pas" or "je préfère ne pas le dire".
    A bare number counts only when ``bare_number_is_age`` (the age question is pending)."""
    digits = _with_digits(text)
    # "10 ans d'expérience", "depuis 15 ans": years of work, not an age.
    match = next(
        (
            m
            for m in re.finditer(
                r"\b(\d{1,3})\s*(ans?|balais|piges|berges|printemps)\b"
                r"(?! ?(de formation|d etudes|max|maximum|devant|de libre|d experience|d exp|de metier|de travail|comme|dans|en tant que|"
                r"a l accueil|au secretariat|en cabinet|chez|a temps|que je))",
                digits,
            )
            if not re.search(r"\b(depuis|ca fait|cela fait|pendant|durant|il y a)\s*$", digits[: m.start()])
        ),
        None,
    )
    if not match and bare_number_is_age:
        match = re.fullmatch(r"(?:j ai\s*)?(\d{1,3})(?:\s*ans?)?", digits)
    if match:
        age = int(match.group(1))
        return float(age) if MIN_AGE <= age <= MAX_AGE else None
    if _DONT_KNOW.search(normalize(text)):
        return UNKNOWN
    return None


_DIPLOMAS = [
    (
        "bac2",
        r"\b(bac ?\+ ?[2-8]|bac plus ([2-8]|deux|trois|quatre|cinq)|bts|dut|but|licence|master|deug|doctorat|ingenieur|"
        r"diplome d etat|de infirmier|ifsi|infirmiere?|auxiliaire de puericulture|diplome universitaire|bac ?\+ ?(deux|trois|cinq))\b",
    ),
    ("bac", r"\b(bac|baccalaureat|bachelier\w*|niveau 4|niveau bac|titre pro\w* de niveau 4)\b"),
    ("cap_bep", r"\b(cap|bep|niveau 3)\b"),
    (
        "none",
        r"\b(pas de diplome|aucun diplome|sans diplome|pas diplome\w*|pas encore de diplome|brevet|dnb|rien du tout|"
        r"j ai arrete l ecole|pas de bac|aucun|rien|nada)\b",
    ),
]
_NO_BAC = re.compile(
    r"\b(pas de bac|sans bac|sans le bac|pas le bac|pas eu le bac|rate le bac|pas eu mon bac|rate mon bac|"
    r"pas encore (le |mon |de )?bac|toujours pas (le |mon )?bac|"
    r"(prepare|passe|vise|en train de passer|pas encore eu)\w* (le |mon |un )?bac)\b"
)
# Still at school, or left it before the bac: no diploma counted yet ("en terminale", "j'ai arrêté en seconde").
_SCHOOL_LEVEL = re.compile(r"\b(3e|3eme|troisieme|college|seconde|2nde|premiere|1ere|1re|terminale|tle)\b(?! (annee|an)\b)")


def parse_diploma(text: str, answering: bool = True) -> Answer:
    """Highest diploma held: none, cap_bep, bac or bac2 (bac+2 and above); UNKNOWN; None.

    "Brevet" counts as none (the routes only look at CAP/BEP and above); "je prépare le bac"
    is not the bac yet. Outside the diploma question (``answering`` False) only explicit
    diploma words count, not a lone "aucun" or "rien"."""
    normalized = normalize(text)
    if _NO_BAC.search(normalized) and not re.search(_DIPLOMAS[0][1], normalized):
        return "cap_bep" if re.search(r"\b(cap|bep)\b", normalized) else "none"
    held = [v for v, pattern in _DIPLOMAS if v != "none" and re.search(pattern, normalized)]
    if not held and _SCHOOL_LEVEL.search(normalized):
        return "none"
    for value, pattern in _DIPLOMAS:
        if value == "none" and not answering and not re.search(r"\b(diplome|brevet|dnb)\b", normalized):
            continue
        if re.search(pattern, normalized):
            return value
    if answering and _DONT_KNOW.search(normalized):
        return UNKNOWN
    return None


_FINANCING = [
    ("cpf", r"\b(cpf|compte (personnel )?(de )?formation|moncompteformation)\b"),
    ("employer", r"\b(employeur|employeuse|mon patron|ma patronne|ma boite|mon entreprise|plan de (developpement|formation)|opco)\b"),
    ("region", r"\b(region|regional\w*)\b"),
    ("france_travail", r"\b(france travail|pole emploi|aif|chomage)\b"),
    ("transitions_pro", r"\b(transitions? pro\w*|ptp|projet de transition|cif)\b"),
]
# Paying oneself is no financing: the budget question has the amount.
_NO_FINANCING_ANSWER = re.compile(r"\b(aucun\w*|rien|personne|non|nan|nada|moi meme|moi)\b")
_NO_FINANCING_SAID = re.compile(
    r"\b(aucun financement|pas de financement|aucune aide|pas d aide|aucun financeur|pas de financeur|"
    r"de ma poche|autofinanc\w*|mes propres moyens|mes economies|a mes frais)\b"
)


# Who pays, in any words: someone who employs the person, and a verb of paying, in one message
# (« c'est ma patronne qui règle la facture », « le cabinet prend en charge », « mon toubib paie »).
_PAYER = re.compile(
    r"\b(mon|ma|le|la|l|notre|son|sa)\s+(medecin|docteur|doc|doctoresse|toubib|cabinet|patron\w*|boss|chef|cheffe|"
    r"structure|clinique|hopital|direction|etablissement|entreprise|boite|employeu\w*|generaliste|dentiste|specialiste|centre)\b"
)
_PAYS = re.compile(
    r"\b(paie|paye|payer|paiera|payera|paierait|payerait|regle|reglera|reglerait|prend en charge|prendra en charge|prendrait en charge|"
    r"pris en charge|prise en charge|finance|financera|financerait|rembourse|remboursera|offre|offrira|paie tout|sort le chequier|"
    r"met la main a la poche|s en charge|s en occupe|s en occupera|cotise|avance les frais)\b"
)


def pays_employer(normalized: str) -> bool:
    """Whether the message says that someone who employs the person pays."""
    return bool(_PAYER.search(normalized) and _PAYS.search(normalized)) and not re.search(
        r"\b(ne|n)\s+\w+\s+pas\b.*\b(paie|paye|finance|regle)", normalized
    )


def parse_financing(text: str, answering: bool = True) -> Answer:
    """Financing the person can use, as ids in a fixed order (cpf, employer, region,
    france_travail, transitions_pro); [] for "aucun" (no financing: distinct from UNKNOWN);
    UNKNOWN for "je ne sais pas"; None when the message says nothing about it.

    A negated source ("pas de CPF") is not counted. Outside the financing question
    (``answering`` False) only phrases like "aucun financement" mean [], because a
    lone "rien" or "non" there answers something else."""
    normalized = normalize(text)
    named = {value for _, value in _mentions(normalized, _FINANCING)}
    if pays_employer(normalized):
        named.add("employer")
    if named:
        return [value for value, _ in _FINANCING if value in named]
    if _DONT_KNOW.search(normalized):
        return UNKNOWN
    if _NO_FINANCING_SAID.search(normalized):
        return []
    only_negated_sources = any(re.search(pattern, normalized) for _, pattern in _FINANCING)
    if answering and (_NO_FINANCING_ANSWER.search(normalized) or only_negated_sources):
        return []
    return None


_INTERESTS = [
    (
        "regulation",
        r"\b(regulation|regul\w*|appels? d urgence|urgences?|samu|centre 15|arm|au telephone|appels?|decrocher|"
        # The 15 as a line to answer (« répondre au 15 »), not a date or a number of something.
        r"(le|au|du) 15(?! (janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|ans?|mois|euros?|h)\b))\b",
    ),
    (
        "numerique",
        r"\b(numerique|informatique|digital|e sante|esante|technolog\w*|tech|ordinateurs?|logiciels?|telemedecine|"
        r"teleconsultations?|objets connectes|geek|donnees|outils|dmp|dossier medical partage|ia)\b",
    ),
    (
        "patient",
        r"\b(patients?|patientele|contact humain|soins?|soigner|gestes? (cliniques?|techniques?)|relationnel|aider les gens|"
        r"aider les autres|utile aux autres|etre utile|rendre service|aider|les gens|"
        r"humain|malades?|accueil\w*|relation|contact)\b",
    ),
    (
        "administration",
        r"\b(administrati\w*|organis\w*|gestion|gerer|secretariat|dossiers?|planning|rendez vous|paperasse|coordination|coordonner)\b",
    ),
]


def parse_interest(text: str) -> Answer:
    """patient, administration, numerique or regulation from everyday words; several joined by
    "et" or a comma are kept as a list, in the order said ("les patients et l'informatique" ->
    [patient, numerique]), else the first one mentioned wins; negated words do not count
    ("pas l'informatique, plutôt les patients" -> patient); UNKNOWN; None."""
    normalized = normalize(text)
    found = list(dict.fromkeys(value for _, value in _mentions(normalized, _INTERESTS)))
    if len(found) > 1 and re.search(r"\b(et|aussi|ainsi que|plus|autant|les deux|tout)\b|,|&|\+", normalized + text):
        return found  # several at once: « l'accueil et la gestion des plannings »
    if found:
        return found[0]
    return UNKNOWN if _DONT_KNOW.search(normalized) else None


# ---- what the person already has: a health diploma, years of similar work -------------------

# The diplômes d'État that let one work as assistant médical next to a doctor (arrêté du
# 7 novembre 2019); their ids are those of profile.yml's health_diplomas.
_HEALTH_DIPLOMAS = [
    ("de_infirmier", r"\b(de infirmi\w*|diplome d etat d infirmi\w*|infirmi\w* diplome\w*|infirmi(er|ere)s?|ide|ifsi)\b"),
    ("de_aide_soignant", r"\b(deas|de d aide soignante?|diplome d etat d aide soignante?|aides? soignante?s?|as diplomee?)\b"),
    ("de_auxiliaire_puericulture", r"\b(deap|auxiliaires? de puericulture|auxiliaires? puer\w*|aux puer\w*|auxi de pueri\w*)\b"),
]
_NOT_A_HEALTH_DIPLOMA = re.compile(
    r"\b(faisant fonction|sans (le |mon |de |aucun )?diplome|pas (de |le )?diplome|pas diplomee?|devenir|etre|voudrais|veux|aimerais|reve)\b"
)
# Work close to the assistant médical's: the reception and records of a practice, a medical
# secretariat, the regulation of calls, or « ce travail » on this site.
_SIMILAR_WORK = re.compile(
    r"\b(secretaire|secretariat|accueil|cabinet|medecin|medical|medicale|standard|regulation|samu|centre 15|hopital|clinique|"
    r"ce (travail|metier|boulot|job|poste)|assistante?|soignante?|patients?|experience|exp)\b"
)
_YEARS_OF_WORK = re.compile(
    r"\b(?:depuis|ca fait|cela fait|pendant|durant)\s+(\d+(?:\.\d+)?)\s*(?:ans?|annees?)\b"
    r"|\b(\d+(?:\.\d+)?)\s*(?:ans?|annees?)\s+(?:d experience|d exp|de metier|de travail|de secretariat|d accueil|"
    r"dans (?:un|une|le|la|les)|comme|en tant que|a l accueil|au secretariat|en cabinet|chez|a temps plein|au samu)"
)
_SOME_YEARS = re.compile(
    r"\b(depuis|pendant|ca fait|cela fait)\s+(des|plusieurs|quelques|de nombreuses|bien des)\s+annees\b|\bdes annees d experience\b"
)
_NOTHING_OF_THE_KIND = re.compile(
    r"^(non|nan|nn|no|aucun\w*|rien|pas du tout|ni l un ni l autre|non aucun\w*|non rien|jamais|nope)\b|\b(aucune experience|pas d experience|aucun diplome de sante|ni diplome ni experience)\b"
)
# "Des années" without a number: at least two, fewer than the ARM's three (said as « plusieurs années »).
SOME_YEARS = 2.0


def parse_background(text: str, answering: bool = False) -> Answer:
    """What the person already has: {"health_diploma": id or None, "experience_years": years of
    similar work or None}; when the question is asked (``answering``), « non » is
    {"health_diploma": None, "experience_years": 0.0}; UNKNOWN; None when the message says nothing of it."""
    normalized = normalize(text)
    digits = _with_digits(text)
    diploma = next((value for value, pattern in _HEALTH_DIPLOMAS if re.search(pattern, normalized)), None)
    if diploma and _NOT_A_HEALTH_DIPLOMA.search(normalized):
        diploma = None
    years: Optional[float] = None
    if answering or _SIMILAR_WORK.search(normalized):
        found = [float(m.group(1) or m.group(2)) for m in _YEARS_OF_WORK.finditer(digits)]
        found = [value for value in found if value < MAX_AGE - MIN_AGE]
        # To the question itself, years said first are years of work, whatever follows them
        # (« 4 ans temps plein », « 6 ans secrétaire médicale », « six ans au cabinet »).
        bare = (
            re.match(r"(?:oui\s*,?\s*)?(?:ca fait |depuis |pendant )?(\d+(?:\.\d+)?)\s*(?:ans?|annees?)\b", digits) if answering else None
        )
        if found:
            years = max(found)
        elif bare and float(bare.group(1)) < MAX_AGE - MIN_AGE:
            years = float(bare.group(1))  # « 4 ans temps plein », to the question itself
        elif _SOME_YEARS.search(normalized):
            years = SOME_YEARS
    if diploma or years is not None:
        held: Background = {"health_diploma": diploma, "experience_years": years}
        return held
    if answering and _NOTHING_OF_THE_KIND.search(normalized):
        nothing: Background = {"health_diploma": None, "experience_years": 0.0}
        return nothing
    if answering and (_DONT_KNOW.search(normalized) or INDIFFERENT.search(normalized)):
        return UNKNOWN
    return None


_NO_ALTERNANCE = re.compile(
    r"\b(pas d alternance|pas en alternance|sans alternance|pas l alternance|pas une alternance|"
    r"pas d apprentissage|pas en apprentissage|pas de contrat pro\w*|alternance non|non a l alternance)\b"
)
_WANTS_ALTERNANCE = re.compile(r"\b(altern\w*|apprentissage|apprenti\w*|contrat pro\w*|contrat de professionnalisation)\b")


def parse_wants_alternance(text: str, answering: bool = False) -> Optional[bool]:
    """True when the person asks for alternance, False for "pas d'alternance", else None.
    When the alternance question is pending (``answering``), a plain yes or no answers it."""
    normalized = normalize(text)
    if _NO_ALTERNANCE.search(normalized):
        return False
    wished = [m for m in _WANTS_ALTERNANCE.finditer(normalized) if not _negated(normalized, m.start())]
    if wished and not _DONT_KNOW.search(normalized):
        return True
    return parse_yes_no(text) if answering else None


_MONEY_WORDS = r"(paye\w*|remunere\w*|salaire|revenu\w*|gagner (ma vie|de l argent|des sous|un peu)|toucher (un|quelque))"


def parse_must_be_paid(text: str, answering: bool = False) -> Optional[bool]:
    """ "je dois être payé(e)", "besoin d'un salaire" -> True; "pas besoin d'être rémunéré" -> False;
    None otherwise. When the question is pending (``answering``), a plain yes or no answers it."""
    normalized = normalize(text)
    if re.search(
        rf"\b(pas besoin|pas obligatoire|pas necessaire|pas forcement|peux me passer|pas indispensable|pas oblige\w*)\b.*\b{_MONEY_WORDS}",
        normalized,
    ):
        return False
    if re.search(rf"\bsans {_MONEY_WORDS}.*\b(ca va|ca ira|pas grave|ok|possible)\b", normalized):
        return False
    if re.search(
        rf"\b(besoin|dois|doit|faut|obligatoire|necessaire|imperatif|oblige\w*|garder|veux|voudrais|aimerais|souhaite|prefere\w*)\b.*\b{_MONEY_WORDS}",
        normalized,
    ):
        return True
    return parse_yes_no(text) if answering else None


# ---- a whole message ------------------------------------------------------------------------

_MONEY_CONTEXT = re.compile(r"(€|\beuros?\b|\d ?k\b|\bk€|\bbudget\b|\bballes\b|\bmille\b|\bkeur\b|\d\s*(sur|de|dans|d)\s*(mon |le )?cpf\b)")
_DURATION_CONTEXT = re.compile(r"\b(ans?|annees?|mois|semaines?|limite|peu importe|duree)\b")
_FINANCING_CONTEXT = re.compile(
    r"\b(cpf|compte formation|employeur|region|transitions? pro|financ\w*|aides?|prise en charge|pris en charge|prend en charge|paie|paierait|"
    r"paye(ra|rait)?|regle(ra|rait)?|rembourse\w*|opco)\b"
)
_INTEREST_CONTEXT = re.compile(
    r"\b(attir\w*|plai\w*|aime\w*|adore\w*|passionn\w*|interess\w*|prefere\w*|envie|evoluer|orienter|specialiser|motiv\w*|tente\w*|vers (le|la|les|l))\b"
)


def extract_profile(text: str, requested: Optional[str] = None) -> Dict[str, Answer]:
    """Every piece of the profile a message gives, keyed by slot name (situation, age,
    diploma, budget_eur, max_duration_months, must_be_paid, financing, interest,
    wants_alternance).

    Units tell the fields apart: "ans" is an age (or a duration below MIN_AGE years),
    "mois" a duration, "€"/"euros"/"k" a budget. A bare answer ("4000", "42", "oui",
    "aucun") goes to the question just asked (``requested``); so does "je ne sais pas",
    which never fills the other slots.
    """
    if not text or len(text) > 2000 or text.startswith("/"):
        return {}
    found: Dict[str, Answer] = {}
    normalized = normalize(text)

    def keep(slot: str, value: Answer) -> None:
        if value is not None and (value != UNKNOWN or slot == requested):
            found[slot] = value

    keep("situation", parse_situation(text))
    keep("age", parse_age(text, bare_number_is_age=requested == "age"))
    keep("diploma", parse_diploma(text, answering=requested == "diploma"))
    if requested == "budget_eur" or _MONEY_CONTEXT.search(text.lower() + " " + normalized):
        keep("budget_eur", parse_amount(text, bare_number_is_amount=requested == "budget_eur"))
    if requested == "max_duration_months" or (_DURATION_CONTEXT.search(normalized) and requested not in ("age", "background")):
        keep("max_duration_months", parse_duration_months(text, "months" if requested == "max_duration_months" else None))
    keep("must_be_paid", parse_must_be_paid(text, answering=requested == "must_be_paid"))
    if requested == "financing" or _FINANCING_CONTEXT.search(normalized):
        keep("financing", parse_financing(text, answering=requested == "financing"))
    if requested == "interest" or _INTEREST_CONTEXT.search(normalized):
        keep("interest", parse_interest(text))
    keep("wants_alternance", parse_wants_alternance(text, answering=requested == "wants_alternance"))
    keep("background", parse_background(text, answering=requested == "background"))
    if requested and requested not in found and INDIFFERENT.search(normalized):
        found[requested] = _INDIFFERENT_VALUE.get(requested, UNKNOWN)
    if requested and requested not in found and _DONT_KNOW.search(normalized):
        found[requested] = UNKNOWN
    return found
