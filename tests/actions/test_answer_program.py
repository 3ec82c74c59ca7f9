"""ActionAnswerProgram with a real Tracker, a real CollectingDispatcher and the real domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerProgram
from knowledge.index import KnowledgeIndex
from tests.factories import landkreis_data, make_index, program_data

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def index(tmp_path: Path) -> KnowledgeIndex:
    ended = program_data(
        id="alt-programm",
        name="Altes Programm",
        aliases=["Altprogramm"],
        rates=[],
        status={"state": "ended", "date": "2024-12-31", "successor": "test-programm"},
    )
    return make_index(tmp_path, programs=[program_data(), ended])


def make_tracker(
    text: str, *, slots: dict[str, Any] | None = None, entities: list | None = None
) -> Tracker:
    base = {"language": "de", "program": None, "company_size": None, "landkreis": None}
    return Tracker(
        sender_id="test-user",
        slots={**base, **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": "ask_program", "confidence": 0.9},
            "entities": entities or [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def run(index: KnowledgeIndex, tracker: Tracker, domain: dict) -> tuple[list, list[str]]:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerProgram(index).run(dispatcher, tracker, domain)
    return events, [m["text"] for m in dispatcher.messages]


async def test_program_with_company_size_and_district(index: KnowledgeIndex, domain: dict) -> None:
    events, texts = await run(
        index, make_tracker("Testförderung für 30 Mitarbeiter in Neudorf?"), domain
    )
    assert events == [
        SlotSet("program", "test-programm"),
        SlotSet("company_size", 30.0),
        SlotSet("landkreis", "lk-test"),
    ]
    assert texts == [
        "**Testprogramm Weiterbildung**\n"
        "Die Agentur für Arbeit bezahlt einen Teil der Kurskosten.\n"
        "Für einen Betrieb mit 30 Beschäftigten (unter 50 Beschäftigten):\n"
        "- Anteil an den Kurskosten: 100 %\n"
        "Quelle: [Beispielquelle](https://www.arbeitsagentur.de/example) · Stand 15.01.2026",
        "Nächster Schritt: Vor Kursbeginn bei der Agentur für Arbeit beantragen.\n"
        "Kontakt:\n"
        "- **Agentur für Arbeit Testhausen** · Tel. 0800 4 5555 00 · https://www.arbeitsagentur.de/unternehmen"
        " · Hauptstraße 1, 74000 Testhausen\n"
        "- **Test-Hotline der Agentur** · Tel. 0800 4 5555 20 · https://www.arbeitsagentur.de/unternehmen",
    ]


async def test_key_figure_without_size_and_english(index: KnowledgeIndex, domain: dict) -> None:
    events, texts = await run(index, make_tracker("What is the Testförderung?"), domain)
    assert events == [SlotSet("language", "en"), SlotSet("program", "test-programm")]
    assert texts[0] == (
        "**Test training program**\nThe agency pays part of the course fees.\n"
        "Up to 100 % of course fees.\n"
        "Source: [Beispielquelle](https://www.arbeitsagentur.de/example) · as of 15 Jan 2026"
    )
    assert texts[1].startswith(
        "Next step: Apply at the employment agency before the course starts.\nContact:"
    )


async def test_remembers_program_from_slot(index: KnowledgeIndex, domain: dict) -> None:
    tracker = make_tracker("und bei 600 Beschäftigten?", slots={"program": "test-programm"})
    events, texts = await run(index, tracker, domain)
    assert events == [SlotSet("program", "test-programm"), SlotSet("company_size", 600.0)]
    assert "- Anteil an den Kurskosten: 25 %" in texts[0]


async def test_entity_wins_over_text(index: KnowledgeIndex, domain: dict) -> None:
    tracker = make_tracker("das da", entities=[{"entity": "program", "value": "alt-programm"}])
    events, texts = await run(index, tracker, domain)
    assert events == [SlotSet("program", "alt-programm")]
    assert texts[0].splitlines()[:2] == [
        "**Altes Programm**",
        "⚠ Dieses Programm ist seit 31.12.2024 beendet. Nachfolger: Testprogramm Weiterbildung.",
    ]


async def test_no_program_is_said_honestly(index: KnowledgeIndex, domain: dict) -> None:
    events, texts = await run(index, make_tracker("Was gibt es so?"), domain)
    assert events == []
    assert texts == [
        "Ich konnte kein bestimmtes Förderprogramm erkennen. Nennen Sie bitte den Namen oder "
        "beschreiben Sie Ihre Lage (Beschäftigte, Betrieb, Azubi)."
    ]


def test_action_name_is_in_domain(domain: dict) -> None:
    assert ActionAnswerProgram().name() in domain["actions"]


async def test_shared_alias_is_resolved_by_district(tmp_path: Path, domain: dict) -> None:
    bw = program_data(
        id="bz-bw", name="Bildungszeit BW", aliases=["Bildungsurlaub"], scope="BW", rates=[]
    )
    th = program_data(
        id="bf-th", name="Bildungsfreistellung TH", aliases=["Bildungsurlaub"], scope="TH", rates=[]
    )
    lk_th = landkreis_data(
        id="lk-th",
        name="Thüringer Testkreis",
        state="TH",
        towns=[{"name": "Suhlingen", "postcodes": []}],
        postcodes=["98000"],
        contacts={},
    )
    index = make_index(tmp_path, programs=[bw, th], landkreise=[landkreis_data(), lk_th])

    dispatcher = CollectingDispatcher()
    await ActionAnswerProgram(index).run(
        dispatcher, make_tracker("Bildungsurlaub in Suhlingen?"), domain
    )
    assert dispatcher.messages[0]["text"].startswith("**Bildungsfreistellung TH**")
    assert dispatcher.messages[1]["buttons"] == [
        {"title": "Mehr zu: Bildungszeit BW", "payload": '/ask_program{"program": "bz-bw"}'}
    ]

    dispatcher = CollectingDispatcher()
    await ActionAnswerProgram(index).run(dispatcher, make_tracker("Bildungsurlaub?"), domain)
    assert dispatcher.messages[0]["text"].startswith("**Bildungszeit BW**")
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == [
        '/ask_program{"program": "bf-th"}'
    ]
