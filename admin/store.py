"""Reads Rasa's SQL tracker store and keeps the service's marks, on SQLite or PostgreSQL.

The ``events`` table is Rasa's own (one row per event, its JSON in ``data``); it is only
read here. The service's marks (an inbox group's status, a hand-off request handled) live
in one table of the same database, ``admin_marks``, created on first use.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / '.state' / 'conversations.db'}"

MARKS_TABLE = "admin_marks"
# The event types the figures are made of; the rest (featurisation, rejected actions...) is skipped.
READ_TYPES = ("user", "bot", "action", "slot", "active_loop")

_metadata = sa.MetaData()
# Rasa 3.6's SQLTrackerStore schema (rasa/core/tracker_store.py), declared rather than reflected.
EVENTS = sa.Table(
    "events",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
MARKS = sa.Table(
    MARKS_TABLE,
    _metadata,
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("status", sa.String(32), nullable=False),
    # The conversation a mark belongs to (hand-off requests), so that forgetting it forgets the mark.
    sa.Column("sender_id", sa.String(255), nullable=True, index=True),
    sa.Column("updated_at", sa.Float, nullable=False),
)


@dataclass(frozen=True)
class StoredEvent:
    sender_id: str
    type_name: str
    timestamp: float
    # The intent of a user message, the action's name, the slot's name, the loop's name.
    name: Optional[str]
    data: Dict[str, Any] = field(default_factory=dict)


def store_url() -> str:
    return os.environ.get("TRACKER_STORE_URL") or DEFAULT_URL


_engines: Dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine (and its pool) per store for the life of the process."""
    with _engines_lock:
        if url not in _engines:
            _engines[url] = sa.create_engine(url, future=True, pool_pre_ping=True)
        return _engines[url]


def _has_events(connection: sa.engine.Connection) -> bool:
    return bool(sa.inspect(connection).has_table("events"))


def _parsed(type_name: str, raw: Optional[str]) -> Dict[str, Any]:
    # Actions and loops are known by their name column; only these need their JSON.
    if type_name not in ("user", "bot", "slot") or not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def read_events(engine: Engine, start: float, end: float, slots: Sequence[str]) -> Iterator[StoredEvent]:
    """The events between two instants, conversation by conversation, in their order.

    Of the slot events, only those of ``slots``: the others (context, the form's bookkeeping) are many and unused."""
    query = (
        sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.intent_name, EVENTS.c.action_name, EVENTS.c.data)
        .where(EVENTS.c.timestamp >= start, EVENTS.c.timestamp < end, EVENTS.c.type_name.in_(READ_TYPES))
        .where(sa.or_(EVENTS.c.type_name != "slot", EVENTS.c.action_name.in_(list(slots))))
        .order_by(EVENTS.c.sender_id, EVENTS.c.id)
    )
    with engine.connect() as connection:
        if not _has_events(connection):
            return
        for row in connection.execution_options(stream_results=True).execute(query):
            name = row.intent_name if row.type_name == "user" else row.action_name
            yield StoredEvent(row.sender_id, row.type_name, float(row.timestamp or 0.0), name, _parsed(row.type_name, row.data))


def read_slot_events(engine: Engine, slot: str) -> List[StoredEvent]:
    """Every event setting one slot, whatever its date (the hand-off requests still to handle)."""
    query = (
        sa.select(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.data)
        .where(EVENTS.c.type_name == "slot", EVENTS.c.action_name == slot)
        .order_by(EVENTS.c.sender_id, EVENTS.c.id)
    )
    with engine.connect() as connection:
        if not _has_events(connection):
            return []
        return [
            StoredEvent(r.sender_id, "slot", float(r.timestamp or 0.0), slot, _parsed("slot", r.data)) for r in connection.execute(query)
        ]


# --- marks -----------------------------------------------------------------------------------


def ensure_marks_table(engine: Engine) -> None:
    MARKS.create(engine, checkfirst=True)


def read_marks(engine: Engine, kind: str) -> Dict[str, str]:
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(MARKS_TABLE):
            return {}
        rows = connection.execute(sa.select(MARKS.c.key, MARKS.c.status).where(MARKS.c.kind == kind))
        return {r.key: r.status for r in rows}


def set_mark(engine: Engine, kind: str, key: str, status: str, sender_id: Optional[str] = None) -> None:
    """Records a status (update, else insert; a concurrent insert is retried as an update)."""
    ensure_marks_table(engine)
    values = {"status": status, "sender_id": sender_id, "updated_at": time.time()}
    for _ in range(2):
        try:
            with engine.begin() as connection:
                updated = connection.execute(MARKS.update().where(MARKS.c.kind == kind, MARKS.c.key == key).values(**values))
                if not updated.rowcount:
                    connection.execute(MARKS.insert().values(kind=kind, key=key, **values))
            return
        except IntegrityError:
            continue
    raise RuntimeError(f"could not record the mark {kind}/{key}")


def forget_marks(connection: sa.engine.Connection, senders: Sequence[str]) -> int:
    """Deletes the marks tied to these conversations (called by scripts/forget_conversations.py)."""
    if not senders or not sa.inspect(connection).has_table(MARKS_TABLE):
        return 0
    deleted = 0
    senders = list(senders)
    # In chunks: SQLite limits the parameters of one statement.
    for first in range(0, len(senders), 500):
        result = connection.execute(MARKS.delete().where(MARKS.c.sender_id.in_(senders[first : first + 500])))
        deleted += int(result.rowcount or 0)
    return deleted
