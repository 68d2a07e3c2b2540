"""Starts the real action server, Rasa server and web page: on free loopback ports for the tests and the
benchmark, on the configured ports for `make run` (``python -m launch``, launch/__main__.py)."""

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
# How long a server has to stop after TERM before it is killed.
STOP_GRACE = 20


def new_token() -> str:
    """A token for Rasa's HTTP API. It may start with "-": the command line passes it as --auth-token=VALUE."""
    return secrets.token_urlsafe(24)


def actions_url(actions_port: int) -> str:
    """Where Rasa calls the action server (endpoints.yml's ACTIONS_URL)."""
    return f"http://127.0.0.1:{actions_port}/webhook"


def default_web_origins(web_port: int) -> List[str]:
    """The origins browsers may call Rasa from (CORS and the socket.io origin check): the web page's own."""
    return [f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}"]


def reachable_host(bind: str) -> str:
    """The host to reach a server listening on ``bind`` from this machine, for URLs."""
    if bind in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{bind}]" if ":" in bind else bind


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
            process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _signal_group(pgid: int, signum: int) -> bool:
    """Whether the group still existed."""
    try:
        os.killpg(pgid, signum)
        return True
    except ProcessLookupError:
        return False


def stop_groups(processes: List[subprocess.Popen], grace: float = STOP_GRACE) -> None:
    """Stops processes we started as group leaders (start_new_session) with every process of their groups,
    such as the Sanic workers they forked: TERM to all at once, KILL to what is left after ``grace`` s."""
    groups = [process.pid for process in processes if _signal_group(process.pid, signal.SIGTERM)]
    deadline = time.monotonic() + grace
    while groups and time.monotonic() < deadline:
        time.sleep(0.2)
        for process in processes:
            process.poll()  # reaps a leader that has exited: its zombie would keep the group alive
        # A group seen gone is never signalled again: its number could be reused.
        groups = [pgid for pgid in groups if _signal_group(pgid, 0)]
    for pgid in groups:
        _signal_group(pgid, signal.SIGKILL)
    for process in processes:
        process.wait()


def store_env(state_dir: Path) -> Dict[str, str]:
    """What endpoints.yml reads: the embedded default (SQLite file, in-memory lock)."""
    return {
        "TRACKER_STORE_URL": f"sqlite:///{state_dir / 'conversations.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "1",
    }


def production_store_env(postgres_url: str, redis_port: int) -> Dict[str, str]:
    """What endpoints.yml reads for the production profile: PostgreSQL and Redis on loopback."""
    return {
        "TRACKER_STORE_URL": postgres_url,
        "LOCK_STORE_TYPE": "redis",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": str(redis_port),
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
    # Where Rasa and the web page listen; the action server is for Rasa only and stays on loopback.
    bind: str = "127.0.0.1"
    # None: default_web_origins(web_port), computed late since start_web may pick the port.
    origins: Optional[List[str]] = None
    # `make run`: logs go to the terminal instead of log_dir (which then only holds the SQLite store), and
    # each server leads its own process group, so that stopping it also stops the Sanic workers it forked.
    foreground: bool = False
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{reachable_host(self.bind)}:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{reachable_host(self.bind)}:{self.web_port}"

    @property
    def actions_health_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}/health"

    @property
    def web_origins(self) -> List[str]:
        return self.origins if self.origins is not None else default_web_origins(self.web_port)

    def env(self) -> Dict[str, str]:
        env = dict(os.environ)
        # TensorFlow is chatty; an explicit setting wins.
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.update(
            PYTHONPATH=str(ROOT),
            ACTIONS_URL=actions_url(self.actions_port),
            SANIC_HOST="127.0.0.1",  # read by the action server only
            WEB_ORIGINS=",".join(self.web_origins),
        )
        env.update(store_env(self.log_dir))
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, args: List[str]) -> subprocess.Popen:
        if self.foreground:
            process = subprocess.Popen(args, cwd=ROOT, env=self.env(), start_new_session=True)
        else:
            with open(self.log_dir / f"{name}.log", "wb") as log:
                process = subprocess.Popen(args, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start_actions(self, wait: bool = True) -> subprocess.Popen:
        process = self._spawn(
            "actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.actions_port)]
        )
        if wait:
            self.wait_for_actions(process)
        return process

    def wait_for_actions(self, process: subprocess.Popen) -> None:
        wait_until_up(self.actions_health_url, process)

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
                self.bind,
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
        wait_until_up(f"http://{reachable_host(self.bind)}:{port or self.rasa_port}/status?token={self.token}", process)

    def start_web(self, wait: bool = True) -> subprocess.Popen:
        self.web_port = self.web_port or free_port()
        process = self._spawn(
            "web",
            [
                str(VENV_BIN / "python"),
                str(ROOT / "scripts" / "serve_web.py"),
                "--host",
                self.bind,
                "--port",
                str(self.web_port),
                "--rasa-port",
                str(self.rasa_port),
            ],
        )
        if wait:
            self.wait_for_web(process)
        return process

    def wait_for_web(self, process: subprocess.Popen) -> None:
        wait_until_up(f"{self.web_url}/", process)

    def stop(self) -> None:
        if self.foreground:
            stop_groups(self.processes)
        else:
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
    stack = RasaStack(free_port(), free_port(), new_token(), log_dir, web_port=free_port(), extra_env=dict(extra_env or {}))
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
