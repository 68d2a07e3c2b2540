"""French parsing of interview answers: amounts, durations, yes/no, and whole messages."""

from __future__ import annotations

import pytest

from bot.parsing import NO_LIMIT, UNKNOWN, extract_profile, parse_age, parse_amount, parse_diploma, parse_duration_months, parse_financing, parse_interest, parse_situation, parse_yes_no


@pytest.mark.parametrize("text, euros", [
    ("5000", 5000), ("5 000 €", 5000), ("5.000 euros", 5000), ("5k", 5000), ("5 k€", 5000), ("cinq mille euros", 5000),
    ("trois mille cinq cents euros", 3500), ("3000 max", 3000), ("entre 2000 et 4000", 4000), ("mon budget c'est 4000€", 4000),
    ("environ 1500 balles", 1500), ("douze mille", 12000), ("pas de budget", 0), ("je n'ai pas d'argent", 0), ("rien", 0),
    ("pas un sou", 0), ("zéro euro", 0),
])
def test_amounts(text: str, euros: float) -> None:
    assert parse_amount(text) == euros


@pytest.mark.parametrize("text", ["je ne sais pas", "aucune idée", "bof"])
def test_unknown_amount(text: str) -> None:
    assert parse_amount(text) == UNKNOWN


@pytest.mark.parametrize("text, months", [
    ("un an", 12), ("un an et demi", 18), ("18 mois", 18), ("deux ans max", 24), ("6 mois", 6), ("1 an 1/2", 18),
    ("3 ans", 36), ("six mois pas plus", 6), ("une année", 12), ("pas plus de 9 mois", 9),
])
def test_durations(text: str, months: float) -> None:
    assert parse_duration_months(text) == months


@pytest.mark.parametrize("text, expected", [("pas de limite", NO_LIMIT), ("peu importe", NO_LIMIT), ("quelques mois", UNKNOWN), ("je sais pas", UNKNOWN)])
def test_duration_sentinels(text: str, expected: str) -> None:
    assert parse_duration_months(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("oui", True), ("ouais", True), ("carrément", True), ("bien sûr", True), ("oui il me faut un salaire", True),
    ("non", False), ("nan", False), ("pas du tout", False), ("pas besoin", False),
    ("bof", UNKNOWN), ("je ne sais pas", UNKNOWN), ("banane", None),
])
def test_yes_no(text: str, expected) -> None:
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("je suis lycéenne", "etudiant"), ("en terminale", "etudiant"), ("collégien en 3e", "etudiant"),
    ("je suis au chômage", "reconversion"), ("demandeuse d'emploi", "reconversion"), ("je veux changer de métier", "reconversion"),
    ("inscrit à France Travail", "reconversion"), ("je suis salariée", "salarie"), ("en CDI dans une banque", "salarie"),
    ("je travaille comme caissière", "salarie"),
])
def test_situation(text: str, expected: str) -> None:
    assert parse_situation(text) == expected


@pytest.mark.parametrize("text, expected", [("j'ai 42 ans", 42), ("quarante-deux ans", 42), ("19 ans", 19), ("j'ai 200 ans", None)])
def test_age(text: str, expected) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("pas de diplôme", "none"), ("juste le brevet", "none"), ("un CAP petite enfance", "cap_bep"), ("BEP", "cap_bep"),
    ("j'ai le bac", "bac"), ("bac pro commerce", "bac"), ("bac+2", "bac2"), ("un BTS", "bac2"), ("licence de psycho", "bac2"),
    ("master en droit", "bac2"), ("je n'ai pas eu le bac", "none"),
])
def test_diploma(text: str, expected: str) -> None:
    assert parse_diploma(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("mon CPF", ["cpf"]), ("mon employeur et mon CPF", ["cpf", "employer"]), ("la région", ["region"]),
    ("France Travail", ["france_travail"]), ("pôle emploi", ["france_travail"]), ("aucun", []), ("je ne sais pas", UNKNOWN),
])
def test_financing(text: str, expected) -> None:
    assert parse_financing(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("le contact avec les patients", "patient"), ("les soins", "patient"), ("l'administratif", "administration"),
    ("l'organisation", "administration"), ("l'informatique", "numerique"), ("le numérique", "numerique"),
    ("la régulation", "regulation"), ("les appels d'urgence", "regulation"), ("le SAMU", "regulation"),
])
def test_interest(text: str, expected: str) -> None:
    assert parse_interest(text) == expected


def test_one_message_fills_several_answers() -> None:
    assert extract_profile("je suis salariée, 5000 € avec mon CPF, un an maximum, pas d'alternance") == {
        "situation": "salarie", "budget_eur": 5000, "financing": ["cpf"], "max_duration_months": 12, "wants_alternance": False,
    }


def test_units_tell_age_budget_and_duration_apart() -> None:
    assert extract_profile("j'ai 35 ans, 3000 euros de budget et 18 mois devant moi") == {
        "age": 35, "budget_eur": 3000, "max_duration_months": 18,
    }


@pytest.mark.parametrize("requested, text, expected", [
    ("budget_eur", "4000", {"budget_eur": 4000}), ("age", "42", {"age": 42}), ("max_duration_months", "18", {"max_duration_months": 18}),
    ("must_be_paid", "oui", {"must_be_paid": True}), ("budget_eur", "je ne sais pas", {"budget_eur": UNKNOWN}),
    ("diploma", "aucun", {"diploma": "none"}), ("financing", "aucun", {"financing": []}),
])
def test_bare_answers_go_to_the_question_asked(requested: str, text: str, expected: dict) -> None:
    assert extract_profile(text, requested) == expected


def test_a_bare_number_without_context_is_not_guessed() -> None:
    assert extract_profile("4000") == {}


def test_a_correction_is_read() -> None:
    assert extract_profile("en fait mon budget c'est 3000 €", "age") == {"budget_eur": 3000}
