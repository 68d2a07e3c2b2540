"""The held-out NLU set (tests/nlu/heldout.yml, never trained on), read by the tests and the benchmark."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import List, Tuple

import yaml

HELDOUT = Path(__file__).resolve().parent.parent / "tests" / "nlu" / "heldout.yml"
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\]\{(?P<json>[^}]+)\}|\[(?P<text2>[^\]]+)\]\((?P<entity>[^)]+)\)")


def parse_example(line: str) -> Tuple[str, List[Tuple[str, str]]]:
    entities: List[Tuple[str, str]] = []

    def replace(match: re.Match) -> str:
        if match.group("json"):
            spec = json.loads("{" + match.group("json") + "}")
            entities.append((spec["entity"], spec.get("value", match.group("text"))))
            return match.group("text")
        entities.append((match.group("entity"), match.group("text2")))
        return match.group("text2")

    return ANNOTATION.sub(replace, line), entities


def load_heldout() -> List[Tuple[str, str, List[Tuple[str, str]]]]:
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    examples = []
    for block in data["nlu"]:
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                text, entities = parse_example(line[2:])
                examples.append((block["intent"], text, entities))
    return examples


FRESH_DIR = HELDOUT.parent
FRESH_GLOB = "fresh_*.yml"  # fresh_YYYY-MM-DD.yml: one set a stop, written by someone who never read data/


def fresh_sets() -> List[Tuple[str, List[dict]]]:
    """The fresh held-out sets, newest first: (file name, messages with text, intent and category).
    Each was scored untouched once, its errors grouped by kind and fixed by kind; it then stays
    here as a validation set, scored on its own so that a later set's figure is never blended in."""
    sets = []
    for path in sorted(FRESH_DIR.glob(FRESH_GLOB), reverse=True):
        messages = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
        sets.append((path.name, messages))
    return sets
