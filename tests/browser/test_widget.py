"""The chat widget in real headless Chromium against the real web, Rasa and action servers."""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from bot.services import Stack
from tests.browser.conftest import restart, screenshot, service

pytestmark = [pytest.mark.integration, pytest.mark.browser]

XSS = '<img src=x onerror="window.__xss=1"> [klick](javascript:window.__xss=2) <script>window.__xss=3</script>'


def widget_open(page: Page, stack: Stack, path: str = "/") -> None:
    page.goto(f"{stack.settings.web_url}{path}")
    page.locator(".launcher").click()
    expect(page.locator("#fl-input")).to_be_focused()


def ask(page: Page, text: str) -> None:
    page.locator("#fl-input").fill(text)
    page.locator("#fl-input").press("Enter")


def bot_messages(page: Page) -> list[str]:
    return page.locator(".msg.bot .body").all_inner_texts()


def wait_bot(page: Page, fragment: str, timeout: float = 30_000) -> None:
    expect(page.locator(".msg.bot .body", has_text=fragment).last).to_be_visible(timeout=timeout)


def session_id(page: Page, stack: Stack) -> str:
    state = page.evaluate(f"localStorage.getItem('foerderlotse:{stack.settings.web_url}')")
    return str(json.loads(state)["sessionId"])


def tracker_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    with sqlite3.connect(stack.settings.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(r[0]) for r in rows]


