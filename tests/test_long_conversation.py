"""A conversation of several hundred turns, answered through the windowed tracker store
(rasa_overrides/stores/windowed_tracker_store.py, cut every few turns here), gets exactly the
answers that Rasa's stock reads of the whole session give: same texts, same payloads, same
ratings accepted or refused, same slots at the end.

The visitor's messages are the held-out conversations' (tests/conversations/), one after the
other in a single conversation, with ratings of earlier answers and a hand-off at the end."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import yaml

from launch.servers import RasaStack, free_port, new_token

CONVERSATION_FILES = sorted((Path(__file__).parent / "conversations").glob("heldout*.yml"))
WINDOW_TURNS = 4  # the smallest window the store accepts: a cut every few turns


def visitor_messages() -> List[str]:
    messages: List[str] = []
    for path in CONVERSATION_FILES:
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            messages.extend(str(turn["user"]) for turn in conversation["turns"])
    return messages


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[RasaStack, RasaStack]]:
    """One action server; a Rasa server reading through the window, another reading whole sessions."""
    windowed = RasaStack(free_port(), free_port(), new_token(), tmp_path_factory.mktemp("windowed"))
    windowed.extra_env["TRACKER_WINDOW_TURNS"] = str(WINDOW_TURNS)
    whole = RasaStack(free_port(), windowed.actions_port, windowed.token, tmp_path_factory.mktemp("whole"))
    whole.extra_env["TRACKER_WINDOW_TURNS"] = "0"
    try:
        windowed.start_actions()
        windowed.start_rasa(wait=False)
        whole.start_rasa()
        windowed.wait_for_rasa(windowed.processes[-1])
        yield windowed, whole
    finally:
        whole.stop()
        windowed.stop()


class Visit:
    """One server's side of the conversation: its answers, and the ids of its rateable answers."""

    def __init__(self, stack: RasaStack, sender: str) -> None:
        self.stack, self.sender = stack, sender
        self.answer_ids: List[str] = []
        self.seconds: List[float] = []

    def say(self, message: str) -> List[Dict[str, Any]]:
        started = time.perf_counter()
        replies = self.stack.say(self.sender, message)
        self.seconds.append(time.perf_counter() - started)
        for reply in replies:
            marker = (reply.get("custom") or {}).get("feedback")
            if isinstance(marker, dict):
                self.answer_ids.append(str(marker["answer_id"]))
        return replies

    def rate(self, answers_back: int, rating: str) -> Optional[List[Dict[str, Any]]]:
        if len(self.answer_ids) < answers_back:
            return None
        payload = {"feedback_answer": self.answer_ids[-answers_back], "feedback_rating": rating}
        if rating == "down":
            payload["feedback_reason"] = "incomplete"
        return self.say("/give_feedback" + json.dumps(payload))


def without_ids(value: Any, ids: List[str]) -> Any:
    """A reply or slot with this server's answer ids (random) replaced by their rank."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for rank, answer_id in enumerate(ids):
        text = text.replace(answer_id, f"answer-{rank}")
    return json.loads(text)


def test_hundreds_of_turns_answered_as_from_the_whole_session(two_servers: Tuple[RasaStack, RasaStack]) -> None:
    windowed, whole = two_servers
    sender = f"long-{uuid.uuid4().hex[:10]}"
    visits = Visit(windowed, sender), Visit(whole, sender)
    script: List[Tuple[str, Any]] = []
    for number, message in enumerate(visitor_messages(), start=1):
        script.append(("say", message))
        if number % 7 == 0:
            # An answer some turns back, sometimes rated again (refused: one rating per answer).
            script.append(("rate", (1 + number % 23, "up" if number % 2 else "down")))
    script += [("say", "je voudrais parler à un conseiller"), ("say", "oui"), ("say", "camille.martin@example.org")]
    assert len([step for step in script if step[0] == "say"]) > 300

    differences: List[str] = []
    replies: List[Any] = []
    for step, argument in script:
        replies = [visit.say(argument) if step == "say" else visit.rate(*argument) for visit in visits]
        seen = [without_ids(reply, visit.answer_ids) for reply, visit in zip(replies, visits, strict=True)]
        if seen[0] != seen[1]:
            differences.append(f"{step} {argument!r}:\n  windowed {seen[0]}\n  whole    {seen[1]}")
    assert not differences, "\n".join(differences[:5])

    final = [without_ids(visit.stack.tracker(sender)["slots"], visit.answer_ids) for visit in visits]
    for slots in final:
        slots.pop("handoff_request", None)  # its id and time are the server's own
    assert final[0] == final[1]
    # What the adviser receives: the same recap, recommendation and last questions.
    requests = [visit.stack.tracker(sender)["slots"].get("handoff_request") or {} for visit in visits]
    passed_on = [{key: request.get(key) for key in ("recap", "recommendation", "last_questions")} for request in requests]
    assert passed_on[0] == passed_on[1]
    assert passed_on[0]["last_questions"], replies[0]

    # The windowed server read its last turns from a cut, not from the whole session.
    database = sqlite3.connect(windowed.log_dir / "conversations.db")
    (after_event_id, prefix), *_ = database.execute("SELECT after_event_id, prefix FROM tracker_windows WHERE sender_id = ?", (sender,))
    (read_after_cut,) = database.execute("SELECT count(*) FROM events WHERE sender_id = ? AND id > ?", (sender, after_event_id)).fetchone()
    (stored,) = database.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()
    assert len(json.loads(prefix)) + read_after_cut < stored / 4
