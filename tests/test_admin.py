"""The dashboard without a server: its figures on a store filled with known events (in the
rows Rasa's SQL tracker store writes), the inbox's grouping, masking, CSV injection, the
marks and their deletion, and the sign-in, CSRF and escaping of admin/app.py in process."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import sqlalchemy as sa

from admin import export, labels, pages, stats, store
from admin.app import AdminApp, Response
from admin.auth import LOGIN_COOKIE, SESSION_COOKIE, same_secret
from admin.text import EMAIL_MASK, PHONE_MASK, group_key, mark_key, mask_personal_data, normalise
from scripts.forget_conversations import forget

PARIS = stats.zone("Europe/Paris")
DAY = dt.date(2026, 11, 30)
PERIOD = stats.Period(DAY - dt.timedelta(days=1), DAY, PARIS)


def at(day: dt.date, hour: int, minute: int = 0) -> float:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).timestamp()


class StoreBuilder:
    """Writes events as Rasa 3.6's SQLTrackerStore does: one row each, its JSON in ``data``."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)
        store.EVENTS.create(self.engine, checkfirst=True)
        self.sender = ""
        self.now = 0.0
        self.pending: List[Dict[str, Any]] = []

    def conversation(self, sender: str, start: float) -> "StoreBuilder":
        self.sender, self.now = sender, start
        return self.action("action_session_start").row("session_started", None, {"event": "session_started"}).action("action_listen")

    def row(self, type_name: str, name: Optional[str], data: Dict[str, Any], intent: Optional[str] = None) -> "StoreBuilder":
        self.now += 1
        data = {"timestamp": self.now, "metadata": {"model_id": "test"}, **data}
        self.pending.append(
            dict(
                sender_id=self.sender,
                type_name=type_name,
                timestamp=self.now,
                intent_name=intent,
                action_name=name,
                data=json.dumps(data, ensure_ascii=False),
            )
        )
        return self

    def flush(self) -> "StoreBuilder":
        """Writes the events built so far, in one transaction."""
        if self.pending:
            with self.engine.begin() as connection:
                connection.execute(store.EVENTS.insert(), self.pending)
            self.pending = []
        return self

    def user(self, text: str, intent: str) -> "StoreBuilder":
        parse = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
        self.row(
            "user",
            None,
            {"event": "user", "text": text, "parse_data": parse, "input_channel": "rest", "message_id": uuid.uuid4().hex},
            intent,
        )
        return self.row("user_featurization", None, {"event": "user_featurization"})

    def action(self, name: str) -> "StoreBuilder":
        return self.row("action", name, {"event": "action", "name": name, "policy": "RulePolicy", "confidence": 1.0})

    def bot(self, text: str, custom: Optional[Dict[str, Any]] = None) -> "StoreBuilder":
        data = {"elements": None, "quick_replies": None, "buttons": None, "attachment": None, "image": None, "custom": custom}
        return self.row("bot", None, {"event": "bot", "text": text, "data": data})

    def slot(self, name: str, value: Any) -> "StoreBuilder":
        return self.row("slot", name, {"event": "slot", "name": name, "value": value})

    def loop(self, name: Optional[str]) -> "StoreBuilder":
        return self.row("active_loop", name, {"event": "active_loop", "name": name})

    def listen(self) -> "StoreBuilder":
        return self.action("action_listen")

    # Turns as the dialogue produces them (data/rules/).
    def clarified(self, text: str, intent: str = "nlu_fallback") -> "StoreBuilder":
        return self.user(text, intent).action(labels.CLARIFYING_ACTION).bot("Je n'ai pas bien compris votre message.").listen()

    def answered(
        self, text: str, intent: str, topic: str, answer_id: Optional[str] = None, action: str = "action_answer_question"
    ) -> "StoreBuilder":
        custom: Dict[str, Any] = {"type": "answer", "topic": topic, "facet": "", "sources": []}
        if answer_id:
            custom["feedback"] = {"answer_id": answer_id, "topic": topic}
        return self.user(text, intent).action(action).bot("Réponse.", custom).slot("last_topic", topic).listen()

    def rating(self, answer_id: str, topic: str, rating: str, reason: Optional[str] = None, comment: str = "") -> "StoreBuilder":
        return self.slot("feedback", {"answer_id": answer_id, "topic": topic, "rating": rating, "reason": reason, "comment": comment})

    def handoff(self, request_id: str, contact: str) -> "StoreBuilder":
        value = {
            "request_id": request_id,
            "contact_kind": "email",
            "contact": contact,
            "recap": ["Situation : salariée"],
            "recommendation": "Alternance",
            "last_questions": ["<b>et le salaire ?</b>"],
            "requested_at": "2026-11-30T10:00:00+01:00",
        }
        return self.slot("handoff_request", value)


