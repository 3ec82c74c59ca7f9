"""The advisor console in headless Chromium: log in, filter, open a transcript, take over a
live conversation started in the widget, reply, hand back — against the real servers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.services import Stack
from bot.settings import PROJECT_ROOT
from tests.browser.conftest import ARTIFACTS, screenshot

pytestmark = [pytest.mark.integration, pytest.mark.browser]

PASSWORD = "ein-sehr-sicheres-passwort"


def add_advisor(stack: Stack, name: str, role: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.console", "advisors", "add", name, "--role", role,
         "--password-stdin"],
        input=PASSWORD + "\n", text=True, capture_output=True, cwd=PROJECT_ROOT,
        env={**os.environ, "FOERDERLOTSE_VAR": str(stack.settings.var_dir)}, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_take_over_a_widget_conversation(browser: Browser, stack: Stack) -> None:
    add_advisor(stack, "Anna Berg", "admin")
    url = stack.settings.web_url

    user_ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    advisor_ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    user, advisor = user_ctx.new_page(), advisor_ctx.new_page()
    for p in (user, advisor):
        p.set_default_timeout(30_000)
    try:
        # a visitor asks for a person in the widget
        user.goto(f"{url}/")
        user.locator(".launcher").click()
        user.locator("#fl-input").fill("Kann ich bitte mit einem Menschen sprechen?")
        user.locator("#fl-input").press("Enter")
        expect(user.locator(".msg.bot .body", has_text="Menschen").last).to_be_visible()

        # the advisor logs in, filters, opens the transcript
        advisor.goto(f"{url}/console/")
        expect(advisor).to_have_url(f"{url}/console/login?next=/console/")
        advisor.get_by_label("Name").fill("Anna Berg")
        advisor.get_by_label("Passwort").fill(PASSWORD)
        advisor.get_by_role("button", name="Anmelden").click()
        expect(advisor.get_by_role("heading", name="Gespräche")).to_be_visible()
        advisor.get_by_label("Kanal").select_option("widget")
        advisor.get_by_label("Mensch gewünscht").check()
        advisor.get_by_role("button", name="Filtern").click()
        expect(advisor.locator("#permalink")).to_have_attribute(
            "href", "/console/?channel=widget&handoff=1"
        )  # the filters are in the URL; this link keeps just them
        assert "channel=widget" in advisor.url
        assert "handoff=1" in advisor.url
        rows = advisor.locator("tr.conversation")
        expect(rows).to_have_count(1)
        screenshot(advisor, "console-list")
        rows.first.locator("a").click()
        expect(advisor.locator(".msg.user", has_text="mit einem Menschen")).to_be_visible()
        expect(advisor.locator(".nlu").first).to_contain_text("request_human")

        # take over: the bot pauses, the widget says who is there
        advisor.get_by_role("button", name="Gespräch übernehmen (Bot pausiert)").click()
        expect(user.locator(".status.advisor")).to_have_text(
            "Anna Berg (Beratung) ist jetzt im Gespräch. Der Bot pausiert."
        )
        advisor.get_by_label("Ihre Nachricht an die Person").fill(
            "Guten Tag, hier ist Anna Berg. Worum geht es?"
        )
        advisor.get_by_role("button", name="Senden", exact=True).click()
        reply = user.locator(".msg.advisor")
        expect(reply).to_contain_text("Guten Tag, hier ist Anna Berg. Worum geht es?")
        expect(reply.locator(".who")).to_have_text("Anna Berg (Beratung)")

        # the user's answer shows up live in the console; the bot stays silent
        bots_before = user.locator(".msg.bot").count()
        user.locator("#fl-input").fill("Ich suche eine Umschulung zur Pflegefachkraft.")
        user.locator("#fl-input").press("Enter")
        expect(
            advisor.locator(".msg.user", has_text="Umschulung zur Pflegefachkraft")
        ).to_be_visible()
        user.wait_for_timeout(1500)
        assert user.locator(".msg.bot").count() == bots_before
        screenshot(advisor, "console-transcript")

        # hand back: the bot says so and answers again
        advisor.get_by_role("button", name="An den Bot zurückgeben").click()
        expect(user.locator(".note", has_text="Der Förderlotse antwortet wieder")).to_be_visible()
        user.locator("#fl-input").fill("Was ist das Qualifizierungsgeld?")
        user.locator("#fl-input").press("Enter")
        expect(user.locator(".msg.bot .body", has_text="Qualifizierungsgeld").last).to_be_visible()

        advisor.goto(f"{url}/console/dashboard")
        expect(advisor.locator("svg.chart")).to_have_count(5)
        screenshot(advisor, "console-dashboard")
        advisor.goto(f"{url}/console/admin")
        expect(advisor.locator("tr.audit", has_text="handoff claim")).to_have_count(1)
    finally:
        user_ctx.close()
        advisor_ctx.close()
    docs = PROJECT_ROOT / "docs" / "img"
    for name in ("console-list", "console-transcript", "console-dashboard"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
        if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
            shutil.copy(ARTIFACTS / f"{name}.png", docs / f"{name}.png")


def test_console_pages_refuse_anonymous_visitors(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.settings.web_url}/console/dashboard")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    assert "Übersicht" not in page.content()
