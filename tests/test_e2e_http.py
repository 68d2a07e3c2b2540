"""The real action server and Rasa server, over HTTP, answer real French questions."""

from __future__ import annotations

import uuid

import pytest
import requests

from launch.servers import RasaStack, texts


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_cost_of_private_intensive_course(stack: RasaStack) -> None:
    reply = plain(texts(stack.say(new_sender(), "Combien coûte une formation privée intensive ?")))
    assert "5 000" in reply and "10 000" in reply


def test_follow_up_cost_then_alternance(stack: RasaStack) -> None:
    sender = new_sender()
    first = plain(texts(stack.say(sender, "Combien coûte la formation continue ?")))
    assert "3 000" in first and "6 000" in first
    second = texts(stack.say(sender, "et en alternance ?"))
    assert "employeur" in second and "3 000" not in plain(second)


def test_follow_up_duration_then_formation_continue(stack: RasaStack) -> None:
    sender = new_sender()
    assert "1 à 2 ans" in texts(stack.say(sender, "Quelle est la durée de l'alternance ?"))
    second = texts(stack.say(sender, "et la formation continue ?"))
    assert "12 mois" in second and "279" in second


@pytest.mark.parametrize(
    "question, expected",
    [
        ("c koi le dmp", ["Mon espace santé"]),
        ("combien gagne un assistant medical en debut de carriere", ["1 801", "2 118"]),
        ("quel diplome pour etre arm", ["RNCP38448"]),
        ("tu es un robot ?", ["assistant virtuel"]),
        ("j'ai de la fièvre et mal à la gorge, je prends quoi ?", ["15", "112", "médecin"]),
        ("quelle est la recette de la tarte aux pommes", ["assistant médical"]),
        ("je veux parler à un vrai conseiller", ["conseill"]),
    ],
)
def test_real_questions_get_the_right_facts(stack: RasaStack, question: str, expected: list) -> None:
    reply = plain(texts(stack.say(new_sender(), question)))
    for fragment in expected:
        assert fragment in reply, reply


def test_new_conversation_starts_with_a_welcome(stack: RasaStack) -> None:
    messages = stack.say(new_sender(), "bonjour")
    assert "assistant virtuel" in messages[0]["text"]
    assert any(m.get("buttons") for m in messages)


def test_api_needs_the_token(stack: RasaStack) -> None:
    assert requests.post(f"{stack.url}/model/parse", json={"text": "bonjour"}, timeout=10).status_code == 401
    assert stack.parse("bonjour")["intent"]["name"] == "greet"
