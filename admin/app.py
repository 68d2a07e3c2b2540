"""The dashboard's routes, for scripts/serve_web.py: a request in, a response out.

    GET  /admin                       the dashboard (?du=AAAA-MM-JJ&au=AAAA-MM-JJ)
    GET  /admin/connexion             sign-in form;  POST: sign in
    POST /admin/deconnexion           sign out
    POST /admin/questions             an inbox group's status
    POST /admin/contacts              a hand-off request handled, or not
    GET  /admin/export/<table>.csv    one table as CSV

Without ADMIN_PASSWORD every route answers 503 with a page that says how to enable it.
Without a session, a page redirects to the sign-in form and the rest answers 401. Every
POST needs the session's CSRF token, and a foreign Origin is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy.engine import Engine

from admin import export, labels, pages, stats, store
from admin.auth import LOGIN_COOKIE, MIN_PASSWORD_LENGTH, SESSION_COOKIE, Session, Sessions, cookie_header, read_cookie, same_secret

logger = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
DEFAULT_DAYS = 7
FAILED_LOGIN_DELAY = 1.0  # seconds: slows down password guessing
HTML = "text/html; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = HTML
    headers: List[Tuple[str, str]] = field(default_factory=list)


def _redirect(location: str, *headers: Tuple[str, str]) -> Response:
    return Response(303, b"", "text/plain; charset=utf-8", [("Location", location), *headers])


def _form(body: bytes) -> Dict[str, str]:
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {k: v[0] for k, v in fields.items() if v}


def _date(text: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class AdminApp:
    def __init__(
        self,
        password: Optional[str],
        engine: Callable[[], Engine],
        zone: dt.tzinfo,
        secure_cookies: bool = False,
        failed_login_delay: float = FAILED_LOGIN_DELAY,
    ) -> None:
        self.password = password or ""
        self.engine = engine
        self.zone = zone
        self.secure = secure_cookies
        self.failed_login_delay = failed_login_delay
        self.sessions = Sessions()
        # Wrong passwords wait their turn: one guess per delay, however many connections try.
        self._failures = threading.Lock()

    @property
    def enabled(self) -> bool:
        return len(self.password) >= MIN_PASSWORD_LENGTH

    # --- dispatch ------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes = b"") -> Response:
        parts = urlsplit(target)
        path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
        if not self.enabled:
            return self._disabled()
        if method == "HEAD":
            method = "GET"
        if path in ("/admin", "/admin/") and method == "GET":
            return self._with_session(headers, lambda s: self._dashboard(s, query), page=True)
        if path == "/admin/connexion":
            if method == "GET":
                return self._login_form(headers)
            if method == "POST":
                return self._login(headers, body)
        elif path == "/admin/deconnexion" and method == "POST":
            return self._posted(headers, body, self._logout)
        elif path == "/admin/questions" and method == "POST":
            return self._posted(headers, body, self._mark_question)
        elif path == "/admin/contacts" and method == "POST":
            return self._posted(headers, body, self._mark_handoff)
        elif path.startswith("/admin/export/") and path.endswith(".csv") and method == "GET":
            name = path[len("/admin/export/") : -len(".csv")]
            if name in export.EXPORTS:
                return self._with_session(headers, lambda s: self._export(name, query), page=False)
        elif path in ("/admin", "/admin/", "/admin/deconnexion", "/admin/questions", "/admin/contacts"):
            return self._error(405, "Méthode non autorisée", "Cette adresse ne s'utilise pas ainsi.")
        return self._error(404, "Page introuvable", "Cette page du tableau de bord n'existe pas.")

    # --- pages ---------------------------------------------------------------------------
    def _disabled(self) -> Response:
        reason = "n'est pas définie" if not self.password else f"est trop courte (au moins {MIN_PASSWORD_LENGTH} caractères)"
        body = pages.message_page(
            "Tableau de bord désactivé",
            [
                f"Le tableau de bord du service est désactivé : la variable d'environnement ADMIN_PASSWORD {reason}.",
                "Définissez-la (un mot de passe long, connu du seul service), puis redémarrez le serveur web.",
            ],
        )
        return Response(503, body)

    def _error(
        self, status: int, title: str, text: str, link: Optional[Tuple[str, str]] = ("/admin", "Revenir au tableau de bord")
    ) -> Response:
        return Response(status, pages.message_page(title, [text], link))

    def _session(self, headers: Mapping[str, str]) -> Tuple[str, Optional[Session]]:
        session_id = read_cookie(headers.get("Cookie"), SESSION_COOKIE)
        return session_id, self.sessions.get(session_id)

    def _with_session(self, headers: Mapping[str, str], then: Callable[[Session], Response], page: bool) -> Response:
        _, session = self._session(headers)
        if session is None:
            if page:
                return _redirect("/admin/connexion")
            return self._error(401, "Connexion requise", "Connectez-vous pour voir cette page.", ("/admin/connexion", "Se connecter"))
        return then(session)

    def _period(self, query: Mapping[str, str]) -> stats.Period:
        default = stats.Period.last_days(DEFAULT_DAYS, self.zone)
        start, end = _date(query.get("du")) or default.start, _date(query.get("au")) or default.end
        if start > end:
            start, end = end, start
        start = max(start, end - dt.timedelta(days=stats.MAX_DAYS - 1))
        return stats.Period(start, end, self.zone)

    def _dashboard(self, session: Session, query: Mapping[str, str]) -> Response:
        period = self._period(query)
        notice = {"enregistre": "Le statut est enregistré."}.get(query.get("fait", ""), "")
        return Response(200, pages.dashboard_page(stats.dashboard(self.engine(), period), session.csrf, notice))

    def _export(self, name: str, query: Mapping[str, str]) -> Response:
        period = self._period(query)
        header, rows = export.dashboard_table(stats.dashboard(self.engine(), period), name)
        filename = f"{name}-{period.start.isoformat()}-au-{period.end.isoformat()}.csv"
        return Response(
            200, export.to_csv(header, rows), "text/csv; charset=utf-8", [("Content-Disposition", f'attachment; filename="{filename}"')]
        )

    # --- sign-in -------------------------------------------------------------------------
    def _login_form(self, headers: Mapping[str, str], error: str = "", status: int = 200) -> Response:
        if not error and self._session(headers)[1] is not None:
            return _redirect("/admin")
        token = self.sessions.login_token()
        cookie = cookie_header(LOGIN_COOKIE, token, max_age=15 * 60, secure=self.secure)
        return Response(status, pages.login_page(token, error), headers=[("Set-Cookie", cookie)])

    def _login(self, headers: Mapping[str, str], body: bytes) -> Response:
        if not self._same_origin(headers):
            return self._forbidden()
        fields = _form(body)
        if not self.sessions.take_login_token(read_cookie(headers.get("Cookie"), LOGIN_COOKIE), fields.get("csrf", "")):
            return self._login_form(
                headers,
                "Le formulaire a expiré, ou votre navigateur refuse les cookies de ce site. Saisissez à nouveau le mot de passe.",
                403,
            )
        if not same_secret(fields.get("password", ""), self.password):
            logger.warning("admin: failed sign-in")
            with self._failures:
                time.sleep(self.failed_login_delay)
            return self._login_form(headers, "Mot de passe incorrect.", 401)
        session_id = self.sessions.open()
        return _redirect(
            "/admin",
            ("Set-Cookie", cookie_header(SESSION_COOKIE, session_id, secure=self.secure)),
            ("Set-Cookie", cookie_header(LOGIN_COOKIE, "", max_age=0, secure=self.secure)),
        )

    def _logout(self, session_id: str, fields: Mapping[str, str]) -> Response:
        self.sessions.close(session_id)
        return _redirect("/admin/connexion", ("Set-Cookie", cookie_header(SESSION_COOKIE, "", max_age=0, secure=self.secure)))

    # --- forms ---------------------------------------------------------------------------
    def _same_origin(self, headers: Mapping[str, str]) -> bool:
        # Browsers send Origin with every POST; when they do, it must be this site.
        origin = headers.get("Origin")
        return not origin or urlsplit(origin).netloc == (headers.get("Host") or "")

    def _forbidden(self) -> Response:
        return self._error(
            403,
            "Demande refusée",
            "Cette demande ne vient pas d'une page du tableau de bord, ou la page a expiré : rechargez-la et recommencez.",
        )

    def _posted(self, headers: Mapping[str, str], body: bytes, then: Callable[[str, Mapping[str, str]], Response]) -> Response:
        session_id, session = self._session(headers)
        if session is None:
            return self._error(
                401, "Connexion requise", "Votre session a expiré : connectez-vous à nouveau.", ("/admin/connexion", "Se connecter")
            )
        if len(body) > MAX_BODY:
            return self._error(413, "Demande trop longue", "Cette demande est trop longue.")
        fields = _form(body)
        if not self._same_origin(headers) or not same_secret(fields.get("csrf", ""), session.csrf):
            return self._forbidden()
        return then(session_id, fields)

    def _back(self, fields: Mapping[str, str], anchor: str) -> Response:
        query = {"fait": "enregistre"}
        start, end = _date(fields.get("du")), _date(fields.get("au"))
        if start and end:
            query.update(du=start.isoformat(), au=end.isoformat())
        return _redirect(f"/admin?{urlencode(query)}#{anchor}")

    def _mark_question(self, session_id: str, fields: Mapping[str, str]) -> Response:
        key, status = fields.get("cle", ""), fields.get("statut", "")
        if status not in labels.INBOX_STATUSES or not key or len(key) > 64:
            return self._error(400, "Demande incomplète", "Ce statut n'existe pas.")
        store.set_mark(self.engine(), stats.INBOX_KIND, key, status)
        return self._back(fields, "questions")

    def _mark_handoff(self, session_id: str, fields: Mapping[str, str]) -> Response:
        request_id, status = fields.get("demande", ""), fields.get("statut", "")
        if status not in labels.HANDOFF_STATUSES or not request_id or len(request_id) > 128:
            return self._error(400, "Demande incomplète", "Ce statut n'existe pas.")
        requests = stats.handoff_requests(
            store.read_slot_events(self.engine(), labels.HANDOFF_SLOT), {}, stats.Period.last_days(1, self.zone)
        )
        sender = next((r.sender_id for r in requests if r.request_id == request_id), None)
        if sender is None:
            return self._error(
                404, "Demande introuvable", "Cette demande de contact n'existe plus (la conversation a peut-être été effacée)."
            )
        store.set_mark(self.engine(), stats.HANDOFF_KIND, request_id, status, sender_id=sender)
        return self._back(fields, "contacts")
