"""Rasa's own checks: training data validation and test stories on the trained model."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from launch.servers import MODEL, ROOT, VENV_BIN, store_env


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as state_dir:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_URL": "http://127.0.0.1:9/webhook"}
        env.update(store_env(Path(state_dir)))
        return subprocess.run([str(VENV_BIN / "rasa"), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def test_data_validates_without_a_warning() -> None:
    """rasa data validate --fail-on-warnings: every intent, response, slot and story step is used and consistent."""
    result = rasa("data", "validate", "--fail-on-warnings")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    assert not warnings, "\n".join(warnings)


def test_stories_pass(tmp_path: Path) -> None:
    """rasa test core: the trained model reads each user message and predicts every action of the stories."""
    result = rasa(
        "test",
        "core",
        "--model",
        str(MODEL),
        "--stories",
        "tests/test_stories.yml",
        "--out",
        str(tmp_path / "results"),
        "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
