"""The socket.io channel the widget and any socket.io client use: origin check, one CORS header on
socket.io's polling transport, Rasa's message shapes for standard clients, session persistence."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any, Dict, List

import pytest
import requests

from launch.servers import RasaStack
from tests.socketio_client import SocketIOTestClient

POLLING = "/socket.io/?EIO=4&transport=polling"
FOREIGN = "http://malveillant.example"
# engine.io v4 joins the packets of one polling answer with this separator.
RECORD_SEPARATOR = "\x1e"


def texts_of(replies: list) -> str:
    return "\n".join(r.get("text", "") for r in replies if isinstance(r, dict)).replace("\u202f", " ")


def allow_origin(response: requests.Response) -> List[str]:
    """Every Access-Control-Allow-Origin header of an answer, repeated ones included (requests would join them)."""
    return list(response.raw.headers.getlist("Access-Control-Allow-Origin"))


def test_foreign_origin_is_refused(stack: RasaStack) -> None:
    async def scenario() -> None:
        client = SocketIOTestClient(stack.url, origin=FOREIGN)
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

    assert allow_origin(preflight(stack.web_origins[0])) == [stack.web_origins[0]]
    assert allow_origin(preflight(FOREIGN)) == []


class PollingClient:
    """socket.io over engine.io's polling transport, as every standard client starts (rasa-webchat...)."""

    def __init__(self, stack: RasaStack, origin: str) -> None:
        self.http = requests.Session()
        self.http.headers["Origin"] = origin
        self.base = f"{stack.url}{POLLING}"
        self.url = ""
        self.received: List[str] = []

    def open(self) -> requests.Response:
        opened = self.http.get(self.base, timeout=10)
        if opened.status_code == 200:
            self.url = f"{self.base}&sid={json.loads(opened.text[1:])['sid']}"
        return opened

    def post(self, packet: str) -> requests.Response:
        return self.http.post(self.url, data=packet.encode(), headers={"Content-Type": "text/plain;charset=UTF-8"}, timeout=10)

    def poll(self) -> requests.Response:
        answer = self.http.get(self.url, timeout=60)
        if answer.status_code == 200:
            self.received += answer.text.split(RECORD_SEPARATOR)
        return answer

    def emit(self, event: str, data: Any) -> requests.Response:
        return self.post("42" + json.dumps([event, data]))

    def events_until(self, name: str, timeout: float = 60) -> List[Any]:
        """The events received up to ``name`` (included), answering the server's pings."""
        deadline = time.monotonic() + timeout
        events: List[Any] = []
        while time.monotonic() < deadline:
            while self.received:
                packet = self.received.pop(0)
                if packet == "2":
                    self.post("3")
                elif packet.startswith("42"):
                    events.append(json.loads(packet[2:]))
                    if events[-1][0] == name:
                        return events
            assert self.poll().status_code == 200
        raise TimeoutError(f"no {name} within {timeout} s: {events}")


def test_polling_answers_carry_one_allow_origin_and_hold_a_conversation(stack: RasaStack) -> None:
    """Issue 13: Sanic-CORS and python-socketio each added the header, and browsers refused the answer."""
    origin = stack.web_origins[0]
    client = PollingClient(stack, origin)
    opened = client.open()
    assert opened.status_code == 200 and allow_origin(opened) == [origin], (opened.status_code, opened.headers)
    assert opened.raw.headers.getlist("Access-Control-Allow-Credentials") == ["true"]
    assert "websocket" in json.loads(opened.text[1:])["upgrades"]

    preflight = client.http.options(
        client.url, headers={"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}, timeout=10
    )
    assert preflight.status_code == 200 and allow_origin(preflight) == [origin]
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]

    connected = client.post("40")
    assert connected.status_code == 200 and allow_origin(connected) == [origin]
    acknowledged = client.poll()
    assert acknowledged.text.startswith("40") and allow_origin(acknowledged) == [origin]

    client.emit("session_request", {"session_id": None})
    session_id = client.events_until("session_confirm")[-1][1]
    client.emit(
        "user_uttered", {"message": "Combien coûte la formation continue ?", "session_id": session_id, "customData": {"language": "fr"}}
    )
    replies = [data for name, data in (e[:2] for e in client.events_until("bot_turn_end")) if name == "bot_uttered"]
    assert "3 000" in texts_of(replies) and "6 000" in texts_of(replies), replies


def test_foreign_origin_gets_no_allow_origin_on_polling(stack: RasaStack) -> None:
    foreign = PollingClient(stack, FOREIGN)
    opened = foreign.open()
    assert opened.status_code == 400 and allow_origin(opened) == []
    preflight = foreign.http.options(foreign.base, headers={"Access-Control-Request-Method": "POST"}, timeout=10)
    assert preflight.status_code == 400 and allow_origin(preflight) == []

    # Nor can it drive a session opened from the page's origin.
    allowed = PollingClient(stack, stack.web_origins[0])
    assert allowed.open().status_code == 200
    foreign.url = allowed.url
    refused = foreign.post("40")
    assert refused.status_code == 400 and allow_origin(refused) == []


def is_rasa_shape(message: Dict[str, Any]) -> bool:
    """What rasa-webchat shows: text alone, text with quick replies, an attachment; anything else is a custom payload."""
    keys = set(message)
    return keys in ({"text"}, {"text", "quick_replies"}, {"attachment"}) or "text" not in keys


def test_a_standard_client_gets_rasa_shapes_and_the_widget_one_message_per_utterance(stack: RasaStack) -> None:
    async def scenario() -> None:
        standard = SocketIOTestClient(stack.url, origin=stack.web_origins[0], auth=None)
        widget = SocketIOTestClient(stack.url, origin=stack.web_origins[0])
        for client in (standard, widget):
            await client.connect()
        question = "Combien coûte la formation continue ?"
        shaped = await standard.turn(await standard.start_session(None), question)
        combined = await widget.turn(await widget.start_session(None), question)
        for client in (standard, widget):
            await client.close()

        assert all(is_rasa_shape(m) for m in shaped), shaped
        answer = next(m for m in shaped if "3 000" in m.get("text", "").replace("\u202f", " "))
        assert answer.get("quick_replies"), shaped
        assert any("feedback" in m for m in shaped), "the custom payload, as a message of its own"
        # The widget's: the same answer, its quick replies and its custom payload in one message.
        assert any("text" in m and "quick_replies" in m and "custom" in m for m in combined), combined
        assert len(combined) < len(shaped)

    asyncio.run(scenario())


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
