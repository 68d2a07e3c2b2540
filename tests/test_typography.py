"""French typography of outgoing texts (bot/typography.py)."""

from __future__ import annotations

import pytest

from bot.typography import NBSP, NNBSP, french


@pytest.mark.parametrize(
    "raw, typeset",
    [
        ("Combien ?", f"Combien{NNBSP}?"),
        ("Combien?", f"Combien{NNBSP}?"),
        ("Oui ! Et vous ; et lui", f"Oui{NNBSP}! Et vous{NNBSP}; et lui"),
        ("Coût : 3 000 €", f"Coût{NBSP}: 3{NNBSP}000{NBSP}€"),
        ("Coût: 10 000 000€", f"Coût{NBSP}: 10{NNBSP}000{NNBSP}000{NBSP}€"),
        ("« Mon espace santé »", f"«{NBSP}Mon espace santé{NBSP}»"),
        ("«Mon espace santé»", f"«{NBSP}Mon espace santé{NBSP}»"),
        ("l'alternance d'abord", "l’alternance d’abord"),
        ("27 % du SMIC", f"27{NBSP}% du SMIC"),
        ("le décret n° 2010-1229", f"le décret n°{NBSP}2010-1229"),
    ],
)
def test_french_typography(raw: str, typeset: str) -> None:
    assert french(raw) == typeset


@pytest.mark.parametrize(
    "text",
    [
        "https://www.service-public.fr/particuliers/vosdroits/F10705?x=1",
        "écrivez à orientation@exemple.fr",
        "moncompteformation.gouv.fr",
        "rendez-vous à 10:30",
    ],
)
def test_addresses_and_times_are_left_alone(text: str) -> None:
    assert french(text) == text.replace("'", "’")


@pytest.mark.parametrize("text", ["Combien ? Coût : 3 000 € « oui » l'an ; 27 %", "", "Déjà « typographié » : oui ?"])
def test_idempotent(text: str) -> None:
    assert french(french(text)) == french(text)


def test_years_and_codes_are_not_thousands() -> None:
    assert french("en 2025 et 2029, code J1303") == "en 2025 et 2029, code J1303"
