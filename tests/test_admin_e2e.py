"""The dashboard on a tracker store filled by real conversations through the real servers.

A fresh action server, Rasa server and web page (with ADMIN_PASSWORD) on their own SQLite
store: visitors send gibberish, markup and an address, ask a question, complete an interview
and stop another one; ratings and a hand-off request are appended as slot events of issue
12's data contract. The dashboard, read over HTTP after signing in, must show exactly those
counts. tests/test_admin_postgres.py runs the same on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import uuid
from dataclasses import dataclass, field
from typing import Dict, Iterator, List

import pytest
import requests
import sqlalchemy as sa

from admin import stats
from launch.servers import MODEL, ROOT, VENV_BIN, RasaStack, start_stack
from tests.admin_helpers import PASSWORD, AdminClient, rate, request_handoff, rows_by_first_cell
from tests.test_e2e_interview import PERSONAS, interview

GIBBERISH = ["qsdlkfj pouet zzzz", "QSDLKFJ, pouet... zzzz !"]
MARKUP = "<img src=x onerror=alert(1)>"
WITH_ADDRESS = "zzzz qsdf jean.dupont@example.com wxcv"
COMMENT = "<b>trop long</b>, rappelez-moi au 06 12 34 56 78"


def new_sender(kind: str) -> str:
    return f"admin-{kind}-{uuid.uuid4().hex[:8]}"


@dataclass
class Scenario:
    """What the visitors did, and so what the dashboard must show."""

    senders: List[str] = field(default_factory=list)
    messages: int = 0
    intents: Dict[str, str] = field(default_factory=dict)  # unanswered message -> its intent in the tracker
    pathway: str = ""
    interviewed: str = ""
    handoff: str = ""

    def say(self, stack: RasaStack, sender: str, text: str) -> None:
        if sender not in self.senders:
            self.senders.append(sender)
        stack.say(sender, text)
        self.messages += 1


def unanswered_intent(stack: RasaStack, sender: str, text: str) -> str:
    """The intent of ``text`` in the real tracker, checking that the clarifying action answered it without a knowledge answer."""
    events = stack.tracker(sender)["events"]
    index = max(i for i, e in enumerate(events) if e.get("event") == "user" and e.get("text") == text)
    following = [e for e in events[index + 1 :] if e.get("event") in ("action", "bot", "user")]
    assert following[0].get("name") == "action_follow_context", (text, following[:2])
    reply = next(e for e in following if e.get("event") == "bot")
    assert ((reply.get("data") or {}).get("custom") or {}).get("type") != "answer", text
    return events[index]["parse_data"]["intent"]["name"]


def converse(stack: RasaStack) -> Scenario:
    scenario = Scenario()
    gibberish = new_sender("charabia")
    for text in GIBBERISH:
        scenario.say(stack, gibberish, text)
    markup = new_sender("balises")
    scenario.say(stack, markup, MARKUP)
    scenario.say(stack, markup, WITH_ADDRESS)
    for sender, text in [(gibberish, GIBBERISH[0]), (gibberish, GIBBERISH[1]), (markup, MARKUP), (markup, WITH_ADDRESS)]:
        scenario.intents[text] = unanswered_intent(stack, sender, text)

    asker = new_sender("question")
    scenario.say(stack, asker, "Combien coûte la formation continue ?")
    rate(stack, asker, "ask_cost", "up")
    rate(stack, asker, "ask_cost", "up")
    rate(stack, asker, "ask_cost", "down", "pas_clair", COMMENT)

    persona = PERSONAS[2]
    scenario.interviewed = new_sender("entretien")
    card, asked, _ = interview(stack, scenario.interviewed, persona.opening, persona.answers)
    scenario.senders.append(scenario.interviewed)
    scenario.messages += 1 + len(asked)
    scenario.pathway = card["top"]["name"]
    scenario.handoff = request_handoff(stack, scenario.interviewed, "marie.curie@example.com")

    stopper = new_sender("stop")
    scenario.say(stack, stopper, "je veux me reconvertir, que me conseilles-tu ?")
    scenario.say(stack, stopper, "stop")
    assert stack.tracker(stopper).get("active_loop", {}).get("name") is None
    return scenario


def inbox_key(page: str, text: str) -> str:
    """The mark key of the inbox row that shows ``text`` (escaped)."""
    row = next(r for r in page.split("<tr>") if html.escape(text) in r)
    return re.search(r'name="cle" value="([0-9a-f]{32})"', row).group(1)


def check_dashboard(stack: RasaStack, scenario: Scenario, store_url: str) -> None:
    # Without signing in: the page redirects to the form, the exports are refused.
    anonymous = requests.get(f"{stack.web_url}/admin", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["Location"] == "/admin/connexion"
    assert requests.get(f"{stack.web_url}/admin/export/questions.csv", timeout=30).status_code == 401

    client = AdminClient(stack.web_url).login()
    page = client.page()

    # Activity: every conversation and message of today (the default period ends today).
    today = dt.datetime.now(stats.zone("Europe/Paris")).date().isoformat()
    activity = rows_by_first_cell(client.csv("activite"))
    assert activity[today] == [str(len(scenario.senders)), str(scenario.messages)]

    # Unanswered: 4 messages in 3 groups, the gibberish twice, masked, escaped.
    questions = client.csv("questions")
    groups = {row[0]: row for row in questions[1:]}
    masked = "zzzz qsdf [adresse e-mail masquée] wxcv"
    assert set(groups) == {GIBBERISH[0], MARKUP, masked}
    assert groups[GIBBERISH[0]][1] == GIBBERISH[1] and groups[GIBBERISH[0]][3:5] == ["2", "1"]
    assert groups[MARKUP][3] == "1" and groups[masked][3] == "1"
    fallbacks = sum(1 for intent in scenario.intents.values() if intent == "nlu_fallback")
    out_of_scope = sum(1 for intent in scenario.intents.values() if intent == "out_of_scope")
    assert fallbacks + out_of_scope == 4
    inbox = page.split('id="questions"')[1].split('id="entretien"')[0]
    assert f"{fallbacks} message{'s' if fallbacks > 1 else ''} non compris" in inbox and f"et {out_of_scope} hors sujet" in inbox
    assert "&lt;img src=x onerror=alert(1)&gt;" in inbox and "<img" not in page
    assert "jean.dupont@example.com" not in inbox and "jean.dupont" not in "".join(";".join(r) for r in questions)

    topics = rows_by_first_cell(client.csv("sujets"))
    assert topics["Les coûts"] == ["ask_cost", "1"]

    # The interview: two started, one completed with its pathway, one stopped.
    funnel = rows_by_first_cell(client.csv("entretien"))
    assert funnel["Commencés"] == ["2"] and funnel["Terminés (parcours conseillé)"] == ["1"] and funnel["Arrêtés (« stop »)"] == ["1"]
    assert funnel["Réponse : Ce qui attire le plus"] == ["1"] and funnel["Laissés en cours de route"] == ["0"]
    assert rows_by_first_cell(client.csv("parcours")) == {scenario.pathway: ["1"]}

    # Ratings: two up and one down on the cost, its reason, its comment masked and escaped.
    assert rows_by_first_cell(client.csv("avis"))["Les coûts"][:3] == ["ask_cost", "2", "1"]
    [negative] = client.csv("avis-negatifs")[1:]
    assert negative[1:4] == ["Les coûts", "Pas clair", "<b>trop long</b>, rappelez-moi au [numéro masqué]"]
    assert "&lt;b&gt;trop long&lt;/b&gt;" in page

    # The hand-off request: its contact on the page, masked in the export; marked handled.
    contacts = page.split('id="contacts"')[1]
    assert "marie.curie@example.com" in contacts and scenario.pathway in contacts
    [request] = client.csv("contacts")[1:]
    assert request[2] == "[adresse e-mail masquée]" and request[-1] == "Nouvelle"
    assert client.post("/admin/contacts", {"demande": scenario.handoff, "statut": "traitee"}).status_code == 303
    assert client.csv("contacts")[1][-1] == "Traitée"

    # An inbox group marked as added to the training data.
    assert client.post("/admin/questions", {"cle": inbox_key(page, GIBBERISH[0]), "statut": "ajoute"}).status_code == 303
    statuses = {row[0]: row[-1] for row in client.csv("questions")[1:]}
    assert statuses == {GIBBERISH[0]: "Ajouté aux données", MARKUP: "À traiter", masked: "À traiter"}

    # Forgetting the conversation forgets its request and the mark.
    forgotten = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "scripts" / "forget_conversations.py"), scenario.interviewed],
        cwd=ROOT,
        env={**stack.env(), "TRACKER_STORE_URL": store_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert forgotten.returncode == 0, forgotten.stderr
    assert client.csv("contacts")[1:] == []
    assert "marie.curie@example.com" not in client.page()
    with sa.create_engine(store_url).connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM admin_marks WHERE kind = 'handoff'")).scalar() == 0


@pytest.fixture(scope="module")
def admin_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    running = start_stack(tmp_path_factory.mktemp("admin-servers"), with_web=True, extra_env={"ADMIN_PASSWORD": PASSWORD})
    yield running
    running.stop()


def test_dashboard_on_real_conversations_sqlite(admin_stack: RasaStack) -> None:
    scenario = converse(admin_stack)
    check_dashboard(admin_stack, scenario, admin_stack.env()["TRACKER_STORE_URL"])
