"""Payload messages (``/intent`` or ``/intent{json}``: buttons, the widget's feedback), checked
before Rasa reads them.

Rasa reads a message that starts with « / » as an intent and its entities; when it cannot (an
unknown intent or entity, malformed JSON, text after the JSON) it writes the whole line, visitor's
text included, to its log and reads it as text. The channels let through only payloads of the
model's intents with a JSON object of its entities, and answer anything else in French; the
feedback payload's own fields are checked as well (bot/feedback.py), before anything is stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Collection, Dict, Optional

from bot.feedback import FEEDBACK_INTENT, read_feedback

# The intent's name, then an optional JSON object, and nothing else (no line break: Rasa's own
# pattern would stop there).
_COMMAND = re.compile(r"/(?P<intent>[A-Za-z_][A-Za-z0-9_]*)(?P<payload>\{.*\})?")

MALFORMED_COMMAND_REPLY = "Je n'ai pas pu lire la demande de ce bouton. Posez votre question en quelques mots, je vous réponds."
UNKNOWN_COMMAND_REPLY = "Je ne connais pas cette commande. Écrivez votre question sans « / » au début, je vous réponds."


@dataclass(frozen=True)
class Command:
    intent: str
    payload: Dict[str, Any]


def _is_value(value: Any) -> bool:
    scalar = (str, int, float, bool, type(None))
    return isinstance(value, scalar) or (isinstance(value, list) and all(isinstance(v, scalar) for v in value))


def parse_command(text: str) -> Optional[Command]:
    """The intent and the JSON object of a payload message; None when it is malformed."""
    match = _COMMAND.fullmatch(text)
    if not match:
        return None
    payload: Dict[str, Any] = {}
    if match.group("payload"):
        try:
            parsed = json.loads(match.group("payload"))
        except ValueError:
            return None
        if not isinstance(parsed, dict) or not all(isinstance(k, str) and _is_value(v) for k, v in parsed.items()):
            return None
        payload = parsed
    return Command(match.group("intent"), payload)


def command_refusal(text: str, intents: Optional[Collection[str]] = None, entities: Optional[Collection[str]] = None) -> Optional[str]:
    """None when the payload message may go to Rasa, else the French reply to send instead.

    ``intents`` and ``entities``: the model's (its domain); when unknown, only the form is checked."""
    command = parse_command(text)
    if command is None:
        return MALFORMED_COMMAND_REPLY
    if intents is not None and command.intent not in intents:
        return UNKNOWN_COMMAND_REPLY
    if command.intent == FEEDBACK_INTENT:
        checked = read_feedback(command.payload)
        return checked if isinstance(checked, str) else None
    if entities is not None and set(command.payload) - set(entities):
        return MALFORMED_COMMAND_REPLY
    return None
