"""scripts/run.sh (what `make run` starts): all three servers answer on the ports given,
the conversation store is the SQLite file, and TERM stops everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from launch.servers import ROOT, free_port, texts


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def test_run_script_serves_everything_and_stops_cleanly(tmp_path: Path) -> None:
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    # A leading dash, as secrets.token_urlsafe gives one time in 64: must not be read as an option.
    token = "-jeton-de-test"
    env = dict(
        os.environ,
        RASA_PORT=str(rasa_port),
        ACTIONS_PORT=str(actions_port),
        WEB_PORT=str(web_port),
        RASA_AUTH_TOKEN=token,
        TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'conversations.db'}",
    )
    env.pop("WEB_ORIGINS", None)
    log = open(tmp_path / "run.log", "wb")
    process = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while b"Press Ctrl-C" not in (tmp_path / "run.log").read_bytes():
            assert process.poll() is None, (tmp_path / "run.log").read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "run.sh did not finish starting"
            time.sleep(0.5)
        # The three servers, as an outside evaluation would use them.
        page = requests.get(f"http://127.0.0.1:{web_port}/", timeout=10)
        assert page.status_code == 200 and "Devenir assistant médical" in page.text
        config = requests.get(f"http://127.0.0.1:{web_port}/config.js", timeout=10).text
        assert f":{rasa_port}" in config
        assert requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=10).status_code == 200
        reply = requests.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "run-script", "message": "Combien coûte la formation continue ?"},
            timeout=60,
        ).json()
        assert "3 000" in texts(reply).replace("\u202f", " ")
        assert requests.get(f"http://127.0.0.1:{rasa_port}/status", timeout=10).status_code == 401
        assert requests.get(f"http://127.0.0.1:{rasa_port}/status", params={"token": token}, timeout=10).ok
        assert (tmp_path / "conversations.db").stat().st_size > 0
        children = [
            int(pid)
            for pid in subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True).stdout.split()
        ]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert process.returncode == 0
    time.sleep(1)
    assert not [pid for pid in children if process_group_alive(pid)], "a server outlived run.sh"
