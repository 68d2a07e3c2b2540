"""The dashboard's figures, computed from the tracker store's events over a period.

A conversation's events are read as turns: a visitor's message, then what the bot did
until the next one. From the turns: messages and conversations per day, topics, the
messages that got the clarification or the out-of-scope reply (the inbox), the interview's
funnel and its recommendations; from the slots of the data contract: the visitors' ratings
and their hand-off requests.

Rasa copies every slot event into each new session (``carry_over_slots_to_new_session``),
so ratings are counted once per rated answer and hand-off requests once per request id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Counter, Dict, Iterable, List, Optional, Sequence, Set, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from admin import labels, store
from admin.text import group_key, mark_key, mask_personal_data

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both included, in the service's time zone."""

    start: dt.date
    end: dt.date
    zone: dt.tzinfo

    @classmethod
    def last_days(cls, days: int, zone: dt.tzinfo, today: Optional[dt.date] = None) -> "Period":
        today = today or dt.datetime.now(zone).date()
        return cls(today - dt.timedelta(days=days - 1), today, zone)

    def bounds(self) -> Tuple[float, float]:
        """The period as Unix times, from the first midnight to the midnight after the last day."""
        start = dt.datetime.combine(self.start, dt.time(), self.zone).timestamp()
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), self.zone).timestamp()
        return start, end

    def days(self) -> List[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def day_of(self, timestamp: float) -> dt.date:
        return dt.datetime.fromtimestamp(timestamp, self.zone).date()

    def contains(self, timestamp: float) -> bool:
        start, end = self.bounds()
        return start <= timestamp < end


def zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):  # unknown name, or no time-zone data on this machine
        return dt.timezone.utc


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    conversations: int
    messages: int


@dataclass(frozen=True)
class TopicCount:
    topic: str
    label: str
    messages: int


@dataclass
class InboxGroup:
    key: str  # mark_key of the normalised words: what the marks table stores
    text: str  # the most frequent wording, masked
    variants: List[str]  # the other wordings, masked
    messages: int
    conversations: int
    kinds: List[str]  # « Incompris », « Hors sujet »
    last_seen: float
    status: str = "a_traiter"


@dataclass(frozen=True)
class FunnelStep:
    slot: str
    label: str
    conversations: int


@dataclass(frozen=True)
class Funnel:
    started: int
    steps: List[FunnelStep]
    completed: int
    stopped: int

    @property
    def unfinished(self) -> int:
        """Started, neither completed nor stopped with « stop »: left along the way."""
        return max(self.started - self.completed - self.stopped, 0)

    def rows(self) -> List[Tuple[str, int]]:
        """Each step and its conversations, in the interview's order (the page's and the export's)."""
        return (
            [("Commencés", self.started)]
            + [(f"Réponse : {step.label}", step.conversations) for step in self.steps]
            + [
                ("Terminés (parcours conseillé)", self.completed),
                ("Arrêtés (« stop »)", self.stopped),
                ("Laissés en cours de route", self.unfinished),
            ]
        )


@dataclass(frozen=True)
class FeedbackTopic:
    topic: str
    label: str
    up: int
    down: int

    @property
    def rate(self) -> float:
        return self.up / (self.up + self.down) if self.up + self.down else 0.0


@dataclass(frozen=True)
class NegativeFeedback:
    timestamp: float
    topic: str
    label: str
    reason: str
    comment: str  # masked
    question: str  # the visitor's message that got the rated answer, masked; "" when not in the period


@dataclass(frozen=True)
class HandoffRequest:
    request_id: str
    sender_id: str
    timestamp: float
    requested_at: str
    contact_kind: str
    contact: str
    recap: List[str]
    recommendation: Optional[str]
    last_questions: List[str]
    status: str = "nouvelle"


