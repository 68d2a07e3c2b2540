"""The dashboard's sign-in: one password from the environment, sessions kept in memory.

A session is a random id in a cookie (HttpOnly, SameSite=Strict, Path=/admin) and a CSRF
token that every form posts back. The sign-in form itself carries a token bound to a
short-lived cookie, so that another site cannot sign a browser in. Secrets are compared in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Dict, Optional

SESSION_COOKIE = "admin_session"
LOGIN_COOKIE = "admin_login"
COOKIE_PATH = "/admin"
SESSION_SECONDS = 8 * 3600  # a working day, then sign in again
IDLE_SECONDS = 2 * 3600
LOGIN_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 12
# Sign-in forms handed out and not used yet: the oldest are dropped beyond this, so that
# fetching the form in a loop cannot fill the memory.
MAX_LOGIN_TOKENS = 1000


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison; digests first, so that the lengths do not show either."""
    return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).digest(), hashlib.sha256(expected.encode("utf-8")).digest())


def cookie_header(name: str, value: str, max_age: Optional[int] = None, secure: bool = False) -> str:
    parts = [f"{name}={value}", f"Path={COOKIE_PATH}", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def read_cookie(header: Optional[str], name: str) -> str:
    if not header:
        return ""
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header)
    except CookieError:
        return ""
    morsel = cookies.get(name)
    return morsel.value if morsel else ""


@dataclass
class Session:
    csrf: str
    created: float
    seen: float


class Sessions:
    """The signed-in sessions of this process (a restart signs everyone out)."""

    def __init__(self) -> None:
        self._sessions: Dict[str, Session] = {}
        self._logins: Dict[str, float] = {}
        self._lock = threading.Lock()

    def open(self) -> str:
        now = time.time()
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._expire(now)
            self._sessions[session_id] = Session(secrets.token_urlsafe(32), now, now)
        return session_id

    def get(self, session_id: str) -> Optional[Session]:
        if not session_id:
            return None
        now = time.time()
        with self._lock:
            self._expire(now)
            session = self._sessions.get(session_id)
            if session is not None:
                session.seen = now
            return session

    def close(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def login_token(self) -> str:
        """A token for one sign-in form, also set as the login cookie."""
        now = time.time()
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._expire(now)
            while len(self._logins) >= MAX_LOGIN_TOKENS:
                del self._logins[next(iter(self._logins))]
            self._logins[token] = now
        return token

    def take_login_token(self, cookie: str, posted: str) -> bool:
        """The form's token matches its cookie and was issued here; it is used up either way."""
        if not cookie or not posted or not same_secret(cookie, posted):
            return False
        with self._lock:
            self._expire(time.time())
            return self._logins.pop(cookie, None) is not None

    def _expire(self, now: float) -> None:
        for session_id, session in list(self._sessions.items()):
            if now - session.created > SESSION_SECONDS or now - session.seen > IDLE_SECONDS:
                del self._sessions[session_id]
        for token, issued in list(self._logins.items()):
            if now - issued > LOGIN_SECONDS:
                del self._logins[token]