def interview_start(b: StoreBuilder, text: str = "je veux me reconvertir, que me conseilles-tu ?") -> StoreBuilder:
    form, _ = labels.interview()
    b.user(text, "request_pathway").action(form).loop(form).slot("situation", "reconversion").slot("interview_started", True)
    return b.slot("requested_slot", "age").bot("Quel âge avez-vous ?").listen()


def interview_answer(b: StoreBuilder, text: str, slot: str, value: Any, next_slot: Optional[str]) -> StoreBuilder:
    form, _ = labels.interview()
    b.user(text, "inform").action(form).slot(slot, value).slot("requested_slot", next_slot)
    if next_slot:
        return b.bot("Question suivante ?").listen()
    return (
        b.loop(None)
        .action("action_recommend_pathway")
        .bot("Je vous conseille l'alternance.", {"type": "pathway_recommendation", "top": {"id": "alternance", "name": "Alternance"}})
        .listen()
    )


ANSWERS = {
    "age": ("34 ans", 34.0),
    "diploma": ("le bac", "bac"),
    "background": ("non", {"health_diploma": None, "experience_years": 0.0}),
    "budget_eur": ("0", 0.0),
    "max_duration_months": ("2 ans", 24.0),
    "must_be_paid": ("oui", True),
    "financing": ("france travail", ["france_travail"]),
    "interest": ("les patients", "patients"),
}


@pytest.fixture
def filled(tmp_path: Path) -> StoreBuilder:
    """Six conversations with known figures (see each test), two days in the period and one before."""
    b = StoreBuilder(f"sqlite:///{tmp_path / 'conversations.db'}")
    # A: a fallback, an answer rated up, a fallback the context answered (not unanswered).
    b.conversation("visiteur-a", at(DAY, 9))
    b.clarified("qsdlkfj pouet zzzz")
    b.answered("Combien coûte la formation continue ?", "ask_cost", "ask_cost", answer_id="a1")
    b.user("/feedback", "feedback").rating("a1", "ask_cost", "up").listen()
    b.answered("y a un plafond ?", "nlu_fallback", "ask_financing", action=labels.CLARIFYING_ACTION)
    # B: the same out-of-scope question in three wordings, an address and a phone left in a
    # fallback, an answer rated down with a reason and a comment, a hand-off request.
    b.conversation("visiteur-b", at(DAY, 10))
    b.clarified("Quel temps fait-il à Paris ?", "out_of_scope")
    b.clarified("quel temps fait il a paris", "out_of_scope")
    b.clarified("Paris : quel temps fait-il ?!", "out_of_scope")
    b.clarified("écrivez-moi à jean.dupont@example.com ou au 06 12 34 56 78")
    b.answered("Et le salaire ?", "ask_salary", "ask_salary", answer_id="b1")
    b.rating("b1", "ask_salary", "down", "pas_clair", "<b>trop long</b>, rappelez le +33 6 12 34 56 78")
    b.handoff("req-b", "jean.dupont@example.com")
    # The visitor comes back after an hour: Rasa copies every slot into the new session.
    b.now = at(DAY, 12)
    b.action("action_session_start").row("session_started", None, {"event": "session_started"})
    b.slot(
        "feedback",
        {
            "answer_id": "b1",
            "topic": "ask_salary",
            "rating": "down",
            "reason": "pas_clair",
            "comment": "<b>trop long</b>, rappelez le +33 6 12 34 56 78",
        },
    )
    b.handoff("req-b", "jean.dupont@example.com").listen()
    b.clarified("<img src=x onerror=alert(1)>", "out_of_scope")
    # C: an interview completed, the day before.
    b.conversation("visiteur-c", at(DAY - dt.timedelta(days=1), 15))
    interview_start(b)
    slots = list(ANSWERS)
    for index, slot in enumerate(slots):
        text, value = ANSWERS[slot]
        interview_answer(b, text, slot, value, slots[index + 1] if index + 1 < len(slots) else None)
    # D: an interview stopped at the first question.
    b.conversation("visiteur-d", at(DAY, 14))
    interview_start(b)
    b.user("stop", "stop_interview").action(labels.STOP_ACTION).bot("D'accord, j'arrête les questions.").action(
        "action_deactivate_loop"
    ).loop(None).slot("requested_slot", None).listen()
    # E: an interview left after the age.
    b.conversation("visiteur-e", at(DAY, 15))
    interview_start(b)
    interview_answer(b, "34 ans", "age", 34.0, "diploma")
    # F: before the period: not counted, but its hand-off request, still to handle, is shown.
    b.conversation("visiteur-f", at(DAY - dt.timedelta(days=10), 9))
    b.clarified("qsdlkfj pouet zzzz")
    b.handoff("req-f", "06 99 88 77 66")
    b.handoff("req-f-done", "ancien@example.com")
    return b.flush()


