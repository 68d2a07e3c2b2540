"""/admin over real HTTP: scripts/serve_web.py started on a free port, on a SQLite store filled
with known events. Sign-in, cookies, CSRF, origins, headers and the routes' answers as a
browser receives them (the figures themselves: tests/test_admin.py and tests/test_admin_e2e.py)."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from tests.admin_helpers import PASSWORD, AdminClient, WebServer
from tests.test_admin import StoreBuilder


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('admin-http') / 'conversations.db'}"
    b = StoreBuilder(url)
    # Ten minutes ago: in the default period (the last seven days).
    b.conversation("visiteur-http", time.time() - 600)
    b.clarified("<img src=x onerror=alert(1)>", "out_of_scope")
    b.clarified("écrivez-moi à jean.dupont@example.com")
    b.handoff("req-http", "jean.dupont@example.com")
    b.flush()
    return url


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, store_url: str) -> Iterator[WebServer]:
    server = WebServer(tmp_path_factory.mktemp("admin-http-logs"), store_url)
    yield server
    server.stop()


def test_disabled_without_a_password(tmp_path: Path, store_url: str) -> None:
    server = WebServer(tmp_path, store_url, password=None)
    try:
        for method, path in (
            ("GET", "/admin"),
            ("GET", "/admin/connexion"),
            ("POST", "/admin/connexion"),
            ("GET", "/admin/export/sujets.csv"),
        ):
            response = requests.request(method, f"{server.url}{path}", allow_redirects=False, timeout=30)
            assert response.status_code == 503, (method, path)
            assert "Tableau de bord désactivé" in response.text and "ADMIN_PASSWORD" in response.text
        # The visitors' page is not affected.
        assert requests.get(f"{server.url}/", timeout=30).status_code == 200
    finally:
        server.stop()


def test_without_a_session(web: WebServer) -> None:
    page = requests.get(f"{web.url}/admin", allow_redirects=False, timeout=30)
    assert page.status_code == 303 and page.headers["Location"] == "/admin/connexion"
    for path in ("/admin/export/questions.csv", "/admin/export/contacts.csv"):
        refused = requests.get(f"{web.url}{path}", timeout=30)
        assert refused.status_code == 401 and "Connexion requise" in refused.text
        assert "example.com" not in refused.text
    posted = requests.post(f"{web.url}/admin/contacts", data={"demande": "req-http", "statut": "traitee"}, timeout=30)
    assert posted.status_code == 401


def test_headers_of_the_admin_pages(web: WebServer) -> None:
    response = requests.get(f"{web.url}/admin/connexion", timeout=30)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "form-action 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "connect-src 'none'" in csp
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = response.headers["Set-Cookie"]
    assert re.match(r"admin_login=[\w-]{40,};", cookie) and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert '<html lang="fr">' in response.text and '<label for="password">Mot de passe</label>' in response.text
    # The chart library and the page's script, from the site (npm, web/package-lock.json).
    for path in ("/vendor/chart.umd.min.js", "/admin/admin.js", "/admin/admin.css"):
        static = requests.get(f"{web.url}{path}", timeout=30)
        assert static.status_code == 200 and static.content, path
    assert requests.get(f"{web.url}/vendor/chart.umd.min.js", timeout=30).headers["Content-Type"].startswith("text/javascript")


def test_sign_in_with_the_wrong_password_then_the_right_one(web: WebServer) -> None:
    wrong = AdminClient(web.url, password="pas-le-bon-mot-de-passe")
    with pytest.raises(AssertionError):
        wrong.login()
    client = AdminClient(web.url).login()
    session = client.http.cookies.get("admin_session", path="/admin")
    assert session and len(session) >= 40
    assert "Tableau de bord du service" in client.page()


def test_session_cookie_flags(web: WebServer) -> None:
    http = requests.Session()
    form = http.get(f"{web.url}/admin/connexion", timeout=30)
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    signed_in = http.post(f"{web.url}/admin/connexion", data={"csrf": token, "password": PASSWORD}, allow_redirects=False, timeout=30)
    assert signed_in.status_code == 303
    cookies = signed_in.raw.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("admin_session="))
    assert all(flag in session for flag in ("HttpOnly", "SameSite=Strict", "Path=/admin")) and "Max-Age" not in session


def test_forms_need_the_token_and_our_origin(web: WebServer) -> None:
    client = AdminClient(web.url).login()
    page = client.page()
    key = re.search(r'name="cle" value="([0-9a-f]{32})"', page).group(1)
    http = client.http
    base = {"cle": key, "statut": "ignore"}
    assert http.post(client.url("/admin/questions"), data=base, timeout=30).status_code == 403
    assert http.post(client.url("/admin/questions"), data={**base, "csrf": "faux"}, timeout=30).status_code == 403
    foreign = http.post(
        client.url("/admin/questions"), data={**base, "csrf": client.csrf}, headers={"Origin": "http://evil.example"}, timeout=30
    )
    assert foreign.status_code == 403 and "Demande refusée" in foreign.text
    done = client.post("/admin/questions", base)
    assert done.status_code == 303 and done.headers["Location"].endswith("#questions")
    assert sorted(row[-1] for row in client.csv("questions")[1:]) == ["Ignoré", "À traiter"]


def test_oversized_and_unknown_requests(web: WebServer) -> None:
    client = AdminClient(web.url).login()
    huge = client.http.post(client.url("/admin/questions"), data={"cle": "x" * 40_000}, timeout=30)
    assert huge.status_code == 413
    assert client.http.get(client.url("/admin/export/inconnu.csv"), timeout=30).status_code == 404
    assert requests.post(f"{web.url}/", data="x", timeout=30).status_code == 405
    # A request line the server cannot read does not stop it.
    with socket.create_connection(("127.0.0.1", web.port), timeout=10) as raw:
        raw.sendall(b"POST /admin/questions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.")
    assert client.page()


def test_escaped_and_masked_over_http(web: WebServer) -> None:
    client = AdminClient(web.url).login()
    page = client.page()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
    inbox = page.split('id="questions"')[1].split('id="entretien"')[0]
    assert "jean.dupont@example.com" not in inbox and "[adresse e-mail masquée]" in inbox
    assert "jean.dupont@example.com" in page.split('id="contacts"')[1]
    exported = "\n".join(";".join(row) for row in client.csv("contacts"))
    assert "jean.dupont@example.com" not in exported and "[adresse e-mail masquée]" in exported