def rasa_append(stack: Stack, sender: str, events: list[dict[str, Any]]) -> None:
    """What the advisor console will do: add bot events and deliver them to the widget."""
    url = (
        f"{stack.settings.rasa_url}/conversations/{sender}/tracker/events"
        f"?token={stack.settings.rasa_token}&output_channel=widget&execute_side_effects=true"
    )
    req = urllib.request.Request(
        url, data=json.dumps(events).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200


def test_question_quick_reply_reload_navigation_feedback(page: Page, stack: Stack) -> None:
    widget_open(page, stack)
    expect(page.locator(".notice a")).to_have_attribute(
        "href", f"{stack.settings.web_url}/datenschutz"
    )
    ask(page, "Was ist das Qualifizierungsgeld?")
    wait_bot(page, "Qualifizierungsgeld")
    # the answer to this question, pinned: later replies may name the program too
    answer = page.locator(".msg.bot", has_text="Qualifizierungsgeld").first
    link = answer.locator("a").first
    assert link.get_attribute("href", timeout=5000).startswith("https://")
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    expect(answer.locator("time")).to_have_count(1)

    ask(page, "Welche Förderung passt zu mir?")
    expect(page.locator(".replies button", has_text="Beschäftigte/r")).to_be_visible()
    page.locator(".replies button", has_text="Beschäftigte/r").click()
    expect(page.locator(".msg.user .body", has_text="Beschäftigte/r")).to_be_visible()
    expect(page.locator(".replies button", has_text="Beschäftigte/r")).to_have_count(0)
    expect(page.locator(".msg.bot").nth(3)).to_be_visible(timeout=30_000)

    sender = session_id(page, stack)
    # thumbs down on the Qualifizierungsgeld answer: stored with the conversation
    answer.get_by_role("button", name="Nicht hilfreich").click()
    expect(answer.get_by_role("button", name="Nicht hilfreich")).to_have_attribute(
        "aria-pressed", "true"
    )

    def feedback() -> list[dict[str, Any]]:
        return [
            e["value"]
            for e in tracker_events(stack, sender)
            if e.get("event") == "slot" and e.get("name") == "feedback"
        ]

    for _ in range(50):  # stored through Rasa's HTTP API: give it a moment
        if feedback():
            break
        page.wait_for_timeout(200)
    assert len(feedback()) == 1
    assert feedback()[0]["rating"] == "down"
    assert "Qualifizierungsgeld" in feedback()[0]["excerpt"]

    page.wait_for_timeout(1000)  # let the last answer arrive completely
    before = page.locator(".msg .body").all_inner_texts()
    screenshot(page, "widget-desktop")
    page.reload()
    page.wait_for_timeout(2000)
    after = page.locator(".msg .body").all_inner_texts()
    assert after == before, (before, after)
    expect(page.locator(".msg")).to_have_count(len(before))  # the panel reopens with history
    assert "Beschäftigte/r" in page.locator(".msg.user .body").all_inner_texts()
    page.goto(f"{stack.settings.web_url}/unterseite")
    expect(page.locator(".msg")).to_have_count(len(before))
    assert page.locator(".msg .body").all_inner_texts() == before
    assert session_id(page, stack) == sender


def test_xss_in_user_and_bot_messages_stays_inert(page: Page, stack: Stack) -> None:
    widget_open(page, stack)
    ask(page, XSS)
    expect(page.locator(".msg.user .body", has_text="onerror")).to_be_visible()
    expect(page.locator(".msg.bot").first).to_be_visible(timeout=30_000)
    sender = session_id(page, stack)
    rasa_append(
        stack,
        sender,
        [
            {
                "event": "bot",
                "text": XSS + " [gut](https://example.org) **fett**",
                "timestamp": None,
            }
        ],
    )
    wait_bot(page, "fett")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    widget = page.locator("#foerderlotse-widget")
    assert widget.locator("img").count() == 0
    assert widget.locator("script").count() == 0
    hrefs = [a.get_attribute("href") for a in widget.locator(".log a").all()]
    assert hrefs == ["https://example.org/"]  # javascript: stayed text
    expect(widget.locator(".msg.bot strong", has_text="fett")).to_be_visible()
    expect(
        widget.locator(".msg.bot .body", has_text="[klick](javascript:window.__xss=2)")
    ).to_be_visible()


def test_advisor_messages_are_labelled_and_takeover_shown(page: Page, stack: Stack) -> None:
    widget_open(page, stack)
    ask(page, "Kann ich mit einem Menschen sprechen?")
    expect(page.locator(".msg.bot").nth(1)).to_be_visible(timeout=30_000)
    sender = session_id(page, stack)
    rasa_append(
        stack,
        sender,
        [{"event": "bot", "data": {"custom": {"handoff": "active", "name": "Anna Berg"}}}],
    )
    expect(page.locator(".status.advisor")).to_have_text(
        "Anna Berg (Beratung) ist jetzt im Gespräch. Der Bot pausiert."
    )
    rasa_append(
        stack,
        sender,
        [
            {
                "event": "bot",
                "data": {
                    "custom": {
                        "advisor": {"name": "Anna Berg", "text": "Guten Tag, wie kann ich helfen?"}
                    }
                },
            }
        ],
    )
    advisor = page.locator(".msg.advisor")
    expect(advisor).to_contain_text("Guten Tag, wie kann ich helfen?")
    expect(advisor.locator(".who")).to_have_text("Anna Berg (Beratung)")
    page.reload()
    expect(page.locator(".msg.advisor")).to_have_count(1)
    expect(page.locator(".status.advisor")).to_be_visible()
    expect(page.locator("#foerderlotse-widget[data-connected=true]")).to_have_count(1)
    rasa_append(stack, sender, [{"event": "bot", "data": {"custom": {"handoff": "ended"}}}])
    expect(page.locator(".note", has_text="Der Förderlotse antwortet wieder")).to_be_visible()
    expect(page.locator(".status")).to_have_text("")


def test_outage_reconnect_sends_the_typed_message_once(page: Page, stack: Stack) -> None:
    widget_open(page, stack)
    ask(page, "Hallo")
    expect(page.locator(".msg.bot").first).to_be_visible(timeout=30_000)
    sender = session_id(page, stack)
    service(stack, "rasa").stop()
    expect(page.locator(".status")).to_contain_text("Verbindung unterbrochen", timeout=15_000)
    ask(page, "Was ist der Bildungsgutschein?")
    expect(page.locator(".msg.user.pending")).to_have_count(1)
    restart(stack, "rasa")
    wait_bot(page, "Bildungsgutschein", timeout=60_000)
    expect(page.locator(".note", has_text="Wieder verbunden")).to_be_visible()
    expect(page.locator(".msg.user.pending")).to_have_count(0)
    page.wait_for_timeout(1500)
    asked = [
        e
        for e in tracker_events(stack, sender)
        if e.get("event") == "user" and e.get("text") == "Was ist der Bildungsgutschein?"
    ]
    assert len(asked) == 1
    assert len(page.locator(".msg.user .body", has_text="Bildungsgutschein").all()) == 1


def test_keyboard_only_conversation_and_erase(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.settings.web_url}/")
    launcher = page.locator(".launcher")
    for _ in range(10):  # Tab through the page until the launcher has the focus
        page.keyboard.press("Tab")
        if launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#fl-input")).to_be_focused()
    page.keyboard.type("Welche Förderung passt zu mir?")
    page.keyboard.press("Enter")
    first = page.locator(".replies button").first
    expect(first).to_be_visible(timeout=30_000)
    page.keyboard.press("Shift+Tab")  # from the input back into the conversation's buttons
    for _ in range(8):
        if first.evaluate("el => el.getRootNode().activeElement === el"):
            break
        page.keyboard.press("Shift+Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".msg.user")).to_have_count(2)
    sender = session_id(page, stack)
    assert tracker_events(stack, sender)

    page.locator(".erase").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".confirm button", has_text="Ja, löschen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".note", has_text="Ihr Verlauf wurde gelöscht")).to_be_visible()
    expect(page.locator(".msg")).to_have_count(0)
    page.wait_for_timeout(500)
    assert tracker_events(stack, sender) == []
    assert session_id_or_none(page, stack) != sender

    page.keyboard.press("Escape")
    expect(page.locator(".panel")).to_be_hidden()
    expect(launcher).to_be_focused()


def session_id_or_none(page: Page, stack: Stack) -> str | None:
    state = json.loads(
        page.evaluate(f"localStorage.getItem('foerderlotse:{stack.settings.web_url}')") or "{}"
    )
    return state.get("sessionId")


def test_axe_no_serious_violations_and_mobile(browser: Browser, page: Page, stack: Stack) -> None:
    widget_open(page, stack)
    ask(page, "Was ist das Aufstiegs-BAföG?")
    wait_bot(page, "Aufstiegs-BAföG")
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []

    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True, locale="de-DE"
    )
    mobile = context.new_page()
    try:
        mobile.goto(f"{stack.settings.web_url}/")
        mobile.locator(".launcher").click()
        box = mobile.locator(".panel").bounding_box()
        assert box is not None
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 375, 667)
        mobile.locator("#fl-input").fill("Was ist das Aufstiegs-BAföG?")
        mobile.locator("#fl-input").press("Enter")
        expect(mobile.locator(".msg.bot .body", has_text="Aufstiegs-BAföG").last).to_be_visible(
            timeout=30_000
        )
        screenshot(mobile, "widget-mobile")
    finally:
        context.close()


