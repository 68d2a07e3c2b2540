"""Maps what people type to the canonical entity values of the NLU contract.

Built from the surface forms of the training data (synonyms and annotated
examples). Tolerates missing accents, case, hyphens and small typos, which
Rasa's exact-match EntitySynonymMapper does not.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

# Below this length a surface form must match exactly: "dm", "arm" or "dpi"
# are too short for fuzzy matching to be safe.
MIN_FUZZY_LENGTH = 6
FUZZY_RATIO = 0.86


# Cached: the knowledge base's cues are normalised again at every question.
@functools.lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Lowercase, no accents, apostrophes and hyphens as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.lower().replace("’", "'")
    text = re.sub(r"[\-'_/]", " ", text)
    text = re.sub(r"[^\w\s+€]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class FoundEntity:
    entity: str
    value: str
    start: int  # offsets in the original text
    end: int
    text: str


class EntityVocabulary:
    """Surface forms per (entity, canonical value)."""

    def __init__(self, surfaces: Mapping[str, Mapping[str, Iterable[str]]], known_words: Iterable[str] = ()):
        # Correctly spelt words people use ("salaires", "parcours") are never read as typos of a form.
        self._known_words = {normalize(w) for w in known_words}
        # normalized surface -> (entity, value); one canonical value per surface and entity
        self._by_entity: Dict[str, Dict[str, str]] = {}
        for entity, values in surfaces.items():
            table = self._by_entity.setdefault(entity, {})
            for value, forms in values.items():
                for form in list(forms) + ([value] if "_" not in value else []):
                    key = normalize(form)
                    if key:
                        table.setdefault(key, value)

    @property
    def entities(self) -> Tuple[str, ...]:
        return tuple(self._by_entity)

    def values(self, entity: str) -> Tuple[str, ...]:
        return tuple(sorted(set(self._by_entity.get(entity, {}).values())))

    def canonical(self, entity: str, surface: str) -> Optional[str]:
        """The canonical value for an extracted entity text, or None if unknown."""
        table = self._by_entity.get(entity)
        if not table:
            return None
        key = normalize(surface)
        if key in table:
            return table[key]
        if key.replace(" ", "_") in table.values():
            return key.replace(" ", "_")
        close = self._closest(key, table)
        return table[close] if close else None

    def find(self, text: str) -> List[FoundEntity]:
        """Every known surface form in ``text``, typos tolerated: for each entity, the longest forms
        first and no overlaps; forms of two entities may overlap ("inscrite à France Travail" is a
        situation, and its "France Travail" a financing)."""
        tokens = _tokens_with_offsets(text)
        normalized = [normalize(token) for token, _, _ in tokens]
        found: List[FoundEntity] = []
        for entity, table in self._by_entity.items():
            taken = [False] * len(tokens)
            max_words = max((len(k.split()) for k in table), default=0)
            for size in range(min(max_words, len(tokens)), 0, -1):
                for first in range(0, len(tokens) - size + 1):
                    if any(taken[first : first + size]):
                        continue
                    window = " ".join(w for w in normalized[first : first + size] if w)
                    value = self._match_window(window, table)
                    if value is None:
                        continue
                    start, end = tokens[first][1], tokens[first + size - 1][2]
                    found.append(FoundEntity(entity, value, start, end, text[start:end]))
                    for index in range(first, first + size):
                        taken[index] = True
        return sorted(found, key=lambda item: (item.start, item.entity))

    def _match_window(self, window: str, table: Mapping[str, str]) -> Optional[str]:
        if not window:
            return None
        if window in table:
            return table[window]
        if all(word in self._known_words for word in window.split()):
            return None
        close = self._closest(window, table)
        return table[close] if close else None

    @staticmethod
    def _closest(key: str, table: Mapping[str, str]) -> Optional[str]:
        """The form ``key`` is a misspelling of: same number of words, each word close, the whole closer."""
        if len(key) < MIN_FUZZY_LENGTH:
            return None
        words = key.split()
        best, best_ratio = None, FUZZY_RATIO
        for form in table:
            form_words = form.split()
            if len(form) < MIN_FUZZY_LENGTH or len(form_words) != len(words) or abs(len(form) - len(key)) > 2:
                continue
            if not all(_close_words(a, b) for a, b in zip(words, form_words, strict=True)):
                continue
            ratio = difflib.SequenceMatcher(None, key, form).ratio()
            if ratio >= best_ratio:
                best, best_ratio = form, ratio
        return best


def _close_words(typed: str, form: str) -> bool:
    if typed == form:
        return True
    if len(form) <= 3 or typed[:1] != form[:1]:
        return False  # short words and first letters are rarely mistyped
    return difflib.SequenceMatcher(None, typed, form).ratio() >= 0.75


def _tokens_with_offsets(text: str) -> List[Tuple[str, int, int]]:
    # Split on the same characters as normalize() so that windows line up with surfaces.
    return [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[^\s\-'’_/.,;:!?()\"«»]+", text)]


def vocabulary_from_pairs(pairs: Sequence[Tuple[str, str, str]], known_words: Iterable[str] = ()) -> EntityVocabulary:
    """Builds a vocabulary from (entity, surface, value) triples."""
    surfaces: Dict[str, Dict[str, List[str]]] = {}
    for entity, surface, value in pairs:
        surfaces.setdefault(entity, {}).setdefault(value, []).append(surface)
    return EntityVocabulary(surfaces, known_words)


# --- words nobody knows -------------------------------------------------------------------

UNKNOWN_SHARE = 0.5  # of a message's words, for it to be read as typed at random
MIN_CHECKED_LENGTH = 3  # "ok", "cb", "c" are too short to judge


def unknown_words(words: Sequence[str], known: FrozenSet[str], has_meaning: Mapping[str, bool]) -> List[str]:
    """The words of a message that are neither words of the training data, nor words with a
    meaning in the language model (``has_meaning``), nor a close misspelling of a training word."""
    unknown = []
    for word in words:
        key = normalize(word)
        if len(key) < MIN_CHECKED_LENGTH or key in known or has_meaning.get(word, False) or not key.isalpha():
            continue
        if len(key) >= MIN_FUZZY_LENGTH - 1 and difflib.get_close_matches(key, known, n=1, cutoff=0.8):
            continue  # a misspelt word of the training data ("formatoin")
        unknown.append(word)
    return unknown


def looks_random(words: Sequence[str], known: FrozenSet[str], has_meaning: Mapping[str, bool]) -> bool:
    """ "qsdlkfj pouet zzzz": most of the words mean nothing. A typo or two in a real question
    ("formatoin contnue") does not count: they are close to words of the training data."""
    checked = [w for w in words if len(normalize(w)) >= MIN_CHECKED_LENGTH and normalize(w).isalpha()]
    if not checked:
        return False
    return len(unknown_words(checked, known, has_meaning)) >= max(1, UNKNOWN_SHARE * len(checked))
