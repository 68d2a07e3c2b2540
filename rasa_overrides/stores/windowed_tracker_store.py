"""Rasa's SQL tracker store, reading a bounded window of a long conversation.

Stock Rasa rebuilds the tracker from every event of the session at each turn, and its policies
and the action server then walk all of them: a turn at message 400 costs several times a turn at
message 4 (bench/choices.md). What a turn needs of the past is bounded: the slots, the active
form, the last few turns that the policies read (``max_history``), and, for the actions, the
recent answers a visitor may rate and their ratings.

So when a conversation has more than ``2 × TRACKER_WINDOW_TURNS`` user messages since the last
cut, the store writes, in a table of its own (``tracker_windows``), the state at a new cut that
keeps the last ``TRACKER_WINDOW_TURNS`` user messages: ``action_session_start``, the slots that
were set, the running form, the visitor's last messages outside forms (reverted: read by the
hand-off, not by the policies), the last rateable answers with their ratings and the last message
of each payload type, then ``action_listen``. A turn then reads that prefix plus the events stored after the cut, never the
whole session. Every event stays in the ``events`` table, untouched: the full tracker
(``retrieve_full_tracker``: Rasa's HTTP API, the dashboard, the exports) is unchanged.

The cut is exact for the policies: it leaves after it the last POLICY_REACH_ACTIONS actions of
Rasa's applied history (the memoization policy trims the tracker to its ``max_history`` actions;
rules are shorter), and inside a running form it is made only where the form runs again unfolded.
Before a cut is written, the tracker rebuilt from it is compared with the turn's own (slots, form,
latest action and message, the policies' last states); if they differ, no cut is written and the
turn reads from the previous cut (or the session start) as before.

``TRACKER_WINDOW_TURNS=0`` turns the window off (stock reads).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Sequence, Set, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.feedback import FEEDBACK_SLOT
from rasa_overrides.stores.outage import with_retries
from rasa_overrides.stores.tracker_store import EVENTS_IN_STORE, SQLTrackerStoreWithoutRecount, is_database_outage

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_TURNS = 10
# Bot messages with a payload (a rateable answer, the recommendation) and ratings kept at a cut:
# a visitor can rate any of the last answers, once (actions/feedback.py reads them).
CARRIED_MESSAGES = 20
# User messages kept at a cut (the hand-off passes on the last questions: bot/handoff.py).
CARRIED_TURNS = 10
# How far back the policies read, in actions of Rasa's applied history: the memoization policy's
# max_history (config.yml; tests/test_windowed_tracker_store.py checks it is smaller), with room
# for the rules. A cut always leaves them after it.
POLICY_REACH_ACTIONS = 12
# The policies' last states, compared before a cut is written.
STATES_COMPARED = 8
# Below this, the policies' own history (max_history actions, rules) would reach past the cut.
MIN_WINDOW_TURNS = 4
# Slots whose every value is a record an action reads back (each rating), not a state.
RECORD_SLOTS = (FEEDBACK_SLOT,)
# Set on the trackers read through a window: (events of the prefix, id of the last event before the cut).
WINDOW = "_tracker_window"


class TrackerWindow(SQLTrackerStore.Base):  # type: ignore[misc, valid-type]
    """The state of a conversation at its last cut (one row per conversation)."""

    __tablename__ = "tracker_windows"
    sender_id = sa.Column(sa.String(255), primary_key=True)
    # The events of the conversation after this id, read in order, follow the prefix.
    after_event_id = sa.Column(sa.Integer, nullable=False)
    prefix = sa.Column(sa.Text, nullable=False)


@dataclass(frozen=True)
class Window:
    prefix_events: int
    after_event_id: int


def window_turns() -> int:
    value = os.environ.get("TRACKER_WINDOW_TURNS", "").strip()
    try:
        turns = int(value) if value else DEFAULT_WINDOW_TURNS
    except ValueError:
        logger.warning("TRACKER_WINDOW_TURNS=%r is not a number: %d kept", value, DEFAULT_WINDOW_TURNS)
        return DEFAULT_WINDOW_TURNS
    return 0 if turns <= 0 else max(turns, MIN_WINDOW_TURNS)


def cut_position(tracker: DialogueStateTracker, start: int, keep_turns: int) -> Optional[int]:
    """Where a new cut goes, once there are more than twice ``keep_turns`` user messages after
    ``start`` (the prefix): at the latest user message that leaves at least ``keep_turns`` of them
    after it, and lies before the history the policies read (the last POLICY_REACH_ACTIONS actions
    of Rasa's applied history). A form running there must run again, after the cut, as Rasa's
    history keeps it (a form's answers fold into its previous run, which must not lie before the
    cut). None if there is no such place yet."""
    events = list(tracker.events)
    user_messages = [i for i in range(start, len(events)) if isinstance(events[i], UserUttered)]
    if keep_turns <= 0 or len(user_messages) <= 2 * keep_turns:
        return None
    actions = [e for e in tracker.applied_events() if isinstance(e, ActionExecuted)]
    if len(actions) < POLICY_REACH_ACTIONS:
        return None
    position = {id(event): index for index, event in enumerate(events)}
    read_from = position[id(actions[-POLICY_REACH_ACTIONS])]
    candidates = {i for i in user_messages[1 : len(user_messages) - keep_turns + 1] if i <= read_from}
    if not candidates:
        return None
    applied = {id(event) for event in tracker.applied_events()}
    replay = DialogueStateTracker(tracker.sender_id, tracker.slots.values())
    cut: Optional[int] = None
    for i, event in enumerate(events[: max(candidates) + 1]):
        if i in candidates and (not replay.active_loop_name or _runs_again_unfolded(events, i, replay.active_loop_name, applied)):
            cut = i
        replay.update(event)
    return cut


def _runs_again_unfolded(events: Sequence[Event], index: int, loop: Text, applied: Set[int]) -> bool:
    """Whether a form running at ``index`` runs next as Rasa keeps it in the applied history (after an
    interruption: an unhappy path), or stops first. Its later runs then fold into that one, after the
    cut, never into a run before it."""
    for event in events[index:]:
        if isinstance(event, ActiveLoop) and event.name is None:
            return True
        if isinstance(event, ActionExecuted) and event.action_name == loop:
            return id(event) in applied
    return False


def _first_action_after(events: Sequence[Event], index: int) -> Optional[Text]:
    for event in events[index + 1 :]:
        if isinstance(event, UserUttered):
            return None
        if isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name
    return None


def carried_messages(events: Sequence[Event]) -> List[Event]:
    """The last rateable answers (a payload with a ``feedback`` marker), and the last bot message
    of each payload type (the recommendation the hand-off passes on), in their order."""
    messages = [e for e in events if isinstance(e, BotUttered) and isinstance(e.data.get("custom"), dict)]
    rateable = [e for e in messages if "feedback" in e.data["custom"]][-CARRIED_MESSAGES:]
    last_of_type = {str(e.data["custom"].get("type")): e for e in messages}.values()
    kept = {id(e) for e in rateable} | {id(e) for e in last_of_type}
    return [e for e in messages if id(e) in kept]


def _rated_id(value: Any) -> str:
    return json.dumps(value.get("answer_id") if isinstance(value, dict) else None)


def carried_user_turns(events: Sequence[Event], form_names: Sequence[Text]) -> List[Event]:
    """The last user messages that were not answers to a form's question, each followed by
    its own revert: in the raw events an action reads (the hand-off's last questions), absent
    from the history the policies read."""
    turns: List[Event] = []
    for i, event in enumerate(events):
        if isinstance(event, UserUttered) and _first_action_after(events, i) not in form_names:
            light = UserUttered(event.text, event.intent, timestamp=event.timestamp)
            turns.append(light)
    carried: List[Event] = []
    for turn in turns[-CARRIED_TURNS:]:
        carried.extend(
            [ActionExecuted(ACTION_LISTEN_NAME, timestamp=turn.timestamp), turn, UserUtteranceReverted(timestamp=turn.timestamp)]
        )
    return carried


def prefix_at(before: DialogueStateTracker, form_names: Sequence[Text]) -> List[Event]:
    """Events that rebuild the state of ``before`` (the tracker up to the cut, which ends on
    ``action_listen``; a form running there runs again after the cut), with what actions read of its past: its last user
    messages, bot messages carrying a payload, and ratings."""
    events = list(before.events)
    timestamp = events[-1].timestamp if events else None
    prefix: List[Event] = [ActionExecuted(ACTION_SESSION_START_NAME, timestamp=timestamp), SessionStarted(timestamp=timestamp)]
    # The reverted turns first: a revert undoes the applied history back to its user message.
    prefix.extend(carried_user_turns(events, form_names))
    messages = carried_messages(events)
    prefix.extend(messages)
    # The ratings of those answers only: an answer no longer carried can no longer be rated.
    carried_ids = {json.dumps(e.data["custom"].get("feedback", {}).get("answer_id")) for e in messages}
    prefix.extend(e for e in events if isinstance(e, SlotSet) and e.key in RECORD_SLOTS and _rated_id(e.value) in carried_ids)
    for name, slot in before.slots.items():
        if slot.has_been_set or name in RECORD_SLOTS:
            # A record slot is reset too: its carried records must not leave their last value.
            prefix.append(SlotSet(name, slot.value if slot.has_been_set else slot.initial_value, timestamp=timestamp))
    loop = before.active_loop
    if loop is not None and loop.name:
        prefix.append(ActiveLoop(loop.name, timestamp=timestamp))
        if loop.rejected:
            prefix.append(ActionExecutionRejected(loop.name, timestamp=timestamp))
    if before.is_paused():
        prefix.append(ConversationPaused(timestamp=timestamp))
    prefix.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=timestamp))
    return prefix


def same_state(a: DialogueStateTracker, b: DialogueStateTracker) -> bool:
    """What a turn reads of a tracker: slots, the form, the latest action and message, pause."""
    loop_a, loop_b = a.active_loop, b.active_loop
    return (
        a.current_slot_values() == b.current_slot_values()
        and (loop_a.name if loop_a else None) == (loop_b.name if loop_b else None)
        and (loop_a.rejected if loop_a else False) == (loop_b.rejected if loop_b else False)
        and a.latest_action_name == b.latest_action_name
        and a.is_paused() == b.is_paused()
        and a.latest_message == b.latest_message
    )


class WindowedSQLTrackerStore(SQLTrackerStoreWithoutRecount):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keep_turns = window_turns()

    def _event_rows(self, session: Any, sender_id: Text, after_event_id: int) -> Any:
        return session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > after_event_id)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if not fetch_events_from_all_sessions and self.keep_turns:

            async def attempt() -> Optional[DialogueStateTracker]:
                return self._retrieve_window(sender_id)

            tracker = await with_retries(attempt, is_database_outage, self.store_name)
            if tracker is not None:
                return tracker
        return await super()._retrieve(sender_id, fetch_events_from_all_sessions)

    def _retrieve_window(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker from the last cut, or None when there is none or a session began after it."""
        with self.session_scope() as session:
            window = session.get(TrackerWindow, sender_id)
            if window is None:
                return None
            rows = self._event_rows(session, sender_id, window.after_event_id).order_by(self.SQLEvent.id).all()
            if not rows or any(row.type_name == SessionStarted.type_name for row in rows):
                return None
            prefix = json.loads(window.prefix)
            events = prefix + [json.loads(row.data) for row in rows]
            after_event_id = int(window.after_event_id)
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, WINDOW, Window(len(prefix), after_event_id))
        setattr(tracker, EVENTS_IN_STORE, len(tracker.events))
        return tracker

    def _additional_events(self, session: object, tracker: DialogueStateTracker) -> Iterator:
        window: Optional[Window] = getattr(tracker, WINDOW, None)
        if window is not None and getattr(tracker, EVENTS_IN_STORE, None) is None:
            # A retried save: what is stored after the cut follows the prefix.
            stored = self._event_rows(session, tracker.sender_id, window.after_event_id).count()
            setattr(tracker, EVENTS_IN_STORE, window.prefix_events + stored)
        return super()._additional_events(session, tracker)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if not self.keep_turns or getattr(tracker, EVENTS_IN_STORE, None) != len(tracker.events):
            return
        try:
            self._cut(tracker)
        except Exception as error:  # noqa: BLE001
            # The turn is stored: a cut not written only means that the next turn reads more events.
            logger.warning("Conversation window not cut: %s", error)

    def _cut(self, tracker: DialogueStateTracker) -> None:
        window: Optional[Window] = getattr(tracker, WINDOW, None)
        start = window.prefix_events if window else 0
        events = list(tracker.events)
        cut = cut_position(tracker, start, self.keep_turns)
        if cut is None:
            return
        before = DialogueStateTracker.from_events(tracker.sender_id, events[:cut], self.domain.slots)
        prefix = prefix_at(before, self.domain.form_names)
        rebuilt = DialogueStateTracker.from_events(tracker.sender_id, prefix + events[cut:], self.domain.slots)
        if not same_state(rebuilt, tracker) or (
            rebuilt.past_states(self.domain)[-STATES_COMPARED:] != tracker.past_states(self.domain)[-STATES_COMPARED:]
        ):
            logger.warning("Conversation window not cut: the state rebuilt from the cut differs")
            return
        start = window.prefix_events if window else 0
        with self.session_scope() as session:
            if window is not None:
                query = self._event_rows(session, tracker.sender_id, window.after_event_id)
            else:
                query = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False)
            ids = [row.id for row in query.with_entities(self.SQLEvent.id).order_by(self.SQLEvent.id)]
            if len(ids) != len(events) - start:
                # Not this tracker's events one for one (another writer, a deletion): no cut.
                logger.warning("Conversation window not cut: %d stored events for %d read", len(ids), len(events) - start)
                return
            session.merge(
                TrackerWindow(
                    sender_id=tracker.sender_id,
                    after_event_id=ids[cut - start - 1],
                    prefix=json.dumps([event.as_dict() for event in prefix]),
                )
            )
            session.commit()