def test_embedded_on_another_site_with_data_attributes(page: Page, stack: Stack) -> None:
    """One script tag on a page of another origin: English, yellow, left, open at start."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    html = (
        "<!doctype html><html lang='en'><head><title>Chamber</title></head><body>"
        "<h1>Another site</h1>"
        f"<script src='{stack.settings.web_url}/widget.js' defer data-lang='en' "
        "data-title='Funding pilot' data-color='#ffcc00' data-position='left' data-open='true'>"
        "</script></body></html>"
    ).encode()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            return

    site = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{site.server_address[1]}/")
        panel = page.locator(".panel")
        expect(panel).to_be_visible()  # data-open
        expect(page.locator("#fl-title")).to_have_text("Funding pilot")
        expect(page.locator("form button")).to_have_text("Send")
        box = panel.bounding_box()
        assert box is not None
        assert box["x"] == 20  # data-position="left"
        colours = page.locator("form button").evaluate(
            "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
        )
        assert colours == ["rgb(255, 204, 0)", "rgb(0, 0, 0)"]  # black on yellow: contrast
        ask(page, "What is the Qualifizierungsgeld?")
        wait_bot(page, "Qualifizierungsgeld")  # CORS and socket.io from another origin
        expect(page.locator(".msg.user .who")).to_have_text("You")
    finally:
        site.shutdown()
