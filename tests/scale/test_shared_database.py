"""The project's own data on PostgreSQL (``DATABASE_URL``), as in the scaled-out topology:
the console's whole HTTP test suite runs again on it, and two web servers and two action
servers share one console and one demand board."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from actions.demand import DemandStore, TrainingNeed
from bot.console.reports import dashboard, demand
from bot.console.views import Console
from bot.privacy.retention import purge
from bot.settings import Settings
from tests.console.factories import DAY, PASSWORD, T0, Tracker, login, make_app, seed
from tests.console.test_console_http import (  # the same tests, with the fixtures below
    anna,
    chef,
    test_admin_deletes_everywhere_and_erasure_in_tracker_is_followed,
    test_admin_manages_accounts,
    test_exports_parse_and_match,
    test_filters_can_be_saved_per_advisor,
    test_filters_return_exactly_the_matching_conversations,
    test_login_throttling,
    test_paging,
    test_transcript_shows_nlu_and_annotations_are_audited,
)
from tests.web.test_widget_api import FakeRasaApi

pytestmark = [pytest.mark.integration, pytest.mark.scale]

REUSED = (
    anna,
    chef,
    test_admin_deletes_everywhere_and_erasure_in_tracker_is_followed,
    test_admin_manages_accounts,
    test_exports_parse_and_match,
    test_filters_can_be_saved_per_advisor,
    test_filters_return_exactly_the_matching_conversations,
    test_login_throttling,
    test_paging,
    test_transcript_shows_nlu_and_annotations_are_audited,
)


@pytest.fixture
def setup(tmp_path: Path, pg_url: str) -> tuple[Flask, Tracker, FakeRasaApi]:
    app, tracker, rasa = make_app(tmp_path, database_url=pg_url)
    seed(tracker)
    return app, tracker, rasa


def test_the_console_db_really_is_postgresql(setup: tuple[Flask, Tracker, FakeRasaApi]) -> None:
    console: Console = setup[0].extensions["console"]
    assert console.transcripts.db.dialect == "postgresql"


def test_two_web_servers_share_accounts_transcripts_and_the_dashboard(
    tmp_path: Path, pg_url: str
) -> None:
    from dataclasses import replace

    from bot.console import build_console
    from bot.web import create_app
    from tests.console.factories import FakeTelegram

    one, tracker, _ = make_app(tmp_path, database_url=pg_url)  # adds the accounts
    seed(tracker)
    # a second web server: its own process and folder, the same database and tracker store
    settings = replace(
        Settings.from_env({}),
        var_dir=tmp_path / "second",
        console_secret="test-secret",
        database_url=pg_url,
        tracker_store_url=f"sqlite:///{tracker.path}",
    )
    rasa = FakeRasaApi()
    two = create_app(
        settings, rasa_api=rasa, console=build_console(settings, rasa, telegram=FakeTelegram())
    )
    client = one.test_client()
    assert login(client, "anna").status_code == 302
    other = two.test_client()
    assert login(other, "chef", PASSWORD).status_code == 302  # an account made by the first
    console: Console = two.extensions["console"]
    console.transcripts.ingest()
    board = dashboard(console.transcripts.db, days=30, now=T0 + 10 * DAY)
    assert board.days == [("2026-01-01", 1, 1), ("2026-01-02", 1, 1), ("2026-01-03", 2, 2)]
    assert board.conversations == 4
    # what the second ingested, the first lists: one transcript store; search ignores case
    listed = client.get("/console/?q=DINGS").get_data(as_text=True)
    assert "tg-conv-b-00000002" in listed
    assert "conv-a-0000000001" not in listed


def test_action_server_replicas_share_the_demand_board(tmp_path: Path, pg_url: str) -> None:
    replicas = [DemandStore(pg_url), DemandStore(pg_url)]
    for i, store in enumerate(replicas * 2):
        store.add(
            TrainingNeed(
                "Hochvolt", 2 + i, "lk-suhl", "Südwestthüringen", None, f"x{i}@example.org"
            )
        )
    rows = demand(pg_url)
    assert [(r.topic, r.needs, r.people) for r in rows] == [("Hochvolt", 4, 2 + 3 + 4 + 5)]
    settings = Settings.from_env({"FOERDERLOTSE_VAR": str(tmp_path), "DATABASE_URL": pg_url})
    report = purge(settings, days=90, now=4_000_000_000.0)  # all of them are old by then
    assert report.demand_entries == 4
    assert all(r["email"] is None for r in DemandStore(pg_url).all())
