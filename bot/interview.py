"""The guided interview's answers: which slots, what a message fills, what a value is worth.

The actions (actions/interview.py) move values between Rasa and these functions; the
parsing of free text is in bot/parsing.py, the French words of each value in the
knowledge base (bot/knowledge/profile.yml).
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Mapping, Optional, Tuple

from bot.cues import is_question
from bot.knowledge import KnowledgeBase
from bot.parsing import LITTLE_BUDGET, MAX_AGE, MIN_AGE, NO_LIMIT, UNKNOWN, Answer, extract_profile
from bot.recommender import Profile, say
from bot.safety import is_personal_health_question

# The questions, in the order they are asked (domain.yml's form lists the same: a test checks it),
# then what the person may say without being asked.
ASKED_SLOTS = ("situation", "age", "diploma", "budget_eur", "max_duration_months", "must_be_paid", "financing", "interest")
PROFILE_SLOTS = ASKED_SLOTS + ("wants_alternance",)
# The longest training anyone plans for, in months: beyond it, a number is not a duration.
MAX_DURATION_MONTHS = 120
MAX_WORDS_OF_A_DONT_KNOW = 6
MAX_WORDS_OF_A_BARE_ANSWER = 3
# An intent the NLU gives with this confidence is what the person meant, even if the words
# could also answer the question asked ("passez-moi un conseiller").
SURE_INTENT = 0.8
# Never taken for an answer: health comes first.
NEVER_AN_ANSWER = ("ask_medical_advice",)
FALLBACK_INTENT = "nlu_fallback"
# Requests about the conversation itself: even in a few words, they are not a value.
CONVERSATION_REQUESTS = ("stop_interview", "restart_interview", "resume_interview", "request_human", "request_pathway")
# The knowledge question each profile question is about: a statement naming financings, asking
# nothing, answers « Quels financements ? » however sure the NLU is that it is about financing.
SLOT_TOPICS = {"financing": "ask_financing", "budget_eur": "ask_cost", "max_duration_months": "ask_duration"}


def read_answer(text: str, requested: Optional[str]) -> Dict[str, Answer]:
    """Every profile value a message gives (the question asked, ``requested``, reads bare answers)."""
    # A copy: the form reads one message once per slot, and callers may change what they get.
    return {k: list(v) if isinstance(v, list) else v for k, v in _reading(text, requested)}


@functools.lru_cache(maxsize=256)
def _reading(text: str, requested: Optional[str]) -> Tuple[Tuple[str, Answer], ...]:
    return tuple((k, v) for k, v in extract_profile(text, requested).items() if k in PROFILE_SLOTS and v is not None)


def answers_the_question(kb: KnowledgeBase, text: str, requested: Optional[str], intent: str = "", confidence: float = 0.0) -> bool:
    """Whether a message the NLU took, without being sure, for a question or a request is in fact
    the answer to the question asked ("16" to « Quel âge avez-vous ? », « le contact patient » to
    what attracts you): it asks nothing, says nothing of health, and reads as a possible value of
    the requested slot."""
    if not requested or intent in NEVER_AN_ANSWER or is_question(text) or is_personal_health_question(text):
        return False
    value = checked(kb, requested, read_answer(text, requested).get(requested))
    if value == UNKNOWN:
        # « jsp », « je préfère pas le dire »: an answer whatever the NLU thought, when it is all the message says.
        return len(text.split()) <= MAX_WORDS_OF_A_DONT_KNOW
    if value is None:
        return False
    if confidence < SURE_INTENT or intent == SLOT_TOPICS.get(requested):
        return True
    # « cpf » to « Quels financements ? », « peu importe » to « Combien de temps ? »: a value alone is
    # the answer, however sure the NLU is of a topic or of a pleasantry.
    return len(text.split()) <= MAX_WORDS_OF_A_BARE_ANSWER and intent not in CONVERSATION_REQUESTS


def attempted_answer(text: str, intent: str) -> bool:
    """Whether a message the NLU could not place (``nlu_fallback``) is an attempt at answering the
    question asked, to be read, or else asked again: it asks nothing and says nothing of health.
    A question is clarified in the context of the conversation, then the question asked again."""
    return intent == FALLBACK_INTENT and not is_question(text) and not is_personal_health_question(text)


def checked(kb: KnowledgeBase, slot: str, value: Any) -> Optional[Answer]:
    """``value`` as the slot keeps it, if it is a possible answer; raw text is read first
    (the whole message, when it answers the question asked); None when it says nothing usable."""
    if isinstance(value, str) and not _is_value(kb, slot, value):
        value = read_answer(value, slot).get(slot)
    if value is None or not _is_value(kb, slot, value):
        return None
    answer: Answer = value
    return answer


def _is_value(kb: KnowledgeBase, slot: str, value: Any) -> bool:
    if value == UNKNOWN:
        return True
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if slot == "situation":
        return value in kb.profile.situations
    if slot == "diploma":
        return value in kb.profile.diplomas
    if slot == "interest":
        return value in kb.profile.interests
    if slot == "age":
        return number is not None and MIN_AGE <= number <= MAX_AGE
    if slot == "budget_eur":
        return value == LITTLE_BUDGET or (number is not None and number >= 0)
    if slot == "max_duration_months":
        return value == NO_LIMIT or (number is not None and 0 < number <= MAX_DURATION_MONTHS)
    if slot in ("must_be_paid", "wants_alternance"):
        return isinstance(value, bool)
    if slot == "financing":
        return isinstance(value, list) and all(item in kb.financing for item in value)
    return False


def correction_note(kb: KnowledgeBase, updates: Mapping[str, Any], previous: Mapping[str, Any], requested: Optional[str]) -> str:
    """ "C'est noté, je corrige : …" for answers that replace an earlier one (not for the question just asked)."""
    changed = [
        say(kb, slot, value)
        for slot, value in updates.items()
        if slot in PROFILE_SLOTS and slot != requested and previous.get(slot) is not None and previous.get(slot) != value
    ]
    return f"C'est noté, je corrige : {' ; '.join(changed)}." if changed else ""


def profile_of(slots: Mapping[str, Any]) -> Profile:
    return Profile.from_slots(slots)
