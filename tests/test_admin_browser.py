"""The dashboard in Debian's Chromium driven by Playwright, on the conversations of the real
servers (the session's stack, plus a few of its own): sign in, the figures and the charts,
a status changed with the keyboard, no WCAG 2.1 A/AA violation found by axe-core at 1 280 px
and 360 px, no JavaScript or CSP error. Saves a screenshot (with UPDATE_SCREENSHOT=1, the README's docs/admin-dashboard.png).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from launch.servers import ROOT, RasaStack
from tests import test_web_widget as widget
from tests.admin_helpers import PASSWORD, WebServer, rate, request_handoff
from tests.test_e2e_interview import PERSONAS, interview
from tests.test_web_widget import accessibility_violations

browser = widget.browser

# Every run keeps its screenshot in test-artifacts/; UPDATE_SCREENSHOT=1 also refreshes the README's.
SCREENSHOT = ROOT / "test-artifacts" / "admin-dashboard.png"
README_SCREENSHOT = ROOT / "docs" / "admin-dashboard.png"
MARKUP = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def dashboard(stack: RasaStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """A morning of conversations on the session's servers, and a web server with the dashboard on their store."""
    tag = uuid.uuid4().hex[:6]
    for sender, texts in {
        f"matin-{tag}-1": ["Combien coûte la formation continue ?", "et en alternance ?", "qsdlkfj pouet zzzz"],
        f"matin-{tag}-2": ["Quel est le salaire d'un assistant médical ?", MARKUP, "Quelles sont les missions d'un assistant médical ?"],
        f"matin-{tag}-3": ["c koi le dmp", "QSDLKFJ pouet zzzz !", "Où peut-on travailler ?"],
    }.items():
        for text in texts:
            stack.say(sender, text)
    rate(stack, f"matin-{tag}-1", "ask_cost", "up")
    rate(stack, f"matin-{tag}-2", "ask_salary", "up")
    rate(stack, f"matin-{tag}-2", "ask_missions", "down", "incomplet", "Il manque les horaires.")
    persona = PERSONAS[2]
    sender = f"matin-{tag}-4"
    interview(stack, sender, persona.opening, persona.answers)
    rate(stack, sender, "request_pathway", "up")
    request_handoff(stack, sender, "marie.curie@example.com")
    server = WebServer(tmp_path_factory.mktemp("admin-browser"), f"sqlite:///{stack.log_dir / 'conversations.db'}")
    yield server
    server.stop()


def open_dashboard(browser: Browser, server: WebServer, width: int, errors: List[str]) -> Page:
    # bypass_csp only for axe-core, injected as an inline script; the CSP itself is checked below.
    context = browser.new_context(viewport={"width": width, "height": 1500 if width > 1000 else 800}, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", console)
    page.goto(f"{server.url}/admin")
    expect(page).to_have_url(re.compile(r"/admin/connexion$"))
    assert accessibility_violations(page) == [], "the sign-in form"
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord du service")).to_be_visible()
    return page


def test_sign_in_figures_and_charts(browser: Browser, dashboard: WebServer) -> None:
    errors: List[str] = []
    page = open_dashboard(browser, dashboard, 1280, errors)
    try:
        for section in (
            "Conversations et messages par jour",
            "Sujets les plus demandés",
            "Questions sans réponse",
            "Entretien d’orientation",
            "Avis des visiteurs",
            "Demandes de contact",
        ):
            expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
        # Every chart drawn (activity, topics, funnel, pathways, ratings), each with its table.
        expect(page.locator(".chart-area canvas[role=img]")).to_have_count(5)
        assert page.locator("table[data-chart]").count() == 5
        # The visitor's markup shown as text, never as an element.
        inbox = page.locator("#questions")
        expect(inbox.get_by_text(MARKUP, exact=True)).to_be_visible()
        assert inbox.locator("img").count() == 0
        expect(page.locator("#contacts")).to_contain_text("marie.curie@example.com")
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)
        if os.environ.get("UPDATE_SCREENSHOT") == "1":
            shutil.copyfile(SCREENSHOT, README_SCREENSHOT)

        # A status chosen and saved with the keyboard alone.
        select = inbox.get_by_label("Statut du message 1")
        select.focus()
        select.select_option("ajoute")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text("Le statut est enregistré.")
        expect(page.locator("#questions select").last).to_have_value("ajoute")
    finally:
        page.context.close()
    assert errors == [], errors


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_no_wcag_violation_on_the_dashboard(browser: Browser, dashboard: WebServer, width: int) -> None:
    errors: List[str] = []
    page = open_dashboard(browser, dashboard, width, errors)
    try:
        expect(page.locator(".chart-area canvas")).to_have_count(5)
        assert accessibility_violations(page) == [], f"the dashboard at {width} px"
        # At 360 px nothing but the tables' own scroll areas is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        page.context.close()
    assert errors == [], errors
