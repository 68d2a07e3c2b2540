"""Visitors' feedback on the answers: which bot messages can be rated, what a rating says.

Each knowledge answer and each pathway recommendation carries, in its custom payload,
``"feedback": {"answer_id": ..., "topic": ...}``. The widget (or any REST client) rates it by
sending the payload message ``/give_feedback{"feedback_answer": ..., "feedback_rating": ...}``,
which never goes through the classifier; ``action_record_feedback`` checks it with
:func:`read_feedback`, finds the rated message in the conversation, and stores the rating as the
``feedback`` slot's event (:func:`record`), tied to that message by its ``answer_id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from bot.input_guard import FOREIGN_REPLY, NO_WORDS_REPLY, check_message, clean_text
from bot.reply import Reply

# The payload intent (domain.yml, data/rules/feedback.yml); never given to a typed message.
FEEDBACK_INTENT = "give_feedback"
# Intents only ever sent by buttons: the rating, and the change of one answer of the interview.
CHANGE_ANSWER_INTENT = "change_answer"
PAYLOAD_ONLY_INTENTS = (FEEDBACK_INTENT, CHANGE_ANSWER_INTENT)
# The slot whose events hold the ratings (domain.yml); the dashboard reads them.
FEEDBACK_SLOT = "feedback"
# The payload's keys (domain.yml declares them as entities, so that Rasa keeps them quietly).
ANSWER_KEY, RATING_KEY, REASON_KEY, COMMENT_KEY = "feedback_answer", "feedback_rating", "feedback_reason", "feedback_comment"
PAYLOAD_KEYS = (ANSWER_KEY, RATING_KEY, REASON_KEY, COMMENT_KEY)

RATINGS = ("up", "down")
# Why an answer did not help: the ids stored, and their French labels (web/labels.js shows the
# same labels: tests/test_feedback.py checks the copy).
REASONS: Dict[str, str] = {
    "pas_ma_question": "pas ma question",
    "pas_clair": "pas clair",
    "incomplet": "incomplet",
    "errone": "erroné",
}
MAX_COMMENT_CHARS = 300
MAX_ANSWER_ID_CHARS = 64
_ANSWER_ID = re.compile(r"^[A-Za-z0-9_-]{1,%d}$" % MAX_ANSWER_ID_CHARS)

# Custom payload types of the messages that can be rated, and the topic each is filed under.
RATEABLE_TYPES = ("answer", "pathway_recommendation")
RECOMMENDATION_TOPIC = "request_pathway"
ACK_TYPE = "feedback_ack"

THANKS_UP = "Merci pour votre avis !"
THANKS_DOWN = "Merci pour votre avis : il m'aide à améliorer mes réponses."
INVALID_REPLY = "Votre avis n'a pas pu être enregistré : rechargez la page, puis réessayez."
UNKNOWN_ANSWER_REPLY = "Je ne retrouve pas la réponse que vous notez : votre avis n'a pas été enregistré."
ALREADY_RATED_REPLY = "Vous avez déjà donné votre avis sur cette réponse : merci !"
COMMENT_TOO_LONG_REPLY = f"Votre commentaire dépasse {MAX_COMMENT_CHARS} caractères : raccourcissez-le, puis envoyez de nouveau votre avis."
COMMENT_NO_WORDS_REPLY = "Votre commentaire ne contient aucun mot : écrivez-le en quelques mots, ou envoyez votre avis sans commentaire."
COMMENT_FOREIGN_REPLY = "Écrivez votre commentaire en français, s'il vous plaît, ou envoyez votre avis sans commentaire."


@dataclass(frozen=True)
class Feedback:
    """A visitor's rating of one bot message (``topic`` is filled from the rated message)."""

    answer_id: str
    rating: str
    reason: Optional[str] = None
    comment: str = ""
    topic: str = ""

    def as_slot(self) -> Dict[str, Any]:
        """The ``feedback`` slot's value: the contract the dashboard reads."""
        return {
            "answer_id": self.answer_id,
            "topic": self.topic,
            "rating": self.rating,
            "reason": self.reason,
            "comment": self.comment,
        }


