"""socket.io channel for the web widget.

Differs from Rasa's SocketIOInput in six ways:
- ``enter_room`` is awaited: with python-socketio >= 5.10 it is a coroutine, and
  Rasa 3.6 does not await it, so with ``session_persistence`` the visitor never
  joins the room and replies are lost (RasaHQ/rasa#13027);
- only the web page's origins may connect (Rasa allows every origin);
- every message goes through ``bot.input_guard`` and a turn never ends silent;
- a ``bot_turn_end`` event tells the widget when to hide its typing indicator;
- a turn's messages are sent once it is recorded; a message that could not be recorded (a
  store stayed down, the action server unreachable) gets only the reason, marked
  ``custom.type = "not_recorded"`` so that the widget offers to send it again;
- each bot utterance is one message (text, quick replies and custom payload together, in
  French typography), where Rasa splits texts at blank lines and drops custom payloads.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import uuid
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.input_guard import MAX_MESSAGE_CHARS, NOT_RECORDED_REPLY, valid_sender
from bot.typography import french
from rasa_overrides.channels.guarded import OnNewMessage, handle_turn, model_vocabulary, one_message

logger = logging.getLogger(__name__)

TURN_END_EVENT = "bot_turn_end"
# Room for a refusal even when a hostile client sends a megabyte in 4-byte characters;
# larger packets are dropped by engine.io, which closes that one connection.
MAX_PACKET_BYTES = max(8 * 1024 * 1024, MAX_MESSAGE_CHARS * 16)


def allowed_origins(configured: Optional[Iterable[str]]) -> List[str]:
    """WEB_ORIGINS (comma-separated) wins over credentials.yml; default: the local page.

    Never an empty list: python-socketio reads [] as "no origin check at all".
    """
    from_env = [o.strip().rstrip("/") for o in os.environ.get("WEB_ORIGINS", "").split(",") if o.strip()]
    if from_env:
        return from_env
    origins = [o.rstrip("/") for o in (configured or []) if o]
    if origins:
        return origins
    port = os.environ.get("WEB_PORT", "8000")
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


class LargePacketSocketBlueprint(SocketBlueprint):
    """Lets websocket frames up to MAX_PACKET_BYTES through Sanic (1 MiB by default),
    so that an oversized message gets the polite refusal instead of a dropped connection."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        app.config.WEBSOCKET_MAX_SIZE = max(int(app.config.get("WEBSOCKET_MAX_SIZE") or 0), MAX_PACKET_BYTES)
        # The Sanic app, whose agent knows the model's intents and entities (payload checks).
        self.ctx.app = app
        super().register(app, options)


class CountingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, counting what it sends during one turn, with one message per
    bot utterance (text, quick replies and custom payload together) in French typography.

    Rasa's version splits texts at blank lines into several bubbles and spreads a custom
    payload into emit()'s keyword arguments, which fails for any payload but
    {"data": ..., "room": ...}. Messages wait for flush(), at the end of the turn: Rasa saves
    the tracker after the last answer, and an answer whose save failed must not be shown."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0
        self.pending: List[Tuple[Text, Any]] = []

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        self.pending.append((socket_id, response))

    async def flush(self) -> None:
        pending, self.pending = self.pending, []
        for socket_id, message in pending:
            await super()._send_message(socket_id, message)

    async def send_not_recorded(self, recipient_id: Text, reason: Text = NOT_RECORDED_REPLY) -> None:
        """Only this, whatever the turn produced: the message was not recorded, send it again."""
        self.pending = []
        await super()._send_message(recipient_id, {"text": french(reason), "custom": {"type": "not_recorded"}})

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        out = one_message(message)
        if "buttons" in out:
            out["quick_replies"] = [{"content_type": "text", **b} for b in out.pop("buttons")]
        if out:
            await self._send_message(recipient_id, out)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": french(text)})


class WidgetSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, WidgetSocketIOInput)
        channel.origins = allowed_origins(credentials.get("allowed_origins"))
        return channel

    origins: List[str] = []

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        origins = self.origins or allowed_origins(None)
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins, max_http_buffer_size=MAX_PACKET_BYTES)
        webhook = LargePacketSocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        turn_locks: Dict[Text, Tuple[asyncio.Lock, List[int]]] = {}

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict] = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            # A stored id is reused only if it looks like one of ours: anything else starts afresh.
            session_id = requested if valid_sender(requested) else uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            data = data if isinstance(data, dict) else {"message": data}
            output = CountingSocketIOOutput(sio, self.bot_message_evt)
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not valid_sender(sender_id):
                    # The widget always sends its session id; without one, answer this socket alone.
                    await output.send_text_message(
                        sid, "La conversation n'a pas pu être retrouvée : rechargez la page pour en ouvrir une nouvelle."
                    )
                    await output.flush()
                    await sio.emit(TURN_END_EVENT, {}, room=sid, namespace=self.namespace)
                    return
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except json.JSONDecodeError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            # One turn of a conversation at a time in this process, in arrival order: its messages,
            # sent at its end, and its bot_turn_end must not interleave with the next turn's.
            turn_lock, waiting = turn_locks.setdefault(sender_id, (asyncio.Lock(), [0]))
            waiting[0] += 1
            try:
                async with turn_lock:
                    try:
                        refused = await handle_turn(
                            on_new_message,
                            output,
                            lambda: output.sent,
                            data.get("message"),
                            sender_id,
                            self.name(),
                            metadata,
                            model_vocabulary(getattr(webhook.ctx, "app", None)),
                        )
                        if refused:
                            await output.send_not_recorded(sender_id, refused)
                        else:
                            await output.flush()
                    finally:
                        await sio.emit(TURN_END_EVENT, {}, room=sender_id, namespace=self.namespace)
            finally:
                waiting[0] -= 1
                if not waiting[0]:
                    turn_locks.pop(sender_id, None)

        return webhook
