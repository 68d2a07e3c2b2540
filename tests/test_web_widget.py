"""The web page and its chat widget, in Debian's Chromium driven by Playwright.

Real page, real widget, real socket.io connection to the real Rasa and action
servers. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from launch.servers import ROOT, RasaStack
from tests.typed_interview import BANK_EMPLOYEE

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# Headless, as root, and quiet on a machine with no outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPLY_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make system-deps` (make test does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, stack: RasaStack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    opened = context.new_page()
    errors: list = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(stack.web_url)
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def bot_messages(page: Page):
    return page.locator(".chat-log .chat-message.bot")


def wait_turn_end(page: Page) -> None:
    expect(page.locator(".chat-typing")).to_have_attribute("data-active", "false", timeout=REPLY_TIMEOUT_MS)


def open_widget(page: Page) -> None:
    page.get_by_role("button", name="Discuter avec l'assistant").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    # The server's welcome opens a new conversation.
    expect(bot_messages(page).first).to_contain_text("assistant virtuel", timeout=REPLY_TIMEOUT_MS)
    wait_turn_end(page)


def ask(page: Page, question: str) -> str:
    """Types a question, sends it with Enter, returns the text of the bot's new messages."""
    before = bot_messages(page).count()
    page.get_by_label("Votre message").fill(question)
    page.get_by_label("Votre message").press("Enter")
    expect(bot_messages(page)).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
    wait_turn_end(page)
    return "\n".join(bot_messages(page).all_inner_texts()[before:])


def reload_and_reconnect(page: Page) -> None:
    """Reloads the page: the open chat shows the same messages again, and the widget connects again."""
    shown = page.locator(".chat-log > *").count()
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(".chat-log > *")).to_have_count(shown)
    expect(page.locator(".chat-status")).not_to_have_attribute("data-state", "connecting", timeout=REPLY_TIMEOUT_MS)


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_conversation_quick_reply_reload_and_literal_markup(page: Page) -> None:
    open_widget(page)
    cost = plain(ask(page, "Combien coûte la formation continue ?"))
    assert "3 000" in cost and "6 000" in cost, cost

    # A quick reply from the bot: its title appears as the visitor's message, its answer follows.
    duration_button = page.locator(".chat-quick-replies button", has_text=re.compile("durée", re.I)).first
    title = duration_button.inner_text()
    before = bot_messages(page).count()
    duration_button.click()
    expect(page.locator(".chat-log .chat-message.user").last).to_have_text(re.compile(re.escape(title)))
    expect(bot_messages(page)).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
    wait_turn_end(page)
    duration = plain("\n".join(bot_messages(page).all_inner_texts()[before:]))
    assert "12 mois" in duration and "279" in duration, duration
    screenshot(page, "widget-desktop.png")

    # Reload: the history is still there and the server still knows the topic (duration).
    reload_and_reconnect(page)
    follow_up = ask(page, "et en alternance ?")
    assert "1 à 2 ans" in follow_up, follow_up

    # Markup typed by the visitor is shown as characters, never interpreted.
    ask(page, "<b>x</b>")
    expect(page.locator(".chat-log .chat-message.user").last).to_have_text(re.compile(re.escape("<b>x</b>")))
    assert page.locator(".chat-log b").count() == 0
    assert page.locator(".chat-log script, .chat-log img").count() == 0


def test_keyboard_only(page: Page) -> None:
    # Tab from the top of the page to the launcher.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.className === 'chat-launcher'"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused launcher has no visible focus ring"
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "chat-input"
    expect(bot_messages(page).first).to_contain_text("assistant virtuel", timeout=REPLY_TIMEOUT_MS)
    wait_turn_end(page)

    page.keyboard.type("Quelles sont les missions d'un assistant médical ?")
    before = bot_messages(page).count()
    page.keyboard.press("Enter")
    expect(bot_messages(page)).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
    wait_turn_end(page)

    # Back from the input to the quick replies, and choose one with Enter.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.closest('.chat-quick-replies') !== null"), "quick replies not reachable"
    before = bot_messages(page).count()
    page.keyboard.press("Enter")
    expect(bot_messages(page)).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
    wait_turn_end(page)

    # Escape closes the panel and gives the focus back to the launcher.
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate("document.activeElement.className") == "chat-launcher"


