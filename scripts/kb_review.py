"""Lists the facts of the knowledge base whose `review_by` date has passed.

    python scripts/kb_review.py [--today YYYY-MM-DD] [--warn-only]

Exits 1 when some are due (`make kb-review`), so that the careers service knows
what to check again against its sources; with --warn-only (what `make test`
runs) it prints the same list and exits 0: the calendar alone must not break CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.knowledge import KNOWLEDGE_DIR, due_for_review, load_knowledge_base  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--warn-only", action="store_true", help="print the list, exit 0")
    parser.add_argument("--knowledge", type=Path, default=KNOWLEDGE_DIR)
    args = parser.parse_args()
    due = due_for_review(load_knowledge_base(args.knowledge), args.today)
    if not due:
        print(f"Base de connaissances : aucun fait à revérifier au {args.today:%d/%m/%Y}.")
        return 0
    label = "AVERTISSEMENT" if args.warn_only else "À REVÉRIFIER"
    print(f"{label} : {len(due)} fait(s) de la base de connaissances à revérifier au {args.today:%d/%m/%Y} :")
    for fact in due:
        print(f"- {fact.origin} (à revoir avant le {fact.review_by:%d/%m/%Y}) : {fact.text}")
    return 0 if args.warn_only else 1


if __name__ == "__main__":
    sys.exit(main())
