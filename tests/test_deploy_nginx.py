"""The production deployment's parts, for real, on loopback: Debian's nginx running deploy/nginx/assistant-medical.conf
(rendered with a plain-HTTP listen instead of TLS) in front of two separate Rasa processes on a real PostgreSQL
and a real Redis, the action server and the web page. Chromium drives the real widget through nginx; REST goes
through it too; one client address over the rate limit gets the French 429 while another is answered.

Clients are told apart by their loopback source address (127.0.0.1 for Chromium, 127.0.0.2 and 127.0.0.3 for
the rate limit): nginx sees them as it sees visitors, with no X-Forwarded-For to trust."""

from __future__ import annotations

import asyncio
import datetime
import http.client
import json
import os
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import requests
from playwright.sync_api import Browser, expect

from launch.nginx import NginxServer, Site, check_config, have_nginx, render, start_nginx
from launch.servers import MODEL, RasaStack, free_port, new_token, production_store_env, texts
from launch.services import PostgresServer, RedisServer, start_postgres, start_redis
from tests import test_web_widget as widget
from tests.admin_helpers import PASSWORD, AdminClient
from tests.socketio_client import SocketIOTestClient
from tests.test_web_widget import _interview_typed, ask, open_widget, plain, reload_and_reconnect
from tests.typed_interview import BANK_EMPLOYEE

# Chromium for the module, as the widget's own tests start it.
browser = widget.browser

OTHER_CLIENT = "127.0.0.2"
FLOODER = "127.0.0.3"
# Twice the template's burst (20) at once: the rest of the burst is refused.
FLOOD = 40
LOG_LINE = re.compile(r'^\[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+)" (?P<status>\d{3}) \d+ upstream=(?P<upstream>\S+) ')


@dataclass
class Deployment:
    stack: RasaStack
    rasa_ports: Tuple[int, int]
    nginx: NginxServer
    postgres: PostgresServer
    redis: RedisServer

    @property
    def url(self) -> str:
        return self.nginx.url

    @property
    def rasa_servers(self) -> List[str]:
        return [f"127.0.0.1:{port}" for port in self.rasa_ports]

    def log(self) -> List[Dict[str, str]]:
        """nginx's access log, one dict a request (a websocket's line is written when it closes)."""
        lines = self.nginx.access_log.read_text(encoding="utf-8").splitlines() if self.nginx.access_log.exists() else []
        return [match.groupdict() for match in map(LOG_LINE.match, lines) if match]

    def logged(self, since: int, path: str, count: int) -> List[Dict[str, str]]:
        """The requests to `path` logged after line `since`, once `count` are there: nginx writes a line
        after it has sent the response, so the client may read the answer before the line exists."""
        deadline = time.monotonic() + 10
        while True:
            lines = [line for line in self.log()[since:] if line["path"] == path]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.1)

    def say(self, sender: str, message: str) -> List[Dict[str, object]]:
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60)
        assert response.status_code == 200, (response.status_code, response.text)
        answer: List[Dict[str, object]] = response.json()
        return answer


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if not have_nginx():
        pytest.fail("nginx is missing: run `make system-deps` (make test does it)")
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    work = tmp_path_factory.mktemp("deploy")
    rasa_ports = (free_port(), free_port())
    web_port = free_port()
    # First, so that it holds its port; it answers 502 until the servers behind it are up.
    proxy = start_nginx(work / "nginx", [f"127.0.0.1:{port}" for port in rasa_ports], f"127.0.0.1:{web_port}")
    redis: Optional[RedisServer] = None
    postgres: Optional[PostgresServer] = None
    stack: Optional[RasaStack] = None
    try:
        redis = start_redis(work / "redis")
        postgres = start_postgres(work / "postgres")
        # The page and the socket on nginx's origin, as in production (deploy/env.example).
        env = {**production_store_env(postgres.url, redis.port), "RASA_PUBLIC_URL": proxy.url, "ADMIN_PASSWORD": PASSWORD}
        stack = RasaStack(rasa_ports[0], free_port(), new_token(), work, web_port=web_port, extra_env=env, origins=[proxy.url])
        stack.start_actions()
        # Two processes, loading at the same time, as two machines would.
        first = stack.start_rasa(wait=False)
        second = stack.start_rasa(port=rasa_ports[1], name="rasa-2", wait=False)
        web = stack.start_web(wait=False)
        stack.wait_for_rasa(first)
        stack.wait_for_rasa(second, rasa_ports[1])
        stack.wait_for_web(web)
        yield Deployment(stack, rasa_ports, proxy, postgres, redis)
    finally:
        # nginx first: its keepalive connections would hold Rasa's graceful shutdown open.
        proxy.stop()
        if stack:
            stack.stop()
        if postgres:
            postgres.stop()
        if redis:
            redis.stop()


