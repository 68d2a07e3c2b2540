"""Starts the real action server, Rasa server and web page on free loopback ports, for the tests and the benchmark."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "assistant.tar.gz"
START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """Stops one process we started, by its PID."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def store_env(state_dir: Path) -> Dict[str, str]:
    """What endpoints.yml reads: the embedded default (SQLite file, in-memory lock)."""
    return {
        "TRACKER_STORE_URL": f"sqlite:///{state_dir / 'conversations.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "1",
    }


@dataclass
class RasaStack:
    rasa_port: int
    actions_port: int
    token: str
    log_dir: Path
    web_port: int = 0
    # Overrides of the environment (production stores, SANIC_WORKERS...).
    extra_env: Dict[str, str] = field(default_factory=dict)
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def web_origins(self) -> List[str]:
        return [f"http://127.0.0.1:{self.web_port}", f"http://localhost:{self.web_port}"]

    def env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(ROOT),
            ACTIONS_URL=f"http://127.0.0.1:{self.actions_port}/webhook",
            SANIC_HOST="127.0.0.1",
            TF_CPP_MIN_LOG_LEVEL="2",
            WEB_ORIGINS=",".join(self.web_origins),
        )
        env.update(store_env(self.log_dir))
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, args: List[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")
        process = subprocess.Popen(args, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start_actions(self) -> subprocess.Popen:
        process = self._spawn(
            "actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.actions_port)]
        )
        wait_until_up(f"http://127.0.0.1:{self.actions_port}/health", process)
        return process

    def start_rasa(self, model: Path = MODEL, port: Optional[int] = None, name: str = "rasa", wait: bool = True) -> subprocess.Popen:
        """Starts Rasa (on self.rasa_port, or another port for a second process on the same stores)."""
        port = port or self.rasa_port
        process = self._spawn(
            name,
            [
                str(VENV_BIN / "python"),
                "-m",
                "rasa_overrides.serving",
                "run",
                "--model",
                str(model),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
                "--enable-api",
                f"--auth-token={self.token}",
                "--cors",
                *self.web_origins,
            ],
        )
        if wait:
            self.wait_for_rasa(process, port)
        return process

    def wait_for_rasa(self, process: subprocess.Popen, port: Optional[int] = None) -> None:
        wait_until_up(f"http://127.0.0.1:{port or self.rasa_port}/status?token={self.token}", process)

    def start_web(self) -> subprocess.Popen:
        self.web_port = self.web_port or free_port()
        process = self._spawn(
            "web",
            [
                str(VENV_BIN / "python"),
                str(ROOT / "scripts" / "serve_web.py"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.web_port),
                "--rasa-port",
                str(self.rasa_port),
            ],
        )
        wait_until_up(f"{self.web_url}/", process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop(process)
        self.processes.clear()

    # --- HTTP helpers ------------------------------------------------------------------
    def say(self, sender: str, message: Any, port: Optional[int] = None) -> List[Dict[str, Any]]:
        response = requests.post(
            f"http://127.0.0.1:{port or self.rasa_port}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> Dict[str, Any]:
        response = requests.post(f"{self.url}/model/parse", params={"token": self.token}, json={"text": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, port: Optional[int] = None) -> Dict[str, Any]:
        response = requests.get(
            f"http://127.0.0.1:{port or self.rasa_port}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()


def start_stack(log_dir: Path, with_actions: bool = True, with_web: bool = False, extra_env: Optional[Dict[str, str]] = None) -> RasaStack:
    stack = RasaStack(free_port(), free_port(), secrets.token_urlsafe(16), log_dir, web_port=free_port(), extra_env=dict(extra_env or {}))
    try:
        if with_actions:
            stack.start_actions()
        stack.start_rasa()
        if with_web:
            stack.start_web()
    except Exception:
        stack.stop()
        raise
    return stack


def texts(messages: List[Dict[str, Any]]) -> str:
    """All the text of a reply, joined, for assertions."""
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))
