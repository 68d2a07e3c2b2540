"""Matches the words of a question against the cue words of the knowledge base.

A cue is one or more words ("prise de sang", "informatique"). It matches when its
words appear in the question in a row, each one equal to a word of the question or a
misspelling of it (from six letters on), singular or plural alike.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import AbstractSet, Iterable, List, Sequence, Tuple

from bot.vocabulary import normalize

MIN_FUZZY_LENGTH = 6
FUZZY_RATIO = 0.84
# Question words: a question with none of them, ending with "?", expects a yes or a no.
_WH_WORDS = {
    "combien",
    "comment",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "ou",
    "pourquoi",
    "quand",
    "qui",
    "que",
    "quoi",
    "qu",
    "lequel",
    "laquelle",
    "lesquels",
    "lesquelles",
    "koi",
    "cb",
    "cmb",
    "kel",
    "kelle",
}
_YES_NO_OPENINGS = re.compile(
    r"^(est ce|est il|est elle|faut il|faut t il|peut on|peut il|peut elle|peux je|puis je|y a t il|a t on|dois je|doit on|"
    r"ai je|suis je|on peut|on doit|il faut|c est|ca|cela|je peux|je dois|on a|on fait)\b"
)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


class Words(List[str]):
    """The words of a question, and the words known to be spelt right (never read as typos)."""

    known: AbstractSet[str] = frozenset()


def words(text: str, known: AbstractSet[str] = frozenset()) -> Words:
    """The words of ``text``, normalised (no accents, lower case) and singular. A word of
    ``known`` (the knowledge base's own words) matches only itself: "spécialistes" is not a
    misspelling of "spécialiser"."""
    out = Words(_stem(w) for w in normalize(text).split())
    out.known = known
    return out


def vocabulary(texts: Iterable[str]) -> AbstractSet[str]:
    """The words of ``texts`` as ``words()`` gives them, for its ``known``."""
    return frozenset(w for text in texts for w in words(text))


@functools.lru_cache(maxsize=1 << 12)
def cue_words(cue: str) -> Tuple[str, ...]:
    """The words of a cue as ``words()`` gives them; cached, since every question is matched
    against every cue of the knowledge base."""
    return tuple(_stem(w) for w in normalize(cue).split())


def _same(typed: str, cue: str, known: AbstractSet[str]) -> bool:
    if typed == cue:
        return True
    if len(cue) < MIN_FUZZY_LENGTH or typed[:1] != cue[:1] or abs(len(typed) - len(cue)) > 2 or typed in known:
        return False
    return _close(typed, cue)


@functools.lru_cache(maxsize=1 << 16)
def _close(typed: str, cue: str) -> bool:
    return difflib.SequenceMatcher(None, typed, cue).ratio() >= FUZZY_RATIO


def match_length(cues: Iterable[str], question: Sequence[str]) -> int:
    """The number of words of the longest cue found in ``question`` (from ``words()``), 0 if none."""
    known: AbstractSet[str] = getattr(question, "known", frozenset())
    best = 0
    for cue in cues:
        found = cue_words(cue)
        size = len(found)
        if size <= best:
            continue
        for start in range(len(question) - size + 1):
            if all(_same(question[start + i], found[i], known) for i in range(size)):
                best = size
                break
    return best


# « et le salaire ? », « la VAE ? », « pour les adultes ? »: a subject named without a verb asks
# what there is to know of it, not a yes or a no.
_ELLIPSIS_OPENINGS = {"et", "le", "la", "les", "l", "un", "une", "des", "du", "d", "au", "aux", "pour", "en", "avec", "sans", "a", "sur"}
_COMMON_VERBS = {
    "est",
    "sont",
    "etait",
    "a",
    "ont",
    "peut",
    "peux",
    "puis",
    "peuvent",
    "faut",
    "doit",
    "dois",
    "doivent",
    "paie",
    "paye",
    "paient",
    "payent",
    "coute",
    "coutent",
    "existe",
    "gagne",
    "fait",
    "font",
    "va",
    "vont",
    "y",
    "mene",
    "prend",
    "dure",
    "sert",
    "marche",
    "ca",
    "c",
    "suffit",
    "compte",
    "accepte",
    "recrute",
    "recrutent",
    "embauche",
    "exige",
    "demande",
}
MAX_ELLIPSIS_WORDS = 5


def is_ellipsis(text: str) -> bool:
    """A subject named without a verb (« et le salaire ? », « la VAE ? »): a question about it, not a yes/no one."""
    plain = normalize(text).split()
    if not plain or len(plain) > MAX_ELLIPSIS_WORDS or set(plain) & _COMMON_VERBS:
        return False
    return len(plain) == 1 or plain[0] in _ELLIPSIS_OPENINGS


def is_yes_no_question(text: str) -> bool:
    """ "Faut-il le bac ?", "on peut bosser en EHPAD ?", "est-ce qu'on fait des prises de sang" expect a yes or a no."""
    # "est-ce que" and "est-ce qu'on" open a yes/no question: their "que" asks nothing.
    normalized = re.sub(r"^est ce qu(e)?\b", "est ce", normalize(text))
    if not normalized:
        return False
    if _YES_NO_OPENINGS.match(normalized) and not (set(normalized.split()) & _WH_WORDS):
        return True
    return text.rstrip().endswith("?") and not (set(normalized.split()) & _WH_WORDS) and not is_ellipsis(text)


def is_question(text: str) -> bool:
    """Whether ``text`` asks something: a question mark, a question word, or a yes/no opening."""
    if "?" in text:
        return True
    plain = normalize(text)
    # "ou", "que" and "qui" are also "or", "that" and "who" in an answer ("l'employeur ou le CPF").
    asking = _WH_WORDS - {"ou", "que", "qui", "qu"}
    return bool(set(plain.split()) & asking) or bool(_YES_NO_OPENINGS.match(plain)) and len(plain.split()) > 3