def figures(b: StoreBuilder) -> stats.Dashboard:
    return stats.dashboard(b.flush().engine, PERIOD)


# --- masking and grouping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        ("écrivez à jean.dupont@example.com svp", f"écrivez à {EMAIL_MASK} svp"),
        ("Marie-Anne.O'Neil+cv@mail.example.fr", EMAIL_MASK),
        ("appelez le 06 12 34 56 78", f"appelez le {PHONE_MASK}"),
        ("tel 0612345678.", f"tel {PHONE_MASK}."),
        ("+33 6 12 34 56 78 ou 0033612345678", f"{PHONE_MASK} ou {PHONE_MASK}"),
        ("06.12.34.56.78 / 06-12-34-56-78", f"{PHONE_MASK} / {PHONE_MASK}"),
        ("3 000 € en 2026, à Paris 75001, 12 mois", "3 000 € en 2026, à Paris 75001, 12 mois"),
    ],
)
def test_personal_data_is_masked_and_amounts_are_not(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


def test_similar_messages_share_a_key_and_the_key_holds_no_words() -> None:
    same = ["Quel temps fait-il à Paris ?", "quel temps fait il a paris", "PARIS : quel temps fait-il ?!", "quel  temps\tfait-il à Paris"]
    assert len({group_key(text) for text in same}) == 1
    assert group_key("Quel temps fait-il à Lyon ?") != group_key(same[0])
    assert normalise("Ça coûte combien, l'école ?") == "ca coute combien l ecole"
    # Two visitors leaving their own address in the same sentence group together.
    assert group_key("écrivez-moi : a@b.fr") == group_key("Écrivez-moi : zoe.martin@example.com")
    key = mark_key(group_key(same[0]))
    assert re.fullmatch(r"[0-9a-f]{32}", key) and "paris" not in key


# --- CSV ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+33612345678", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '  =HYPERLINK("http://x")'])
def test_csv_neutralises_formulas(cell: str) -> None:
    assert export.neutralise(cell) == "'" + cell


def test_csv_for_a_french_spreadsheet() -> None:
    body = export.to_csv(["Message", "Messages", "Taux"], [['=HYPERLINK("http://evil")', 3, 12.5], ["ligne 1\nligne 2; encore", 0, None]])
    assert body.startswith(b"\xef\xbb\xbf")
    text = body[3:].decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "Message;Messages;Taux"
    assert lines[1] == '"\'=HYPERLINK(""http://evil"")";3;12,5'
    assert lines[2].startswith('"ligne 1\nligne 2; encore";0;')
    assert export.neutralise("Les coûts") == "Les coûts" and export.neutralise(True) == "oui"


# --- the figures -------------------------------------------------------------------------------------


def test_messages_and_conversations_per_day(filled: StoreBuilder) -> None:
    data = figures(filled)
    per_day = {d.day: (d.conversations, d.messages) for d in data.days}
    # C: 1 request + 7 answers the day before; A: 3 messages (the rating's payload is not one), B: 6, D: 2, E: 2.
    assert per_day == {DAY - dt.timedelta(days=1): (1, 9), DAY: (4, 13)}
    assert (data.conversations, data.messages) == (5, 22)


def test_fallback_and_out_of_scope_rates(filled: StoreBuilder) -> None:
    data = figures(filled)
    # A's "qsdlkfj" and B's address; the fallback the context answered is not counted.
    assert data.fallbacks == 2
    assert data.out_of_scope == 4
    assert data.fallback_rate == pytest.approx(2 / 22) and data.out_of_scope_rate == pytest.approx(4 / 22)


def test_inbox_groups_similar_messages_masked(filled: StoreBuilder) -> None:
    data = figures(filled)
    groups = {g.text: g for g in data.inbox}
    weather = groups["Quel temps fait-il à Paris ?"]
    assert (weather.messages, weather.conversations, weather.kinds) == (3, 1, ["Hors sujet"])
    assert sorted(weather.variants) == sorted(["quel temps fait il a paris", "Paris : quel temps fait-il ?!"])
    masked = f"écrivez-moi à {EMAIL_MASK} ou au {PHONE_MASK}"
    assert groups[masked].kinds == ["Incompris"]
    assert set(groups) == {"Quel temps fait-il à Paris ?", masked, "qsdlkfj pouet zzzz", "<img src=x onerror=alert(1)>"}
    assert data.inbox[0].text == "Quel temps fait-il à Paris ?", "the most frequent first"
    assert not any("example.com" in g.text or "06 12" in g.text for g in data.inbox)


def test_topics_are_the_answers_topics_then_the_intents(filled: StoreBuilder) -> None:
    topics = {t.topic: t.messages for t in figures(filled).topics}
    assert topics["ask_cost"] == 1
    assert topics["ask_financing"] == 1, "the fallback answered by the context counts for the topic answered"
    assert topics["out_of_scope"] == 4 and topics["nlu_fallback"] == 2
    assert topics[labels.INTERVIEW_ANSWER] == 9, "C's 8 answers and E's one"
    assert topics["request_pathway"] == 3
    assert "feedback" not in topics
    assert labels.topic_label("ask_cost") == "Les coûts" and labels.topic_label("inconnu") == "inconnu"


def test_interview_funnel_and_pathways(filled: StoreBuilder) -> None:
    data = figures(filled)
    funnel = data.funnel
    assert (funnel.started, funnel.completed, funnel.stopped, funnel.unfinished) == (3, 1, 1, 1)
    steps = {s.slot: s.conversations for s in funnel.steps}
    _, questions = labels.interview()
    assert list(steps) == list(questions)
    # The situation came with the request in all three; the age in C and E; the rest in C only.
    assert steps["situation"] == 3 and steps["age"] == 2
    assert all(steps[slot] == 1 for slot in questions[2:])
    assert data.pathways == [("Alternance", 1)]
    assert funnel.rows()[0] == ("Commencés", 3) and funnel.rows()[-1] == ("Laissés en cours de route", 1)


def test_feedback_counted_once_per_answer_with_reasons(filled: StoreBuilder) -> None:
    data = figures(filled)
    assert {f.topic: (f.up, f.down) for f in data.feedback} == {"ask_cost": (1, 0), "ask_salary": (0, 1)}
    assert data.ratings == (1, 1)
    [negative] = data.negative
    assert (negative.label, negative.reason) == ("Le salaire", "Pas clair")
    assert negative.comment == f"<b>trop long</b>, rappelez le {PHONE_MASK}"
    assert negative.question == "Et le salaire ?"
    assert negative.timestamp < at(DAY, 12), "the time it was given, not the copy's"


def test_handoffs_once_each_and_those_to_handle_whatever_their_date(filled: StoreBuilder) -> None:
    store.set_mark(filled.engine, stats.HANDOFF_KIND, "req-f-done", "traitee", sender_id="visiteur-f")
    data = figures(filled)
    assert [(h.request_id, h.status) for h in data.handoffs] == [("req-b", "nouvelle"), ("req-f", "nouvelle")]
    assert data.new_handoffs == 2
    assert data.handoffs[0].contact == "jean.dupont@example.com" and data.handoffs[0].recommendation == "Alternance"
    # Handled, in the period: shown after those to handle.
    store.set_mark(filled.engine, stats.HANDOFF_KIND, "req-b", "traitee", sender_id="visiteur-b")
    assert [(h.request_id, h.status) for h in figures(filled).handoffs] == [("req-f", "nouvelle"), ("req-b", "traitee")]


def test_an_empty_or_missing_store(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'none.db'}")
    data = stats.dashboard(engine, PERIOD)
    assert (data.conversations, data.messages, data.inbox, data.funnel.started) == (0, 0, [], 0)
    assert len(data.days) == 2 and data.fallback_rate == 0.0
    page = pages.dashboard_page(data, "jeton").decode("utf-8")
    assert "Rien sur cette période." in page and "data-chart" not in page.split("table-activite")[0]


def test_period_in_the_service_time_zone() -> None:
    # 23:30 in Paris on 30 November is 22:30 UTC: still the 30th for the service.
    late = dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.timezone.utc).timestamp()
    assert PERIOD.day_of(late) == DAY and PERIOD.contains(late)
    assert not PERIOD.contains(at(DAY + dt.timedelta(days=1), 0, 0))
    assert [d.isoformat() for d in PERIOD.days()] == ["2026-11-29", "2026-11-30"]


