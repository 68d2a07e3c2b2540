"""Hostile and odd input on every channel (REST, socket.io), against the real servers.

Each message gets a polite French answer or a 400 with a reason, never a 500
or a stack trace; the server stays up; other conversations and what is
already stored are untouched; message texts stay out of the logs.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

import pytest
import requests

from bot.input_guard import MAX_MESSAGE_CHARS
from launch.servers import RasaStack, texts
from tests.socketio_client import SocketIOTestClient

# Inputs that must reach the bot and get an answer (polite refusal or real answer), on both channels.
ODD_MESSAGES: Dict[str, str] = {
    "empty": "",
    "whitespace only": " \n\t  \u00a0 ",
    "10 000 characters": "assistant médical " * 556,
    "1 000 000 characters": "é" * 1_000_000,
    "control characters": "\x00\x07bonjour\x1b[31m\x7f",
    "emoji only": "😀🙏🏥💉",
    "a thumbs up": "👍🏽",
    "html and script": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "sql-looking": "'; DROP TABLE events; -- SELECT * FROM users WHERE 1=1",
    "english": "How much does the medical assistant training cost?",
    "spanish": "¿Cuánto cuesta la formación para ser asistente médico?",
    "lone surrogate escaped in json": "bonjour \udc80",
}
REFUSALS = {
    "empty": "aucun texte",
    "whitespace only": "aucun texte",
    "10 000 characters": "trop long",
    "1 000 000 characters": "trop long",
    "emoji only": "que du texte",
    "english": "en français",
    "spanish": "qu’en français",
}


def sender() -> str:
    return f"hostile-{uuid.uuid4().hex[:10]}"


def post_raw(stack: RasaStack, body: bytes) -> requests.Response:
    return requests.post(f"{stack.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}, timeout=120)


def assert_polite(response: requests.Response) -> List[Dict[str, Any]]:
    assert response.status_code == 200, response.text[:300]
    assert "Traceback" not in response.text
    messages = response.json()
    assert messages and all(m.get("text") for m in messages[:1]), messages
    return messages


@pytest.fixture(scope="module")
def witness(stack: RasaStack) -> Dict[str, Any]:
    """A conversation held before the hostile input, to check it is untouched afterwards."""
    name = sender()
    reply = texts(stack.say(name, "Combien coûte la formation continue ?")).replace("\u202f", " ")
    assert "3 000" in reply
    return {"sender": name, "events": stack.tracker(name)["events"]}


@pytest.mark.parametrize("case", list(ODD_MESSAGES))
def test_rest_odd_messages_get_a_polite_answer(stack: RasaStack, witness: Dict[str, Any], case: str) -> None:
    body = json.dumps({"sender": sender(), "message": ODD_MESSAGES[case]}).encode()
    messages = assert_polite(post_raw(stack, body))
    reply = texts(messages)
    if case in REFUSALS:
        assert REFUSALS[case] in reply, reply
    if case == "a thumbs up":  # says « ok »: read, not refused
        assert "que du texte" not in reply, reply
    assert "<script" not in reply and "onerror" not in reply


@pytest.mark.parametrize(
    "body, reason",
    [
        (b'{"sender": "x", "message": ', "objet JSON"),
        (b"[1, 2, 3]", "objet JSON"),
        (b"", "objet JSON"),
        (b'{"sender": "x", "message": "\xff\xfe caf\xe9"}', "UTF-8"),
        (b'{"message": "bonjour"}', "sender"),
        (b'{"sender": "x"}', "message"),
        (b'{"sender": "x", "message": 42}', "message"),
        (b'{"sender": "x", "message": null}', "message"),
        (json.dumps({"sender": "a b c", "message": "bonjour"}).encode(), "sender"),
        (json.dumps({"sender": "x" * 500, "message": "bonjour"}).encode(), "sender"),
        (json.dumps({"sender": "é😀", "message": "bonjour"}).encode(), "sender"),
        (json.dumps({"sender": {"id": 1}, "message": "bonjour"}).encode(), "sender"),
    ],
)
def test_rest_malformed_requests_get_a_400_with_a_reason(stack: RasaStack, body: bytes, reason: str) -> None:
    response = post_raw(stack, body)
    assert response.status_code == 400, response.text[:300]
    assert reason in response.json()["reason"]


@pytest.mark.parametrize("sender_id", ["12345", "visiteur@exemple.fr", "550e8400-e29b-41d4-a716-446655440000", "a"])
def test_rest_unusual_but_valid_sender_ids(stack: RasaStack, sender_id: str) -> None:
    assert_polite(post_raw(stack, json.dumps({"sender": sender_id, "message": "bonjour"}).encode()))


def test_rest_numeric_sender_is_accepted(stack: RasaStack) -> None:
    assert_polite(post_raw(stack, json.dumps({"sender": 987654321, "message": "bonjour"}).encode()))


def test_same_sender_fifty_messages_at_once(stack: RasaStack) -> None:
    name = sender()
    questions = [f"Combien coûte la formation continue ? ({i})" for i in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda q: post_raw(stack, json.dumps({"sender": name, "message": q}).encode()), questions))
    for response in responses:
        assert_polite(response)
    user_texts = [e["text"] for e in stack.tracker(name)["events"] if e["event"] == "user"]
    assert sorted(user_texts) == sorted(questions)


def test_socketio_odd_messages_get_a_polite_answer(stack: RasaStack) -> None:
    async def scenario() -> None:
        client = SocketIOTestClient(stack.url, origin=stack.web_origins[0])
        await client.connect()
        session = await client.start_session(None)
        for case, message in ODD_MESSAGES.items():
            replies = await client.turn(session, message)
            assert replies and replies[0].get("text"), (case, replies)
            if case in REFUSALS:
                assert REFUSALS[case] in replies[0]["text"], (case, replies)
        # Payloads no widget sends: a bare string, a number, no session id.
        await client.emit("user_uttered", "bonjour")
        assert "retrouvée" in (await client.until_turn_end())[0]["text"]
        await client.emit("user_uttered", {"message": 12, "session_id": session})
        assert "aucun texte" in (await client.until_turn_end())[0]["text"]
        # Fifty messages at once on one connection: fifty complete turns.
        for i in range(50):
            await client.emit("user_uttered", {"message": f"bonjour {i}", "session_id": session})
        for _ in range(50):
            assert await client.until_turn_end()
        await client.close()

    asyncio.run(scenario())


def test_long_message_limit_is_stated(stack: RasaStack) -> None:
    reply = texts(stack.say(sender(), "a" * (MAX_MESSAGE_CHARS + 1)))
    assert f"{MAX_MESSAGE_CHARS:,}".replace(",", "\u202f") in reply


def test_after_all_that_the_server_is_up_and_the_witness_intact(stack: RasaStack, witness: Dict[str, Any]) -> None:
    assert requests.get(f"{stack.url}/status", params={"token": stack.token}, timeout=10).status_code == 200
    events = stack.tracker(witness["sender"])["events"]
    assert events[: len(witness["events"])] == witness["events"]
    follow_up = texts(stack.say(witness["sender"], "et en alternance ?"))
    assert "employeur" in follow_up


def test_message_texts_stay_out_of_the_logs(stack: RasaStack) -> None:
    marker = f"marqueur confidentiel {uuid.uuid4().hex}"
    stack.say(sender(), f"Combien coûte la formation ? {marker}")
    for log in stack.log_dir.glob("*.log"):
        assert marker not in log.read_text(errors="replace"), f"message text found in {log.name}"


def test_api_needs_the_token(stack: RasaStack) -> None:
    response = requests.get(f"{stack.url}/conversations/{sender()}/tracker", timeout=10)
    assert response.status_code == 401


def test_an_english_question_is_answered_in_french_after_a_word_on_the_language(stack: RasaStack) -> None:
    messages = stack.say(sender(), "How much does the medical assistant training cost?")
    assert "Sorry, I only speak French" in messages[0]["text"]
    answer = texts(messages[1:]).replace("\u202f", " ").replace("\u00a0", " ")
    assert "Coût" in answer and "€" in answer, answer
