"""The answer leads with the fact asked about, in any words: the question → fact tables of
tests/ranker/, written from the knowledge base by helpers who never read data/, asked over HTTP
of the real servers, each question the first of its own conversation."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from launch.fact_tables import load_table, score, tables
from launch.servers import RasaStack

# What the ranker reaches today (2026-12-06, measured over HTTP: 0.879, 0.640 and, on the table
# written that day, 0.615, 0.579 untouched), less a margin for the NLU's retraining: a fall below
# is a regression. Issue 21 asks for TARGET on every table.
FLOORS = {"measures": 0.86, "facts": 0.62, "facts_2026-12-06": 0.59}
TARGET = 0.9


@pytest.fixture(scope="module")
def top1(stack: RasaStack) -> Dict[str, Tuple[float, List[str]]]:
    return {path.stem: score(stack.say, load_table(path)) for path in tables()}


@pytest.mark.parametrize("path", tables(), ids=lambda p: p.stem)
def test_the_answer_leads_with_the_fact_asked(top1: Dict[str, Tuple[float, List[str]]], path: Path) -> None:
    assert len(load_table(path)) >= 150
    accuracy, misses = top1[path.stem]
    print(f"{path.name}: top-1 {accuracy:.3f}")
    print("\n".join(misses))
    assert accuracy >= FLOORS[path.stem], f"top-1 {accuracy:.3f} < {FLOORS[path.stem]}:\n" + "\n".join(misses)


@pytest.mark.xfail(strict=True, reason="issue 21: top-1 fact accuracy of 0.9 on every table, not reached yet")
def test_the_issues_target_on_every_table(top1: Dict[str, Tuple[float, List[str]]]) -> None:
    assert all(accuracy >= TARGET for accuracy, _ in top1.values()), {name: round(a, 3) for name, (a, _) in top1.items()}
