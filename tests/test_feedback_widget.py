"""The widget's feedback under an answer, in Debian's Chromium: 👎, a reason, a comment, stored in the
tracker store; 👍 with the keyboard; rated once, also after a reload; no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any, Dict, List

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from launch.servers import RasaStack
from tests import test_web_widget as widget
from tests.test_web_widget import REPLY_TIMEOUT_MS, accessibility_violations, ask, bot_messages, open_widget, plain, screenshot

# The widget tests' fixtures: Chromium for the module, a fresh page at 1 280 px for each test.
browser = widget.browser
page = widget.page

GROUP = "Votre avis sur cette réponse"
DOWN = "Non, cette réponse ne m’a pas aidé"
UP = "Oui, cette réponse m’a aidé"
COMMENT = re.compile("Un commentaire")


def session_id(page: Page) -> str:
    return str(page.evaluate("JSON.parse(sessionStorage.getItem('assistant-medical-chat')).sessionId"))


def ratings(stack: RasaStack, sender: str) -> List[Dict[str, Any]]:
    return [e["value"] for e in stack.tracker(sender)["events"] if e.get("event") == "slot" and e.get("name") == "feedback"]


def stored_ratings(stack: RasaStack, sender: str) -> List[Dict[str, Any]]:
    with sqlite3.connect(stack.log_dir / "conversations.db") as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id", (sender,)).fetchall()
    return [e["value"] for e in (json.loads(d) for (d,) in rows) if e.get("name") == "feedback"]


def feedback_of(message: Locator) -> Locator:
    return message.get_by_role("group", name=GROUP)


def test_a_thumbs_down_with_a_reason_is_stored_once(page: Page, stack: RasaStack) -> None:
    open_widget(page)
    ask(page, "Combien coûte la formation continue ?")
    feedback = feedback_of(bot_messages(page).last)
    expect(feedback).to_contain_text("Cette réponse vous a-t-elle aidé\u202f?")
    expect(feedback.get_by_role("button", name=UP)).to_be_visible()
    expect(feedback.get_by_role("textbox", name=COMMENT)).to_be_hidden()

    feedback.get_by_role("button", name=DOWN).click()
    expect(feedback.get_by_role("button", name="Pas ma question")).to_be_focused()  # the first reason
    reason = feedback.get_by_role("button", name="Pas clair")
    reason.click()
    expect(reason).to_have_attribute("aria-pressed", "true")
    feedback.get_by_role("textbox", name=COMMENT).fill("Il manque les frais d'examen.")
    # (The conversation scrolled to the top of the feedback, for the screenshot.)
    feedback.evaluate(
        "node => { const log = node.closest('.chat-log');"
        " log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - 8; }"
    )
    screenshot(page, "widget-feedback.png")
    feedback.get_by_role("button", name="Envoyer mon avis").click()
    expect(feedback.get_by_role("status")).to_contain_text("Merci pour votre avis", timeout=REPLY_TIMEOUT_MS)
    expect(feedback.get_by_role("button")).to_have_count(0)
    # The rating is no message of the visitor's.
    expect(page.locator(".chat-log .chat-message.user")).to_have_count(1)

    sender = session_id(page)
    stored = ratings(stack, sender)
    assert len(stored) == 1, stored
    assert {k: stored[0][k] for k in ("topic", "rating", "reason", "comment")} == {
        "topic": "ask_cost",
        "rating": "down",
        "reason": "pas_clair",
        "comment": "Il manque les frais d'examen.",
    }
    assert stored_ratings(stack, sender) == stored

    # Rated once: after a reload the answer shows the thanks, not the buttons.
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    feedback = feedback_of(bot_messages(page).last)
    expect(feedback).to_contain_text("Merci pour votre avis")
    expect(feedback.get_by_role("button")).to_have_count(0)
    # And the conversation goes on where it was: the follow-up keeps the cost.
    expect(page.locator(".chat-status")).not_to_have_attribute("data-state", "connecting", timeout=REPLY_TIMEOUT_MS)
    assert "employeur" in ask(page, "et en alternance ?")


def test_a_thumbs_up_with_the_keyboard(page: Page, stack: RasaStack) -> None:
    open_widget(page)
    ask(page, "Quel est le salaire d'un assistant médical ?")
    feedback = feedback_of(bot_messages(page).last)
    up = feedback.get_by_role("button", name=UP)
    up.focus()
    page.keyboard.press("Enter")
    thanks = feedback.get_by_role("status")
    expect(thanks).to_contain_text("Merci pour votre avis", timeout=REPLY_TIMEOUT_MS)
    expect(thanks).to_be_focused()  # the focus stays where the visitor was
    assert [(r["topic"], r["rating"], r["reason"]) for r in ratings(stack, session_id(page))] == [("ask_salary", "up", None)]


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_no_wcag_violation_with_the_feedback_controls_shown(browser: Browser, stack: RasaStack, width: int) -> None:
    # bypass_csp: the page forbids inline scripts, and axe-core is injected as one.
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR", bypass_csp=True)
    opened = context.new_page()
    try:
        opened.goto(stack.web_url)
        open_widget(opened)
        ask(opened, "Combien coûte la formation continue ?")
        feedback = feedback_of(bot_messages(opened).last)
        expect(feedback.get_by_role("button", name=DOWN)).to_be_visible()
        assert accessibility_violations(opened) == [], "the feedback question and its two buttons"
        feedback.get_by_role("button", name=DOWN).click()
        feedback.get_by_role("button", name="Incomplet").click()
        assert accessibility_violations(opened) == [], "the reasons and the comment"
        feedback.get_by_role("button", name="Envoyer mon avis").click()
        expect(feedback.get_by_role("status")).to_contain_text("Merci", timeout=REPLY_TIMEOUT_MS)
        assert accessibility_violations(opened) == [], "the thanks"
        assert "Merci" in plain(feedback.inner_text())
    finally:
        context.close()
