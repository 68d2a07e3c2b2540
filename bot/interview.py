"""Interview helpers shared by the form actions: which slots, what an answer fills, corrections."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from bot.parsing import UNKNOWN, extract_profile

# Order = order of the questions.
PROFILE_SLOTS = (
    "situation",
    "age",
    "diploma",
    "budget_eur",
    "max_duration_months",
    "must_be_paid",
    "financing",
    "interest",
    "wants_alternance",
)

_SLOT_NAMES = {
    "situation": "situation",
    "age": "âge",
    "diploma": "diplôme",
    "budget_eur": "budget",
    "max_duration_months": "durée maximale",
    "must_be_paid": "rémunération pendant la formation",
    "financing": "financements",
    "interest": "ce qui vous attire",
    "wants_alternance": "alternance",
}


def answer_updates(text: str, requested: Optional[str], situation_entity: Optional[str] = None) -> Dict[str, Any]:
    """Every profile slot the message fills; the NLU's situation entity completes the parser."""
    updates = {k: v for k, v in extract_profile(text, requested).items() if k in PROFILE_SLOTS and v is not None}
    if situation_entity and "situation" not in updates:
        updates["situation"] = situation_entity
    return updates


def describe(slot: str, value: Any) -> str:
    """A profile value as French words, for confirmations."""
    if value == UNKNOWN:
        return "vous ne savez pas encore"
    if slot == "budget_eur":
        return "aucun budget" if value == 0 else f"{_euros(value)}"
    if slot == "max_duration_months":
        return "pas de limite" if value == "no_limit" else f"{_number(value)} mois"
    if slot == "age":
        return f"{_number(value)} ans"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "aucun"
    return str(value)


def correction_note(updates: Mapping[str, Any], previous: Mapping[str, Any], requested: Optional[str]) -> str:
    """"C'est noté" for answers that replace an earlier one (not for the question just asked)."""
    changed = [
        f"{_SLOT_NAMES[slot]} : {describe(slot, value)}"
        for slot, value in updates.items()
        if slot != requested and previous.get(slot) is not None and previous.get(slot) != value
    ]
    return f"C'est noté, je corrige : {' ; '.join(changed)}." if changed else ""


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number).replace(".", ",")


def _euros(value: Any) -> str:
    return f"{int(float(value)):,} €".replace(",", " ")
