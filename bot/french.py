"""Small helpers that put noun phrases of the knowledge base into French sentences."""

from __future__ import annotations

from typing import Sequence


def capitalize(text: str) -> str:
    """First letter upper-case, the rest untouched ("l'alternance" -> "L'alternance")."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """First letter lower-case unless the first word is an acronym ("CPF", "ARM")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isalpha() and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def of(phrase: str) -> str:
    """ "de" before a noun phrase with its article: "le CPF" -> "du CPF", "l'alternance" -> "de l'alternance"."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article) :]
    if phrase[:1].lower() in "aeiouyhéèêàâîôû" and not phrase.startswith(("la ", "l'", "l’", "une ", "un ")):
        return "d'" + phrase
    return "de " + phrase


def join(items: Sequence[str], last: str = "et") -> str:
    """ "a", "a et b", "a, b et c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def sentence(text: str) -> str:
    """A sentence starting upper-case and ending with a full stop (unless it ends with ?, ! or …)."""
    text = text.strip()
    if not text:
        return text
    return capitalize(text) + ("" if text[-1] in ".?!…" else ".")


def to(phrase: str) -> str:
    """ "à" before a noun phrase with its article: "le CPF" -> "au CPF", "la région" -> "à la région"."""
    for article, contracted in (("le ", "au "), ("les ", "aux ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article) :]
    return "à " + phrase
