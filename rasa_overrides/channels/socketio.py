"""socket.io channel for the web widget and any other socket.io client (rasa-webchat...).

Differs from Rasa's SocketIOInput in these ways:
- ``enter_room`` is awaited: with python-socketio >= 5.10 it is a coroutine, and
  Rasa 3.6 does not await it, so with ``session_persistence`` the visitor never
  joins the room and replies are lost (RasaHQ/rasa#13027);
- only the web page's origins may connect (Rasa allows every origin), and python-socketio
  alone answers CORS on the socket.io path: with its origin check on, it and Rasa's
  Sanic-CORS each added ``Access-Control-Allow-Origin`` to every polling response, which
  browsers refuse;
- the transports are configurable, polling off by default with several Sanic workers;
- every message goes through ``bot.input_guard`` and a turn never ends silent;
- a ``bot_turn_end`` event tells the widget when to hide its typing indicator;
- a turn's messages are sent once it is recorded; a message that could not be recorded (a
  store stayed down, the action server unreachable) gets only the reason, marked
  ``custom.type = "not_recorded"`` so that the widget offers to send it again;
- each bot utterance is one message in French typography, where Rasa splits texts at blank
  lines and drops custom payloads: in Rasa's shapes for any socket.io client (rasa-webchat...),
  or text, quick replies and custom payload together for our widget, which asks for it.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import re
import uuid
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import probably_regex
from socketio import AsyncServer

from bot.input_guard import MAX_MESSAGE_CHARS, NOT_RECORDED_REPLY, valid_sender
from bot.typography import french
from rasa_overrides.channels.guarded import OnNewMessage, handle_turn, model_vocabulary, one_message

logger = logging.getLogger(__name__)

TURN_END_EVENT = "bot_turn_end"
# Room for a refusal even when a hostile client sends a megabyte in 4-byte characters;
# larger packets are dropped by engine.io, which closes that one connection.
MAX_PACKET_BYTES = max(8 * 1024 * 1024, MAX_MESSAGE_CHARS * 16)
TRANSPORTS = ("polling", "websocket")
# What our widget sends in socket.io's connection ``auth`` to get one message per utterance.
COMBINED_FORMAT_AUTH = {"message_format": "combined"}


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


def sanic_workers() -> int:
    """SANIC_WORKERS as Rasa reads it (1 when unset or unreadable)."""
    try:
        return max(1, int(os.environ.get("SANIC_WORKERS") or 1))
    except ValueError:
        return 1


def socket_transports(configured: Optional[Iterable[str] | str], workers: int) -> List[str]:
    """SOCKETIO_TRANSPORTS (comma-separated) wins over credentials.yml's ``transports``; default:
    polling and websocket with one Sanic worker, websocket alone with several.

    A polling client makes many HTTP requests for one session, and only the process that opened
    it knows it: Sanic's workers share one socket, so no front can send them all to the same
    worker. Several processes of one worker each can poll behind sticky routing (set both
    transports explicitly); a websocket is one connection, so it works everywhere."""
    raw = os.environ.get("SOCKETIO_TRANSPORTS", "").strip()
    if raw:
        named: Optional[Iterable[str]] = raw.split(",")
    elif isinstance(configured, str):
        named = configured.split(",")
    else:
        named = configured
    if not named:
        return list(TRANSPORTS) if workers == 1 else ["websocket"]
    transports = [t.strip().lower() for t in named if t and t.strip()]
    unknown = sorted(set(transports) - set(TRANSPORTS))
    if unknown or not transports:
        raise ValueError(f"socket.io transports must be among {', '.join(TRANSPORTS)}; got {raw or configured!r}")
    if "polling" in transports and workers > 1:
        raise ValueError(
            f"socket.io polling needs one Sanic worker per process (SANIC_WORKERS={workers}): "
            "set SOCKETIO_TRANSPORTS=websocket, or run several one-worker processes behind sticky routing"
        )
    return list(dict.fromkeys(transports))


def leave_cors_to_socketio(app: Any, socketio_path: Text) -> None:
    """Takes the socket.io path out of the resources of Rasa's Sanic-CORS (``--cors``).

    Both Sanic-CORS and python-socketio add ``Access-Control-Allow-Origin`` to a polling response,
    and browsers refuse a response that has it twice. python-socketio stays the only authority
    there, so that the origins it lets connect are the ones that get the header; Sanic-CORS keeps
    the rest of Rasa's routes."""
    context = getattr(getattr(app, "ctx", None), "sanic_cors", None)
    if context is None or not getattr(context, "resources", None):
        return
    prefix = "/" + socketio_path.strip("/")
    not_socketio = rf"(?!{re.escape(prefix)}(?:/|$))"
    kept: List[Tuple[Any, Any]] = []
    for pattern, options in context.resources:
        if isinstance(pattern, re.Pattern):
            pattern = re.compile(f"{not_socketio}(?:{pattern.pattern})", pattern.flags)
        elif probably_regex(pattern):
            # Sanic-CORS matches such strings case-insensitively.
            pattern = re.compile(f"{not_socketio}(?:{pattern})", re.IGNORECASE)
        elif str(pattern).rstrip("/") == prefix:
            continue
        kept.append((pattern, options))
    context.resources = kept


