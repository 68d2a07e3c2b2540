"""REST channel (POST /webhooks/rest/webhook) with input checks and clear 4xx errors.

Rasa's own RestInput answers malformed JSON or a missing field with a 500 or a
conversation called "default"; this one says what is wrong, in a 400. A message that
could not be recorded (a store stayed down, the action server unreachable) gets a 503 with
Retry-After and the reason in French, never an answer.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.input_guard import MAX_SENDER_CHARS, NOT_RECORDED_REPLY, valid_sender
from bot.typography import french
from rasa_overrides.channels.guarded import RETRY_AFTER_SECONDS, OnNewMessage, handle_turn, model_vocabulary, one_message

logger = logging.getLogger(__name__)


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": "bad_request", "reason": reason}, status=400)


def not_recorded(reason: str = NOT_RECORDED_REPLY) -> HTTPResponse:
    """The message was not recorded: the client may send it again after Retry-After."""
    return response.json(
        {"error": "not_recorded", "reason": reason, "retry_after": RETRY_AFTER_SECONDS},
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def parse_body(request: Request) -> Dict[str, Any]:
    """The JSON object of the request, or ValueError with the reason in French."""
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("le corps de la requête n'est pas en UTF-8 valide") from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError('le corps de la requête doit être un objet JSON : {"sender": "...", "message": "..."}') from None
    if not isinstance(body, dict):
        raise ValueError('le corps de la requête doit être un objet JSON : {"sender": "...", "message": "..."}')
    return body


class OneMessageCollector(CollectingOutputChannel):
    """Rasa's collector, with one message per bot utterance: text, buttons and custom payload
    together (Rasa sends the custom payload apart and splits button-less texts at blank lines),
    in French typography."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        out = one_message(message)
        if out:
            await self._persist_message({"recipient_id": recipient_id, **out})

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=french(text)))


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"{self.name()}_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = parse_body(request)
            except ValueError as error:
                return bad_request(str(error))
            sender = body.get("sender")
            if sender is None:
                return bad_request("le champ « sender » (identifiant de la conversation) est manquant")
            if isinstance(sender, int) and not isinstance(sender, bool):
                sender = str(sender)
            if not valid_sender(sender):
                return bad_request(f"le champ « sender » doit faire 1 à {MAX_SENDER_CHARS} caractères : lettres, chiffres et . _ - : @ + =")
            if "message" not in body:
                return bad_request("le champ « message » est manquant")
            if not isinstance(body["message"], str):
                return bad_request("le champ « message » doit être du texte")
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            collector = OneMessageCollector()
            refused = await handle_turn(
                on_new_message,
                collector,
                lambda: len(collector.messages),
                body["message"],
                sender,
                self.name(),
                metadata,
                model_vocabulary(request.app),
            )
            if refused:
                return not_recorded(refused)
            return response.json(collector.messages)

        return webhook
