"""The guided interview's answers: which slots, what a message fills, what a value is worth.

The actions (actions/interview.py) move values between Rasa and these functions; the
parsing of free text is in bot/parsing.py, the French words of each value in the
knowledge base (bot/knowledge/profile.yml).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.cues import is_question
from bot.knowledge import KnowledgeBase
from bot.parsing import LITTLE_BUDGET, MAX_AGE, MIN_AGE, NO_LIMIT, UNKNOWN, Answer, extract_profile
from bot.recommender import Profile, as_number, say
from bot.reply import Button
from bot.safety import is_personal_health_question
from bot.vocabulary import normalize

# The questions, in the order they are asked (domain.yml's form lists the same: a test checks it),
# then what the person may say without being asked.
ASKED_SLOTS = ("situation", "age", "diploma", "background", "budget_eur", "max_duration_months", "must_be_paid", "financing", "interest")
PROFILE_SLOTS = ASKED_SLOTS + ("wants_alternance",)
# What a pupil or a minor already has is not asked: nothing, so far.
NOTHING_YET: Dict[str, Any] = {"health_diploma": None, "experience_years": None}
ADULT_AGE = 18
# The longest training anyone plans for, in months: beyond it, a number is not a duration.
MAX_DURATION_MONTHS = 120
# An intent the NLU gives with this confidence is what the person meant, even if the words
# could also answer the question asked ("passez-moi un conseiller").
SURE_INTENT = 0.8
# Never taken for an answer: health comes first.
NEVER_AN_ANSWER = ("ask_medical_advice",)
# Requests about the conversation itself: even in a few words, they are not a value.
CONVERSATION_REQUESTS = ("stop_interview", "restart_interview", "resume_interview", "request_human", "request_pathway", "change_answer")
# A message in which nothing can be read is an attempt at answering (asked again, with an
# example) when the NLU saw no more in it; otherwise what the NLU saw is answered first.
ATTEMPT_INTENTS = ("", "inform", "nlu_fallback", "affirm", "deny")
# A question pending this many times without an answer (interrupted, or not understood), or the
# same message twice: the bot changes strategy instead of replying the same way again.
STUCK_AFTER = 2
# At most this many words, a message that answers the pending question is only that answer.
BARE_ANSWER_WORDS = 2
# « en fait … », « pardon, plutôt … »: the person changes an earlier answer.
_CORRECTION = re.compile(
    r"\b(en fait|enfait|pardon|plutot|finalement|je me suis trompee?|erreur|correction|rectif\w*|je voulais dire|je corrige|"
    r"non c est|c est pas ca|au temps pour moi|autant pour moi|oups|en vrai|sorry|je reprends)\b"
)
# A question inside a message: a question mark, or where dictation and phone typing drop it, a
# question word (« cb ça coûte », « kel formation ») or an inverted opening (« faut-il … »). Not
# « c'est » or « il faut », which open answers too (« c'est ma patronne qui paie »).
_ASKING = re.compile(
    r"\b(combien|comment|quel|quelle|quels|quelles|pourquoi|quand|lequel|laquelle|lesquels|lesquelles|koi|cb|cmb|kel|kelle|"
    r"c est quoi|c koi|ckoi|c quoi|a quoi|quoi comme|qu est ce|est ce qu\w*)\b"
    r"|(?<!sais pas )(?<!sait pas )(?<!savoir )(?<!importe )(?<!sais )\bquoi\b(?! que)"
    r"|^(est ce|est il|est elle|faut il|faut t il|peut on|peut il|peut elle|peux je|puis je|y a t il|a t on|dois je|doit on|ai je|suis je|"
    r"peux tu|pouvez vous|ou est|ou se|ou peut|ou trouver|ou faire)\b"
)
# A clause that names a subject before asking about it (« pour le CPF, c'est combien ? »): no answer.
_TOPIC_OPENING = re.compile(r"^(pour|et|sur|concernant|a propos|niveau|question|au sujet|quant)\b")


def asks_something(text: str) -> bool:
    """Whether the message asks a question (an answer may come with it)."""
    return "?" in text or bool(_ASKING.search(normalize(text)))


def answering_part(text: str) -> str:
    """The clauses of a message that may answer: all of it when it asks nothing; else the
    clauses before its question that do not just name a subject (« oui, sans salaire je ne peux
    pas, un apprenti touche combien ? » -> « oui, sans salaire je ne peux pas »)."""
    if not asks_something(text):
        return text
    kept = []
    for clause in re.split(r"[,;.!?\n]+", text):
        plain = normalize(clause)
        if not plain:
            continue
        if _ASKING.search(plain) or _TOPIC_OPENING.match(plain):
            break
        kept.append(clause.strip())
    return ", ".join(kept)


def is_correction(text: str) -> bool:
    return bool(_CORRECTION.search(normalize(text)))


@dataclass(frozen=True)
class Turn:
    """A message read once, while ``requested`` is pending: what it answers and what else it is."""

    text: str
    requested: Optional[str]
    intent: str = ""
    confidence: float = 0.0
    # Every profile value its answering clauses give, checked; the requested one included.
    values: Mapping[str, Any] = field(default_factory=dict)
    asks: bool = False
    # Reads as a question only if nothing in it answers (« c'est un diplôme de niveau 4 ? » typed without its mark).
    may_ask: bool = False
    health: bool = False
    correction: bool = False
    # The question has waited STUCK_AFTER messages, or the visitor repeats themselves.
    stuck: bool = False
    # The question has already been asked again with its choices and the button to skip it.
    choices_shown: bool = False

    @property
    def answer(self) -> Optional[Answer]:
        return self.values.get(self.requested) if self.requested else None

    @property
    def says_something_else(self) -> bool:
        """Profile values besides the answer (a correction, or more said at once)."""
        return any(slot != self.requested for slot in self.values)

    def request(self) -> bool:
        """A request about the conversation (stop, restart, a person) rather than an answer."""
        if self.intent not in CONVERSATION_REQUESTS:
            return False
        # Asking for advice in the interview goes on with it: an answer in the message is kept; a
        # message that is nothing but an answer (« zéro » to the budget) is not a request to stop or
        # restart; a person asked for is always one (« contact humain » is no interest then).
        if self.intent != "request_human" and self.answer is not None and len(normalize(self.text).split()) <= BARE_ANSWER_WORDS:
            return False
        return self.answer is None or (self.confidence >= SURE_INTENT and self.intent != "request_pathway")

    def goes_to_the_form(self) -> bool:
        """Answer first: whether the form takes the message, whatever intent the NLU gave it.
        Not a question, a request about the conversation or health; nor, when sure and with no
        value in it, a pleasantry. A question with an answer in it goes to its own answer first,
        and the form then records the answer. Stuck, every reading is taken."""
        if not self.requested or self.health or self.intent in NEVER_AN_ANSWER or self.request():
            return False
        if self.stuck:
            # Any reading is taken; a question with none is answered, the pending question then
            # comes with its choices, and after that the form notes it unknown and goes on.
            return self.answer is not None or self.says_something_else or not self.may_ask or self.choices_shown
        if self.asks:
            return False
        if self.answer is not None:
            return True
        if self.may_ask:
            return False
        # Nothing read: an attempt at answering if the NLU saw no more in it; else its reply first.
        return self.says_something_else or self.intent in ATTEMPT_INTENTS


def read_turn(
    kb: KnowledgeBase,
    text: str,
    requested: Optional[str],
    intent: str = "",
    confidence: float = 0.0,
    stuck: bool = False,
    choices_shown: bool = False,
) -> Turn:
    """``text`` read once as an answer to ``requested``; stuck, the whole message answers."""
    text = text or ""
    if text.startswith("/"):
        return Turn(text=text, requested=requested, intent=intent, confidence=confidence)
    asks = asks_something(text)
    part = text if stuck else answering_part(text)
    values = {slot: value for slot, value in read_answer(part, requested).items() if checked(kb, slot, value) is not None} if part else {}
    return Turn(
        text=text,
        requested=requested,
        intent=intent,
        confidence=confidence,
        values={slot: checked(kb, slot, value) for slot, value in values.items()},
        asks=asks,
        may_ask=asks or is_question(text),
        health=is_personal_health_question(text),
        correction=is_correction(text),
        stuck=stuck,
        choices_shown=choices_shown,
    )


def is_stuck(earlier: Sequence[str], latest: str) -> bool:
    """Whether the pending question has waited ``STUCK_AFTER`` messages already (``earlier``: the
    texts sent while it was pending, oldest first), or the latest message repeats the one before."""
    if len(earlier) >= STUCK_AFTER:
        return True
    return bool(earlier) and normalize(earlier[-1]) == normalize(latest) and bool(normalize(latest))


def history_of(events: Sequence[Mapping[str, Any]]) -> List[Tuple[str, Optional[str]]]:
    """Each message of the visitor, with the question pending when it came (``events`` as Rasa
    serialises them: {"event": "user", "text": …} and {"event": "slot", "name": …, "value": …})."""
    pending: Optional[str] = None
    out: List[Tuple[str, Optional[str]]] = []
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            pending = event.get("value")
        elif kind == "active_loop" and not event.get("name"):
            pending = None
        elif kind == "user":
            out.append((str(event.get("text") or ""), pending))
    return out


def pending_since(history: Sequence[Tuple[str, Optional[str]]], requested: Optional[str]) -> List[str]:
    """The texts of the messages before the latest one that were sent while ``requested`` was the
    pending question, in a row up to the latest (``history``: each user message with the question
    pending when it came, oldest first, the latest last)."""
    earlier: List[str] = []
    for text, pending in reversed(history[:-1]):
        if pending != requested or requested is None:
            break
        earlier.append(text)
    return list(reversed(earlier))


def read_answer(text: str, requested: Optional[str]) -> Dict[str, Answer]:
    """Every profile value a message gives (the question asked, ``requested``, reads bare answers)."""
    # A copy: the form reads one message once per slot, and callers may change what they get.
    return {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in _reading(text, requested)}


@functools.lru_cache(maxsize=256)
def _reading(text: str, requested: Optional[str]) -> Tuple[Tuple[str, Answer], ...]:
    return tuple((k, v) for k, v in extract_profile(text, requested).items() if k in PROFILE_SLOTS and v is not None)


def applied(turn: Turn, filled: Mapping[str, Any]) -> Dict[str, Any]:
    """The values of ``turn`` to keep: the answer, and the others that fill an empty slot or that
    the person corrects (« en fait … »); a word said in passing never changes an earlier answer."""
    kept: Dict[str, Any] = {}
    for slot, value in turn.values.items():
        earlier = filled.get(slot)
        if slot == turn.requested or earlier in (None, UNKNOWN, value) or turn.correction:
            kept[slot] = value
    return kept


def news(turn: Turn, filled: Mapping[str, Any]) -> Dict[str, Any]:
    """The values of ``turn`` besides its answer that change something: a message that only says
    again what is known is no answer to the pending question, and counts as an attempt at it."""
    return {slot: value for slot, value in applied(turn, filled).items() if slot != turn.requested and filled.get(slot) != value}


def asked_slots(slots: Mapping[str, Any]) -> List[str]:
    """The questions this person is asked: what they already have is asked of adults only."""
    age = as_number(slots.get("age"))
    minor = slots.get("situation") == "etudiant" or (age is not None and age < ADULT_AGE)
    return [slot for slot in ASKED_SLOTS if not (slot == "background" and minor and slots.get(slot) in (None, NOTHING_YET))]


def progress(slots: Mapping[str, Any], requested: str) -> Tuple[int, int]:
    """(k, n) of « Question k sur n »: the questions answered so far, plus this one, of all."""
    asked = asked_slots(slots)
    answered = sum(1 for slot in asked if slot != requested and slots.get(slot) is not None)
    return answered + 1, len(asked)


def checked(kb: KnowledgeBase, slot: str, value: Any) -> Optional[Answer]:
    """``value`` as the slot keeps it, if it is a possible answer; raw text is read first
    (the whole message, when it answers the question asked); None when it says nothing usable."""
    if isinstance(value, list) and len(value) == 1 and slot == "interest":
        value = value[0]
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
        return isinstance(value, str) and value in kb.profile.situations
    if slot == "diploma":
        return isinstance(value, str) and value in kb.profile.diplomas
    if slot == "interest":
        several = isinstance(value, list) and len(value) > 1
        return (isinstance(value, str) and value in kb.profile.interests) or (
            several and all(item in kb.profile.interests for item in value)
        )
    if slot == "background":
        return isinstance(value, dict) and set(value) == set(NOTHING_YET) and value["health_diploma"] in (None, *kb.profile.health_diplomas)
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
    """ "C'est corrigé : …" for answers that replace an earlier one (not for the question just asked)."""
    changed = [
        say(kb, slot, value)
        for slot, value in updates.items()
        if slot in PROFILE_SLOTS
        and slot != requested
        and previous.get(slot) not in (None, UNKNOWN)
        and previous.get(slot) != value
        and say(kb, slot, value) != say(kb, slot, previous.get(slot))
    ]
    return f"C'est corrigé : {' ; '.join(changed)}." if changed else ""


def answers_to_change(kb: KnowledgeBase, slots: Mapping[str, Any]) -> List[Button]:
    """A button per answer given (« 34 ans », « budget 2 000 € »), which asks that question again."""
    buttons = []
    for slot in ASKED_SLOTS:
        said = say(kb, slot, slots.get(slot)) if slots.get(slot) is not None else ""
        if said:
            buttons.append(Button.for_intent(said[:1].upper() + said[1:], "change_answer", profile_slot=slot))
    return buttons


def profile_of(slots: Mapping[str, Any]) -> Profile:
    return Profile.from_slots(slots)
