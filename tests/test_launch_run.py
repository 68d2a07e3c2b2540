"""``python -m launch`` (what `make run` starts): all three servers answer on the ports given, the
conversation store is the SQLite file, a signal stops everything it started, and a server that fails
to start stops the others."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Dict, Set

import requests

from launch.__main__ import configure
from launch.servers import ROOT, VENV_BIN, free_port, texts


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def children_of(pid: int) -> Set[int]:
    ps = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return {int(child) for child in ps.stdout.split()}


class Launcher:
    """``python -m launch`` with its output in a file; remembers every child it was seen with."""

    def __init__(self, tmp_path: Path, **variables: str) -> None:
        self.ports = {name: int(variables.get(name) or free_port()) for name in ("RASA_PORT", "ACTIONS_PORT", "WEB_PORT")}
        env: Dict[str, str] = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'conversations.db'}",
            **{name: str(number) for name, number in self.ports.items()},
        )
        env.pop("WEB_ORIGINS", None)
        env.update(variables)
        self.log_path = tmp_path / "launch.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "python"), "-m", "launch"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.children: Set[int] = set()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, done: Callable[[], bool], what: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            self.children |= children_of(self.process.pid)
            assert time.monotonic() < deadline, f"{what}:\n{self.log()[-3000:]}"
            time.sleep(0.5)
        self.children |= children_of(self.process.pid)

    def wait_for_output(self, text: str) -> None:
        def seen() -> bool:
            assert self.process.poll() is None, self.log()[-3000:]
            return text in self.log()

        self.wait_for(seen, f"no {text!r} in the output")

    def stop(self, signum: int) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout=60)

    def assert_nothing_left(self) -> None:
        assert self.children, "no server was seen"
        time.sleep(1)
        # Each server leads its own process group: a group alive is a server or a Sanic worker left behind.
        assert not [pid for pid in self.children if process_group_alive(pid)], "a server outlived python -m launch"


def test_defaults_are_make_runs() -> None:
    stack, model, generated = configure({})
    assert (stack.rasa_port, stack.actions_port, stack.web_port, stack.bind) == (5005, 5055, 8000, "127.0.0.1")
    assert model == ROOT / "models" / "assistant.tar.gz" and generated and stack.token
    env = stack.env()
    assert env["TRACKER_STORE_URL"] == f"sqlite:///{ROOT / '.state' / 'conversations.db'}"
    assert env["LOCK_STORE_TYPE"] == "in_memory"
    assert env["ACTIONS_URL"] == "http://127.0.0.1:5055/webhook"
    assert env["WEB_ORIGINS"] == "http://127.0.0.1:8000,http://localhost:8000"

    stack, _, generated = configure(
        {"RASA_AUTH_TOKEN": "-x", "WEB_ORIGINS": "https://a.example, https://b.example", "LOCK_STORE_TYPE": "redis", "WEB_PORT": ""}
    )
    assert stack.token == "-x" and not generated and stack.web_port == 8000
    assert stack.web_origins == ["https://a.example", "https://b.example"]
    assert stack.env()["LOCK_STORE_TYPE"] == "redis"


def test_launch_serves_everything_and_stops_cleanly(tmp_path: Path) -> None:
    # A leading dash, as secrets.token_urlsafe gives one time in 64: must not be read as an option.
    token = "-jeton-de-test"
    launcher = Launcher(tmp_path, RASA_AUTH_TOKEN=token, BIND_ADDRESS="127.0.0.1")
    rasa_port, actions_port, web_port = (launcher.ports[name] for name in ("RASA_PORT", "ACTIONS_PORT", "WEB_PORT"))
    try:
        launcher.wait_for_output("Press Ctrl-C")
        output = launcher.log()
        assert f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook" in output
        assert f"http://127.0.0.1:{web_port}/admin" in output and "ADMIN_PASSWORD" in output
        assert "generated one" not in output
        # The three servers, as an outside evaluation would use them.
        page = requests.get(f"http://127.0.0.1:{web_port}/", timeout=10)
        assert page.status_code == 200 and "Devenir assistant médical" in page.text
        config = requests.get(f"http://127.0.0.1:{web_port}/config.js", timeout=10).text
        assert f":{rasa_port}" in config
        assert requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=10).status_code == 200
        reply = requests.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "launch-run", "message": "Combien coûte la formation continue ?"},
            timeout=60,
        ).json()
        assert "3 000" in texts(reply).replace("\u202f", " ")
        assert requests.get(f"http://127.0.0.1:{rasa_port}/status", timeout=10).status_code == 401
        assert requests.get(f"http://127.0.0.1:{rasa_port}/status", params={"token": token}, timeout=10).ok
        assert (tmp_path / "conversations.db").stat().st_size > 0
        # Rasa's CORS answers the page's own origin only.
        allowed = requests.options(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            headers={"Origin": f"http://localhost:{web_port}", "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        assert allowed.headers.get("Access-Control-Allow-Origin") == f"http://localhost:{web_port}"
        assert len(launcher.children) == 3
    finally:
        status = launcher.stop(signal.SIGTERM)
    assert status == 0, launcher.log()[-3000:]
    launcher.assert_nothing_left()


def test_interrupted_during_start_up(tmp_path: Path) -> None:
    """Ctrl-C while Rasa loads: the action server and Rasa are stopped, exit status 0."""
    launcher = Launcher(tmp_path)
    try:
        launcher.wait_for_output("Action server ready")
        assert "generated one for this run" in launcher.log()
        launcher.wait_for(lambda: len(launcher.children) == 2, "Rasa was not started")
    finally:
        status = launcher.stop(signal.SIGINT)
    assert status == 0, launcher.log()[-3000:]
    assert "Stopping." in launcher.log()
    launcher.assert_nothing_left()


def test_a_server_that_fails_to_start_stops_the_others(tmp_path: Path) -> None:
    # The web page's port taken: the web server exits at once, after the action server and Rasa are up.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        launcher = Launcher(tmp_path, WEB_PORT=str(taken.getsockname()[1]))
        try:
            launcher.wait_for(lambda: launcher.process.poll() is not None, "python -m launch did not give up")
        finally:
            status = launcher.stop(signal.SIGTERM)
    assert status == 1
    assert "Web page exited during start-up" in launcher.log()
    assert "Rasa ready" in launcher.log()
    assert len(launcher.children) >= 2
    launcher.assert_nothing_left()
