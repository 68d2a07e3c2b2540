"""``python -m launch`` (what `make run` starts): the action server, Rasa and the web page.

Waits until each answers, prints where to reach them and stays in the foreground; Ctrl-C or TERM
stops exactly the processes started here (TERM, then KILL after 20 s) and exits 0. If a server
exits, the others are stopped and the exit status is 1.

Reads RASA_PORT, ACTIONS_PORT, WEB_PORT, BIND_ADDRESS, MODEL, RASA_AUTH_TOKEN (generated when
unset), WEB_ORIGINS and endpoints.yml's store variables (SQLite in .state/ by default); the rest of
the environment, SANIC_WORKERS included, reaches the servers as it is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Callable, Iterator, List, Mapping, Optional, Tuple

from launch.servers import MODEL, ROOT, START_TIMEOUT, RasaStack, default_web_origins, new_token, store_env

STATE_DIR = ROOT / ".state"


class Interrupted(BaseException):
    """Ctrl-C or TERM; a BaseException so that no ``except Exception`` on the way swallows it."""


class Signals:
    """INT and TERM raise Interrupted, except while a server is being spawned: raised inside Popen, the
    signal would lose the process's handle, and the process would outlive us. It is raised right after."""

    def __init__(self) -> None:
        self.deferring = False
        self.pending = False

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: Optional[FrameType]) -> None:
        if self.deferring:
            self.pending = True
        else:
            raise Interrupted

    @contextmanager
    def deferred(self) -> Iterator[None]:
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False
        if self.pending:
            raise Interrupted


def port(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name) or str(default)
    if not value.isdigit() or not 0 < int(value) < 65536:
        sys.exit(f"{name} must be a port number, not {value!r}")
    return int(value)


def configure(environ: Mapping[str, str]) -> Tuple[RasaStack, Path, bool]:
    """The stack `make run` starts, the model, and whether the token was generated. Empty counts as unset."""
    rasa_port = port(environ, "RASA_PORT", 5005)
    actions_port = port(environ, "ACTIONS_PORT", 5055)
    web_port = port(environ, "WEB_PORT", 8000)
    model = ROOT / (environ.get("MODEL") or MODEL)
    token = environ.get("RASA_AUTH_TOKEN") or ""
    origins = [o.strip() for o in (environ.get("WEB_ORIGINS") or "").split(",") if o.strip()]
    # The embedded default stores (launch.servers.store_env), each replaced by the environment's own.
    stores = {name: environ.get(name) or default for name, default in store_env(STATE_DIR).items()}
    stack = RasaStack(
        rasa_port,
        actions_port,
        token or new_token(),
        STATE_DIR,
        web_port=web_port,
        extra_env={**stores, "RASA_PORT": str(rasa_port), "WEB_PORT": str(web_port)},
        bind=environ.get("BIND_ADDRESS") or "127.0.0.1",
        origins=origins or default_web_origins(web_port),
        foreground=True,
    )
    return stack, model, not token


def main() -> int:
    # Our lines reach a pipe in order with the servers' own.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    stack, model, generated = configure(os.environ)
    if not model.exists():
        sys.exit(f"No model at {model}: run `make train` (make run does it), or set MODEL")
    STATE_DIR.mkdir(exist_ok=True)
    if generated:
        print(f"RASA_AUTH_TOKEN was not set; generated one for this run: {stack.token}")

    signals = Signals()
    servers: List[Tuple[str, Callable[[], subprocess.Popen[bytes]], Callable[[subprocess.Popen[bytes]], None], str]] = [
        ("Action server", lambda: stack.start_actions(wait=False), stack.wait_for_actions, stack.actions_health_url),
        ("Rasa", lambda: stack.start_rasa(model, wait=False), stack.wait_for_rasa, f"{stack.url}/"),
        ("Web page", lambda: stack.start_web(wait=False), stack.wait_for_web, f"{stack.web_url}/"),
    ]
    started: List[Tuple[str, subprocess.Popen[bytes]]] = []
    try:
        signals.install()
        for name, start, wait, url in servers:
            with signals.deferred():
                process = start()
            started.append((name, process))
            try:
                wait(process)
            except RuntimeError:
                print(f"{name} exited during start-up (status {process.returncode}); stopping the others.", file=sys.stderr)
                return 1
            except TimeoutError:
                print(f"{name} did not answer at {url} within {START_TIMEOUT} s; stopping the others.", file=sys.stderr)
                return 1
            print(f"{name} ready: {url}")

        print(f'Chat over REST: curl -s -XPOST {stack.url}/webhooks/rest/webhook -d \'{{"sender":"moi","message":"Bonjour"}}\'')
        print(f"Web page with the chat widget: {stack.web_url}/")
        print(f"Dashboard of the careers service: {stack.web_url}/admin (off unless ADMIN_PASSWORD is set: README, « Tableau de bord »)")
        print("Press Ctrl-C to stop.")
        while True:
            for name, process in started:
                if process.poll() is not None:
                    print(f"{name} stopped (status {process.returncode}); stopping the others.", file=sys.stderr)
                    return 1
            time.sleep(0.5)
    except Interrupted:
        print("Stopping.")
        return 0
    finally:
        # A second Ctrl-C must not cut the clean-up short and leave servers behind.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
