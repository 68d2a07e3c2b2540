"""Restarts and outages: the conversation survives Rasa being killed, and the bot
says so when the action server is down instead of going silent (and stores nothing of that message)."""

from __future__ import annotations

import signal
import subprocess
import uuid
from typing import Iterator

import pytest
import requests

from bot.input_guard import UNAVAILABLE_REPLY
from launch.servers import ROOT, VENV_BIN, RasaStack, start_stack, texts


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    """A stack of this module's own, since its servers get killed (SQLite tracker store, as `make run`)."""
    running = start_stack(tmp_path_factory.mktemp("resilience"))
    yield running
    running.stop()


def rasa_process(stack: RasaStack):
    return next(p for p in stack.processes if "run" in p.args and "actions" not in p.args)


def test_conversation_goes_on_after_rasa_is_killed(own_stack: RasaStack) -> None:
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    first = texts(own_stack.say(sender, "Combien coûte la formation continue ?")).replace("\u202f", " ")
    assert "3 000" in first
    events_before = len(own_stack.tracker(sender)["events"])

    # No clean shutdown: the process dies as in a crash.
    process = rasa_process(own_stack)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    own_stack.processes.remove(process)
    own_stack.start_rasa()

    assert len(own_stack.tracker(sender)["events"]) >= events_before
    follow_up = texts(own_stack.say(sender, "et en alternance ?"))
    assert "employeur" in follow_up, follow_up
    # The restarted bot did not greet this visitor again as a newcomer.
    assert "je suis l'assistant virtuel" not in follow_up


def test_action_server_down_then_back(own_stack: RasaStack) -> None:
    sender = f"outage-{uuid.uuid4().hex[:8]}"
    assert "employeur" in texts(own_stack.say(sender, "Combien coûte l'alternance ?"))

    actions = next(p for p in own_stack.processes if "actions" in p.args)
    actions.send_signal(signal.SIGTERM)
    actions.wait(timeout=30)
    own_stack.processes.remove(actions)

    # Refused, as when a store is down: the 503 says the service is unavailable, and nothing is stored.
    during = requests.post(
        f"{own_stack.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "Quelle est la durée de la formation continue ?"},
        timeout=60,
    )
    assert during.status_code == 503 and during.headers.get("Retry-After") == "5"
    assert during.json()["reason"] == UNAVAILABLE_REPLY
    users = [e["text"] for e in own_stack.tracker(sender)["events"] if e["event"] == "user"]
    assert users == ["Combien coûte l'alternance ?"]

    own_stack.start_actions()
    after = texts(own_stack.say(sender, "Quelle est la durée de la formation continue ?"))
    assert "12 mois" in after, after


def test_a_conversation_can_be_forgotten(own_stack: RasaStack) -> None:
    sender = f"forget-{uuid.uuid4().hex[:8]}"
    keep = f"keep-{uuid.uuid4().hex[:8]}"
    own_stack.say(sender, "Combien coûte la formation continue ?")
    own_stack.say(keep, "Combien coûte la formation continue ?")
    env = own_stack.env()
    done = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "scripts" / "forget_conversations.py"), sender],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert not [e for e in own_stack.tracker(sender)["events"] if e["event"] == "user"]
    assert [e for e in own_stack.tracker(keep)["events"] if e["event"] == "user"]
