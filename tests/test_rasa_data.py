"""Rasa's own checks: training data validation and test stories on the trained model."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.servers import MODEL, ROOT, VENV_BIN


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "rasa"), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "ACTIONS_URL": "http://127.0.0.1:9/webhook"},
    )


def test_data_validates_without_warnings() -> None:
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_stories_pass(tmp_path: Path) -> None:
    """rasa test core: the trained model reads each user message and predicts every action of the stories."""
    result = rasa(
        "test", "core", "--model", str(MODEL), "--stories", "tests/test_stories.yml",
        "--out", str(tmp_path / "results"), "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
