"""Factories for knowledge records and knowledge-base folders. Fresh objects per call."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT
from knowledge.index import KnowledgeIndex
from knowledge.loader import KnowledgeBase, load
from knowledge.schema import Contact, Landkreis, Program

SOURCE = {
    "url": "https://www.arbeitsagentur.de/example",
    "title": "Beispielquelle",
    "reliability": "A",
}
DATES = {"stand": "2026-01-15", "review_by": "2027-03-31"}


def program_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "test-programm",
        "name": "Testprogramm Weiterbildung",
        "name_en": "Test training program",
        "aliases": ["Testförderung", "TP"],
        "summary": "Die Agentur für Arbeit bezahlt einen Teil der Kurskosten.",
        "summary_en": "The agency pays part of the course fees.",
        "key_figure": "Bis zu 100 % der Kurskosten.",
        "key_figure_en": "Up to 100 % of course fees.",
        "audiences": ["employee", "employer"],
        "scope": "DE",
        "topics": ["weiterbildung"],
        "rates": [
            {
                "id": "kurskosten",
                "label": "Anteil an den Kurskosten",
                "label_en": "Share of course fees",
                "unit": "percent",
                "by_company_size": [
                    {"min_employees": 0, "max_employees": 49, "value": 100},
                    {"min_employees": 50, "max_employees": 499, "value": 50},
                    {"min_employees": 500, "value": 25},
                ],
            }
        ],
        "how_to_apply": "Vor Kursbeginn bei der Agentur für Arbeit beantragen.",
        "how_to_apply_en": "Apply at the employment agency before the course starts.",
        "contacts": ["test-hotline"],
        "contact_kinds": ["agentur_fuer_arbeit"],
        "legal_basis": "§ 82 SGB III",
        "status": {"state": "active"},
        "sources": [dict(SOURCE)],
        **DATES,
    }
    data.update(copy.deepcopy(overrides))
    return data


def contact_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "test-hotline",
        "name": "Test-Hotline der Agentur",
        "kind": "hotline",
        "role": "Berät Betriebe kostenlos zur Weiterbildung.",
        "scope": "DE",
        "phone": "0800 4 5555 20",
        "web": "https://www.arbeitsagentur.de/unternehmen",
        "sources": [dict(SOURCE)],
        **DATES,
    }
    data.update(copy.deepcopy(overrides))
    return data


def landkreis_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "lk-test",
        "name": "Landkreis Testhausen",
        "aliases": ["TH-Kreis"],
        "state": "BW",
        "region": "heilbronn-franken",
        "seat": "Testhausen",
        "towns": [
            {"name": "Testhausen", "postcodes": ["74000"]},
            {"name": "Neudorf", "postcodes": ["74001"]},
        ],
        "postcodes": ["74000", "74001", "74002*"],
        "contacts": {"agentur_fuer_arbeit": ["test-agentur"]},
        "sources": [dict(SOURCE)],
        **DATES,
    }
    data.update(copy.deepcopy(overrides))
    return data


def agentur_data(**overrides: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = dict(
        id="test-agentur",
        name="Agentur für Arbeit Testhausen",
        kind="agentur_fuer_arbeit",
        role="Berät Beschäftigte und Betriebe im Landkreis Testhausen.",
        scope=None,
        landkreise=["lk-test"],
        phone="0800 4 5555 00",
        address={"street": "Hauptstraße 1", "postcode": "74000", "city": "Testhausen"},
    )
    return contact_data(**{**defaults, **overrides})


def fact_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "test-fact",
        "about": "test-programm",
        "kind": "duration",
        "answer": "Die Förderung gilt drei Monate ab der Zusage.",
        "answer_en": "The grant is valid for three months from approval.",
        "questions": [
            "Wie lange gilt die Testförderung?",
            "wie lang ist die zusage gültig",
            "Läuft die Zusage irgendwann ab?",
        ],
        "questions_en": ["How long is the approval valid?"],
        "source_text": "Die Zusage gilt drei Monate.",
        "sources": [dict(SOURCE)],
        **DATES,
    }
    data.update(copy.deepcopy(overrides))
    return data


def write_kb(
    root: Path,
    *,
    programs: list[dict[str, Any]] | None = None,
    contacts: list[dict[str, Any]] | None = None,
    landkreise: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    facts: list[dict[str, Any]] | None = None,
    synonyms: list[list[str]] | None = None,
) -> Path:
    """Write a knowledge-base folder; defaults give one valid record of each kind."""
    content = {
        "programs": ("programs", programs if programs is not None else [program_data()]),
        "contacts": (
            "contacts",
            contacts if contacts is not None else [contact_data(), agentur_data()],
        ),
        "regions": ("landkreise", landkreise if landkreise is not None else [landkreis_data()]),
        "events": ("events", events if events is not None else []),
        "facts": ("facts", facts if facts is not None else []),
    }
    for folder, (key, records) in content.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "test.yml").write_text(
            yaml.safe_dump({key: records}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    if synonyms is not None:
        (root / "synonyms.yml").write_text(
            yaml.safe_dump({"synonyms": synonyms}, allow_unicode=True), encoding="utf-8"
        )
    return root


def make_kb(root: Path, **kwargs: Any) -> KnowledgeBase:
    result = load(write_kb(root, **kwargs))
    assert result.problems == [], result.problems
    return result.kb


def make_index(root: Path, **kwargs: Any) -> KnowledgeIndex:
    return KnowledgeIndex(make_kb(root, **kwargs))


def make_program(**overrides: Any) -> Program:
    return Program.parse_obj(program_data(**overrides))


def make_contact(**overrides: Any) -> Contact:
    return Contact.parse_obj(contact_data(**overrides))


def make_landkreis(**overrides: Any) -> Landkreis:
    return Landkreis.parse_obj(landkreis_data(**overrides))


SLOT_DEFAULTS: dict[str, Any] = {
    "language": "de",
    "role": None,
    "company_size": None,
    "landkreis": None,
    "plz": None,
    "situation": None,
    "program": None,
    "topic": None,
    "requested_slot": None,
    "privacy_notice_shown": False,
    "unclear_text": None,
}


def make_tracker(
    text: str = "",
    *,
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    ranking: list[tuple[str, float]] | None = None,
    active_loop: str | None = None,
) -> Any:
    """A real rasa_sdk Tracker whose latest message is ``text`` with the given NLU result."""
    from rasa_sdk import Tracker

    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [(intent, 0.9)])],
    }
    return Tracker(
        sender_id="test-user",
        slots={**SLOT_DEFAULTS, **(slots or {})},
        latest_message=latest,
        events=[{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def ent(entity: str, value: str) -> dict[str, Any]:
    return {"entity": entity, "value": value}


@functools.lru_cache(maxsize=1)
def project_domain() -> Any:
    """The project's Rasa domain (``domain/``), loaded once."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(PROJECT_ROOT / "domain"))


@functools.lru_cache(maxsize=1)
def training_conversations() -> list[tuple[str, list[Any]]]:
    """The event lists of the project's test stories and rules, as Rasa's training builds
    them (forms, loops, slots): realistic conversations for comparing with Rasa's own code."""
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.core.training_data.structures import StoryGraph

    reader = YAMLStoryReader(project_domain())
    files = [
        PROJECT_ROOT / "tests" / "stories" / "test_stories.yml",
        *sorted((PROJECT_ROOT / "data" / "rules").glob("*.yml")),
    ]
    steps = [step for f in files for step in reader.read_from_file(f)]
    trackers = TrainingDataGenerator(
        StoryGraph(steps), project_domain(), remove_duplicates=False, augmentation_factor=0
    ).generate()
    return [(t.sender_id, list(t.events)) for t in trackers]
