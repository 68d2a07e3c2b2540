"""The socket.io channel's settings without a server: transports and the CORS authority on the
socket.io path."""

from __future__ import annotations

import uuid

import pytest
from rasa.server import configure_cors
from sanic import Sanic
from sanic_cors.core import try_match

from rasa_overrides.channels.socketio import leave_cors_to_socketio, sanic_workers, socket_transports


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