class LargePacketSocketBlueprint(SocketBlueprint):
    """Lets websocket frames up to MAX_PACKET_BYTES through Sanic (1 MiB by default),
    so that an oversized message gets the polite refusal instead of a dropped connection;
    leaves CORS on the socket.io path to python-socketio."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        app.config.WEBSOCKET_MAX_SIZE = max(int(app.config.get("WEBSOCKET_MAX_SIZE") or 0), MAX_PACKET_BYTES)
        # The Sanic app, whose agent knows the model's intents and entities (payload checks).
        self.ctx.app = app
        # Rasa configures Sanic-CORS before it registers the channels.
        leave_cors_to_socketio(app, self.ctx.socketio_path)
        super().register(app, options)


def rasa_shapes(message: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """One utterance (``one_message``) as the messages Rasa's socket.io channel means to send,
    which standard clients read: ``{"text"}`` or ``{"text", "quick_replies"}``, an image or an
    attachment as ``{"attachment"}``, the custom payload as a message of its own. rasa-webchat
    shows a message only if it has exactly one of these shapes."""
    shapes: List[Dict[Text, Any]] = []
    if "text" in message or "quick_replies" in message:
        shaped: Dict[Text, Any] = {"text": message.get("text", "")}
        if "quick_replies" in message:
            shaped["quick_replies"] = message["quick_replies"]
        shapes.append(shaped)
    if "image" in message:
        shapes.append({"attachment": {"type": "image", "payload": {"src": message["image"]}}})
    if "attachment" in message:
        shapes.append({"attachment": message["attachment"]})
    if "custom" in message:
        custom = message["custom"]
        shapes.append(custom if isinstance(custom, dict) else {"custom": custom})
    return shapes


class CountingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, counting what it sends during one turn, in French typography.

    Rasa's version splits texts at blank lines into several bubbles and spreads a custom
    payload into emit()'s keyword arguments, which fails for any payload but
    {"data": ..., "room": ...}. Here an utterance keeps its text whole, in Rasa's shapes
    (``rasa_shapes``), or as one message with text, quick replies and custom payload together
    (``combined``, what our widget asks for). Messages wait for flush(), at the end of the turn:
    Rasa saves the tracker after the last answer, and an answer whose save failed must not be shown."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text, combined: bool = False) -> None:
        super().__init__(sio, bot_message_evt)
        self.combined = combined
        self.sent = 0
        self.pending: List[Tuple[Text, Any]] = []

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        for message in [response] if self.combined else rasa_shapes(response):
            self.sent += 1
            self.pending.append((socket_id, message))

    async def flush(self) -> None:
        pending, self.pending = self.pending, []
        for socket_id, message in pending:
            await super()._send_message(socket_id, message)

    async def send_not_recorded(self, recipient_id: Text, reason: Text = NOT_RECORDED_REPLY) -> None:
        """Only this, whatever the turn produced: the message was not recorded, send it again."""
        self.pending = []
        await self._send_message(recipient_id, {"text": french(reason), "custom": {"type": "not_recorded"}})
        await self.flush()

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
        channel.transports = socket_transports(credentials.get("transports"), sanic_workers())
        logger.info("socket.io transports: %s", ", ".join(channel.transports))
        return channel

    origins: List[str] = []
    transports: List[str] = []

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        origins = self.origins or allowed_origins(None)
        transports = self.transports or socket_transports(None, sanic_workers())
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins, transports=transports, max_http_buffer_size=MAX_PACKET_BYTES)
        webhook = LargePacketSocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        turn_locks: Dict[Text, Tuple[asyncio.Lock, List[int]]] = {}

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            # Any other client gets Rasa's message shapes.
            combined = isinstance(auth, dict) and auth.get("message_format") == COMBINED_FORMAT_AUTH["message_format"]
            await sio.save_session(sid, {"combined": combined}, namespace=self.namespace)
            return True

        async def wants_combined(sid: Text) -> bool:
            try:
                return bool((await sio.get_session(sid, namespace=self.namespace)).get("combined"))
            except KeyError:  # gone meanwhile: its replies go to its room anyway
                return False

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
            output = CountingSocketIOOutput(sio, self.bot_message_evt, combined=await wants_combined(sid))
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
