"""Rasa's own checks: training data validation and test stories on the trained model."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import yaml

from tests.servers import MODEL, ROOT, VENV_BIN, store_env


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as state_dir:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_URL": "http://127.0.0.1:9/webhook"}
        env.update(store_env(Path(state_dir)))
        return subprocess.run(
            [str(VENV_BIN / "rasa"), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
        )


def explained(warning: str, action_sources: str, form_slots: list) -> bool:
    """Responses sent by custom actions or by the form are invisible to the validator: that warning is expected."""
    match = re.search(r"The utterance '(utter_\w+)' is not used in any story or rule", warning)
    if not match:
        return False
    name = match.group(1)
    by_form = any(name in (f"utter_ask_{slot}", f"utter_hint_{slot}") for slot in form_slots)
    by_default_fallback = name == "utter_default"  # Rasa's action_default_fallback sends it
    return by_form or by_default_fallback or f'"{name}"' in action_sources


def test_data_validates_with_only_explained_warnings() -> None:
    result = rasa("data", "validate")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    form_slots = [s for form in domain["forms"].values() for s in form["required_slots"]]
    action_sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unexplained = [w for w in warnings if not explained(w, action_sources, form_slots)]
    assert not unexplained, "\n".join(unexplained)


def test_stories_pass(tmp_path: Path) -> None:
    """rasa test core: the trained model reads each user message and predicts every action of the stories."""
    result = rasa(
        "test", "core", "--model", str(MODEL), "--stories", "tests/test_stories.yml",
        "--out", str(tmp_path / "results"), "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
