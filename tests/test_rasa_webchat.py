"""The ecosystem's standard Rasa widget, rasa-webchat 1.0.1 from npm, against our socket.io channel
in Debian's Chromium: it connects from an allowed origin (socket.io's polling first, then the
websocket), holds a conversation with answers from the knowledge base, keeps it across a reload,
and never connects from a foreign origin.

rasa-webchat is a test fixture (tests/fixtures/webchat/, installed with `npm ci` from its lockfile
by `make test`), its built file used as published, with the props a site gives it (the server's
address, an init payload, session storage: tests/fixtures/webchat/index.html). A site that
embeds it is served by a small server of this module on its own port; a Rasa server of its own
(on the shared action server) allows that site's origin, as a deployment's WEB_ORIGINS would.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Tuple
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Response, expect

from launch.servers import ROOT, RasaStack, free_port
from tests import test_web_widget as widget
from tests.test_web_widget import REPLY_TIMEOUT_MS, plain, screenshot

FIXTURE = ROOT / "tests" / "fixtures" / "webchat"
WEBCHAT_JS = FIXTURE / "node_modules" / "rasa-webchat" / "lib" / "index.js"
FILES = {
    "/": (FIXTURE / "index.html", "text/html; charset=utf-8"),
    "/rasa-webchat.js": (WEBCHAT_JS, "text/javascript; charset=utf-8"),
}

# Chromium for the module.
browser = widget.browser


class FixtureHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path, content_type = FILES.get(urlsplit(self.path).path, (None, ""))
        body = path.read_bytes() if path else b""
        self.send_response(200 if path else 404)
        self.send_header("Content-Type", content_type or "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_fixture() -> ThreadingHTTPServer:
    """The fixture page and rasa-webchat's built file, on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), FixtureHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def origin_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def sites() -> Iterator[Tuple[str, str]]:
    """Two sites that embed rasa-webchat: one whose origin Rasa allows, one foreign."""
    if not WEBCHAT_JS.is_file():
        pytest.fail(f"{WEBCHAT_JS} is missing: run `make fixtures` (make test does it)")
    servers = [serve_fixture(), serve_fixture()]
    yield origin_of(servers[0]), origin_of(servers[1])
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def rasa(stack: RasaStack, sites: Tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    """Rasa as the shared stack runs it (same model, credentials and action server), allowing the first site."""
    served = RasaStack(free_port(), stack.actions_port, stack.token, tmp_path_factory.mktemp("webchat"), origins=[sites[0]])
    try:
        served.start_rasa()
        yield served
    finally:
        served.stop()


class SocketTraffic:
    """The socket.io HTTP answers the page received: (transport, status, its Access-Control-Allow-Origin values)."""

    def __init__(self, page: Page) -> None:
        self.answers: List[Tuple[str, int, List[str]]] = []
        self.websockets: List[str] = []
        self.failed: List[str] = []
        page.on("response", self._response)
        page.on("requestfailed", self._failed)
        page.on("websocket", lambda ws: self.websockets.append(ws.url))
        self.console: List[str] = []
        page.on("console", lambda message: self.console.append(message.text))

    def _response(self, response: Response) -> None:
        if "/socket.io/" in response.url:
            transport = "polling" if "transport=polling" in response.url else "other"
            allow = [h["value"] for h in response.headers_array() if h["name"].lower() == "access-control-allow-origin"]
            self.answers.append((transport, response.status, allow))

    def _failed(self, request: Request) -> None:
        if "/socket.io/" in request.url:
            self.failed.append(request.failure or "")


@pytest.fixture
def webchat(browser: Browser) -> Iterator[Tuple[Page, SocketTraffic]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    traffic = SocketTraffic(page)
    yield page, traffic
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def open_page(page: Page, site: str, rasa: RasaStack) -> None:
    page.goto(f"{site}/?rasa={quote(rasa.url, safe='')}")
    page.locator(".rw-launcher").click()


def responses(page: Page):
    return page.locator(".rw-messages-container .rw-response")


def say(page: Page, text: str, expected: str) -> str:
    """Types a message in rasa-webchat, sends it with Enter, returns the text of the new answer that contains ``expected``."""
    # Spaces in ``expected`` match the answers' no-break spaces too (French typography).
    answers = responses(page).filter(has_text=re.compile(re.escape(expected).replace(r"\ ", r"\s")))
    before = answers.count()
    field = page.locator(".rw-new-message")
    field.fill(text)
    field.press("Enter")
    expect(page.locator(".rw-messages-container .rw-client").last).to_contain_text(text, timeout=REPLY_TIMEOUT_MS)
    expect(answers).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
    return plain(answers.last.inner_text())


def test_rasa_webchat_holds_a_conversation_from_an_allowed_origin(
    webchat: Tuple[Page, SocketTraffic], sites: Tuple[str, str], rasa: RasaStack
) -> None:
    page, traffic = webchat
    open_page(page, sites[0], rasa)
    # The welcome, answer to the init payload: the socket is connected and the session confirmed.
    expect(responses(page).first).to_contain_text("assistant virtuel", timeout=REPLY_TIMEOUT_MS)

    cost = say(page, "Combien coûte la formation continue ?", "6 000")
    assert "3 000" in cost and "6 000" in cost, cost
    # Its suggestions, sent as Rasa's quick replies, are rasa-webchat's buttons.
    expect(page.locator(".rw-replies .rw-reply", has_text="La durée").first).to_be_visible()
    follow_up = say(page, "et en alternance ?", "employeur")
    assert "employeur" in follow_up, follow_up
    screenshot(page, "rasa-webchat.png")

    # socket.io's polling went first and every answer carried the header once; then the websocket.
    polling = [answer for answer in traffic.answers if answer[0] == "polling"]
    assert polling and all(status == 200 and allow == [sites[0]] for _, status, allow in polling), polling
    assert any("transport=websocket" in url for url in traffic.websockets), traffic.websockets

    # A reload: rasa-webchat shows its stored history and asks for its stored session again (it logs the
    # answer), which the server confirms: the conversation goes on.
    session_id = page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    with page.expect_console_message(lambda m: m.text.startswith("session_confirm:"), timeout=REPLY_TIMEOUT_MS) as confirmed:
        page.reload()
    assert confirmed.value.text.endswith(f"session_id:{session_id}"), confirmed.value.text
    expect(responses(page).filter(has_text="employeur").first).to_be_visible()
    duration = say(page, "et ça dure combien de temps ?", "1 à 2 ans")
    assert "alternance" in duration, duration


def test_rasa_webchat_never_connects_from_a_foreign_origin(
    webchat: Tuple[Page, SocketTraffic], sites: Tuple[str, str], rasa: RasaStack
) -> None:
    page, traffic = webchat
    page.goto(f"{sites[1]}/?rasa={quote(rasa.url, safe='')}")
    # socket.io retries the handshake: several refusals, and rasa-webchat, never connected, hides its launcher.
    page.wait_for_timeout(5000)
    # The server refuses without Access-Control-Allow-Origin (tests/test_socketio_channel.py), so the page never reads it.
    assert len(traffic.failed) >= 2 and not traffic.answers, (traffic.failed, traffic.answers)
    refusals = [line for line in traffic.console if "blocked by CORS policy" in line and "Access-Control-Allow-Origin" in line]
    assert len(refusals) >= 2, traffic.console
    assert not traffic.websockets, traffic.websockets
    expect(page.locator(".rw-launcher")).to_have_count(0)