def test_phone_screen_and_guided_interview(browser: Browser, stack: RasaStack) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(stack.web_url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways at 360 px"
        open_widget(page)
        box = page.get_by_role("dialog").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
        ask(page, "Je voudrais qu'on me conseille une formation adaptée à ma situation")
        # Answer each question of the interview with its first suggested answer, until the card.
        for _ in range(12):
            if page.locator(".chat-card").count():
                break
            buttons = page.locator(".chat-quick-replies button")
            expect(buttons.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
            before = page.locator(".chat-log > *").count()
            buttons.first.click()
            expect(page.locator(".chat-log > *")).not_to_have_count(before + 1, timeout=REPLY_TIMEOUT_MS)
            wait_turn_end(page)
        card = page.locator(".chat-card").last
        # The first answers (short on time, paid while training) may leave no route meeting every
        # constraint: the card then says so and still gives the closest one in full.
        expect(card).to_contain_text(re.compile("Parcours conseillé|Aucun parcours ne correspond"))
        expect(card).to_contain_text("Coût")
        expect(card).to_contain_text("Durée")
        card.scroll_into_view_if_needed()
        screenshot(page, "widget-360px.png")
    finally:
        context.close()


def test_sources_are_links_opened_safely_in_a_new_tab(page: Page) -> None:
    open_widget(page)
    ask(page, "Quel est le salaire d'un assistant médical ?")
    answer = bot_messages(page).last
    link = answer.locator(".chat-sources a", has_text="Onisep")
    expect(link).to_have_attribute("href", "https://www.onisep.fr/http/redirection/metier/slug/MET.7819")
    expect(link).to_have_attribute("target", "_blank")
    assert set((link.get_attribute("rel") or "").split()) >= {"noopener", "noreferrer"}
    expect(link).to_have_accessible_name(re.compile(r"Onisep.*nouvel onglet"))
    assert "Source" not in answer.inner_text().split("Source")[0][-5:], "the source line is shown once"
    # The official page opens in a new tab that cannot reach back to the chat, without a referrer.
    page.context.route(
        "https://www.onisep.fr/**", lambda route: route.fulfill(status=200, body="<title>Onisep</title>ok", content_type="text/html")
    )
    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.startswith("https://www.onisep.fr/")
    assert tab.evaluate("window.opener === null") and tab.evaluate("document.referrer") == ""
    tab.close()
    # A document of the project has no public page: named, not linked.
    ask(page, "Quelles qualités faut-il ?")
    sources = bot_messages(page).last.locator(".chat-sources")
    expect(sources).to_contain_text("guide « Assistant médical »".replace(" »", "\u00a0»").replace("« ", "«\u00a0"))
    assert sources.locator("a").count() == 0


def _interview_typed(page: Page, answers: list) -> None:
    """The guided interview, each answer typed as people type, until the recommendation's card."""
    ask(page, "bonjour, tu peux m'aider a choisir une formation ?")
    for answer in answers:
        if page.locator(".chat-card").count():
            break
        ask(page, answer)
    expect(page.locator(".chat-card")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)


def test_recommendation_kept_printed_and_copied(browser: Browser, stack: RasaStack) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.web_url.rstrip("/"))
    page = context.new_page()
    try:
        page.goto(stack.web_url)
        open_widget(page)
        _interview_typed(page, BANK_EMPLOYEE)
        card = page.locator(".chat-card")
        expect(card).to_contain_text("Parcours conseillé")
        expect(card).to_contain_text("Ce que vous m'avez dit")
        expect(card).to_contain_text("42 ans")

        # « Copier le résumé »: the whole advice as plain text, in the clipboard.
        card.get_by_role("button", name="Copier le résumé").click()
        expect(card.get_by_role("status")).to_contain_text("Résumé copié")
        copied = plain(page.evaluate("navigator.clipboard.readText()"))
        for words in (
            "Parcours conseillé : ",
            "Coût : ",
            "Durée : ",
            "Prochaines étapes :",
            "Ce que vous m'avez dit : ",
            "Sources :",
            "https://",
        ):
            assert words in copied, (words, copied)

        # The recap stays reachable after a reload.
        page.reload()
        expect(page.locator(".chat-card")).to_have_count(1)
        expect(page.locator(".chat-card")).to_contain_text("42 ans")

        # « Imprimer ou enregistrer en PDF »: the browser's own print, of this card alone.
        # (A function, so that Playwright runs it: an expression that is a function would be called.)
        page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
        page.locator(".chat-card").get_by_role("button", name="Imprimer ou enregistrer en PDF").click()
        assert page.evaluate("window.printed") == 1
        page.emulate_media(media="print")
        printed = page.locator(".chat-card")
        expect(printed).to_be_visible()
        expect(printed).to_contain_text("Votre parcours conseillé")
        # (A JavaScript regex: \w is ASCII there, hence \S for « décembre ».)
        expect(printed).to_contain_text(re.compile(r"Conseil\s+donné\s+le\s+\d{1,2}\s+\S+\s+20\d\d"))
        for hidden in (".chat-message", ".chat-form", ".chat-launcher", ".site-header", ".chat-card-actions"):
            for node in page.locator(hidden).all():
                expect(node).to_be_hidden()
        for section in (
            "Coût",
            "Durée",
            "Pourquoi ce parcours",
            "Financements possibles",
            "Prochaines étapes",
            "Ce que vous m'avez dit",
            "Sources",
        ):
            expect(printed).to_contain_text(section)
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "recommendation.pdf").write_bytes(pdf)
        page.emulate_media(media="screen")
    finally:
        context.close()


AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def accessibility_violations(page: Page) -> list:
    """axe-core (from npm, web/package-lock.json) on the page as it is: the WCAG 2.1 A and AA violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", WCAG_21_AA)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_no_wcag_violation_open_after_a_question_and_in_the_interview(browser: Browser, stack: RasaStack, width: int) -> None:
    # bypass_csp: the page forbids inline scripts, and axe-core is injected as one.
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(stack.web_url)
        assert accessibility_violations(page) == [], "the page, chat closed"
        open_widget(page)
        assert accessibility_violations(page) == [], "the chat open"
        ask(page, "Combien coûte la formation continue ?")
        assert accessibility_violations(page) == [], "after an answer with its source links and buttons"
        ask(page, "je veux me reconvertir, que me conseilles-tu ?")
        assert accessibility_violations(page) == [], "during the interview"
    finally:
        context.close()
