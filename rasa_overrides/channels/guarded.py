"""What the REST and socket.io channels share: the input check, the no-silence rule and the
refusal of a message that could not be recorded (a store or the action server is down)."""

from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, FrozenSet, Optional, Text, Tuple

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.commands import command_refusal
from bot.input_guard import NO_ANSWER_REPLY, NOT_RECORDED_REPLY, UNAVAILABLE_REPLY, check_message, is_command
from bot.typography import french
from rasa_overrides.stores.outage import ActionServerUnavailable, StoreUnavailable, channel_turn

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# Messages that may legitimately produce no reply (the widget opens a session with it).
SILENT_COMMANDS = ("/session_start",)


# What a client is told to wait before sending a refused message again (REST's Retry-After):
# about the time PostgreSQL or Redis takes to restart.
RETRY_AFTER_SECONDS = 5


# Keys of a custom payload whose values are addresses or ids, never prose.
_NOT_PROSE = {"url", "id", "type", "payload", "topic", "facet", "href", "src", "answer_id"}
# The model's intents and entities, which a payload message may name.
Vocabulary = Tuple[FrozenSet[str], FrozenSet[str]]
_VOCABULARIES: Dict[int, Vocabulary] = {}


def model_vocabulary(app: Any) -> Optional[Vocabulary]:
    """The intents and entities of the model the Sanic app serves; None before a model is loaded."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    domain = getattr(agent, "domain", None)
    if domain is None:
        return None
    if id(domain) not in _VOCABULARIES:
        # One entry per loaded domain (a new model replaces the agent's domain).
        _VOCABULARIES.clear()
        _VOCABULARIES[id(domain)] = (frozenset(domain.intents), frozenset(domain.entities))
    return _VOCABULARIES[id(domain)]


def typeset(value: Any, key: str = "") -> Any:
    """French typography on every text of an outgoing message (texts, button titles, card texts)."""
    if isinstance(value, str):
        return value if key in _NOT_PROSE else french(value)
    if isinstance(value, dict):
        return {k: typeset(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [typeset(v, key) for v in value]
    return value


def one_message(message: Dict[Text, Any]) -> Dict[Text, Any]:
    """What the bot says in one turn step, as one message: its text (paragraphs kept together),
    its buttons and its custom payload (the sources of an answer, a pathway card), typeset."""
    message = typeset(dict(message))
    out: Dict[Text, Any] = {}
    for key in ("text", "image", "attachment", "custom"):
        if message.get(key):
            out[key] = message[key]
    buttons = message.get("buttons") or message.get("quick_replies")
    if buttons:
        out["buttons"] = [{"title": b.get("title"), "payload": b.get("payload")} for b in buttons if isinstance(b, dict)]
    return out


async def action_server_up() -> bool:
    """Whether the action server answers its health check (ACTIONS_URL ends in /webhook)."""
    url = os.environ.get("ACTIONS_URL", "")
    if not url:
        return True
    health = url.rsplit("/webhook", 1)[0] + "/health"
    try:
        timeout = aiohttp.ClientTimeout(total=2)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(health) as response:
                return response.status == 200
    except (aiohttp.ClientError, OSError, TimeoutError):
        return False
    except Exception:  # an unexpected failure here must not turn into a silent turn
        logger.exception("Health check of the action server failed")
        return False


async def handle_turn(
    on_new_message: OnNewMessage,
    output: OutputChannel,
    replies_sent: Callable[[], int],
    raw_text: object,
    sender_id: Text,
    input_channel: Text,
    metadata: Optional[Dict[Text, Any]] = None,
    vocabulary: Optional[Vocabulary] = None,
) -> Optional[str]:
    """Checks the text, runs Rasa on it, and answers if Rasa stayed silent.

    A payload message (« /intent{...} ») must name one of the model's intents (``vocabulary``)
    with a JSON object of its entities; a rating's fields are checked too (bot/commands.py).
    None when the turn is recorded. When it is not, nothing of it was stored, and the channel
    drops whatever the turn produced and says only what this returns: NOT_RECORDED_REPLY if a
    store stayed unreachable, UNAVAILABLE_REPLY if the action server could not be reached
    (serving/action_outage.py)."""
    checked = check_message(raw_text)
    refusal = checked.refusal
    if refusal is None and is_command(checked.text):
        intents, entities = vocabulary if vocabulary is not None else (None, None)
        refusal = command_refusal(checked.text, intents, entities)
    if refusal:
        # Refused before NLU: nothing is written to the tracker store.
        await output.send_text_message(sender_id, refusal)
        return None
    if checked.notice:
        await output.send_text_message(sender_id, checked.notice)
    before = replies_sent()
    try:
        with channel_turn():
            await on_new_message(UserMessage(checked.text, output, sender_id, input_channel=input_channel, metadata=metadata))
    except StoreUnavailable as outage:
        logger.warning("Message of conversation %s not recorded: %s", sender_id, outage)
        return NOT_RECORDED_REPLY
    except ActionServerUnavailable as outage:
        logger.warning("Message of conversation %s not recorded: %s", sender_id, outage)
        return UNAVAILABLE_REPLY
    except Exception:
        # Never a stack trace or a 500 for the visitor; the details go to the log.
        logger.exception("Rasa failed on a message of conversation %s", sender_id)
        await output.send_text_message(sender_id, NO_ANSWER_REPLY)
        return None
    if replies_sent() == before and not checked.text.startswith(SILENT_COMMANDS):
        # Silent although recorded (the action server failed after one of the turn's actions ran, or answered an error).
        reply = NO_ANSWER_REPLY if await action_server_up() else UNAVAILABLE_REPLY
        await output.send_text_message(sender_id, reply)
    return None
