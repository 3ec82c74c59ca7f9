"""Dashboard figures, gaps report and demand board on seeded data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from actions.demand import DemandStore, TrainingNeed
from bot.console.reports import bars, dashboard, demand, gaps
from bot.console.views import Console
from tests.console.factories import DAY, T0, login, make_app, seed


def test_dashboard_gaps_and_pages(tmp_path: Path) -> None:
    app, tracker, _ = make_app(tmp_path)
    seed(tracker)
    tracker.slot("tg-conv-d-00000004", "landkreis", "lk-hohenlohekreis", T0 + 2 * DAY + 3602)
    console: Console = app.extensions["console"]
    console.transcripts.ingest()
    board = dashboard(console.transcripts.db, days=30, now=T0 + 10 * DAY)
    assert board.days == [("2026-01-01", 1, 1), ("2026-01-02", 1, 1), ("2026-01-03", 2, 2)]
    assert board.top_intents == [("ask_program", 2), ("nlu_fallback", 1), ("request_human", 1)]
    assert (board.conversations, board.fallback_rate, board.handoff_rate) == (4, 0.25, 0.25)
    assert (board.feedback_up, board.feedback_down) == (0, 1)

    found = gaps(console.transcripts.db)
    assert [(g.topic, g.region, g.count) for g in found] == [
        ("ask_program", "lk-hohenlohekreis", 1),
        ("nlu_fallback", "ohne Region", 1),
    ]
    assert found[1].examples == ["wie gehtn das mit dem dings"]

    chart = bars([("a", 2), ("b", 1)], width=200, height=130)
    assert [b["h"] for b in chart["bars"]] == [85.0, 42.5]

    import time

    tracker.user("conv-today-000001", "Was ist QCG?", time.time() - 60, "ask_qualifizierungsgeld")
    client = app.test_client()
    login(client, "anna")
    page = client.get("/console/dashboard").get_data(as_text=True)
    assert page.count("<rect ") == 7  # day, conversations, topic; 2 rates; 2 feedback
    assert "Rückmeldungen zu Antworten: hilfreich 0, nicht hilfreich 0" in page
    assert "Häufigste Themen (Intents): ask_qualifizierungsgeld 1" in page
    assert "Fallback-Quote 0 %" in page
    assert "wie gehtn das mit dem dings" in client.get("/console/gaps").get_data(as_text=True)


def test_demand_board_aggregates_and_exports(tmp_path: Path) -> None:
    store = DemandStore(tmp_path / "demand.db")
    for people in (8, 4):
        store.add(
            TrainingNeed(
                "CNC-Programmierung", people, "lk-heilbronn", "Heilbronn-Franken", "2027-Q1", None
            )
        )
    store.add(TrainingNeed("Hochvolt", 3, "lk-suhl", "Südwestthüringen", None, None))
    rows = demand(tmp_path / "demand.db")
    assert [(r.topic, r.region, r.timeframe, r.needs, r.people) for r in rows] == [
        ("CNC-Programmierung", "Heilbronn-Franken", "2027-Q1", 2, 12),
        ("Hochvolt", "Südwestthüringen", "offen", 1, 3),
    ]
    assert demand(tmp_path / "missing.db") == []

    app, _, _ = make_app(tmp_path)
    client = app.test_client()
    login(client, "anna")
    table = list(csv.reader(io.StringIO(client.get("/console/demand.csv").get_data(as_text=True))))
    assert table == [
        ["topic", "region", "timeframe", "needs", "people"],
        ["CNC-Programmierung", "Heilbronn-Franken", "2027-Q1", "2", "12"],
        ["Hochvolt", "Südwestthüringen", "offen", "1", "3"],
    ]
