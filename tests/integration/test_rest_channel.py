"""Questions over the REST channel of a real Rasa server with the real action server."""

from __future__ import annotations

import re
import sqlite3
import urllib.error
import urllib.request

import pytest

from bot.services import Stack
from knowledge import load_or_raise
from knowledge.rates import format_value, rate_for
from tests.integration.conftest import ask

pytestmark = pytest.mark.integration


def test_section_82_rate_for_30_employees(stack: Stack) -> None:
    program = load_or_raise().programs["weiterbildung-beschaeftigte"]
    course, wage = program.rates[0], program.rates[1]
    assert (rate_for(course, 30).value, rate_for(wage, 30).value) == (100, 75)

    replies = ask(
        stack.settings,
        "it-section-82",
        "Wir haben 30 Mitarbeiter. Wie viel zahlt die Arbeitsagentur bei einer Weiterbildung nach § 82 SGB III?",
    )
    text = "\n".join(r.get("text", "") for r in replies)
    assert f"{course.label}: {format_value(100, 'percent')}" in text
    assert f"{wage.label}: bis zu {format_value(75, 'percent')}" in text
    # the answering fact's source with its Stand, then one way on: two facts end with the
    # contact (shorter than a next step)
    assert re.search(r"Quelle: \[[^\]]+\]\(https://[^)]+\) · Stand \d\d\.\d\d\.20\d\d", text)
    hotline = load_or_raise().contacts["ba-arbeitgeber-service-hotline"]
    assert text.rstrip().endswith(f"Kontakt: **{hotline.name}** · Tel. {hotline.phone}")
    assert "Nächster Schritt:" not in text


def test_program_named_colloquially_gets_summary_and_contact(stack: Stack) -> None:
    kb = load_or_raise()
    program = kb.programs["weiterbildung-beschaeftigte"]
    replies = ask(stack.settings, "it-qcg", "Was ist das Qualifizierungschancengesetz?")
    text = "\n".join(r.get("text", "") for r in replies)
    assert program.key_figure in text
    hotline = kb.contacts["ba-arbeitgeber-service-hotline"]
    assert f"**{hotline.name}** · Tel. {hotline.phone}" in text


def test_privacy_notice_first_then_greeting_and_english(stack: Stack) -> None:
    de = ask(stack.settings, "it-greet", "Hallo")
    assert de[0]["text"].startswith("Hinweis zum Datenschutz:")
    assert de[1]["text"].startswith("Guten Tag! Ich bin der Förderlotse")
    again = ask(stack.settings, "it-greet", "Hallo")
    assert again[0]["text"].startswith("Guten Tag!")  # the notice comes once
    en = ask(
        stack.settings,
        "it-en",
        "How much does the employment agency pay for training under Section 82 SGB III?",
    )
    assert "100 %" in en[1]["text"].split("Source:")[0]  # the answer first, in English
    assert "Source: [" in en[1]["text"]


def test_conversation_is_stored_in_sqlite(stack: Stack) -> None:
    ask(stack.settings, "it-store", "Hallo")
    with sqlite3.connect(stack.settings.tracker_db) as db:
        rows = db.execute(
            "SELECT type_name FROM events WHERE sender_id = ?", ("it-store",)
        ).fetchall()
    kinds = [r[0] for r in rows]
    assert "user" in kinds
    assert "bot" in kinds


def test_http_api_needs_the_token(stack: Stack) -> None:
    url = f"{stack.settings.rasa_url}/status"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10)
    assert err.value.code == 401
    with urllib.request.urlopen(f"{url}?token={stack.settings.rasa_token}", timeout=10) as resp:
        assert resp.status == 200


def test_web_server_serves_start_page(stack: Stack) -> None:
    with urllib.request.urlopen(f"{stack.settings.web_url}/", timeout=10) as resp:
        assert "Förderlotse" in resp.read().decode()
