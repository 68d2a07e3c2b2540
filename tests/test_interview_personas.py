"""The guided interview as new visitors go through it, over HTTP against the real servers.

tests/interview/personas.yml was written from the sources and the NLU contract by a writer who
read neither bot/parsing.py nor data/: each profile (the truth about a person) in several voices,
each question answered as that person types, twice (the second phrasing for when the same
question comes again), with corrections midway. Every persona must reach the route that the rule
table (bot/recommender.RULES) gives for its true profile, and no conversation may repeat a reply
three times in a row.

Then a generated walk: conversations whose every message is drawn at random (seeded) from the
table's answers and from the shapes of what else visitors send in the middle of an interview
(questions, pleasantries, words that mean nothing, indifference, corrections, the same message
again). Each must reach a recommendation, and no bot reply may come three times in a row.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml

from bot.interview import NOTHING_YET
from bot.knowledge import KnowledgeBase
from bot.parsing import NO_LIMIT
from bot.recommender import Profile, recommend
from launch.servers import RasaStack

TABLE = yaml.safe_load((Path(__file__).parent / "interview" / "personas.yml").read_text(encoding="utf-8"))["personas"]
# Enough for a whole interview with its corrections, clarifications and retries.
MAX_TURNS = 30
ADULT_AGE = 18


def pending_question(stack: RasaStack, sender: str) -> Optional[str]:
    tracker = stack.tracker(sender)
    return tracker["slots"].get("requested_slot") if (tracker.get("active_loop") or {}).get("name") else None


def card_of(messages: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    return next(
        (m["custom"] for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "pathway_recommendation"), None
    )


def reply_of(messages: List[Dict[str, Any]]) -> str:
    return " | ".join(m.get("text") or "" for m in messages)


def repeats_three_times(items: List[str]) -> Optional[str]:
    """The first item that comes three times in a row, if any."""
    return next((items[i] for i in range(len(items) - 2) if items[i] and items[i] == items[i + 1] == items[i + 2]), None)


@dataclass
class Conversation:
    """A conversation over REST: every reply kept, the bot messages one by one."""

    stack: RasaStack
    sender: str = field(default_factory=lambda: f"test-persona-{uuid.uuid4().hex[:12]}")
    replies: List[str] = field(default_factory=list)
    messages: List[str] = field(default_factory=list)
    card: Optional[Dict[str, Any]] = None
    log: List[str] = field(default_factory=list)

    def start(self, opening: str) -> None:
        """The opening; if it starts no interview, the visitor takes the offer of one (its button, or in words)."""
        received = self.say(opening)
        if not self.card and pending_question(self.stack, self.sender) is None:
            offer = next(
                (b["payload"] for m in received for b in m.get("buttons", []) if b["payload"].startswith("/request_pathway")), None
            )
            self.say(offer or "pouvez-vous me conseiller un parcours ?")

    def say(self, text: str) -> List[Dict[str, Any]]:
        received = self.stack.say(self.sender, text)
        self.replies.append(reply_of(received))
        self.messages += [m.get("text") or "" for m in received]
        self.card = self.card or card_of(received)
        self.log += [f"> {text}", f"< {self.replies[-1][:160]}"]
        return received

    def assert_progress(self) -> None:
        assert repeats_three_times(self.replies) is None, "\n".join(self.log)
        assert repeats_three_times(self.messages) is None, "\n".join(self.log)


def true_slots(profile: Dict[str, Any]) -> Dict[str, Any]:
    """The writer's profile as the interview's slots."""
    age = profile["age"]
    minor = profile["situation"] == "etudiant" or (isinstance(age, int) and age < ADULT_AGE)
    years = profile.get("experience_years")
    background = {"health_diploma": profile.get("health_diploma"), "experience_years": float(years) if years else None}
    if minor and background == NOTHING_YET:
        background = dict(NOTHING_YET)
    elif background["experience_years"] is None:
        background["experience_years"] = 0.0
    interest = profile["interest"]
    if isinstance(interest, list) and len(interest) == 1:
        interest = interest[0]
    duration = profile["max_duration_months"]
    return dict(
        situation=profile["situation"],
        age=age,
        diploma=profile["diploma"],
        background=background,
        budget_eur=profile["budget_eur"],
        max_duration_months=NO_LIMIT if duration == "no_limit" else duration,
        must_be_paid=profile["must_be_paid"],
        financing=profile["financing"],
        interest=interest,
        wants_alternance=profile.get("wants_alternance"),
    )


def answers_for(variant: Dict[str, Any], slot: str) -> List[str]:
    answers = variant["answers"]
    if slot == "background":
        return answers.get("health_diploma") or answers.get("experience") or ["non", "non, rien de tout ça"]
    return answers.get(slot) or ["je ne sais pas"]


PERSONAS = [pytest.param(p, i) for p in TABLE for i in range(len(p["variants"]))]


def test_the_table_covers_the_people_the_interview_meets() -> None:
    assert len(PERSONAS) >= 100
    profiles = [p["profile"] for p in TABLE]
    assert {"etudiant", "reconversion", "salarie"} <= {p["situation"] for p in profiles}
    assert sum(1 for p in profiles if p.get("health_diploma")) >= 3
    assert sum(1 for p in profiles if p.get("experience_years") and not p.get("health_diploma")) >= 3
    assert sum(1 for p in profiles if isinstance(p["financing"], list) and "employer" in p["financing"]) >= 3
    assert sum(1 for p in TABLE for v in p["variants"] if v.get("corrections")) >= 5


@pytest.mark.parametrize("persona, variant", PERSONAS, ids=[f"{p.values[0]['id']}-{p.values[1]}" for p in PERSONAS])
def test_persona_reaches_the_route_of_the_rule_table(stack: RasaStack, kb: KnowledgeBase, persona: Dict[str, Any], variant: int) -> None:
    expected = recommend(Profile.from_slots(true_slots(persona["profile"])), kb)[0].id
    voice = persona["variants"][variant]
    conversation = Conversation(stack)
    conversation.start(voice["opening"])
    asked: Counter = Counter()
    corrections = list(voice.get("corrections") or [])
    for _ in range(MAX_TURNS):
        slot = None if conversation.card else pending_question(stack, conversation.sender)
        if slot is None:
            break
        options = answers_for(voice, slot)
        conversation.say(options[min(asked[slot], len(options) - 1)])
        asked[slot] += 1
        for correction in [c for c in corrections if c.get("after") == slot]:
            corrections.remove(correction)
            if not conversation.card:
                conversation.say(correction["say"])
    log = "\n".join(conversation.log)
    assert conversation.card, f"no recommendation:\n{log}"
    conversation.assert_progress()
    assert conversation.card["top"]["id"] == expected, f"{persona['who']}: {conversation.card['profile']}\n{log}"


# --- the generated walk -------------------------------------------------------------------------

# What else visitors send while a question is pending, besides an answer.
ELSEWHERE = [
    "merci",
    "ok",
    "bonjour",
    "hein ?",
    "qsdfgh",
    "patate",
    "c'est quoi le CPF ?",
    "combien gagne un assistant médical ?",
    "et en alternance ?",
    "égal",
    "peu importe",
    "aucune idée",
    "bof",
    "comme vous voulez",
    "je verrai",
    "en fait j'ai 2000 € de budget",
    "pardon, plutôt 18 mois",
    "👍",
]
# Thousands of answers in all (about twelve a conversation), as the issue asks of the proof.
WALKS = 250
SEED = 20261205


def test_a_generated_walk_always_progresses(stack: RasaStack) -> None:
    rng = random.Random(SEED)
    by_slot: Dict[str, List[str]] = {}
    for persona in TABLE:
        for voice in persona["variants"]:
            for slot, options in voice["answers"].items():
                by_slot.setdefault("background" if slot in ("health_diploma", "experience") else slot, []).extend(options)
    openings = [voice["opening"] for persona in TABLE for voice in persona["variants"]]
    sent = 0
    for _ in range(WALKS):
        conversation = Conversation(stack)
        conversation.start(rng.choice(openings + ["conseillez-moi une formation"]))
        previous = ""
        for _ in range(MAX_TURNS * 2):
            slot = None if conversation.card else pending_question(stack, conversation.sender)
            if slot is None:
                break
            draw = rng.random()
            if draw < 0.15 and previous:
                text = previous  # the same message again
            elif draw < 0.45:
                text = rng.choice(ELSEWHERE)
            else:
                text = rng.choice(by_slot.get(slot) or ["je ne sais pas"])
            conversation.say(text)
            previous = text
        sent += len(conversation.replies)
        assert conversation.card, "no recommendation:\n" + "\n".join(conversation.log)
        conversation.assert_progress()
    assert sent >= 2000, f"only {sent} answers drawn"