@dataclass
class Dashboard:
    period: Period
    days: List[DayCount]
    conversations: int
    messages: int
    fallbacks: int
    out_of_scope: int
    topics: List[TopicCount]
    inbox: List[InboxGroup]
    funnel: Funnel
    pathways: List[Tuple[str, int]]
    feedback: List[FeedbackTopic]
    negative: List[NegativeFeedback]
    handoffs: List[HandoffRequest]

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.messages if self.messages else 0.0

    @property
    def out_of_scope_rate(self) -> float:
        return self.out_of_scope / self.messages if self.messages else 0.0

    @property
    def ratings(self) -> Tuple[int, int]:
        return sum(f.up for f in self.feedback), sum(f.down for f in self.feedback)

    @property
    def new_handoffs(self) -> int:
        return sum(1 for h in self.handoffs if h.status == "nouvelle")


# --- reading turns -----------------------------------------------------------------------------


@dataclass
class _Turn:
    sender_id: str
    timestamp: float
    text: str
    intent: str
    in_interview: bool  # the interview's form was active when the message came
    first_action: str = ""
    answer_topics: List[str] = field(default_factory=list)
    set_feedback: bool = False


@dataclass
class _Conversation:
    """What one conversation contributes, read event by event."""

    sender_id: str
    form: str
    questions: Sequence[str]
    turns: List[_Turn] = field(default_factory=list)
    form_active: bool = False
    started: bool = False
    stopped: bool = False
    recommended: Optional[str] = None
    known: Dict[str, bool] = field(default_factory=dict)  # which profile slots hold a value now
    answered: Set[str] = field(default_factory=set)
    # answer_id -> (topic, the visitor's message it answered)
    rated_answers: Dict[str, Tuple[str, str]] = field(default_factory=dict)
    ratings: Dict[str, Tuple[float, Dict[str, Any]]] = field(default_factory=dict)

    def read(self, event: store.StoredEvent) -> None:
        turn = self.turns[-1] if self.turns else None
        if event.type_name == "user":
            intent = str(event.name or ((event.data.get("parse_data") or {}).get("intent") or {}).get("name") or "")
            self.turns.append(_Turn(self.sender_id, event.timestamp, str(event.data.get("text") or ""), intent, self.form_active))
        elif event.type_name == "action":
            if turn is not None and not turn.first_action and event.name not in ("action_listen", "action_session_start"):
                turn.first_action = str(event.name)
            if event.name == labels.STOP_ACTION and self.started:
                self.stopped = True
        elif event.type_name == "active_loop":
            self.form_active = event.name == self.form
            if self.form_active:
                self.started = True
                self.answered.update(slot for slot, known in self.known.items() if known)
        elif event.type_name == "slot":
            self._slot(event, turn)
        elif event.type_name == "bot":
            self._bot(event, turn)

    def _slot(self, event: store.StoredEvent, turn: Optional[_Turn]) -> None:
        value = event.data.get("value")
        if event.name in self.questions:
            self.known[str(event.name)] = value is not None
            if self.started and value is not None:
                self.answered.add(str(event.name))
        elif event.name == labels.FEEDBACK_SLOT and isinstance(value, dict) and value.get("answer_id"):
            answer_id = str(value["answer_id"])
            if turn is not None:
                turn.set_feedback = True
            previous = self.ratings.get(answer_id)
            # A copy at a new session start keeps the first time this rating was given.
            if previous is None or previous[1] != value:
                self.ratings[answer_id] = (event.timestamp, value)

    def _bot(self, event: store.StoredEvent, turn: Optional[_Turn]) -> None:
        payload = event.data.get("data") or {}
        custom = payload.get("custom") if isinstance(payload, dict) else None
        if not isinstance(custom, dict):
            return
        kind = custom.get("type")
        if kind == labels.ANSWER_TYPE and turn is not None and custom.get("topic"):
            turn.answer_topics.append(str(custom["topic"]))
        elif kind == labels.RECOMMENDATION_TYPE:
            top = custom.get("top") or {}
            self.recommended = str(top.get("name") or top.get("id") or "?") if isinstance(top, dict) else "?"
        rated = custom.get("feedback")
        if isinstance(rated, dict) and rated.get("answer_id"):
            self.rated_answers[str(rated["answer_id"])] = (str(rated.get("topic") or ""), turn.text if turn else "")


