"""Rasa's SQL tracker store, without recounting the stored events at every save.

To know which events of a turn are new, ``SQLTrackerStore.save`` counts the
events already stored for the conversation: one more query per message (its cost
is in bench/choices.md).
The tracker being saved was read from this very store at the start of the turn,
under the conversation's lock, so that count is already known: it is kept on
the tracker and moved forward at each save. A tracker that was not read from here (new, copied, or read across
all sessions) is counted as before. Tables, queries and rows are Rasa's.
"""

from __future__ import annotations

import itertools
from typing import Iterator, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

# Attribute set on the trackers this store reads or writes.
EVENTS_IN_STORE = "_events_in_sql_store"


class SQLTrackerStoreWithoutRecount(SQLTrackerStore):
    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions:
            setattr(tracker, EVENTS_IN_STORE, len(tracker.events))
        return tracker

    def _additional_events(self, session: object, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, EVENTS_IN_STORE, None)
        if stored is None or stored > len(tracker.events):
            return super()._additional_events(session, tracker)  # type: ignore[arg-type]
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, EVENTS_IN_STORE, len(tracker.events))