def request_from(address: str, port: int, method: str, path: str, body: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], str]:
    """One HTTP request to nginx from the loopback address ``address``: another visitor, for nginx."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(address, 0))
    try:
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=payload, headers={"Content-Type": "application/json"} if payload else {})
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


def wait_for_log(deployment: Deployment, path: str, count: int) -> List[Dict[str, str]]:
    deadline = time.monotonic() + 10
    while True:
        lines = [line for line in deployment.log() if line["path"] == path]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def test_production_configuration_is_accepted_by_nginx(tmp_path: Path) -> None:
    """The TLS rendering, with a throw-away certificate: `nginx -t` reads the certificate and every directive."""
    if os.geteuid() != 0:
        pytest.skip("nginx -t binds ports 80 and 443: root only")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "assistant.example.fr")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    workdir = tmp_path / "nginx"
    workdir.mkdir()
    (workdir / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (workdir / "privkey.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    site = Site(
        server_name="assistant.example.fr",
        rasa_servers=["10.0.0.11:5005", "10.0.0.12:5005"],
        web_server="127.0.0.1:8000",
        access_log=str(workdir / "access.log"),
        tls_certificate=str(workdir / "fullchain.pem"),
        tls_certificate_key=str(workdir / "privkey.pem"),
    )
    result = check_config(workdir, render(site))
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


def test_the_widget_through_nginx_conversation_reload_and_interview(deployment: Deployment, browser: Browser) -> None:
    before = len(deployment.log())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    sockets: List[str] = []
    errors: List[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(deployment.url)
        open_widget(page)
        cost = plain(ask(page, "Combien coûte la formation continue ?"))
        assert "3 000" in cost and "6 000" in cost, cost

        # A reload: the history is shown again and the server, reached again through nginx, kept the topic.
        reload_and_reconnect(page)
        follow_up = ask(page, "et en alternance ?")
        assert "employeur" in follow_up, follow_up

        _interview_typed(page, BANK_EMPLOYEE)
        card = page.locator(".chat-card")
        expect(card).to_contain_text("Parcours conseillé")
        expect(card).to_contain_text("42 ans")
        session_id = str(page.evaluate("JSON.parse(sessionStorage.getItem('assistant-medical-chat')).sessionId"))
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"

    # Both connections (before and after the reload) went to nginx's origin, none to a Rasa port.
    origin = deployment.url.replace("http://", "ws://")
    assert len(sockets) >= 2 and all(url.startswith(f"{origin}/socket.io/") for url in sockets), sockets
    # nginx upgraded them and kept this client on one Rasa process (sticky by address).
    upgraded = [line for line in wait_for_log(deployment, "/socket.io/", len(sockets))[-len(sockets) :] if line["status"] == "101"]
    assert len(upgraded) == len(sockets), deployment.log()[before:]
    assert len({line["upstream"] for line in upgraded}) == 1 and upgraded[0]["upstream"] in deployment.rasa_servers
    # The conversation is in PostgreSQL: each Rasa process reads the same interview.
    for port in deployment.rasa_ports:
        tracker = deployment.stack.tracker(session_id, port=port)
        assert tracker["slots"].get("situation") == "salarie" and tracker["slots"].get("age") in (42, 42.0), tracker["slots"]


def test_rest_through_nginx_on_both_processes_and_no_rasa_api(deployment: Deployment) -> None:
    before = len(deployment.log())
    sender = f"nginx-{uuid.uuid4().hex[:8]}"
    assert "3 000" in plain(texts(deployment.say(sender, "Combien coûte la formation continue ?")))
    assert "employeur" in texts(deployment.say(sender, "et en alternance ?"))
    assert "1 à 2 ans" in texts(deployment.say(sender, "Quelle est la durée de l'alternance ?"))
    assert "12 mois" in texts(deployment.say(sender, "et la formation continue ?"))
    rest = deployment.logged(before, "/webhooks/rest/webhook", 4)
    assert [line["status"] for line in rest] == ["200"] * 4
    # One conversation, answered in turn by both processes, its context kept across them.
    assert {line["upstream"] for line in rest} == set(deployment.rasa_servers)

    # The webhook's own French refusal comes through unchanged.
    malformed = requests.post(f"{deployment.url}/webhooks/rest/webhook", data=b"pas du json", timeout=30)
    assert malformed.status_code == 400 and malformed.json().get("reason"), malformed.text
    # Rasa's HTTP API is not reachable through nginx, even with its token: the web page answers instead.
    token = {"token": deployment.stack.token}
    status = requests.get(f"{deployment.url}/status", params=token, timeout=30)
    assert status.status_code == 404 and "Page introuvable" in status.text
    tracker = requests.get(f"{deployment.url}/conversations/{sender}/tracker", params=token, timeout=30)
    assert tracker.status_code == 404
    assert requests.post(f"{deployment.url}/model/parse", params=token, json={"text": "bonjour"}, timeout=30).status_code == 405


def test_the_page_knows_the_socket_is_on_its_own_origin(deployment: Deployment) -> None:
    config = requests.get(f"{deployment.url}/config.js", timeout=30)
    assert f'"rasaUrl": "{deployment.url}"' in config.text, config.text
    policy = config.headers["Content-Security-Policy"]
    assert f"connect-src 'self' {deployment.url} {deployment.url.replace('http://', 'ws://')};" in policy

    async def foreign_origin() -> None:
        # The socket's origin check still holds behind nginx.
        refused = SocketIOTestClient(deployment.url, origin="http://malveillant.example")
        with pytest.raises(Exception, match="400|refused"):
            await refused.connect()
        allowed = SocketIOTestClient(deployment.url, origin=deployment.url)
        await allowed.connect()
        session = await allowed.start_session(uuid.uuid4().hex)
        answer = " ".join(str(message.get("text", "")) for message in await allowed.turn(session, "C'est quoi le DMP ?"))
        await allowed.close()
        assert "dossier médical partagé" in answer.lower(), answer

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, foreign_origin()).result()


def test_the_dashboard_through_nginx(deployment: Deployment) -> None:
    # Its forms compare Origin with Host: nginx passes the Host the browser sent.
    admin = AdminClient(deployment.url).login()
    assert "Tableau de bord du service" in admin.page()


def test_a_client_over_the_rate_limit_gets_429_and_another_is_answered(deployment: Deployment) -> None:
    port = deployment.nginx.port
    sender = f"flood-{uuid.uuid4().hex[:8]}"
    question = {"sender": sender, "message": "Quelle est la durée de la formation continue ?"}

    with ThreadPoolExecutor(max_workers=FLOOD) as pool:
        flood = [pool.submit(request_from, FLOODER, port, "POST", "/webhooks/rest/webhook", question) for _ in range(FLOOD)]
        # While the flood is being answered, another visitor's message goes through.
        deadline = time.monotonic() + 30
        while not any(f.done() and f.result()[0] == 429 for f in flood) and time.monotonic() < deadline:
            time.sleep(0.05)
        status, _, body = request_from(
            OTHER_CLIENT,
            port,
            "POST",
            "/webhooks/rest/webhook",
            {"sender": f"other-{sender}", "message": "Combien coûte la formation continue ?"},
        )
        assert status == 200 and "3 000" in plain(texts(json.loads(body))), (status, body)
        results = [f.result() for f in flood]

    refused = [result for result in results if result[0] == 429]
    answered = [result for result in results if result[0] == 200]
    assert len(refused) + len(answered) == FLOOD, [result[0] for result in results]
    # The first request and the burst of 20 behind it pass at once, the rest is refused.
    assert len(answered) >= 21 and len(refused) >= FLOOD // 4, (len(answered), len(refused))
    for _, _, body in answered:
        assert "12 mois" in texts(json.loads(body)), body
    for _, headers, body in refused:
        assert headers["content-type"].startswith("application/json") and headers.get("retry-after") == "5", headers
        assert json.loads(body) == {
            "error": "too_many_requests",
            "reason": "Trop de messages en peu de temps : patientez quelques secondes, puis réessayez.",
        }

    # The socket's handshakes have their own limit, by address too.
    handshake = "/socket.io/?EIO=4&transport=polling"
    with ThreadPoolExecutor(max_workers=FLOOD) as pool:
        opened = list(pool.map(lambda _: request_from(FLOODER, port, "GET", handshake), range(FLOOD)))
    assert {status for status, _, _ in opened} == {200, 429}, [status for status, _, _ in opened]
    status, _, body = request_from(OTHER_CLIENT, port, "GET", handshake)
    assert status == 200 and '"sid"' in body, (status, body)