# --- marks ------------------------------------------------------------------------------------------


def test_inbox_marks_persist_and_sort_what_is_left_first(filled: StoreBuilder) -> None:
    weather = figures(filled).inbox[0]
    store.set_mark(filled.engine, stats.INBOX_KIND, weather.key, "ajoute")
    store.set_mark(filled.engine, stats.INBOX_KIND, weather.key, "ignore")  # an update, not a second row
    data = figures(filled)
    statuses = {g.text: g.status for g in data.inbox}
    assert statuses["Quel temps fait-il à Paris ?"] == "ignore"
    assert data.inbox[-1].text == "Quel temps fait-il à Paris ?", "handled groups go last"
    with filled.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM admin_marks")).scalar() == 1


def test_forgetting_conversations_forgets_their_marks(filled: StoreBuilder, tmp_path: Path) -> None:
    url = str(filled.engine.url)
    store.set_mark(filled.engine, stats.HANDOFF_KIND, "req-b", "traitee", sender_id="visiteur-b")
    store.set_mark(filled.engine, stats.HANDOFF_KIND, "req-f", "traitee", sender_id="visiteur-f")
    store.set_mark(filled.engine, stats.INBOX_KIND, "0" * 32, "ignore")
    assert forget(url, ["visiteur-b"]) > 0
    assert store.read_marks(filled.engine, stats.HANDOFF_KIND) == {"req-f": "traitee"}
    # Retention: F is ten days old.
    assert forget(url, [], older_than_days=5) > 0
    assert store.read_marks(filled.engine, stats.HANDOFF_KIND) == {}
    assert store.read_marks(filled.engine, stats.INBOX_KIND) == {"0" * 32: "ignore"}, "an inbox mark belongs to no conversation"
    assert [h.request_id for h in figures(filled).handoffs] == []


