"""What a question asks to be counted, and what a fact's figures state.

« Combien » alone decides nothing: « combien d'heures ? » asks for hours, « y en a combien en
France ? » for people, « c'est crédité de combien ? » for euros. A question is read into the
measure it asks for (``measure_asked``); a fact carries the measures its figures state
(``measures_of``).
"""

from __future__ import annotations

import functools
import re
from typing import FrozenSet, Literal, Optional, Tuple

from bot.vocabulary import normalize

Measure = Literal["hours", "duration", "euros", "people", "percent", "date", "age"]

# Asking how many: the unit named nearest after the asking word decides.
_HOW_MANY = re.compile(r"\b(combien|cb|cmb|nombre|quel volume|quelle somme|quel montant)\b")
_UNITS: Tuple[Tuple[Measure, str], ...] = (
    ("hours", r"heures?|h|volume horaire|horaire"),
    (
        "euros",
        r"euros?|€|eur|coute\w*|cout|prix|tarif\w*|paye\w*|paie|payes?|gagne\w*|salaires?|salair|touche\w*|remunere\w*|credite\w*|"
        r"verse\w*|recoit|somme|montant|balles|thunes?",
    ),
    ("duration", r"temps|mois|semaines?|annees?|ans?|dure\w*|longtemps"),
    # Who or what is counted: only right after « combien de » (« payé combien, une assistante ? » asks a pay).
    (
        "people",
        r"assistant\w*|postes?|personnes?|gens|professionnels?|organismes?|centres?|ecoles?|emplois?|salaries?|medecins?|"
        r"candidats?|places?|inscrits?|diplomes|jobs?|actes|contrats",
    ),
    ("percent", r"pour ?cent|%|pourcentage|proportion|part"),
)
# Asked without « combien ».
_ASKED_ALONE: Tuple[Tuple[Measure, str], ...] = (
    ("percent", r"\b(quel pourcentage|quelle proportion|quelle part|quel taux|en pourcentage|pour ?cent)\b"),
    ("age", r"\b(quel age|age (minimum|maximum|limite)|limite d age|trop (vieux|vieille|age|agee))\b"),
    (
        "date",
        r"\b(depuis quand|a partir de quand|jusqu a quand|en quelle annee|quelle annee|quelle date|a quelle date|de quand date|"
        r"date de quand|date de creation|date de fin|c est quand|des quand|quand ca)\b",
    ),
    ("hours", r"\b(volume horaire|nombre d heures|en heures|combien d heures)\b"),
    (
        "euros",
        r"\b((quel|quelle) (est )?(le |la |son |sa )?(salaire|salair|prix|tarif|montant|somme|budget|cout)|ca coute|c est cher|"
        r"payant|reste a charge|de ma poche|de sa poche|montant (max|maximum|du|de la|des))\b",
    ),
    ("duration", r"\b(duree|combien de temps|ca dure|dure combien|delai|anciennete)\b"),
)


def without_filler(normalized: str) -> str:
    """« combien il y a d'assistants », « combien y a-t-il d'heures »: « combien d'assistants »."""
    return re.sub(r"\bcombien (est ce qu )?(il )?y (en )?a (t il )?(de|d) ", r"combien \5 ", normalized)


def measure_asked(text: str) -> Optional[Measure]:
    """The measure a question asks for, if it asks for one."""
    # « par an », « par mois »: a rate, not the unit asked for (« crédité de combien par an ? »).
    normalized = re.sub(
        r"\b(par|chaque|tous les|toutes les) (an|annee|mois|semaine|heure|jour)s?\b", " ", normalize(text).replace("€", " € ")
    )
    normalized = without_filler(normalized)
    found = _HOW_MANY.search(normalized)
    if found is not None:
        after = normalized[found.end() :]
        before = normalized[: found.start()]
        # « combien d'heures », then « payé combien »: the words right next to the asking word first;
        # « c'est combien ? » with nothing after asks a price.
        for part, pattern in ((after, r"^\s*(de |d |en )({})(?!\w)"), (before, r"(?<!\w)({})\s*$")):
            for measure, units in _UNITS:
                if re.search(pattern.format(units), part):
                    return measure
        if not after.strip() and re.search(r"\b(c|c est|cest|ca fait|ca)\s*$", before):
            return "euros"
        if re.search(r"\b(y en a|sont ils|sont elles|ils sont|elles sont|y a t il d)\b", normalized):
            return "people"
        nearest: Optional[Tuple[int, Measure]] = None
        for measure, pattern in _UNITS:
            if measure == "people":
                continue
            for place, part in ((0, after), (1, before)):
                hit = re.search(rf"(?<!\w)({pattern})(?!\w)", part)
                if hit is None:
                    continue
                # Words after the asking word first, then the nearest one before it.
                distance = hit.start() if place == 0 else 1000 + len(part) - hit.end()
                if nearest is None or distance < nearest[0]:
                    nearest = (distance, measure)
        if nearest is not None:
            return nearest[1]
    for measure, pattern in _ASKED_ALONE:
        if re.search(pattern, normalized):
            return measure
    return None


_AGE_STATED = (
    r"\b((de|entre) \d+ (a|et) \d+ ans|moins de \d+ ans|plus de \d+ ans|\d+ ans (ou plus|et plus|revolus|au plus|au moins)|"
    r"jusqu a \d+ ans|des \d+ ans|a partir de \d+ ans|au moins \d+ ans|\d+ ans minimum|\d+ ans et \d+ mois|"
    r"ages? (de|d au moins|minimum|maximum)|apres (la classe de )?(la )?3e)\b"
)
_DURATION_STATED = r"\b(\d+|un|une|deux|trois|quatre|six|douze|dix huit|vingt quatre) (mois|ans?|annees?|semaines)\b"
_NUMBER = r"\d[\d\s\u00a0\u202f.,]*"
_STATED: Tuple[Tuple[Measure, str], ...] = (
    ("hours", rf"{_NUMBER}\s?(h|heures?)\b"),
    ("euros", rf"{_NUMBER}\s?(€|euros?\b)|\b(smic|gratuite?s?|sans frais)\b"),
    ("percent", rf"{_NUMBER}\s?(%|pour ?cent)"),
    ("age", _AGE_STATED),
    ("duration", _DURATION_STATED),
    (
        "people",
        rf"{_NUMBER}\s?(\w+ )?(assistants?|postes?|personnes?|professionnels?|organismes?|centres?|ecoles?|emplois?|"
        r"salaries?|medecins?|cabinets?|contrats?|structures?|etablissements?|apprentis?)\b",
    ),
    (
        "date",
        r"\b(1er|\d{1,2}) (janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b|"
        r"\b(en|depuis|d ici|avant|apres|jusqu au|fin) (19|20)\d\d\b",
    ),
)


def states(stated: FrozenSet[Measure], measure: Measure) -> bool:
    """Whether a text stating ``stated`` says ``measure``: hours say how long a training lasts."""
    return measure in stated or (measure == "duration" and "hours" in stated)


@functools.lru_cache(maxsize=1 << 12)
def measures_of(text: str) -> FrozenSet[Measure]:
    """The measures the figures of a fact's text state."""
    lowered = normalize(text.replace("\u00a0", " ").replace("\u202f", " ")).replace("€", " € ")
    found = {measure for measure, pattern in _STATED if re.search(pattern, lowered)}
    # « de 16 à 29 ans » is an age, not a length of time.
    if "age" in found and not re.search(_DURATION_STATED, re.sub(_AGE_STATED, " ", lowered)):
        found.discard("duration")
    return frozenset(found)
