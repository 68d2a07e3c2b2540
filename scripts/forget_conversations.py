"""Deletes stored conversations from Rasa's SQL tracker store.

    forget_conversations.py SENDER_ID [SENDER_ID ...]   # one visitor's conversation(s)
    forget_conversations.py --older-than-days 30         # retention: idle conversations

Uses the same TRACKER_STORE_URL as the servers (default: the SQLite file of
`make run`). Rasa reads the store on every turn, so nothing of a deleted
conversation survives in a running server, except a turn in progress. The
dashboard's marks tied to these conversations (a hand-off request handled) and the
state their long conversations are read from (``tracker_windows``) go with them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admin.store import forget_marks  # noqa: E402

DEFAULT_URL = f"sqlite:///{Path(__file__).resolve().parent.parent / '.state' / 'conversations.db'}"


def forget(url: str, senders: list, older_than_days: float = 0) -> int:
    """Deletes the events of the given conversations, or of those idle for that long, and the
    dashboard's marks tied to them; returns the events deleted."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0
        if senders:
            result = connection.execute(
                sa.text("DELETE FROM events WHERE sender_id IN :senders").bindparams(sa.bindparam("senders", expanding=True)),
                {"senders": senders},
            )
        else:
            cutoff = time.time() - older_than_days * 86400
            idle = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
            # Named before they go, for their marks.
            senders = [row[0] for row in connection.execute(sa.text(idle), {"cutoff": cutoff})]
            result = connection.execute(sa.text(f"DELETE FROM events WHERE sender_id IN ({idle})"), {"cutoff": cutoff})
        forget_marks(connection, senders)
        if senders and sa.inspect(connection).has_table("tracker_windows"):
            # The state a long conversation is read from (rasa_overrides/stores/windowed_tracker_store.py).
            connection.execute(
                sa.text("DELETE FROM tracker_windows WHERE sender_id IN :senders").bindparams(sa.bindparam("senders", expanding=True)),
                {"senders": senders},
            )
        return int(result.rowcount or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("senders", nargs="*", help="conversation ids (the REST 'sender' or the widget's session id)")
    parser.add_argument("--older-than-days", type=float, default=0, help="delete conversations idle for this long")
    args = parser.parse_args()
    if bool(args.senders) == bool(args.older_than_days):
        parser.error("give either conversation ids or --older-than-days")
    url = os.environ.get("TRACKER_STORE_URL") or DEFAULT_URL
    deleted = forget(url, args.senders, args.older_than_days)
    print(f"{deleted} event(s) deleted")


if __name__ == "__main__":
    sys.exit(main())