def _is_visitor_message(turn: _Turn) -> bool:
    # A rating sent as a payload (« /give_feedback{...} ») is a click, not a message the visitor wrote.
    return turn.intent != labels.FEEDBACK_INTENT and not (turn.set_feedback and turn.text.startswith("/"))


def _unanswered_kind(turn: _Turn) -> Optional[str]:
    """« nlu_fallback » or « out_of_scope » when the message got the clarification or the
    out-of-scope reply; None when it was answered, even by the context of the last answer."""
    if turn.first_action != labels.CLARIFYING_ACTION or turn.answer_topics:
        return None
    return turn.intent if turn.intent in labels.UNANSWERED_KINDS else None


def _topic(turn: _Turn, form: str) -> str:
    if turn.answer_topics:
        return turn.answer_topics[0]
    if turn.in_interview and turn.first_action == form:
        return labels.INTERVIEW_ANSWER
    return turn.intent or labels.FALLBACK_INTENT


# --- the figures ---------------------------------------------------------------------------


def conversations_of(events: Iterable[store.StoredEvent], form: str, questions: Sequence[str]) -> Iterable[_Conversation]:
    current: Optional[_Conversation] = None
    for event in events:
        if current is None or event.sender_id != current.sender_id:
            if current is not None:
                yield current
            current = _Conversation(event.sender_id, form, questions)
        current.read(event)
    if current is not None:
        yield current


def compute(
    events: Iterable[store.StoredEvent],
    period: Period,
    inbox_marks: Optional[Dict[str, str]] = None,
    handoffs: Sequence[HandoffRequest] = (),
) -> Dashboard:
    """The figures of the events of a period (read in conversation order, as store.read_events gives them)."""
    form, questions = labels.interview()
    inbox_marks = inbox_marks or {}
    per_day_messages: Counter[dt.date] = Counter()
    per_day_senders: Dict[dt.date, Set[str]] = defaultdict(set)
    topics: Counter[str] = Counter()
    groups: Dict[str, List[Tuple[_Turn, str]]] = defaultdict(list)
    unanswered: Counter[str] = Counter()
    started = completed = stopped = 0
    answered: Counter[str] = Counter()
    pathways: Counter[str] = Counter()
    ratings: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    negative: List[NegativeFeedback] = []
    senders: Set[str] = set()

    for conversation in conversations_of(events, form, questions):
        for turn in conversation.turns:
            if not _is_visitor_message(turn):
                continue
            day = period.day_of(turn.timestamp)
            per_day_messages[day] += 1
            per_day_senders[day].add(turn.sender_id)
            senders.add(turn.sender_id)
            topics[_topic(turn, form)] += 1
            kind = _unanswered_kind(turn)
            if kind:
                unanswered[kind] += 1
                groups[group_key(turn.text)].append((turn, kind))
        if conversation.started:
            started += 1
            answered.update(conversation.answered)
            if conversation.recommended:
                completed += 1
            elif conversation.stopped:
                stopped += 1
        if conversation.recommended:
            pathways[conversation.recommended] += 1
        for answer_id, (timestamp, value) in conversation.ratings.items():
            rated_topic, question = conversation.rated_answers.get(answer_id, ("", ""))
            topic = str(value.get("topic") or rated_topic or "?")
            is_up = value.get("rating") == "up"
            ratings[topic][0 if is_up else 1] += 1
            if not is_up:
                negative.append(
                    NegativeFeedback(
                        timestamp,
                        topic,
                        labels.topic_label(topic),
                        labels.reason_label(value.get("reason")),
                        mask_personal_data(str(value.get("comment") or "")),
                        mask_personal_data(question),
                    )
                )

    return Dashboard(
        period=period,
        days=[DayCount(d, len(per_day_senders.get(d, ())), per_day_messages.get(d, 0)) for d in period.days()],
        conversations=len(senders),
        messages=sum(per_day_messages.values()),
        fallbacks=unanswered[labels.FALLBACK_INTENT],
        out_of_scope=unanswered[labels.OUT_OF_SCOPE_INTENT],
        topics=[
            TopicCount(t, labels.topic_label(t), n) for t, n in sorted(topics.items(), key=lambda i: (-i[1], labels.topic_label(i[0])))
        ],
        inbox=_inbox(groups, inbox_marks),
        funnel=Funnel(started, [FunnelStep(q, labels.question_label(q), answered[q]) for q in questions], completed, stopped),
        pathways=sorted(pathways.items(), key=lambda i: (-i[1], i[0])),
        feedback=[
            FeedbackTopic(t, labels.topic_label(t), up, down)
            for t, (up, down) in sorted(ratings.items(), key=lambda i: (-(i[1][0] + i[1][1]), labels.topic_label(i[0])))
        ],
        negative=sorted(negative, key=lambda n: -n.timestamp),
        handoffs=list(handoffs),
    )


