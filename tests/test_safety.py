"""Personal health questions and emergencies are recognised by their words (bot/safety.py)."""

from __future__ import annotations

import pytest

from bot.safety import is_personal_health_question


@pytest.mark.parametrize(
    "text",
    [
        "mon père fait un malaise là maintenant qu'est ce que je fais",
        "ma fille a de la fievre depuis hier",
        "j'ai mal à la poitrine quand je respire",
        "mon mari ne respire plus !!",
        "combien de doliprane je peux prendre par jour ?",
        "je peux prendre de l'ibuprofène avec mon antibiotique ?",
        "mon bebe a avalé du produit vaisselle",
        "j'ai une douleur au ventre depuis ce matin, que faire ?",
        "jsuis malade jai vomi toute la nuit",
        "mon fils a une grosse eruption de boutons",
        # In English too.
        "I've had a terrible headache since yesterday, what should I take?",
        "my son has a high fever",
        "I have chest pain right now",
    ],
)
def test_personal_health_questions_are_caught(text: str) -> None:
    assert is_personal_health_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "on prend la tension des patients ?",
        "l'assistant médical fait des prises de sang ?",
        "j'ai combien sur mon cpf par an ?",
        "j'ai 27 ans c'est trop tard ?",
        "quand la salle d'attente déborde ça doit stresser non ?",
        "il aide les patients à se déshabiller ?",
        "est-ce qu'on apprend les gestes d'urgence ?",
        "je travaille aux urgences comme agent d'accueil",
        "le médecin prescrit des médicaments, l'assistant aussi ?",
        "la télésurveillance des patients malades chroniques c'est quoi ?",
        "I'm sick of my job, is medical assistant a good move?",
        "do medical assistants work with patients in pain?",
    ],
)
def test_questions_about_the_job_are_not(text: str) -> None:
    assert not is_personal_health_question(text)


@pytest.mark.parametrize("text", ["j'ai du mal à parler aux inconnus, c'est bloquant ?", "j'ai du mal à choisir une formation"])
def test_finding_something_hard_is_not_a_symptom(text: str) -> None:
    assert not is_personal_health_question(text)


def test_advice_asked_with_the_verb_is_not_a_request_for_a_person() -> None:
    from bot.requests import asks_for_advice_not_a_person
    from launch.heldout import load_heldout

    heldout = load_heldout()
    assert not [text for intent, text, _ in heldout if intent == "request_human" and asks_for_advice_not_a_person(text)]
    assert sum(1 for intent, text, _ in heldout if intent == "request_pathway" and asks_for_advice_not_a_person(text)) >= 20
    assert asks_for_advice_not_a_person("vous pouvez me conseiller une formation ? je suis inscrite a france travail")
    assert not asks_for_advice_not_a_person("pouvez-vous m'orienter vers un conseiller humain")


def test_the_samu_s_emergency_calls_are_not_a_call_asked_for() -> None:
    from bot.requests import asks_for_advice_not_a_person

    assert asks_for_advice_not_a_person("je voudrais répondre aux appels d'urgence du SAMU, vous me conseillez quoi ?")
    assert not asks_for_advice_not_a_person("vous pouvez me conseiller ? appelez-moi demain")


@pytest.mark.parametrize("text", ["jpeux payer avc mon cpf ou pas", "4000 avc le cpf", "avc chatgpt le metier va disparaitre ?"])
def test_avc_typed_for_avec_is_no_stroke(text: str) -> None:
    assert not is_personal_health_question(text)


@pytest.mark.parametrize("text", ["mon père fait un AVC", "je crois que ma mère a un avc", "avc que faire"])
def test_a_stroke_is_still_one(text: str) -> None:
    assert is_personal_health_question(text)


def test_a_question_about_the_trainings_is_not_a_request_for_advice() -> None:
    from bot.requests import asks_about_trainings_not_advice
    from launch.heldout import fresh_sets, load_heldout

    labelled = [(intent, text) for intent, text, _ in load_heldout()]
    labelled += [(m["intent"], m["text"]) for _, messages in fresh_sets() for m in messages]
    assert not [text for intent, text in labelled if intent == "request_pathway" and asks_about_trainings_not_advice(text)]
    assert asks_about_trainings_not_advice("où je peux faire la formation près de chez moi ?")
    assert asks_about_trainings_not_advice("je veux me réorienter en assistante médicale. C'est quoi les formations?")
    assert not asks_about_trainings_not_advice("où je peux faire la formation ? conseillez-moi selon mon profil")
