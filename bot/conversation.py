"""Replies that do not come from the knowledge base: clarification and human contact."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Sequence

import yaml

from bot.knowledge import KnowledgeBase
from bot.reply import Button, Reply

CONTACT_FILE = Path(__file__).resolve().parent.parent / "settings" / "contact.yml"
MAX_SUGGESTIONS = 3
# Intents worth suggesting when the bot hesitates; chit-chat is never a useful suggestion.
_NOT_SUGGESTED = {"nlu_fallback", "greet", "goodbye", "thank", "affirm", "deny", "out_of_scope", "inform", "ask_followup"}


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


def human_contact(path: Path | None = None) -> Reply:
    """The human advisers configured in settings/contact.yml (or $CONTACT_FILE)."""
    path = path or Path(os.environ.get("CONTACT_FILE", CONTACT_FILE))
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = [settings["intro"]]
    for contact in settings["contacts"]:
        lines.append(f"• {contact['name']} : {contact['detail']} — {contact['url']}")
    lines.append("Je reste disponible ici si vous avez d'autres questions.")
    return Reply(text="\n".join(lines))
