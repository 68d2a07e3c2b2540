"""The socket.io channel's settings without a server: transports, the CORS authority on the
socket.io path, and the message shapes sent to standard clients and to the widget."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List

import pytest
from rasa.server import configure_cors
from sanic import Sanic
from sanic_cors.core import try_match

from rasa_overrides.channels.socketio import CountingSocketIOOutput, leave_cors_to_socketio, rasa_shapes, sanic_workers, socket_transports


@pytest.fixture(autouse=True)
def no_transports_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCKETIO_TRANSPORTS", raising=False)


def test_default_transports_follow_the_workers() -> None:
    assert socket_transports(None, 1) == ["polling", "websocket"]
    assert socket_transports(None, 2) == ["websocket"]
    assert socket_transports([], 2) == ["websocket"]


def test_the_environment_wins_over_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    assert socket_transports(["websocket"], 1) == ["websocket"]
    assert socket_transports("websocket, polling", 1) == ["websocket", "polling"]
    monkeypatch.setenv("SOCKETIO_TRANSPORTS", " Polling,websocket,websocket ")
    assert socket_transports(["websocket"], 1) == ["polling", "websocket"]
    monkeypatch.setenv("SOCKETIO_TRANSPORTS", "websocket")
    assert socket_transports(None, 4) == ["websocket"]


@pytest.mark.parametrize("setting", ["long-polling", "websocket,flash", ",", "polling;websocket"])
def test_unknown_transports_are_refused(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv("SOCKETIO_TRANSPORTS", setting)
    with pytest.raises(ValueError, match="transports must be among polling, websocket"):
        socket_transports(None, 1)


def test_polling_is_refused_with_several_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sanic's workers share one socket: no sticky front can send a polling client back to its worker."""
    monkeypatch.setenv("SOCKETIO_TRANSPORTS", "polling,websocket")
    with pytest.raises(ValueError, match="SANIC_WORKERS=2"):
        socket_transports(None, 2)
    with pytest.raises(ValueError, match="one Sanic worker per process"):
        socket_transports(None, 3)


@pytest.mark.parametrize(("value", "workers"), [(None, 1), ("2", 2), ("0", 1), ("deux", 1)])
def test_sanic_workers(monkeypatch: pytest.MonkeyPatch, value: str | None, workers: int) -> None:
    if value is None:
        monkeypatch.delenv("SANIC_WORKERS", raising=False)
    else:
        monkeypatch.setenv("SANIC_WORKERS", value)
    assert sanic_workers() == workers


def cors_covers(app: Sanic, path: str) -> bool:
    return any(try_match(path, pattern) for pattern, _ in app.ctx.sanic_cors.resources)


def test_sanic_cors_leaves_the_socketio_path_alone() -> None:
    app = Sanic(f"cors-{uuid.uuid4().hex}")
    configure_cors(app, ["http://127.0.0.1:8000"])  # what `rasa run --cors ...` does
    assert cors_covers(app, "/socket.io/")
    leave_cors_to_socketio(app, "/socket.io")
    for path in ("/socket.io/", "/socket.io", "/SOCKET.IO/"):
        assert not cors_covers(app, path), path
    for path in ("/webhooks/rest/webhook", "/webhooks/socketio/", "/model/parse", "/socket.io.js", "/"):
        assert cors_covers(app, path), path


def test_sanic_cors_resources_of_every_kind() -> None:
    app = Sanic(f"cors-{uuid.uuid4().hex}")
    configure_cors(app, "*")
    app.ctx.sanic_cors.resources = [
        ("/chat/", {}),  # a literal path: the socket.io one is dropped
        ("/webhooks/rest/webhook", {}),
        (r"/api/.*", {}),
        (r"/.*", {}),
    ]
    leave_cors_to_socketio(app, "chat")
    assert [p for p, _ in app.ctx.sanic_cors.resources][0] == "/webhooks/rest/webhook"
    assert len(app.ctx.sanic_cors.resources) == 3
    assert not cors_covers(app, "/chat/") and cors_covers(app, "/api/x") and cors_covers(app, "/webhooks/rest/webhook")


def test_without_sanic_cors_nothing_changes() -> None:
    app = Sanic(f"no-cors-{uuid.uuid4().hex}")
    leave_cors_to_socketio(app, "/socket.io")
    assert not hasattr(app.ctx, "sanic_cors")


ANSWER: Dict[str, Any] = {
    "text": "La formation continue coûte de 3 000 à 6 000 €.",
    "buttons": [{"title": "La durée", "payload": "/ask_duration"}],
    "custom": {"feedback": {"answer_id": "a1", "topic": "ask_cost"}},
}


def test_rasa_shapes() -> None:
    assert rasa_shapes({"text": "Bonjour"}) == [{"text": "Bonjour"}]
    assert rasa_shapes({"quick_replies": [{"title": "Oui"}]}) == [{"text": "", "quick_replies": [{"title": "Oui"}]}]
    assert rasa_shapes({"image": "https://example.org/a.png"}) == [
        {"attachment": {"type": "image", "payload": {"src": "https://example.org/a.png"}}}
    ]
    assert rasa_shapes({"custom": ["a"]}) == [{"custom": ["a"]}]
    assert rasa_shapes({}) == []


def sent(combined: bool, message: Dict[str, Any]) -> List[Any]:
    output = CountingSocketIOOutput(sio=None, bot_message_evt="bot_uttered", combined=combined)  # type: ignore[arg-type]
    asyncio.run(output.send_response("session", message))
    assert output.sent == len(output.pending)
    return [m for _, m in output.pending]


def test_an_answer_for_a_standard_client_and_for_the_widget() -> None:
    standard = sent(False, ANSWER)
    assert [set(m) for m in standard] == [{"text", "quick_replies"}, {"feedback"}]
    assert standard[0]["quick_replies"][0]["payload"] == "/ask_duration"
    assert "\u202f" in standard[0]["text"]  # French typography in both shapes
    combined = sent(True, ANSWER)
    assert len(combined) == 1 and set(combined[0]) == {"text", "quick_replies", "custom"}
