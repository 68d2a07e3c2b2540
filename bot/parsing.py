"""French parsing of the interview answers, as people type them.

Numbers written in words go through text2num (``alpha2digit``); the values
returned are slot-friendly (str, float, bool, list of str). Sentinels:
UNKNOWN for "je ne sais pas", NO_LIMIT for "pas de limite".
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple, Union

from text_to_num import alpha2digit

from bot.vocabulary import normalize

UNKNOWN = "unknown"
NO_LIMIT = "no_limit"

Answer = Union[float, str, bool, List[str], None]

_DONT_KNOW = re.compile(
    r"\b(je ne sais pas|je sais pas|j sais pas|jsais pas|chais pas|sais pas|ne sait pas|aucune idee|pas d idee|"
    r"je ne suis pas sure?|pas sure?|peut etre|bof|je prefere ne pas|nsp|ne sais pas|on verra)\b"
)
_NO_MONEY = re.compile(
    r"\b(pas de budget|aucun budget|budget nul|zero euro|0 euro|pas d argent|pas un sou|pas un rond|sans budget|"
    r"rien|pas les moyens|je suis fauchee?|je n ai pas de sous|pas de sous|pas de thunes?|gratuit(e|ement)?)\b"
)
_NO_LIMIT = re.compile(r"\b(pas de limite|sans limite|peu importe|pas de contrainte|pas presse|tout le temps|illimite|aucune limite)\b")
_YES = re.compile(r"^(oui|ouais|ouai|ouep|yes|yep|ok|d accord|bien sur|carrement|absolument|tout a fait|evidemment|exact|oui oui|obligatoirement|c est sur)\b|\b(j en ai besoin|il me faut|je dois etre|necessaire|indispensable|obligatoire|il faut que je sois)\b")
_NO = re.compile(r"^(non|nan|nope|no|pas du tout|pas vraiment|absolument pas|jamais)\b|\b(pas besoin|pas necessaire|pas obligatoire|pas forcement|je peux m en passer)\b")


def _numbers_as_digits(text: str) -> str:
    """"cinq mille euros" -> "5000 euros"; also "5 000" -> "5000" and "5.000" -> "5000"."""
    normalized = normalize(text.replace("½", " et demi").replace("1/2", " et demi"))
    converted = alpha2digit(normalized, "fr")
    converted = re.sub(r"(?<=\d)[ .](?=\d{3}\b)", "", converted)
    return converted.replace(",", ".")


# ---- amounts ---------------------------------------------------------------------------

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(k|k€|keur|mille)?\s*(€|e\b|eur|euros?|balles)?")


def parse_amount(text: str, bare_number_is_amount: bool = True) -> Answer:
    """Budget in euros; 0.0 for "pas de budget"; UNKNOWN; None when the message states no amount."""
    digits = _numbers_as_digits(text)
    amounts = []
    for match in _AMOUNT.finditer(digits):
        value, thousands, currency = float(match.group(1)), match.group(2), match.group(3)
        after = digits[match.end():match.end() + 6]
        if re.match(r"\s*(ans?|mois|semaines?|h\b|heures?)", after):
            continue  # an age or a duration, not money
        if thousands:
            value *= 1000
        if currency or thousands or bare_number_is_amount:
            amounts.append(value)
    if amounts:
        # "entre 2000 et 4000": the upper bound is what the person can spend at most.
        return max(amounts)
    normalized = normalize(text)
    if _NO_MONEY.search(normalized):
        return 0.0
    if _DONT_KNOW.search(normalized):
        return UNKNOWN
    return None


# ---- durations -------------------------------------------------------------------------

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ans?|annees?|mois|semaines?)\b(\s*et\s*demi)?")


def parse_duration_months(text: str, bare_number_unit: Optional[str] = None) -> Answer:
    """Longest training the person can follow, in months; NO_LIMIT; UNKNOWN; None when absent."""
    normalized = normalize(text)
    if _NO_LIMIT.search(normalized):
        return NO_LIMIT
    digits = _numbers_as_digits(text)
    digits = re.sub(r"\bun an\b", "1 an", digits)
    digits = re.sub(r"\bune annee\b", "1 annee", digits)
    digits = re.sub(r"\b(1|un) an (1/2|demi)\b", "1 an et demi", digits)
    durations = []
    for match in _DURATION.finditer(digits):
        value, unit, half = float(match.group(1)), match.group(2), match.group(3)
        before = digits[max(0, match.start() - 8):match.start()]
        if re.search(r"\b(j ai|g|age)\s*$", before):
            continue  # "j'ai 35 ans" is an age
        if unit.startswith("an"):
            months = value * 12 + (6 if half else 0)
        elif unit.startswith("sem"):
            months = value / 4.33
        else:
            months = value + (0.5 if half else 0)
        durations.append(round(months, 1))
    if durations:
        return max(durations)
    if bare_number_unit and re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", digits):
        value = float(digits)
        return value * 12 if bare_number_unit == "years" else value
    if re.search(r"\b(quelques mois|je ne sais pas|je sais pas|aucune idee|bof)\b", normalized) or _DONT_KNOW.search(normalized):
        return UNKNOWN
    return None


# ---- yes / no ---------------------------------------------------------------------------

def parse_yes_no(text: str) -> Answer:
    """True, False, UNKNOWN ("bof", "je ne sais pas"), or None when the message is neither."""
    normalized = normalize(text)
    if _DONT_KNOW.search(normalized):
        return UNKNOWN
    if _NO.search(normalized):
        return False
    if _YES.search(normalized):
        return True
    return None


# ---- situation, age, diploma, financing, interest ----------------------------------------

_SITUATIONS = [
    ("reconversion", r"\b(reconver\w*|changer de (metier|voie|boulot|travail)|demandeu\w* d emploi|chomage|chomeu\w*|sans emploi|"
                     r"sans travail|sans boulot|cherche (du|un) (travail|emploi|boulot)|france travail|pole emploi|licencie\w*|"
                     r"en recherche d emploi|au rsa)\b"),
    ("etudiant", r"\b(lyceen\w*|etudiant\w*|eleve|collegien\w*|en (3e|3eme|troisieme|seconde|premiere|terminale)|au lycee|au college|"
                 r"en formation initiale|en fac|a la fac|bachelier\w*)\b"),
    ("salarie", r"\b(salarie\w*|en poste|en cdi|en cdd|je travaille|je bosse|employee?|j ai un (travail|emploi|job)|en activite|"
                r"fonctionnaire|interimaire|auxiliaire|secretaire|aide soignante?|caissiere?|vendeuse?)\b"),
]


def _first_match(text: str, table: List[Tuple[str, str]]) -> Answer:
    """The value of the first pattern of ``table`` found in the text; UNKNOWN for "je ne sais pas"."""
    normalized = normalize(text)
    for value, pattern in table:
        if re.search(pattern, normalized):
            return value
    return UNKNOWN if _DONT_KNOW.search(normalized) else None


def parse_situation(text: str) -> Answer:
    return _first_match(text, _SITUATIONS)


MIN_AGE, MAX_AGE = 11, 80


def parse_age(text: str, bare_number_is_age: bool = False) -> Answer:
    digits = _numbers_as_digits(text)
    match = re.search(r"(\d{1,3})\s*ans?\b", digits) or (re.fullmatch(r"\s*(?:j ai\s*)?(\d{1,3})\s*", digits) if bare_number_is_age else None)
    if match:
        age = int(match.group(1))
        return float(age) if MIN_AGE <= age <= MAX_AGE else None
    if _DONT_KNOW.search(normalize(text)):
        return UNKNOWN
    return None


_DIPLOMAS = [
    ("bac2", r"\b(bac ?\+ ?[2-8]|bac plus (deux|trois|cinq|[2-8])|bts|dut|but|licence|master|deug|doctorat|ingenieur|diplome d etat|de infirmier|"
             r"ifsi|infirmiere?|aide soignante?|auxiliaire de puericulture|diplome universitaire)\b"),
    ("bac", r"\b(bac|baccalaureat|bachelier\w*|niveau 4|titre pro\w* de niveau 4)\b"),
    ("cap_bep", r"\b(cap|bep|niveau 3)\b"),
    ("none", r"\b(pas de diplome|aucun diplome|sans diplome|pas diplome\w*|brevet|dnb|rien du tout|aucun|j ai arrete l ecole|pas encore de diplome|pas de bac)\b"),
]


def parse_diploma(text: str, answering: bool = True) -> Answer:
    """none, cap_bep, bac or bac2 (bac+2 and above). Outside the diploma question
    (``answering`` False) only explicit diploma words count, not "aucun" or "rien"."""
    normalized = normalize(text)
    if re.search(r"\b(pas de bac|sans bac|pas le bac|pas eu le bac|rate le bac|pas eu mon bac)\b", normalized):
        return "cap_bep" if re.search(r"\b(cap|bep)\b", normalized) else "none"
    for value, pattern in _DIPLOMAS:
        if value == "none" and not answering and not re.search(r"\b(diplome|brevet|dnb)\b", normalized):
            continue
        if re.search(pattern, normalized):
            return value
    if answering and _DONT_KNOW.search(normalized):
        return UNKNOWN
    return None


_FINANCING = [
    ("cpf", r"\b(cpf|compte (personnel )?formation|mon compte formation)\b"),
    ("employer", r"\b(employeur|mon patron|ma boite|mon entreprise|plan de (developpement|formation)|opco)\b"),
    ("region", r"\b(region|regional\w*|conseil regional)\b"),
    ("france_travail", r"\b(france travail|pole emploi|aif)\b"),
]
_NO_FINANCING = re.compile(r"\b(aucun|aucune|rien|pas de financement|pas d aide|personne|non|nan)\b")


def parse_financing(text: str) -> Answer:
    """The financing the person can use; [] for "aucun"; UNKNOWN; None when not mentioned."""
    normalized = normalize(text)
    found = [value for value, pattern in _FINANCING if re.search(pattern, normalized)]
    if found:
        return found
    if _DONT_KNOW.search(normalized):
        return UNKNOWN
    if _NO_FINANCING.search(normalized):
        return []
    return None


_INTERESTS = [
    ("regulation", r"\b(regulation|regul\w*|appels? d urgence|urgences?|samu|centre 15|le 15|standard d urgence|au telephone|appels?)\b"),
    ("numerique", r"\b(numerique|informatique|digital|e sante|esante|tech\w*|ordinateurs?|logiciels?|telemedecine|teleconsultation|objets connectes|geek|donnees)\b"),
    ("patient", r"\b(patients?|contact humain|soins?|soigner|gestes? (cliniques?|techniques?)|relationnel|aider les gens|humain|malades?|accueil)\b"),
    ("administration", r"\b(administrati\w*|organis\w*|gestion|secretariat|dossiers?|planning|rendez vous|paperasse|coordination)\b"),
]


def parse_interest(text: str) -> Answer:
    return _first_match(text, _INTERESTS)


_NO_ALTERNANCE = re.compile(r"\b(pas d alternance|pas en alternance|sans alternance|pas l alternance|pas d apprentissage|pas de contrat pro)\b")
_WANTS_ALTERNANCE = re.compile(r"\b(en alternance|l alternance|apprentissage|contrat pro)\b")


def parse_wants_alternance(text: str) -> Answer:
    normalized = normalize(text)
    if _NO_ALTERNANCE.search(normalized):
        return False
    if _WANTS_ALTERNANCE.search(normalized) and not re.search(r"\b(pas|non)\b", normalized):
        return True
    return None


# ---- a whole message ------------------------------------------------------------------------

def extract_profile(text: str, requested: Optional[str] = None) -> Dict[str, Any]:
    """Every piece of the profile the message gives, keyed by slot name.

    Units tell the fields apart ("ans", "mois", "€"); a bare answer ("4000",
    "oui", "un an") goes to the question just asked (``requested``).
    """
    if not text or len(text) > 2000 or text.startswith("/"):
        return {}
    found: Dict[str, Any] = {}
    normalized = normalize(text)
    unknown = bool(_DONT_KNOW.search(normalized))

    def keep(slot: str, value: Answer) -> None:
        # A "je ne sais pas" only answers the question asked, never the others.
        if value is not None and (value != UNKNOWN or slot == requested):
            found[slot] = value

    keep("situation", parse_situation(text))
    keep("age", parse_age(text, bare_number_is_age=requested == "age"))
    keep("diploma", parse_diploma(text, answering=requested == "diploma"))
    money_context = requested == "budget_eur" or re.search(r"(€|\beuros?\b|\bk\b|budget|\bballes\b)", text.lower() + " " + normalized)
    if money_context:
        keep("budget_eur", parse_amount(text, bare_number_is_amount=requested == "budget_eur"))
    if requested == "max_duration_months" or re.search(r"\b(ans?|annees?|mois|semaines?|limite|peu importe)\b", normalized):
        duration = parse_duration_months(text, bare_number_unit="months" if requested == "max_duration_months" else None)
        if not ("age" in found and requested != "max_duration_months" and not re.search(r"\b(mois|max|maximum|formation|duree|pendant)\b", normalized)):
            keep("max_duration_months", duration)
    paid = _paid_wish(normalized)
    if paid is not None:
        found["must_be_paid"] = paid
    elif requested == "must_be_paid":
        keep("must_be_paid", parse_yes_no(text))
    keep("financing", parse_financing(text) if requested == "financing" or re.search(r"\b(cpf|employeur|region|france travail|pole emploi|financ\w*|aide)\b", normalized) else None)
    if requested == "interest" or re.search(r"\b(attire|plait|aime|passionne|interesse|prefere|envie)\b", normalized):
        keep("interest", parse_interest(text))
    keep("wants_alternance", parse_wants_alternance(text))
    if unknown and requested and requested not in found:
        found[requested] = UNKNOWN
    return found


def _paid_wish(normalized: str) -> Optional[bool]:
    """"je dois être payé(e)", "besoin d'un salaire", "pas besoin d'être rémunéré"."""
    money_words = r"(paye\w*|remunere\w*|salaire|revenu|gagner (ma vie|de l argent|des sous))"
    if re.search(rf"\b(pas besoin|pas obligatoire|pas necessaire|pas forcement|peux me passer)\b.*\b{money_words}", normalized):
        return False
    if re.search(rf"\b(besoin|dois|doit|faut|obligatoire|necessaire|imperatif|oblige\w*|garder)\b.*\b{money_words}", normalized):
        return True
    if re.search(rf"\bsans {money_words}", normalized):
        return False
    return None
