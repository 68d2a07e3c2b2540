"""Replies that do not come from the knowledge base: the bot's own messages (bot/messages.yml),
the clarification of an unclear message, and the human advisers to contact."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml
from pydantic import BaseModel, Extra, StrictStr, ValidationError

from bot.knowledge import KnowledgeBase
from bot.reply import Button, Reply

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"
CONTACT_FILE = Path(__file__).resolve().parent.parent / "settings" / "contact.yml"
MAX_SUGGESTIONS = 3
# Intents worth suggesting when the bot hesitates; chit-chat is never a useful suggestion.
_NOT_SUGGESTED = {"nlu_fallback", "greet", "goodbye", "thank", "affirm", "deny", "out_of_scope", "inform", "ask_followup"}


class _Button(BaseModel):
    title: StrictStr
    payload: StrictStr

    class Config:
        extra = Extra.forbid


class _Message(BaseModel):
    text: StrictStr
    buttons: Tuple[_Button, ...] = ()

    class Config:
        extra = Extra.forbid


class _Question(_Message):
    again: StrictStr  # asked again after an answer that could not be read, with an example


class _Messages(BaseModel):
    questions: Dict[StrictStr, _Question]
    messages: Dict[StrictStr, _Message]


def _reply(item: _Message, text: str = "") -> Reply:
    return Reply(text=(text or item.text).strip(), buttons=tuple(Button(b.title, b.payload) for b in item.buttons))


@lru_cache(maxsize=1)
def _messages() -> _Messages:
    data = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    questions = data.pop("questions", {})
    try:
        return _Messages(questions=questions, messages=data)
    except ValidationError as error:
        raise ValueError(f"{MESSAGES_FILE.name}: {error}") from None


def message(name: str) -> Reply:
    """One of the bot's own messages, by its name in bot/messages.yml."""
    return _reply(_messages().messages[name])


def message_names() -> Sequence[str]:
    return tuple(_messages().messages)


def question(slot: str, again: bool = False, after_unknown: bool = False, number: int = 0, count: int = 0) -> Reply:
    """The interview's question for ``slot``, « Question <number> sur <count> » first when given:
    asked again with an example and a button to skip it, or after an answer just noted as
    unknown (which it acknowledges first)."""
    item = _messages().questions[slot]
    text = item.again if again else item.text
    if after_unknown and not again:
        text = f"{_messages().messages['noted_unknown'].text} {text}"
    if number and count:
        text = f"{_messages().messages['question_progress'].text.format(number=number, count=count)} — {text}"
    reply = _reply(item, text)
    if again:
        reply = Reply(text=reply.text, buttons=reply.buttons + _reply(_messages().messages["skip_question"]).buttons)
    return reply


def interview_intro(count: int, total: int) -> Reply:
    """Said before the interview's first question: how many questions are left of ``total`` (the
    numbering « Question k sur n » counts those already answered), and that any can be skipped."""
    if count == 1:
        return message("interview_intro_one")
    name = "interview_intro" if count == total else "interview_intro_some_known"
    return Reply(text=_messages().messages[name].text.format(count=count, total=total))


def question_slots() -> Sequence[str]:
    return tuple(_messages().questions)


def clarification(kb: KnowledgeBase, ranked_intents: Sequence[str]) -> Reply:
    """Buttons for the likely topics of a message the NLU was unsure about."""
    likely = [i for i in ranked_intents if i not in _NOT_SUGGESTED and i in kb.topic_labels][:MAX_SUGGESTIONS]
    buttons: List[Button] = [Button.for_intent(kb.topic_labels[i], i) for i in likely]
    buttons.append(Button.for_intent("Ce que je sais faire", "help"))
    if likely:
        text = "Je ne suis pas certain d'avoir bien compris. Votre question porte-t-elle sur l'un de ces sujets ? Sinon, reformulez-la en quelques mots."
    else:
        text = "Je n'ai pas bien compris votre message. Pouvez-vous le reformuler ? Je réponds aux questions sur le métier d'assistant médical et ses formations."
    return Reply(text=text, buttons=tuple(buttons))


def human_contact(path: Path | None = None, closing: bool = True) -> Reply:
    """The human advisers configured in settings/contact.yml (or $CONTACT_FILE); ``closing``: with
    the line that says the bot is still there (left out when the offer of the hand-off follows)."""
    path = path or Path(os.environ.get("CONTACT_FILE", CONTACT_FILE))
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = [settings["intro"]]
    for contact in settings["contacts"]:
        lines.append(f"• {contact['name']} : {contact['detail']} — {contact['url']}")
    if closing:
        lines.append("Je reste disponible ici si vous avez d'autres questions.")
    return Reply(text="\n".join(lines))
