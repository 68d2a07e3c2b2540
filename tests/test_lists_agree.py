"""Every list that Rasa's files and the Python core both need has one home; where Rasa's YAML must
repeat it, this test proves the copies agree (intents, slots, value ids)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterator, List

import yaml

from actions.interview import INTERVIEW_STATE
from bot.answers import ANSWERED_INTENTS, KNOWLEDGE_INTENTS
from bot.interview import ASKED_SLOTS, PROFILE_SLOTS
from bot.knowledge import KnowledgeBase
from bot.recommender import Profile

ROOT = Path(__file__).resolve().parent.parent


def not_answers(domain: dict) -> list:
    """The not_intent of the age slot's from_text mapping: every answer slot must list the same."""
    for mapping in domain["slots"]["age"]["mappings"]:
        if mapping.get("type") == "from_text":
            return list(mapping.get("not_intent", []))
    return []


def load(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def or_blocks(steps: list) -> Iterator[List[str]]:
    for step in steps:
        if "or" in step:
            yield [s["intent"] for s in step["or"] if "intent" in s]


def test_knowledge_intents_agree_everywhere(domain: dict) -> None:
    assert set(KNOWLEDGE_INTENTS) <= set(domain["intents"])
    rule_lists = [block for rule in load("data/rules/knowledge.yml")["rules"] for block in or_blocks(rule["steps"])]
    story_lists = [
        block
        for path in sorted((ROOT / "data" / "stories").glob("*.yml"))
        for story in load(str(path.relative_to(ROOT))).get("stories", [])
        for block in or_blocks(story["steps"])
    ]
    knowledge_lists = [b for b in rule_lists + story_lists if set(b) & set(KNOWLEDGE_INTENTS)]
    assert knowledge_lists, "no or: list of knowledge intents found"
    for block in knowledge_lists:
        # A question (the knowledge intents), or a question or follow-up (the intents the action answers).
        assert sorted(block) in (sorted(KNOWLEDGE_INTENTS), sorted(ANSWERED_INTENTS)), block
    assert set(ANSWERED_INTENTS) <= set(not_answers(domain))


def test_profile_slots_agree_everywhere(domain: dict) -> None:
    assert tuple(domain["forms"]["orientation_form"]["required_slots"]) == ASKED_SLOTS
    assert set(PROFILE_SLOTS) | set(INTERVIEW_STATE) <= set(domain["slots"])
    assert [f.name for f in dataclasses.fields(Profile)] == list(PROFILE_SLOTS)
    for slot in ASKED_SLOTS:
        assert f"action_ask_{slot}" in domain["actions"], slot
        mappings = domain["slots"][slot]["mappings"]
        assert any(m.get("type") == "custom" for m in mappings), f"{slot}: extract_{slot} needs a custom mapping"
        for mapping in mappings:
            if mapping.get("type") == "from_text":
                assert mapping["not_intent"] == not_answers(domain), f"{slot}: its not_intent list differs"


def test_value_ids_have_one_home(kb: KnowledgeBase, domain: dict) -> None:
    contract = {e if isinstance(e, str) else next(iter(e)) for e in domain["entities"]}
    assert {"situation", "financing", "formation_type"} <= contract
    assert set(kb.profile.situations) and set(kb.profile.diplomas) and set(kb.profile.interests)
    # The financing entity's values are the schemes of the knowledge base.
    synonyms = {block["synonym"] for block in load("data/nlu/synonyms.yml")["nlu"] if "synonym" in block}
    schemes = {"cpf", "employer", "region", "france_travail", "transitions_pro"}
    assert schemes <= set(kb.financing) and schemes <= synonyms
