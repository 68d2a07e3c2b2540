"""Serves the web page and its widget (web/) on WEB_PORT, and the service's dashboard (/admin).

Static files only, from a fixed list: no directory listing, no path outside
web/. The page learns where Rasa is from /config.js, built from RASA_PORT (or
RASA_PUBLIC_URL behind a reverse proxy), and its Content-Security-Policy
allows scripts from this site only and connections to that Rasa server only.

/admin is the careers service's dashboard (admin/app.py): behind ADMIN_PASSWORD,
reading the tracker store at TRACKER_STORE_URL; its pages allow no connection
at all and forms to this site only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional, Tuple
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from admin import stats, store  # noqa: E402
from admin.app import MAX_BODY, AdminApp, Response  # noqa: E402

WEB = ROOT / "web"
FILES: Dict[str, Tuple[Path, str]] = {
    "/": (WEB / "index.html", "text/html; charset=utf-8"),
    "/index.html": (WEB / "index.html", "text/html; charset=utf-8"),
    "/style.css": (WEB / "style.css", "text/css; charset=utf-8"),
    "/base.css": (WEB / "base.css", "text/css; charset=utf-8"),
    "/labels.js": (WEB / "labels.js", "text/javascript; charset=utf-8"),
    "/widget.js": (WEB / "widget.js", "text/javascript; charset=utf-8"),
    "/vendor/socket.io.min.js": (
        WEB / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
        "text/javascript; charset=utf-8",
    ),
    "/favicon.svg": (WEB / "favicon.svg", "image/svg+xml"),
    "/admin/admin.css": (WEB / "admin.css", "text/css; charset=utf-8"),
    "/admin/admin.js": (WEB / "admin.js", "text/javascript; charset=utf-8"),
    "/vendor/chart.umd.min.js": (
        WEB / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js",
        "text/javascript; charset=utf-8",
    ),
}
ADMIN_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def rasa_origin(host_header: Optional[str], rasa_port: int, public_url: str) -> str:
    """Where the browser reaches Rasa: RASA_PUBLIC_URL, else this host name on RASA_PORT."""
    if public_url:
        parts = urlsplit(public_url)
        return f"{parts.scheme}://{parts.netloc}"
    host = urlsplit(f"//{host_header or '127.0.0.1'}").hostname or "127.0.0.1"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"http://{host}:{rasa_port}"


class Handler(BaseHTTPRequestHandler):
    server_version = "assistant-medical-web"
    sys_version = ""
    rasa_port = 5005
    public_url = ""
    admin: Optional[AdminApp] = None

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(with_body=False)

    def do_POST(self) -> None:  # noqa: N802
        if not self._is_admin(urlsplit(self.path).path):
            origin = rasa_origin(self.headers.get("Host"), self.rasa_port, self.public_url)
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "Méthode non autorisée.\n".encode(), origin, True)
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            # The rest of an oversized body is not read: this connection ends with the answer.
            self.close_connection = True
            self._send_admin(Response(413, "Demande trop longue.\n".encode(), "text/plain; charset=utf-8"), True)
            return
        self._admin("POST", self.rfile.read(length), with_body=True)

    @staticmethod
    def _is_admin(path: str) -> bool:
        return (path == "/admin" or path.startswith("/admin/")) and path not in FILES

    def _admin(self, method: str, body: bytes, with_body: bool) -> None:
        assert self.admin is not None
        try:
            response = self.admin.handle(method, self.path, self.headers, body)
        except Exception:  # the store unreachable, a broken row: a page that says so, the details in the log
            sys.stderr.write(f"web: {self.command} {urlsplit(self.path).path} failed\n")
            traceback.print_exc()
            response = Response(
                500,
                "Le tableau de bord n’a pas pu lire les conversations. Réessayez dans un instant.\n".encode(),
                "text/plain; charset=utf-8",
            )
        self._send_admin(response, with_body)

    def _send_admin(self, response: Response, with_body: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Security-Policy", ADMIN_CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        # same-origin, not no-referrer: with no-referrer, Chromium posts the forms with "Origin: null".
        self.send_header("Referrer-Policy", "same-origin")
        # Visitors' messages and contacts: never kept in a cache.
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def _serve(self, with_body: bool) -> None:
        path = urlsplit(self.path).path
        if self._is_admin(path):
            self._admin(self.command, b"", with_body)
            return
        origin = rasa_origin(self.headers.get("Host"), self.rasa_port, self.public_url)
        if path == "/config.js":
            config = {"rasaUrl": origin, "socketPath": "/socket.io/"}
            body = f"window.ASSISTANT_CONFIG = {json.dumps(config)};\n".encode()
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", body, origin, with_body)
            return
        entry = FILES.get(path)
        if entry is None or not entry[0].is_file():
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", "Page introuvable.\n".encode(), origin, with_body)
            return
        self._send(HTTPStatus.OK, entry[1], entry[0].read_bytes(), origin, with_body)

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, rasa: str, with_body: bool) -> None:
        socket_origin = rasa.replace("https://", "wss://").replace("http://", "ws://")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {rasa} {socket_origin}; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        # Paths only, never query strings: nothing the visitor typed reaches the log.
        sys.stderr.write(f"web: {self.command} {urlsplit(self.path).path} {args[1] if len(args) > 1 else ''}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("BIND_ADDRESS", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8000")))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    args = parser.parse_args()
    missing = [str(path) for path, _ in FILES.values() if not path.is_file()]
    if missing:
        sys.exit("Missing web files (run `make install`): " + ", ".join(missing))
    Handler.rasa_port = args.rasa_port
    Handler.public_url = os.environ.get("RASA_PUBLIC_URL", "")
    url = store.store_url()
    Handler.admin = AdminApp(
        os.environ.get("ADMIN_PASSWORD"),
        lambda: store.engine_for(url),
        stats.zone(os.environ.get("ADMIN_TIMEZONE", "Europe/Paris")),
        secure_cookies=os.environ.get("ADMIN_COOKIE_SECURE", "") == "1",
    )
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    shown = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '') else args.host}:{args.port}"
    print(f"Web page: {shown}/", flush=True)
    print(
        f"Dashboard: {shown}/admin" + ("" if Handler.admin.enabled else " (disabled: set ADMIN_PASSWORD, 12 characters or more)"),
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
