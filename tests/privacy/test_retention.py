"""Retention with a controllable clock: old conversations disappear from every store."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

from actions.demand import DemandStore, TrainingNeed
from bot.console import build_console
from bot.privacy.__main__ import main
from bot.privacy.retention import purge
from bot.settings import Settings
from bot.telegram.chats import ChatDirectory
from tests.console.factories import Tracker
from tests.web.test_widget_api import FakeRasaApi

DAY = 86400.0
NOW = 1_800_000_000.0


def test_purge_removes_old_conversations_everywhere(tmp_path: Path) -> None:
    settings = replace(Settings.from_env({}), var_dir=tmp_path)
    tracker = Tracker(settings.tracker_db)
    tracker.user("old-conversation-1", "Hallo, ich heiße Jana", NOW - 100 * DAY)
    tracker.bot("old-conversation-1", "Guten Tag", NOW - 100 * DAY + 1)
    tracker.user("still-active-0002", "Frage von damals", NOW - 120 * DAY)
    tracker.user("still-active-0002", "und heute noch eine", NOW - 1 * DAY)
    tracker.user("fresh-conversatn3", "Was ist QCG?", NOW - 2 * DAY)
    console = build_console(settings, FakeRasaApi())
    console.transcripts.ingest()
    console.transcripts.add_note("old-conversation-1", "anna", "Rückruf vereinbart")

    chats = ChatDirectory(tmp_path / "telegram-chats.db", clock=lambda: NOW - 95 * DAY)
    chats.remember("tg-old", 1, "de")
    ChatDirectory(tmp_path / "telegram-chats.db", clock=lambda: NOW - DAY).remember(
        "tg-new", 2, "de"
    )

    store = DemandStore(
        tmp_path / "demand.db",
        clock=lambda: dt.datetime.fromtimestamp(NOW - 91 * DAY, dt.timezone.utc),
    )
    store.add(
        TrainingNeed("CNC", 8, "lk-heilbronn", "Heilbronn-Franken", "2027", "a@b.de", "widget")
    )

    report = purge(settings, days=90, now=NOW)
    assert (report.conversations, report.events, report.transcripts, report.chats) == (1, 2, 1, 1)
    assert report.demand_entries == 1

    with sqlite3.connect(settings.tracker_db) as db:
        senders = {r[0] for r in db.execute("SELECT DISTINCT sender_id FROM events")}
    assert senders == {"still-active-0002", "fresh-conversatn3"}
    assert console.transcripts.get("old-conversation-1") is None
    assert console.transcripts.notes("old-conversation-1") == []
    assert console.transcripts.get("fresh-conversatn3") is not None
    assert ChatDirectory(tmp_path / "telegram-chats.db").lookup("tg-old") is None
    assert ChatDirectory(tmp_path / "telegram-chats.db").lookup("tg-new") is not None
    with sqlite3.connect(tmp_path / "demand.db") as db:
        row = db.execute(
            "SELECT topic, people, region, email, channel FROM training_needs"
        ).fetchone()
    assert row == ("CNC", 8, "Heilbronn-Franken", None, None)  # the aggregate stays

    assert purge(settings, days=90, now=NOW) == type(report)(0, 0, 0, 0, 0)  # idempotent


def test_cli(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FOERDERLOTSE_VAR", str(tmp_path))
    assert main(["retention", "--days", "0"]) == 2
    assert main(["retention", "--days", "30"]) == 0
    assert "deleted 0 conversations (0 events)" in capsys.readouterr().out
