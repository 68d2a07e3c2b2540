"""The socket.io channel the widget uses: origin check, session persistence, CORS."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import requests

from launch.servers import RasaStack
from tests.socketio_client import SocketIOTestClient


def texts_of(replies: list) -> str:
    return "\n".join(r.get("text", "") for r in replies if isinstance(r, dict)).replace("\u202f", " ")


def test_foreign_origin_is_refused(stack: RasaStack) -> None:
    async def scenario() -> None:
        client = SocketIOTestClient(stack.url, origin="http://malveillant.example")
        with pytest.raises(Exception) as refused:
            await client.connect()
        assert "400" in str(refused.value) or "refused" in str(refused.value)

        allowed = SocketIOTestClient(stack.url, origin=stack.web_origins[0])
        await allowed.connect()
        await allowed.close()

    asyncio.run(scenario())


def test_http_cors_only_for_the_page(stack: RasaStack) -> None:
    def preflight(origin: str) -> requests.Response:
        return requests.options(
            f"{stack.url}/webhooks/rest/webhook",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )

    assert preflight(stack.web_origins[0]).headers.get("Access-Control-Allow-Origin") == stack.web_origins[0]
    assert preflight("http://malveillant.example").headers.get("Access-Control-Allow-Origin") is None


def test_persistent_session_gets_replies_and_keeps_context_across_connections(stack: RasaStack) -> None:
    """RasaHQ/rasa#13027: with session_persistence, Rasa 3.6 lost every reply (room never joined)."""

    async def scenario() -> None:
        session_id = uuid.uuid4().hex
        first = SocketIOTestClient(stack.url, origin=stack.web_origins[0])
        await first.connect()
        assert await first.start_session(session_id) == session_id
        cost = texts_of(await first.turn(session_id, "Combien coûte la formation continue ?"))
        assert "3 000" in cost and "6 000" in cost, cost
        await first.close()

        # A page reload: a new connection with the stored session id.
        second = SocketIOTestClient(stack.url, origin=stack.web_origins[0])
        await second.connect()
        assert await second.start_session(session_id) == session_id
        follow_up = texts_of(await second.turn(session_id, "et en alternance ?"))
        assert "employeur" in follow_up, follow_up
        await second.close()

    asyncio.run(scenario())


def test_invalid_session_id_gets_a_new_one(stack: RasaStack) -> None:
    async def scenario() -> None:
        client = SocketIOTestClient(stack.url, origin=stack.web_origins[0])
        await client.connect()
        given = await client.start_session("../../etc/passwd <script>")
        assert given != "../../etc/passwd <script>" and given.isalnum()
        await client.close()

    asyncio.run(scenario())