def read_feedback(payload: Mapping[str, Any]) -> Union[Feedback, str]:
    """The rating a ``/give_feedback{...}`` payload gives, or the French reply that refuses it.

    The comment goes through the same checks as a message (bot/input_guard.py)."""
    if set(payload) - set(PAYLOAD_KEYS):
        return INVALID_REPLY
    answer_id, rating = payload.get(ANSWER_KEY), payload.get(RATING_KEY)
    reason, comment = payload.get(REASON_KEY), payload.get(COMMENT_KEY, "")
    if not isinstance(answer_id, str) or not _ANSWER_ID.match(answer_id) or rating not in RATINGS:
        return INVALID_REPLY
    if reason is not None and (reason not in REASONS or rating != "down"):
        return INVALID_REPLY
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        return INVALID_REPLY
    if len(comment) > MAX_COMMENT_CHARS * 4:
        return COMMENT_TOO_LONG_REPLY
    comment = clean_text(comment)
    if len(comment) > MAX_COMMENT_CHARS:
        return COMMENT_TOO_LONG_REPLY
    if comment:
        refusal = _comment_refusal(comment)
        if refusal:
            return refusal
    return Feedback(answer_id=answer_id, rating=str(rating), reason=reason, comment=comment)


def _comment_refusal(comment: str) -> Optional[str]:
    checked = check_message(comment, emojis_as_words=False)
    if checked.notice is not None:
        return COMMENT_FOREIGN_REPLY
    refusal = checked.refusal
    if refusal is None:
        return None
    if refusal == NO_WORDS_REPLY:
        return COMMENT_NO_WORDS_REPLY
    if refusal in FOREIGN_REPLY.values():
        return COMMENT_FOREIGN_REPLY
    return INVALID_REPLY


def rateable(reply: Reply, answer_id: str) -> Reply:
    """``reply`` with its ``feedback`` key when it is a knowledge answer or a recommendation."""
    custom = reply.custom or {}
    kind = custom.get("type")
    if kind not in RATEABLE_TYPES:
        return reply
    topic = RECOMMENDATION_TOPIC if kind == "pathway_recommendation" else str(custom.get("topic") or "")
    return replace(reply, custom={**custom, "feedback": {"answer_id": answer_id, "topic": topic}})


def rated_topic(bot_customs: Sequence[Mapping[str, Any]], answer_id: str) -> Optional[str]:
    """The topic of the bot message ``answer_id`` names, from the custom payloads of the
    conversation's bot messages (never from the visitor); None if no message has that id."""
    for custom in reversed(bot_customs):
        marker = custom.get("feedback") if isinstance(custom, Mapping) else None
        if isinstance(marker, Mapping) and marker.get("answer_id") == answer_id:
            return str(marker.get("topic") or "")
    return None


def already_rated(previous: Sequence[Any], answer_id: str) -> bool:
    """Whether one of the ``feedback`` slot's earlier values already rates ``answer_id``."""
    return any(isinstance(value, Mapping) and value.get("answer_id") == answer_id for value in previous)


def record(feedback: Feedback, bot_customs: Sequence[Mapping[str, Any]], previous: Sequence[Any]) -> Union[Feedback, str]:
    """The rating as stored (with the rated message's topic), or the French reply that refuses it."""
    topic = rated_topic(bot_customs, feedback.answer_id)
    if topic is None:
        return UNKNOWN_ANSWER_REPLY
    if already_rated(previous, feedback.answer_id):
        return ALREADY_RATED_REPLY
    return replace(feedback, topic=topic)


def thanks(feedback: Feedback) -> Reply:
    """The short thanks, with a payload that lets the widget show it under the rated answer."""
    return Reply(
        text=THANKS_UP if feedback.rating == "up" else THANKS_DOWN,
        custom={"type": ACK_TYPE, "answer_id": feedback.answer_id, "recorded": True},
    )