# --- sign-in, CSRF, escaping (admin/app.py in process) ----------------------------------------------------

PASSWORD = "un-mot-de-passe-assez-long"


class Browser:
    """Cookies and Origin as a browser sends them to AdminApp.handle."""

    def __init__(self, app: AdminApp) -> None:
        self.app = app
        self.cookies: Dict[str, str] = {}

    def send(
        self, method: str, target: str, fields: Optional[Dict[str, str]] = None, origin: Optional[str] = "http://admin.test"
    ) -> Response:
        headers = {"Host": "admin.test"}
        if origin:
            headers["Origin"] = origin
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = "&".join(f"{k}={v}" for k, v in (fields or {}).items()).encode()
        response = self.app.handle(method, target, headers, body)
        for name, value in response.headers:
            if name == "Set-Cookie":
                cookie, _, attributes = value.partition(";")
                key, _, val = cookie.partition("=")
                if "Max-Age=0" in attributes:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
        return response

    def csrf(self, response: Response) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', response.body.decode("utf-8"))
        assert found
        return found.group(1)

    def sign_in(self, password: str = PASSWORD) -> Response:
        form = self.send("GET", "/admin/connexion")
        return self.send("POST", "/admin/connexion", {"csrf": self.csrf(form), "password": password})


@pytest.fixture
def app(filled: StoreBuilder) -> AdminApp:
    return AdminApp(PASSWORD, lambda: filled.engine, PARIS, failed_login_delay=0)


