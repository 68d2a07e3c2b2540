"""Checks a visitor's message before it reaches NLU.

Every channel (REST, socket.io) runs the same checks, so that empty, huge,
binary-looking or foreign-language input gets the same clear French answer
instead of a guess by the model, and never reaches the tracker store.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

# A question to an orientation bot fits in a few lines; the widget stops at the
# same length. Longer input is refused before NLU rather than silently cut.
MAX_MESSAGE_CHARS = 1000
# Sender ids are opaque, but must stay printable and short: they end up in URLs and logs.
MAX_SENDER_CHARS = 128
SENDER_ID = re.compile(r"^[\w.:@+=-]{1,%d}$" % MAX_SENDER_CHARS)

EMPTY_REPLY = (
    "Je n'ai reçu aucun texte. Posez-moi une question sur le métier d'assistant médical, "
    "par exemple : « Combien coûte la formation ? » ou « Quelles sont les missions ? »"
)
TOO_LONG_REPLY = (
    "Votre message est trop long pour moi ({length} caractères) : je ne l'ai pas lu. "
    "Pouvez-vous poser votre question en moins de {limit} caractères ?"
)
NO_WORDS_REPLY = (
    "Je ne sais lire que du texte. Écrivez-moi votre question en quelques mots, par exemple : « Comment devenir assistant médical ? »"
)
FOREIGN_REPLY = {
    "en": "Je ne réponds qu'en français. (Sorry, I only speak French.) Vous pouvez me demander, "
    "par exemple : « Comment devenir assistant médical ? »",
    "es": "Je ne réponds qu'en français. (Lo siento, solo hablo francés.) Vous pouvez me demander, "
    "par exemple : « Comment devenir assistant médical ? »",
}
# Languages the classifier was trained on besides French (data/nlu/voices.yml): their messages
# go to it, after a word that the service speaks French.
UNDERSTOOD_LANGUAGES = ("en",)
FRENCH_ONLY_NOTICE = "Je réponds en français. (Sorry, I only speak French.)"
UNAVAILABLE_REPLY = (
    "Je ne peux pas vous répondre pour le moment : un de mes services est momentanément "
    "indisponible. Réessayez dans quelques instants, votre conversation est conservée."
)
# A store (conversations, locks) stayed unreachable: nothing of this message was kept.
NOT_RECORDED_REPLY = (
    "Votre message n'a pas pu être enregistré : le service est momentanément indisponible. Vous pouvez le renvoyer dans quelques secondes."
)
NO_ANSWER_REPLY = "Désolé, je n'ai pas réussi à répondre à ce message. Pouvez-vous le reformuler ?"

# Words that are common in English or Spanish questions and never French words,
# even without accents. A message is called foreign only when such words are
# several and no French word is there, so short or mixed messages go to NLU.
_FOREIGN_WORDS = {
    "en": {
        "the",
        "what",
        "how",
        "much",
        "does",
        "is",
        "are",
        "you",
        "your",
        "can",
        "could",
        "would",
        "which",
        "who",
        "where",
        "why",
        "when",
        "become",
        "training",
        "job",
        "medical",
        "want",
        "need",
        "cost",
        "costs",
        "salary",
        "hello",
        "hi",
        "please",
        "thanks",
        "work",
        "study",
        "course",
        "long",
        "take",
        "i",
        "my",
        "to",
        "of",
        "and",
        "in",
        "for",
        "do",
        "it",
        "be",
    },
    "es": {
        "el",
        "los",
        "las",
        "qué",
        "cómo",
        "como",
        "cuánto",
        "cuanto",
        "cuesta",
        "quiero",
        "ser",
        "asistente",
        "médico",
        "medico",
        "formación",
        "formacion",
        "trabajo",
        "hola",
        "gracias",
        "puedo",
        "dónde",
        "donde",
        "cuál",
        "cual",
        "por",
        "favor",
        "es",
        "una",
        "del",
        "y",
        "para",
        "hacer",
        "estudiar",
        "salario",
        "años",
    },
}
_FRENCH_WORDS = {
    "le",
    "les",
    "des",
    "du",
    "un",
    "une",
    "est",
    "et",
    "je",
    "tu",
    "il",
    "vous",
    "nous",
    "on",
    "pour",
    "avec",
    "combien",
    "quoi",
    "comment",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "ou",
    "où",
    "qui",
    "pas",
    "ne",
    "mon",
    "ma",
    "mes",
    "votre",
    "bonjour",
    "salut",
    "merci",
    "formation",
    "métier",
    "metier",
    "coût",
    "cout",
    "devenir",
    "c",
    "ca",
    "ça",
    "au",
    "aux",
    "dans",
    "sur",
    "si",
    "oui",
    "non",
    "j",
    "l",
    "d",
    "qu",
    "stp",
    "svp",
    "assistante",
    "médical",
    "salaire",
    "alternance",
    "dmp",
}
# Words French shares with Spanish ("de", "la", "en") are in neither list.
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


# Emojis that say a word: « 👍 » at a question is an « ok », not a message without text.
EMOJI_WORDS = {"👍": "ok", "👌": "ok", "✅": "ok", "🆗": "ok", "👎": "non", "❌": "non", "🙏": "merci", "👋": "bonjour"}
# What may follow an emoji without changing it: skin tones, the emoji presentation selector, joiners.
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]")


def emoji_word(text: str) -> Optional[str]:
    """The word a message of emojis says (« 👍👍 » → « ok »), if they all say the same one."""
    said = {EMOJI_WORDS.get(ch) for ch in _EMOJI_MODIFIERS.sub("", text) if not ch.isspace()}
    return next(iter(said)) if len(said) == 1 and None not in said else None


@dataclass(frozen=True)
class CheckedMessage:
    """The text to give to NLU, or the reply to send instead."""

    text: str
    refusal: Optional[str] = None
    # Said before the answer: an English message is answered, in French, after this.
    notice: Optional[str] = None


def clean_text(raw: str) -> str:
    """NFC, no control characters or lone surrogates, single spaces at the ends."""
    text = _SURROGATES.sub("", raw)
    text = _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    return text.strip()


def foreign_language(text: str) -> Optional[str]:
    """'en' or 'es' when the message is plainly in that language, else None."""
    words = [w.lower() for w in _WORD.findall(text)]
    split = [part for w in words for part in w.split("'")]
    if any(w in _FRENCH_WORDS for w in split):
        return None
    best, best_hits = None, 0
    for language, vocabulary in _FOREIGN_WORDS.items():
        hits = sum(1 for w in split if w in vocabulary)
        if hits > best_hits:
            best, best_hits = language, hits
    # Two distinct signals at least, and most of the message: "ok" or a name stays French.
    if best and best_hits >= 2 and best_hits * 2 >= len(split):
        return best
    return None


def is_command(text: str) -> bool:
    """Button payloads ("/inform{...}") are Rasa commands, not prose to check."""
    return text.startswith("/")


def check_message(raw: object, emojis_as_words: bool = True) -> CheckedMessage:
    """Decides whether a message goes to NLU, and with which text; ``emojis_as_words``: « 👍 »
    alone goes as « ok » (a rating's comment keeps what was typed)."""
    if not isinstance(raw, str):
        return CheckedMessage("", EMPTY_REPLY)
    if len(raw) > MAX_MESSAGE_CHARS * 4:
        # Not worth cleaning: refuse on the raw length.
        return CheckedMessage("", TOO_LONG_REPLY.format(length=_thousands(len(raw)), limit=_thousands(MAX_MESSAGE_CHARS)))
    text = clean_text(raw)
    if not text:
        return CheckedMessage("", EMPTY_REPLY)
    if len(text) > MAX_MESSAGE_CHARS:
        return CheckedMessage("", TOO_LONG_REPLY.format(length=_thousands(len(text)), limit=_thousands(MAX_MESSAGE_CHARS)))
    if is_command(text):
        return CheckedMessage(text)
    if not any(ch.isalnum() for ch in text):
        # Emoji, punctuation or symbols only: nothing NLU could read, unless the emojis say a word.
        word = emoji_word(text) if emojis_as_words else None
        return CheckedMessage(word) if word else CheckedMessage("", NO_WORDS_REPLY)
    language = foreign_language(text)
    if language in UNDERSTOOD_LANGUAGES:
        # The classifier has learnt English questions: answered (in French) when understood.
        return CheckedMessage(text, notice=FRENCH_ONLY_NOTICE)
    if language:
        return CheckedMessage("", FOREIGN_REPLY[language])
    return CheckedMessage(text)


def valid_sender(sender: object) -> bool:
    return isinstance(sender, str) and bool(SENDER_ID.match(sender))


def _thousands(number: int) -> str:
    """1 000 000, with the narrow no-break space French typography uses."""
    return f"{number:,}".replace(",", "\u202f")
