"""Seeded tracker stores and logged-in clients for the console tests."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from bot.console import build_console
from bot.settings import Settings
from bot.web import create_app
from tests.web.test_widget_api import FakeRasaApi

PASSWORD = "korrekt-pferd-batterie"
DAY = 86400.0
T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC


class Tracker:
    """A tracker store with Rasa's ``events`` table, filled by hand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with sqlite3.connect(path) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,"
                " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
            )

    def add(self, sender: str, kind: str, ts: float, **data: Any) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                (sender, kind, ts, json.dumps({"event": kind, "timestamp": ts, **data})),
            )

    def user(
        self,
        sender: str,
        text: str,
        ts: float,
        intent: str = "ask_program",
        confidence: float = 0.9,
        channel: str = "widget",
        entities: list[dict[str, Any]] | None = None,
    ) -> None:
        self.add(
            sender, "user", ts, text=text, input_channel=channel, metadata={"channel": channel},
            parse_data={"intent": {"name": intent, "confidence": confidence},
                        "entities": entities or []},
        )  # fmt: skip

    def bot(self, sender: str, text: str, ts: float) -> None:
        self.add(sender, "bot", ts, text=text, data={})

    def action(self, sender: str, name: str, ts: float) -> None:
        self.add(sender, "action", ts, name=name)

    def slot(self, sender: str, name: str, value: Any, ts: float) -> None:
        self.add(sender, "slot", ts, name=name, value=value)

    def erase(self, sender: str) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("DELETE FROM events WHERE sender_id = ?", (sender,))


class FakeTelegram:
    """The Telegram process's outbound API, offline: records what it would deliver."""

    def __init__(self) -> None:
        self.chats = {"tg-conv-b-00000002", "tg-conv-d-00000004"}
        self.sent: list[tuple[str, str, str, str]] = []

    def advisor_message(self, sender: str, text: str, advisor: str) -> bool:
        self.sent.append(("message", sender, text, advisor))
        return sender in self.chats

    def notice(self, sender: str, kind: str, advisor: str) -> bool:
        self.sent.append(("notice", sender, kind, advisor))
        return sender in self.chats


def make_app(tmp_path: Path, database_url: str = "") -> tuple[Flask, Tracker, FakeRasaApi]:
    settings = replace(
        Settings.from_env({}),
        var_dir=tmp_path,
        console_secret="test-secret",
        database_url=database_url,
    )
    tracker = Tracker(settings.tracker_db)
    rasa = FakeRasaApi()
    console = build_console(settings, rasa, telegram=FakeTelegram())
    console.accounts.add("anna", "advisor", PASSWORD)
    console.accounts.add("chef", "admin", PASSWORD)
    app = create_app(settings, rasa_api=rasa, console=console)
    return app, tracker, rasa


def csrf(client: FlaskClient, path: str = "/console/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/console/login", data={"name": name, "password": password, "csrf_token": csrf(client)}
    )


def seed(tracker: Tracker) -> None:
    """Four conversations with known properties."""
    # a: widget, day 1, good answer, reviewed later in tests
    tracker.user(
        "conv-a-0000000001", "Was ist das Qualifizierungsgeld?", T0 + 3600, "ask_program", 0.95
    )
    tracker.bot("conv-a-0000000001", "Das Qualifizierungsgeld ...", T0 + 3601)
    # b: telegram, day 2, low confidence, fallback, negative feedback
    tracker.user(
        "tg-conv-b-00000002",
        "wie gehtn das mit dem dings",
        T0 + DAY + 60,
        "nlu_fallback",
        0.31,
        "telegram",
    )
    tracker.action("tg-conv-b-00000002", "action_disambiguate", T0 + DAY + 61)
    tracker.slot(
        "tg-conv-b-00000002",
        "feedback",
        {"rating": "down", "index": 0, "excerpt": "x"},
        T0 + DAY + 70,
    )
    # c: widget, day 3, handoff requested
    tracker.user(
        "conv-c-0000000003",
        "Kann ich mit einem Menschen sprechen?",
        T0 + 2 * DAY + 60,
        "request_human",
        0.88,
    )
    tracker.slot("conv-c-0000000003", "handoff_requested", True, T0 + 2 * DAY + 61)
    tracker.bot("conv-c-0000000003", "Ich habe notiert ...", T0 + 2 * DAY + 62)
    # d: telegram, day 3, Bildungszeit, medium confidence
    tracker.user(
        "tg-conv-d-00000004",
        '=HYPERLINK("x") Bildungszeit BW?',
        T0 + 2 * DAY + 3600,
        "ask_program",
        0.55,
        "telegram",
    )
    tracker.bot("tg-conv-d-00000004", "Bildungszeit Baden-Württemberg ...", T0 + 2 * DAY + 3601)
