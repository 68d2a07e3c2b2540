"""French parsing of interview answers, with the phrasings people really type."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

from bot.parsing import (
    NO_BUDGET,
    NO_LIMIT,
    UNKNOWN,
    extract_profile,
    normalize,
    parse_age,
    parse_amount,
    parse_background,
    parse_diploma,
    parse_duration_months,
    parse_financing,
    parse_interest,
    parse_must_be_paid,
    parse_situation,
    parse_wants_alternance,
    parse_yes_no,
)


def test_normalize_lowercases_strips_accents_and_collapses_spaces() -> None:
    assert normalize("  Je   SUIS  salariée,  à l’hôpital ") == "je suis salariee a l hopital"


@pytest.mark.parametrize(
    "text, euros",
    [
        ("5000", 5000),
        ("5 000 €", 5000),
        ("5.000 euros", 5000),
        ("5\u202f000 €", 5000),
        ("5k", 5000),
        ("5 k€", 5000),
        ("5K", 5000),
        ("2,5k", 2500),
        ("cinq mille euros", 5000),
        ("trois mille cinq cents", 3500),
        ("trois mille cinq cents euros", 3500),
        ("mille euros", 1000),
        ("douze mille", 12000),
        ("3000 max", 3000),
        ("entre 2000 et 4000", 4000),
        ("entre deux et quatre mille euros", 4000),
        ("mon budget c'est 4000€", 4000),
        ("environ 1500 balles", 1500),
        ("1500€ grand max", 1500),
        ("pas plus de 3 000 euros", 3000),
        ("j'ai 35 ans et 3000 €", 3000),
        ("j'ai un bac+2 et 3000 €", 3000),
        ("j'ai le bac, 5000 €", 5000),
        ("10 000€", 10000),
    ],
)
def test_amounts(text: str, euros: float) -> None:
    assert parse_amount(text) == euros


@pytest.mark.parametrize(
    "text",
    [
        "pas de budget",
        "aucun budget",
        "je n'ai pas d'argent",
        "rien",
        "pas un sou",
        "zéro euro",
        "0 €",
        "0",
        "je n'ai pas les moyens",
        "c'est gratuit ou rien",
    ],
)
def test_no_budget(text: str) -> None:
    assert parse_amount(text) == NO_BUDGET == 0.0


@pytest.mark.parametrize("text", ["aucun", "Zéro.", "non aucun", "néant"])
def test_no_budget_in_a_word_to_the_question_itself(text: str) -> None:
    assert parse_amount(text) == NO_BUDGET
    assert parse_amount(text, bare_number_is_amount=False) is None or text.lower().startswith("z")


@pytest.mark.parametrize(
    "text, years",
    [
        # Years said first, to the question itself, are years of work whatever follows them.
        ("6 ans secretaire medicale", 6.0),
        ("six ans au cabinet", 6.0),
        ("4 ans temps plein", 4.0),
        ("oui, 3 ans", 3.0),
        ("ça fait 12 ans", 12.0),
        ("non", 0.0),
    ],
)
def test_years_of_similar_work_to_the_question_itself(text: str, years: float) -> None:
    assert parse_background(text, answering=True) == {"health_diploma": None, "experience_years": years}


def test_an_age_is_not_years_of_work() -> None:
    assert parse_background("j'ai 46 ans", answering=True) is None


@pytest.mark.parametrize("text", ["je ne sais pas", "aucune idée", "bof", "je sais pas trop", "on verra"])
def test_unknown_amount(text: str) -> None:
    assert parse_amount(text) == UNKNOWN


@pytest.mark.parametrize("text", ["banane", "j'ai 42 ans", "18 mois"])
def test_no_amount(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    "text, months",
    [
        ("un an", 12),
        ("une année", 12),
        ("un an et demi", 18),
        ("un an et demi maximum", 18),
        ("une année et demie", 18),
        ("1 an 1/2", 18),
        ("1 an ½", 18),
        ("18 mois", 18),
        ("dix-huit mois", 18),
        ("dix huit mois", 18),
        ("deux ans max", 24),
        ("deux ans", 24),
        ("6 mois", 6),
        ("six mois pas plus", 6),
        ("3 ans", 36),
        ("3 ans ça me va", 36),
        ("pas plus de 9 mois", 9),
        ("entre 6 mois et un an", 12),
        ("moins d'un an", 12),
        ("1,5 an", 18),
        ("52 semaines", 12),
    ],
)
def test_durations(text: str, months: float) -> None:
    assert parse_duration_months(text) == months


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pas de limite", NO_LIMIT),
        ("peu importe", NO_LIMIT),
        ("sans limite", NO_LIMIT),
        ("le temps qu'il faudra", NO_LIMIT),
        ("je ne suis pas pressée", NO_LIMIT),
        ("je sais pas", UNKNOWN),
        ("aucune idée", UNKNOWN),
    ],
)
def test_duration_sentinels(text: str, expected: str) -> None:
    assert parse_duration_months(text) == expected


@pytest.mark.parametrize("text", ["j'ai 42 ans", "au chômage depuis 6 mois", "banane"])
def test_not_a_duration(text: str) -> None:
    assert parse_duration_months(text) is None


def test_bare_number_is_a_duration_only_for_the_duration_question() -> None:
    assert parse_duration_months("18") is None
    assert parse_duration_months("18", bare_number_unit="months") == 18
    assert parse_duration_months("2", bare_number_unit="years") == 24


@pytest.mark.parametrize(
    "text, expected",
    [
        ("oui", True),
        ("Oui !", True),
        ("ouais", True),
        ("carrément", True),
        ("bien sûr", True),
        ("oui bien sûr", True),
        ("absolument", True),
        ("tout à fait", True),
        ("oui il me faut un salaire", True),
        ("euh oui", True),
        ("non", False),
        ("Non.", False),
        ("nan", False),
        ("pas du tout", False),
        ("pas besoin", False),
        ("euh non", False),
        ("pas vraiment", False),
        ("je ne pense pas", False),
        ("bof", None),
        ("je ne sais pas", None),
        ("aucune idée", None),
        ("banane", None),
    ],
)
def test_yes_no(text: str, expected: Optional[bool]) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("je suis lycéenne", "etudiant"),
        ("en terminale", "etudiant"),
        ("collégien en 3e", "etudiant"),
        ("je suis étudiant", "etudiant"),
        ("je suis au chômage", "reconversion"),
        ("demandeuse d'emploi", "reconversion"),
        ("je veux changer de métier", "reconversion"),
        ("inscrit à France Travail", "reconversion"),
        ("je suis en reconversion", "reconversion"),
        ("je cherche du travail", "reconversion"),
        ("je suis salariée", "salarie"),
        ("en CDI dans une banque", "salarie"),
        ("je travaille comme caissière", "salarie"),
        ("je suis salariée et je veux me reconvertir", "salarie"),
        ("aide-soignante depuis 10 ans", "salarie"),
        # "élevé" (raised) is not "élève" (pupil), though both lose their accents alike.
        ("j'ai élevé mes enfants pendant dix ans", None),
        ("élève en seconde", "etudiant"),
        ("je suis eleve en terminale", "etudiant"),
        ("je ne sais pas", UNKNOWN),
        ("banane", None),
    ],
)
def test_situation(text: str, expected: Any) -> None:
    assert parse_situation(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("j'ai 42 ans", 42),
        ("42", 42),
        ("42 ans", 42),
        ("quarante-deux ans", 42),
        ("quarante deux ans", 42),
        ("dix-neuf ans", 19),
        ("19 ans", 19),
        ("j'ai 200 ans", None),
        ("j'ai 5 ans", None),
        ("150", None),
        ("je préfère ne pas le dire", UNKNOWN),
        ("banane", None),
    ],
)
def test_age(text: str, expected: Any) -> None:
    assert parse_age(text) == expected


def test_bare_number_is_an_age_only_for_the_age_question() -> None:
    assert parse_age("42", bare_number_is_age=False) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pas de diplôme", "none"),
        ("aucun", "none"),
        ("juste le brevet", "none"),
        ("j'ai pas encore de diplome", "none"),
        ("je n'ai pas eu le bac", "none"),
        ("je prépare le bac", "none"),
        ("un CAP petite enfance", "cap_bep"),
        ("CAP", "cap_bep"),
        ("BEP", "cap_bep"),
        ("pas le bac mais un CAP", "cap_bep"),
        ("j'ai le bac", "bac"),
        ("bac pro commerce", "bac"),
        ("le baccalauréat", "bac"),
        ("bac+2", "bac2"),
        ("bac +3", "bac2"),
        ("un BTS", "bac2"),
        ("licence de psycho", "bac2"),
        ("master en droit", "bac2"),
        ("je ne sais pas", UNKNOWN),
    ],
)
def test_diploma(text: str, expected: str) -> None:
    assert parse_diploma(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mon CPF", ["cpf"]),
        ("avec mon compte formation", ["cpf"]),
        ("mon employeur et mon CPF", ["cpf", "employer"]),
        ("la région", ["region"]),
        ("une aide de la région", ["region"]),
        ("France Travail", ["france_travail"]),
        ("pôle emploi", ["france_travail"]),
        ("pas de CPF mais mon employeur", ["employer"]),
        ("aucun", []),
        ("aucun financement", []),
        ("rien", []),
        ("ni CPF ni rien", []),
        ("je ne sais pas", UNKNOWN),
    ],
)
def test_financing(text: str, expected: Any) -> None:
    assert parse_financing(text) == expected


def test_no_financing_is_not_unknown() -> None:
    assert parse_financing("aucun") == [] and parse_financing("aucune idée") == UNKNOWN and parse_financing("banane") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("le contact avec les patients", "patient"),
        ("le contact patient", "patient"),
        ("les soins", "patient"),
        ("l'administratif", "administration"),
        ("l'organisation", "administration"),
        ("plutot l'organisation et l'administratif", "administration"),
        ("l'informatique", "numerique"),
        ("le numérique", "numerique"),
        ("la e-santé", "numerique"),
        ("la régulation", "regulation"),
        ("les appels d'urgence", "regulation"),
        ("le SAMU", "regulation"),
        ("répondre au 15", "regulation"),
        ("le 15 mars", None),
        ("la régulation des appels d'urgence", "regulation"),
        # Several interests at once are all kept, in the order said (issue 20).
        ("les patients et l'informatique", ["patient", "numerique"]),
        ("l'accueil et la gestion des plannings", ["patient", "administration"]),
        ("pas l'informatique, plutôt les patients", "patient"),
        ("je ne sais pas", UNKNOWN),
    ],
)
def test_interest(text: str, expected: str) -> None:
    assert parse_interest(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pas d'alternance", False),
        ("surtout pas en alternance", False),
        ("je cherche une alternance", True),
        ("en apprentissage", True),
        ("je veux une alternance, pas besoin de salaire", True),
        ("pas d'apprentissage", False),
        ("je ne sais pas si l'alternance me plairait", None),
        ("banane", None),
    ],
)
def test_wants_alternance(text: str, expected: Optional[bool]) -> None:
    assert parse_wants_alternance(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("je dois être payée", True),
        ("je veux être payé", True),
        ("il me faut un salaire", True),
        ("je dois garder mon salaire", True),
        ("pas besoin d'être rémunéré", False),
        ("banane", None),
    ],
)
def test_must_be_paid(text: str, expected: Optional[bool]) -> None:
    assert parse_must_be_paid(text) is expected


# ---- whole messages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "je suis salariée, 5000 € avec mon CPF, un an maximum, pas d'alternance",
            {"situation": "salarie", "budget_eur": 5000, "financing": ["cpf"], "max_duration_months": 12, "wants_alternance": False},
        ),
        ("j'ai 35 ans, 3000 euros de budget et 18 mois devant moi", {"age": 35, "budget_eur": 3000, "max_duration_months": 18}),
        ("j'ai 25 ans et 2 ans devant moi", {"age": 25, "max_duration_months": 24}),
        ("je suis au chômage depuis 6 mois, j'ai 38 ans", {"situation": "reconversion", "age": 38}),
        ("j'ai 19 ans et le bac, je cherche une alternance", {"age": 19, "diploma": "bac", "wants_alternance": True}),
        ("je peux mettre 3000 euros et mon employeur paie le reste", {"budget_eur": 3000, "financing": ["employer"]}),
        ("je suis demandeuse d'emploi, je dois être payée", {"situation": "reconversion", "must_be_paid": True}),
        ("salarié en CDI, je voudrais évoluer vers le numérique", {"situation": "salarie", "interest": "numerique"}),
        (
            "j'ai 17 ans, je suis en terminale et la régulation des appels m'attire",
            {"situation": "etudiant", "age": 17, "diploma": "none", "interest": "regulation"},
        ),
        ("je suis lycéen, pas de budget", {"situation": "etudiant", "budget_eur": 0}),
        ("salariée, 42 ans, 4 k€ et pas plus d'un an", {"situation": "salarie", "age": 42, "budget_eur": 4000, "max_duration_months": 12}),
    ],
)
def test_one_message_fills_several_answers(text: str, expected: Dict[str, Any]) -> None:
    assert extract_profile(text) == expected


@pytest.mark.parametrize(
    "requested, text, expected",
    [
        ("budget_eur", "4000", {"budget_eur": 4000}),
        ("budget_eur", "5 000", {"budget_eur": 5000}),
        ("budget_eur", "pas un sou", {"budget_eur": 0}),
        ("budget_eur", "je ne sais pas", {"budget_eur": UNKNOWN}),
        ("age", "42", {"age": 42}),
        ("age", "j'ai 30 ans, pas de budget", {"age": 30, "budget_eur": 0}),
        ("max_duration_months", "18", {"max_duration_months": 18}),
        ("max_duration_months", "un an", {"max_duration_months": 12}),
        ("max_duration_months", "peu importe", {"max_duration_months": NO_LIMIT}),
        ("max_duration_months", "quelques mois", {}),  # vague: asked again, never guessed
        ("must_be_paid", "oui", {"must_be_paid": True}),
        ("must_be_paid", "non", {"must_be_paid": False}),
        ("must_be_paid", "bof", {"must_be_paid": UNKNOWN}),
        ("must_be_paid", "oui je dois absolument etre payé", {"must_be_paid": True}),
        ("wants_alternance", "oui", {"wants_alternance": True}),
        ("wants_alternance", "non", {"wants_alternance": False}),
        ("diploma", "aucun", {"diploma": "none"}),
        ("financing", "aucun", {"financing": []}),
        ("financing", "France Travail", {"financing": ["france_travail"]}),
        ("interest", "le contact avec les patients", {"interest": "patient"}),
        ("situation", "je ne sais pas", {"situation": UNKNOWN}),
    ],
)
def test_bare_answers_go_to_the_question_asked(requested: str, text: str, expected: Dict[str, Any]) -> None:
    assert extract_profile(text, requested) == expected


@pytest.mark.parametrize("text", ["4000", "42", "oui", "aucun", "je ne sais pas", "/request_pathway", ""])
def test_a_bare_answer_without_a_question_is_not_guessed(text: str) -> None:
    assert extract_profile(text) == {}


def test_a_correction_is_read_whatever_the_question() -> None:
    assert extract_profile("en fait mon budget c'est 3000 €", "age") == {"budget_eur": 3000}


def test_values_fit_in_slots() -> None:
    profile = extract_profile("je suis salariée, 42 ans, bac, 5000 € avec mon CPF, un an max, je dois être payée, le numérique", "interest")
    assert len(profile) == 8  # all but wants_alternance
    for value in profile.values():
        assert type(value) in (str, float, bool, list), value
