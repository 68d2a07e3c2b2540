"""Helpers of the dashboard's tests: a signed-in HTTP client of /admin, and the slot events of
issue 12's data contract (ratings, hand-off requests) appended to a conversation through
Rasa's HTTP API, as the widget's feedback and the hand-off will store them."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import requests

from launch.servers import ROOT, VENV_BIN, RasaStack, free_port, stop, wait_until_up

PASSWORD = "mot-de-passe-du-service-pour-les-tests"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class AdminClient:
    """A browser-like client of /admin: signs in with the login form's token, then keeps the session's."""

    def __init__(self, base_url: str, password: str = PASSWORD) -> None:
        self.base_url = base_url.rstrip("/")
        self.password = password
        self.http = requests.Session()
        self.csrf = ""

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def login(self) -> "AdminClient":
        form = self.http.get(self.url("/admin/connexion"), timeout=30)
        form.raise_for_status()
        token = _CSRF.search(form.text)
        assert token, "no CSRF token in the sign-in form"
        signed_in = self.http.post(
            self.url("/admin/connexion"),
            data={"csrf": token.group(1), "password": self.password},
            headers={"Origin": self.base_url},
            allow_redirects=False,
            timeout=30,
        )
        assert signed_in.status_code == 303, signed_in.text
        return self

    def page(self, **period: str) -> str:
        response = self.http.get(self.url("/admin"), params=period, allow_redirects=False, timeout=60)
        assert response.status_code == 200, response.status_code
        token = _CSRF.search(response.text)
        self.csrf = token.group(1) if token else ""
        return response.text

    def csv(self, name: str, **period: str) -> List[List[str]]:
        """One export, read as a spreadsheet would: BOM, semicolons; the header row first."""
        response = self.http.get(self.url(f"/admin/export/{name}.csv"), params=period, timeout=60)
        assert response.status_code == 200, response.status_code
        assert response.content.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
        return list(csv.reader(io.StringIO(response.content[3:].decode("utf-8")), delimiter=";"))

    def post(self, path: str, fields: Dict[str, str]) -> requests.Response:
        if not self.csrf:
            self.page()
        return self.http.post(
            self.url(path), data={"csrf": self.csrf, **fields}, headers={"Origin": self.base_url}, allow_redirects=False, timeout=30
        )


def rows_by_first_cell(table: List[List[str]]) -> Dict[str, List[str]]:
    return {row[0]: row[1:] for row in table[1:]}


def append_events(stack: RasaStack, sender: str, events: List[Dict[str, object]]) -> None:
    response = requests.post(f"{stack.url}/conversations/{sender}/tracker/events", params={"token": stack.token}, json=events, timeout=60)
    response.raise_for_status()


def rate(stack: RasaStack, sender: str, topic: str, rating: str, reason: Optional[str] = None, comment: str = "") -> str:
    """A visitor's rating, as the widget stores it (slot ``feedback``)."""
    answer_id = uuid.uuid4().hex
    value = {"answer_id": answer_id, "topic": topic, "rating": rating, "reason": reason, "comment": comment}
    append_events(stack, sender, [{"event": "slot", "name": "feedback", "value": value, "timestamp": time.time()}])
    return answer_id


def request_handoff(stack: RasaStack, sender: str, contact: str, kind: str = "email") -> str:
    """A hand-off request, as the hand-off stores it (slot ``handoff_request``)."""
    request_id = uuid.uuid4().hex
    value = {
        "request_id": request_id,
        "contact_kind": kind,
        "contact": contact,
        "recap": ["Situation : salariée", "Budget : 5 000 €"],
        "recommendation": "Formation continue",
        "last_questions": ["Combien coûte la formation continue ?"],
        "requested_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    append_events(stack, sender, [{"event": "slot", "name": "handoff_request", "value": value, "timestamp": time.time()}])
    return request_id


class WebServer:
    """scripts/serve_web.py alone on a free port, on a given store and password (None: unset)."""

    def __init__(self, log_dir: Path, store_url: str, password: Optional[str] = PASSWORD) -> None:
        import os

        self.port = free_port()
        env = dict(os.environ, PYTHONPATH=str(ROOT), TRACKER_STORE_URL=store_url)
        env.pop("ADMIN_PASSWORD", None)
        if password is not None:
            env["ADMIN_PASSWORD"] = password
        self.log = open(log_dir / f"web-{self.port}.log", "wb")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "python"), str(ROOT / "scripts" / "serve_web.py"), "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"{self.url}/", self.process, timeout=60)
        except Exception:
            self.stop()
            raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop(self.process)
        self.log.close()