def _inbox(groups: Dict[str, List[Tuple[_Turn, str]]], marks: Dict[str, str]) -> List[InboxGroup]:
    inbox: List[InboxGroup] = []
    for words, members in groups.items():
        wordings = Counter(mask_personal_data(turn.text) for turn, _ in members)
        latest = max(turn.timestamp for turn, _ in members)
        ordered = [w for w, _ in sorted(wordings.items(), key=lambda i: -i[1])]
        key = mark_key(words)
        inbox.append(
            InboxGroup(
                key=key,
                text=ordered[0],
                variants=ordered[1:],
                messages=len(members),
                conversations=len({turn.sender_id for turn, _ in members}),
                kinds=sorted({labels.UNANSWERED_KINDS[kind] for _, kind in members}),
                last_seen=latest,
                status=marks.get(key, "a_traiter"),
            )
        )
    # What is still to do first, then the most frequent.
    return sorted(inbox, key=lambda g: (g.status != "a_traiter", -g.messages, -g.last_seen))


def handoff_requests(events: Iterable[store.StoredEvent], marks: Dict[str, str], period: Period) -> List[HandoffRequest]:
    """Every request still to handle, whatever its date, and those handled in the period; newest first."""
    seen: Dict[str, HandoffRequest] = {}
    for event in events:
        value = event.data.get("value")
        if not isinstance(value, dict) or not value.get("request_id"):
            continue
        request_id = str(value["request_id"])
        if request_id in seen:  # the same request copied into a later session
            continue
        seen[request_id] = HandoffRequest(
            request_id=request_id,
            sender_id=event.sender_id,
            timestamp=event.timestamp,
            requested_at=str(value.get("requested_at") or ""),
            contact_kind=str(value.get("contact_kind") or ""),
            contact=str(value.get("contact") or ""),
            recap=[str(line) for line in value.get("recap") or []],
            recommendation=str(value["recommendation"]) if value.get("recommendation") else None,
            last_questions=[str(q) for q in value.get("last_questions") or []],
            status=marks.get(request_id, "nouvelle"),
        )
    shown = [h for h in seen.values() if h.status == "nouvelle" or period.contains(h.timestamp)]
    return sorted(shown, key=lambda h: (h.status != "nouvelle", -h.timestamp))


INBOX_KIND = "inbox"
HANDOFF_KIND = "handoff"


def dashboard(engine: Engine, period: Period) -> Dashboard:
    """Everything the page shows, read from the store."""
    form, questions = labels.interview()
    start, end = period.bounds()
    handoffs = handoff_requests(store.read_slot_events(engine, labels.HANDOFF_SLOT), store.read_marks(engine, HANDOFF_KIND), period)
    events = store.read_events(engine, start, end, slots=[*questions, labels.FEEDBACK_SLOT])
    return compute(events, period, store.read_marks(engine, INBOX_KIND), handoffs)
