"""Visitors' texts: personal data masked, and a key under which similar messages group."""

from __future__ import annotations

import hashlib
import re
import unicodedata

EMAIL_MASK = "[adresse e-mail masquée]"
PHONE_MASK = "[numéro masqué]"

# The local part may hold an apostrophe (o'neil@...): the whole address goes, not just its end.
_EMAIL = re.compile(r"[\w.+'’-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Nine digits or more, with the spaces, dots or dashes people put between them: French
# numbers (06 12 34 56 78, +33 6 12 34 56 78, 0033...) and foreign ones; amounts and
# postcodes (3 000, 75001) have fewer digits.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[\s.\-/]?\d){8,}(?!\w)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Articles, prepositions and elided words (normalised): « quel temps fait-il à Paris » and
# « Paris : quel temps fait-il » are the same question.
_FILLERS = frozenset("a au aux c d de des du en et j l la le les m n ou qu s t un une y".split())


def mask_personal_data(text: str) -> str:
    """The text with its e-mail addresses and phone numbers replaced by a mention."""
    return _PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, text))


def normalise(text: str) -> str:
    """Lower case, without accents, punctuation or repeated spaces: « Quel temps fait-il ? » -> « quel temps fait il »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", bare).split())


def group_key(text: str) -> str:
    """Messages with the same words, in any order, case, accents or punctuation, and give or
    take an article or a preposition, share a key.

    Masked first, so that two visitors leaving different addresses in the same sentence
    group together, and no address ever reaches a key."""
    words = set(normalise(mask_personal_data(text)).split())
    return " ".join(sorted(words - _FILLERS or words))


def mark_key(key: str) -> str:
    """What the marks table stores for a group: a digest, not the visitor's words."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
