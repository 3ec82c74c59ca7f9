"""Whole conversations over the REST channel of the real servers."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from bot.services import Stack
from knowledge import load_or_raise
from tests.integration.conftest import ask

pytestmark = pytest.mark.integration


def say(stack: Stack, sender: str, text: str) -> str:
    return "\n".join(r.get("text", "") for r in ask(stack.settings, sender, text))


def buttons(stack: Stack, sender: str, text: str) -> list[dict]:
    return [b for r in ask(stack.settings, sender, text) for b in r.get("buttons", [])]


def new_sender() -> str:
    return f"it-{uuid.uuid4().hex[:10]}"


def test_worker_whose_department_closes(stack: Stack) -> None:
    """Issue example 1: a worker, department closing because of e-cars."""
    s = new_sender()
    reply = say(
        stack,
        s,
        "Mein Chef sagt, unsere Abteilung wird wegen E-Autos dichtgemacht – kann ich noch was lernen und wer zahlt das?",
    )
    # role (employee, "mein Chef") and situation (e-cars, closing) are known: straight to the result
    assert "Das passt am ehesten zu Ihnen:" in reply
    assert "Weiterbildungsförderung für Beschäftigte (§ 82 SGB III)" in reply
    assert "Qualifizierungsgeld" in reply
    assert "Quellen (Stand):" in reply
    # the place refines the contacts afterwards
    reply = say(stack, s, "Ich arbeite in Neckarsulm")
    assert "Agentur für Arbeit Heilbronn" in reply


def test_hr_manager_with_45_people(stack: Stack) -> None:
    """Issue example 2: HR manager, 45 staff, training to CNC specialist."""
    reply = say(
        stack,
        new_sender(),
        "Wir sind 45 Leute, wie viel zahlt die Arbeitsagentur bei einer Weiterbildung zum CNC-Fachmann?",
    )
    assert "Anteil der Agentur für Arbeit an den Lehrgangskosten: 100 %" in reply
    assert "Zuschuss zum Arbeitsentgelt für die Zeit der Weiterbildung: bis zu 75 %" in reply
    assert "· Stand " in reply
    # two facts: the reply ends with one way on, the employer hotline from the knowledge base
    hotline = load_or_raise().contacts["ba-arbeitgeber-service-hotline"]
    assert reply.rstrip().endswith(f"**{hotline.name}** · Tel. {hotline.phone}")
    assert "Nächster Schritt:" not in reply


def test_foerder_check_correction_and_leaving(stack: Stack) -> None:
    s = new_sender()
    reply = say(stack, s, "Welche Förderung passt zu mir?")
    assert "Wer sind Sie?" in reply
    reply = say(stack, s, '/inform{"role": "employer"}')
    assert "Wie viele Beschäftigte" in reply
    reply = say(stack, s, "wir sind 30 Leute")
    assert "Was trifft am ehesten zu?" in reply
    # correction: the size changes while the form asks something else
    reply = say(stack, s, "ach nein, wir sind 600 Leute")
    assert "Was trifft am ehesten zu?" in reply
    reply = say(stack, s, '/inform{"situation": "weiterbildung"}')
    assert "Lehrgangskosten: 25 %" in reply  # 600 employees, not 30

    s2 = new_sender()
    say(stack, s2, "Welche Förderung passt zu mir?")
    assert "In Ordnung, ich höre hier auf." in say(stack, s2, "nein, abbrechen")


def test_contact_finder_by_town(stack: Stack) -> None:
    kb = load_or_raise()
    reply = say(stack, new_sender(), "Wer ist in Ilmenau für mich zuständig?")
    lk = kb.landkreise["ilm-kreis"]
    assert f"Zuständig für {lk.name}" in reply
    agency = kb.contacts[
        lk.contacts[next(k for k in lk.contacts if k.value == "agentur_fuer_arbeit")][0]
    ]  # type: ignore[index]
    assert agency.name in reply


def test_unclear_message_runs_the_fallback_chain(stack: Stack) -> None:
    s = new_sender()
    first = buttons(stack, s, "hmm kurs wegen dings da")
    assert first[-1] == {"title": "Etwas anderes", "payload": "/something_else"}
    second = buttons(stack, s, "/something_else")
    assert second[-1] == {"title": "Mit einem Menschen sprechen", "payload": "/request_human"}
    reply = say(stack, s, "/request_human")
    assert "habe notiert, dass Sie mit einem Menschen sprechen möchten." in reply


def test_erasure_removes_every_event(stack: Stack) -> None:
    s = new_sender()
    say(stack, s, "Was ist das Qualifizierungsgeld?")
    assert "Soll ich Ihren gesamten Gesprächsverlauf jetzt löschen?" in say(
        stack, s, "Bitte löschen Sie meine Daten"
    )
    assert "Ihr Gesprächsverlauf ist gelöscht." in say(stack, s, "/affirm")
    with sqlite3.connect(stack.settings.tracker_db) as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (s,)).fetchone() == (
            0,
        )
    assert "Hinweis zum Datenschutz" in say(stack, s, "Hallo")  # a fresh start


@pytest.mark.parametrize(
    "text",
    ["", " ", "🙂🙂🙂", "<img src=x onerror=alert(1)>", "x" * 5000, "Как получить образование?"],
)
def test_odd_input_gets_a_reply_not_an_error(stack: Stack, text: str) -> None:
    replies = ask(stack.settings, new_sender(), text)
    assert isinstance(replies, list)
    for r in replies:
        assert "Traceback" not in r.get("text", "")
        assert "<img" not in r.get("text", "")