def test_disabled_without_a_password_or_with_a_short_one(filled: StoreBuilder) -> None:
    for password in (None, "", "court"):
        response = AdminApp(password, lambda: filled.engine, PARIS).handle("GET", "/admin", {})
        assert response.status == 503
        assert "ADMIN_PASSWORD" in response.body.decode("utf-8") and 'lang="fr"' in response.body.decode("utf-8")


def test_without_a_session_pages_redirect_and_the_rest_is_refused(app: AdminApp) -> None:
    browser = Browser(app)
    response = browser.send("GET", "/admin")
    assert (response.status, dict(response.headers)["Location"]) == (303, "/admin/connexion")
    assert browser.send("GET", "/admin/export/questions.csv").status == 401
    assert browser.send("POST", "/admin/questions", {"cle": "0" * 32, "statut": "ignore", "csrf": "x"}).status == 401
    assert browser.send("GET", "/admin/export/../../etc/passwd.csv").status == 404
    assert browser.send("GET", "/admin/nimporte").status == 404


def test_sign_in_cookies_and_wrong_password(app: AdminApp) -> None:
    browser = Browser(app)
    form = browser.send("GET", "/admin/connexion")
    [login_cookie] = [v for k, v in form.headers if k == "Set-Cookie"]
    assert (
        login_cookie.startswith(f"{LOGIN_COOKIE}=")
        and "HttpOnly" in login_cookie
        and "SameSite=Strict" in login_cookie
        and "Path=/admin" in login_cookie
    )
    wrong = browser.send("POST", "/admin/connexion", {"csrf": browser.csrf(form), "password": "pas-le-bon-mot-de-passe"})
    assert wrong.status == 401 and "Mot de passe incorrect." in wrong.body.decode("utf-8")
    assert SESSION_COOKIE not in browser.cookies
    signed_in = browser.sign_in()
    assert (signed_in.status, dict(signed_in.headers)["Location"]) == (303, "/admin")
    session_cookie = next(v for k, v in signed_in.headers if k == "Set-Cookie" and v.startswith(SESSION_COOKIE))
    assert all(flag in session_cookie for flag in ("HttpOnly", "SameSite=Strict", "Path=/admin"))
    assert browser.send("GET", "/admin").status == 200
    assert browser.send("GET", "/admin/connexion").status == 303, "signed in already"


def test_sign_in_needs_its_form_token(app: AdminApp) -> None:
    browser = Browser(app)
    browser.send("GET", "/admin/connexion")
    # A form posted from elsewhere: no token of ours, or a token without its cookie.
    assert browser.send("POST", "/admin/connexion", {"csrf": "devine", "password": PASSWORD}).status == 403
    stranger = Browser(app)
    token = browser.csrf(browser.send("GET", "/admin/connexion"))
    assert stranger.send("POST", "/admin/connexion", {"csrf": token, "password": PASSWORD}).status == 403
    # A token serves once.
    form = browser.send("GET", "/admin/connexion")
    token = browser.csrf(form)
    assert browser.send("POST", "/admin/connexion", {"csrf": token, "password": PASSWORD}).status == 303
    browser.cookies[LOGIN_COOKIE] = token
    assert browser.send("POST", "/admin/connexion", {"csrf": token, "password": PASSWORD}).status == 403


