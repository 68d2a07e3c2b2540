"""Keeps the thread of a conversation: elliptic follow-ups and back-references.

"Combien coûte la formation continue ?" then "et en alternance ?" must give the
cost of alternance; "Combien coûte l'alternance ?" then "et ça dure combien ?"
the duration of alternance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.answers import KNOWLEDGE_INTENTS, ROUTE_INTENTS, follow_up_intent
from bot.vocabulary import normalize

# A short message opening like this continues the previous question.
_CONTINUATION = re.compile(r"^(et|pareil|idem|meme chose|meme question|sinon|puis|aussi|pour)\b")
# Words that point back to the route just discussed.
_BACK_REFERENCE = re.compile(r"\b(ca|cela|ce|cette formation|cette voie|celle ci|celle la|elle|la|le|y)\b")
MAX_ELLIPTIC_WORDS = 9


@dataclass(frozen=True)
class Question:
    intent: str
    formation_type: Optional[str]
    term: Optional[str]


def resolve(
    intent: str,
    text: str,
    formation_type: Optional[str],
    term: Optional[str],
    last_topic: Optional[str],
    last_formation_type: Optional[str],
) -> Question:
    """What the person is really asking, given the previous answer."""
    words = normalize(text).split()
    short_continuation = len(words) <= MAX_ELLIPTIC_WORDS and bool(_CONTINUATION.match(" ".join(words)))
    if intent == "ask_followup":
        return Question(follow_up_intent(last_topic, formation_type, term), formation_type or (None if term else last_formation_type), term)
    if intent not in KNOWLEDGE_INTENTS:
        return Question(intent, formation_type, term)
    # "et en alternance ?" misread as a fresh question: it repeats the previous topic.
    if short_continuation and (formation_type or term) and len(words) <= 4 and last_topic in KNOWLEDGE_INTENTS:
        return Question(follow_up_intent(last_topic, formation_type, term), formation_type, term)
    if (
        intent in ROUTE_INTENTS
        and not formation_type
        and last_formation_type
        and len(words) <= MAX_ELLIPTIC_WORDS
        and (short_continuation or _BACK_REFERENCE.search(" ".join(words)))
    ):
        return Question(intent, last_formation_type, term)
    return Question(intent, formation_type, term)
