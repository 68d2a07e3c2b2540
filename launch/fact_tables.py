"""The question → fact tables (tests/ranker/*.yml), written by helpers from the knowledge base's
facts in visitors' words, never from data/: which fact an answer leads with, over HTTP.

Read by tests/test_fact_ranking.py (a floor) and scripts/bench.py (the figure in the report).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import yaml

TABLES = Path(__file__).resolve().parent.parent / "tests" / "ranker"
# The first message of a conversation is the assistant's introduction, not the answer.
WELCOME = "je suis l’assistant virtuel d’orientation"


@dataclass(frozen=True)
class FactQuestion:
    text: str
    expect_any: Tuple[str, ...]
    label: str  # the intent or the measure the table gives


def load_table(path: Path) -> List[FactQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [FactQuestion(q["text"], tuple(q["expect_any"]), str(q.get("measure") or q.get("intent") or "")) for q in data["questions"]]


def tables() -> List[Path]:
    return sorted(TABLES.glob("*.yml"))


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    return re.sub(r"\s+", " ", text).lower()


def lead_of(answer: str) -> str:
    """What an answer leads with: its first two lines, what a phone shows first (a lead sentence
    and its first fact, or a fact and its first detail)."""
    return " ".join([line for line in answer.split("\n") if line.strip()][:2])


def leads_with(answer: str, question: FactQuestion) -> bool:
    lead = _plain(lead_of(answer))
    return any(_plain(expected) in lead for expected in question.expect_any)


def answer_text(messages: Sequence[Dict[str, object]]) -> str:
    return "\n".join(str(m["text"]) for m in messages if m.get("text") and WELCOME not in str(m["text"]))


def score(say: Callable[[str, str], Sequence[Dict[str, object]]], questions: Sequence[FactQuestion]) -> Tuple[float, List[str]]:
    """Top-1 fact accuracy, each question the first of its own conversation; and the misses."""
    misses = []
    for question in questions:
        answer = answer_text(say(f"fact-{uuid.uuid4().hex[:12]}", question.text))
        if not leads_with(answer, question):
            misses.append(f"[{question.label}] {question.text!r} → {lead_of(answer)[:160]!r}, expected one of {list(question.expect_any)}")
    return (1 - len(misses) / len(questions)) if questions else 0.0, misses