def test_every_form_needs_the_session_token_and_our_origin(app: AdminApp, filled: StoreBuilder) -> None:
    browser = Browser(app)
    browser.sign_in()
    page = browser.send("GET", "/admin?du=2026-11-29&au=2026-11-30")
    token = browser.csrf(page)
    key = figures(filled).inbox[0].key
    fields = {"cle": key, "statut": "ajoute", "du": "2026-11-29", "au": "2026-11-30"}
    assert browser.send("POST", "/admin/questions", fields).status == 403, "no token"
    assert browser.send("POST", "/admin/questions", {**fields, "csrf": token + "x"}).status == 403
    assert browser.send("POST", "/admin/questions", {**fields, "csrf": token}, origin="https://evil.example").status == 403
    assert browser.send("POST", "/admin/questions", {**fields, "csrf": token}, origin="null").status == 403
    assert store.read_marks(filled.engine, stats.INBOX_KIND) == {}
    done = browser.send("POST", "/admin/questions", {**fields, "csrf": token})
    assert (done.status, dict(done.headers)["Location"]) == (303, "/admin?fait=enregistre&du=2026-11-29&au=2026-11-30#questions")
    assert store.read_marks(filled.engine, stats.INBOX_KIND) == {key: "ajoute"}
    assert browser.send("POST", "/admin/questions", {**fields, "statut": "supprime", "csrf": token}).status == 400
    handled = browser.send("POST", "/admin/contacts", {"demande": "req-b", "statut": "traitee", "csrf": token})
    assert handled.status == 303
    with filled.engine.connect() as connection:
        row = connection.execute(sa.text("SELECT sender_id, status FROM admin_marks WHERE kind = 'handoff'")).one()
    assert tuple(row) == ("visiteur-b", "traitee")
    assert browser.send("POST", "/admin/contacts", {"demande": "inconnue", "statut": "traitee", "csrf": token}).status == 404
    # Signed out: the session is gone.
    assert browser.send("POST", "/admin/deconnexion", {"csrf": token}).status == 303
    assert browser.send("GET", "/admin").status == 303


def test_dashboard_escapes_visitors_texts(app: AdminApp) -> None:
    browser = Browser(app)
    browser.sign_in()
    page = browser.send("GET", "/admin?du=2026-11-29&au=2026-11-30").body.decode("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;trop long&lt;/b&gt;" in page and "&lt;b&gt;et le salaire ?&lt;/b&gt;" in page
    assert "<img" not in page and "<b>" not in page and "<script>" not in page
    # Only the two scripts of the site, no inline script or style.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/vendor/chart.umd.min.js" defer>', '<script src="/admin/admin.js" defer>']
    assert " style=" not in page and "<style" not in page
    # Masked in the inbox, shown on the hand-off request (that is what it is for).
    inbox = page.split('id="questions"')[1].split('id="entretien"')[0]
    assert "example.com" not in inbox and EMAIL_MASK in inbox
    contacts = page.split('id="contacts"')[1]
    assert "jean.dupont@example.com" in contacts


def test_exports_mask_and_neutralise(app: AdminApp, filled: StoreBuilder) -> None:
    b = filled
    b.conversation("visiteur-g", at(DAY, 16))
    b.clarified('=HYPERLINK("http://evil.example","clic") zorglub').flush()
    browser = Browser(app)
    browser.sign_in()
    for name in export.EXPORTS:
        response = browser.send("GET", f"/admin/export/{name}.csv?du=2026-11-29&au=2026-11-30")
        assert response.status == 200 and response.content_type == "text/csv; charset=utf-8"
        assert dict(response.headers)["Content-Disposition"] == f'attachment; filename="{name}-2026-11-29-au-2026-11-30.csv"'
        text = response.body.decode("utf-8-sig")
        assert "example.com" not in text.replace("evil.example", ""), name
        assert "06 12 34 56 78" not in text and "06 99 88" not in text, name
    questions = browser.send("GET", "/admin/export/questions.csv?du=2026-11-29&au=2026-11-30").body.decode("utf-8-sig")
    assert "'=HYPERLINK" in questions and ";=HYPERLINK" not in questions and "\n=HYPERLINK" not in questions


def test_constant_time_comparison_of_different_lengths() -> None:
    assert same_secret("abc", "abc") and not same_secret("abc", "abcd") and not same_secret("", "abc")


def test_french_formatting() -> None:
    assert pages.percent(0.125) == "12,5\u202f%" and pages.percent(0.5) == "50\u202f%" and pages.number(12345) == "12\u202f345"
    assert pages.day_short(dt.date(2026, 12, 1)) == "mar. 1er déc." and pages.day_long(dt.date(2026, 11, 30)) == "30 novembre 2026"


def test_unused_sign_in_forms_are_bounded() -> None:
    from admin.auth import MAX_LOGIN_TOKENS, Sessions

    sessions = Sessions()
    first = sessions.login_token()
    for _ in range(MAX_LOGIN_TOKENS):
        last = sessions.login_token()
    assert not sessions.take_login_token(first, first), "the oldest form was dropped"
    assert sessions.take_login_token(last, last)
