"""The trained model on the held-out test set, which is never trained on.

Fails under 0.90 intent accuracy or 0.85 entity recall (entity type and canonical value).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import List, Tuple

import yaml

from tests.servers import RasaStack

HELDOUT = Path(__file__).parent / "nlu" / "heldout.yml"
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\]\{(?P<json>[^}]+)\}|\[(?P<text2>[^\]]+)\]\((?P<entity>[^)]+)\)")


def parse_example(line: str) -> Tuple[str, List[Tuple[str, str]]]:
    import json

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


def test_heldout_intent_accuracy_and_entity_recall(stack: RasaStack) -> None:
    examples = load_heldout()
    assert len(examples) >= 500
    correct, expected_entities, found_entities = 0, 0, 0
    confusions: Counter = Counter()
    missed: List[str] = []
    for intent, text, entities in examples:
        parsed = stack.parse(text)
        predicted = parsed["intent"]["name"]
        if predicted == intent:
            correct += 1
        else:
            confusions[(intent, predicted)] += 1
        got = {(e["entity"], str(e["value"])) for e in parsed["entities"]}
        for entity in entities:
            expected_entities += 1
            if entity in got:
                found_entities += 1
            else:
                missed.append(f"{text!r}: {entity} not in {sorted(got)}")
    accuracy = correct / len(examples)
    recall = found_entities / max(expected_entities, 1)
    report = f"intent accuracy {accuracy:.3f} on {len(examples)}, entity recall {recall:.3f} on {expected_entities}"
    print(report)
    print("most frequent confusions:", confusions.most_common(15))
    print("missed entities:", *missed[:20], sep="\n  ")
    assert accuracy >= 0.90, report
    assert recall >= 0.85, report
