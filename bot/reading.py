"""A visitor's message read once into what the answer needs of it.

Context, ranker and writer all ask the same things of a message: its words without accents or
plurals, what a « combien » in it counts, whether it calls for a yes or a no, the numbers it
names. ``read`` works them out once; the ``Reading`` is passed on with the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import AbstractSet, FrozenSet, Optional

from bot.cues import Words, is_yes_no_question, words
from bot.measures import Measure, measure_asked, without_filler
from bot.vocabulary import normalize


@dataclass(frozen=True)
class Reading:
    text: str  # as typed
    normalized: str  # lower case, no accents nor punctuation (bot.vocabulary.normalize)
    words: Words  # singular, no accents, fillers out (« combien il y a d'… » → « combien d'… »); a word of the knowledge base matches only itself
    measure: Optional[Measure]  # what a « combien » counts, if it asks one
    yes_no: bool  # calls for « oui » or « non »
    numbers: FrozenSet[str]  # the numbers it names, digits only (« 1 800 » → « 1800 »)


def numbers_in(text: str) -> FrozenSet[str]:
    return frozenset(re.sub(r"[\s\u00a0\u202f]", "", n) for n in re.findall(r"\d[\d\u00a0\u202f ]*\d|\d", text))


def read(text: str, known: AbstractSet[str] = frozenset()) -> Reading:
    """``text`` read once; ``known``: the knowledge base's words (``KnowledgeBase.words``)."""
    normalized = normalize(text)
    return Reading(
        text=text,
        normalized=normalized,
        words=words(without_filler(normalized), known),
        measure=measure_asked(text),
        yes_no=is_yes_no_question(text),
        numbers=numbers_in(text),
    )
