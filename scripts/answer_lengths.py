"""Writes docs/answer-lengths.md: the length of every answer the knowledge base composes.

    python scripts/answer_lengths.py [--today YYYY-MM-DD]

Each topic, facet, route, scheme and term, as the visitor reads it (French
typography applied), longest first. A report, not a test: tests/test_answers.py
fails on any bubble over the cap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers import MAX_ANSWER_CHARS, TARGET_CHARS, every_answer  # noqa: E402
from bot.knowledge import load_knowledge_base  # noqa: E402
from bot.typography import french  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "answer-lengths.md")
    args = parser.parse_args()
    rows = [(name, len(french(reply.text)), reply.text.count("\n• ")) for name, reply in every_answer(load_knowledge_base(), args.today)]
    lengths = [length for _, length, _ in rows]
    lines = [
        "# Length of every composed answer",
        "",
        f"Written by `make answers-report` on {args.today.isoformat()}. {len(rows)} answers: median "
        f"{statistics.median(lengths):.0f} characters, longest {max(lengths)}; "
        f"{sum(1 for n in lengths if n > TARGET_CHARS)} over {TARGET_CHARS}, "
        f"{sum(1 for n in lengths if n > MAX_ANSWER_CHARS)} over the {MAX_ANSWER_CHARS}-character cap.",
        "",
        "| answer | characters | bullets |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {length} | {bullets} |" for name, length, bullets in sorted(rows, key=lambda r: -r[1])]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out.relative_to(ROOT)}: {len(rows)} answers, median {statistics.median(lengths):.0f}, longest {max(lengths)}")


if __name__ == "__main__":
    main()
