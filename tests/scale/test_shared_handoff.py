"""The console's live handoff with its database on PostgreSQL (the same tests as
tests/console/test_handoff_http.py, on the shared database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.console.factories import T0, Tracker, make_app, seed
from tests.console.test_handoff_http import (  # the same tests, with the fixture below
    TELEGRAM,
    test_live_endpoint_returns_new_messages,
    test_queue_claim_send_release_in_the_widget,
    test_telegram_takeover_goes_through_the_outbound_api,
    test_unknown_telegram_chat_is_reported_not_hidden,
)
from tests.web.test_widget_api import FakeRasaApi

pytestmark = [pytest.mark.integration, pytest.mark.scale]

REUSED = (
    test_live_endpoint_returns_new_messages,
    test_queue_claim_send_release_in_the_widget,
    test_telegram_takeover_goes_through_the_outbound_api,
    test_unknown_telegram_chat_is_reported_not_hidden,
)


@pytest.fixture
def setup(tmp_path: Path, pg_url: str) -> tuple[Flask, Tracker, FakeRasaApi]:
    app, tracker, rasa = make_app(tmp_path, database_url=pg_url)
    seed(tracker)
    tracker.slot(TELEGRAM, "handoff_requested", True, T0 + 86400 + 90)
    return app, tracker, rasa
