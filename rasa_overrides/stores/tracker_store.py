"""Rasa's SQL tracker store, without recounting the stored events at every save.

To know which events of a turn are new, ``SQLTrackerStore.save`` counts the
events already stored for the conversation: one more query per message (its cost
is in bench/choices.md).
The tracker being saved was read from this very store at the start of the turn,
under the conversation's lock, so that count is already known: it is kept on
the tracker and moved forward at each save. A tracker that was not read from here (new, copied, or read across
all sessions) is counted as before. Tables, queries and rows are Rasa's.

When the database is unreachable, reads and saves are retried for a few seconds, then the
channel's turn is refused (stores/outage.py): never an empty tracker, never a save kept in
memory only, as Rasa's FailSafeTrackerStore would do. The pool pings a connection before
lending it (``pool_pre_ping``), so that connections dropped by a database restart are
replaced instead of failing the next turn.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterator, Optional, Text

import sqlalchemy as sa
import sqlalchemy.exc
import sqlalchemy.orm
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_overrides.stores.outage import caused_by, with_retries

# Attribute set on the trackers this store reads or writes.
EVENTS_IN_STORE = "_events_in_sql_store"
_UNREACHABLE = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.DisconnectionError, OSError)


def is_database_outage(error: BaseException) -> bool:
    """Whether the database could not be reached (as opposed to a bad query or a bug: no retry)."""
    if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
        return True
    return caused_by(error, _UNREACHABLE)


class SQLTrackerStoreWithoutRecount(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa's engine has no pre-ping: rebuilt with it, same URL and pool settings.
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.Base.metadata.create_all(self.engine)  # a no-op, except for an in-memory SQLite database
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)
        self.store_name = f"tracker store ({url.get_backend_name()})"

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        async def attempt() -> Optional[DialogueStateTracker]:
            return await super(SQLTrackerStoreWithoutRecount, self)._retrieve(sender_id, fetch_events_from_all_sessions)

        tracker = await with_retries(attempt, is_database_outage, self.store_name)
        if tracker is not None and not fetch_events_from_all_sessions:
            setattr(tracker, EVENTS_IN_STORE, len(tracker.events))
        return tracker

    def _additional_events(self, session: object, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, EVENTS_IN_STORE, None)
        if stored is None or stored > len(tracker.events):
            return super()._additional_events(session, tracker)  # type: ignore[arg-type]
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        attempts = 0

        async def attempt() -> None:
            nonlocal attempts
            if attempts and hasattr(tracker, EVENTS_IN_STORE):
                # A failed attempt may yet have been committed (its answer lost): count what
                # is stored, as Rasa does, so that a retry never writes an event twice.
                delattr(tracker, EVENTS_IN_STORE)
            attempts += 1
            await super(SQLTrackerStoreWithoutRecount, self).save(tracker)

        await with_retries(attempt, is_database_outage, self.store_name)
        setattr(tracker, EVENTS_IN_STORE, len(tracker.events))
