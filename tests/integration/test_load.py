"""The short version of ``make soak`` in CI: 500 messages over 50 concurrent conversations
through the REST channel; every message answered, stored once and in order."""

from __future__ import annotations

import asyncio

import pytest

from bot.services import Stack
from scripts.soak import check_store, rss_kb, run_load

pytestmark = pytest.mark.integration


def test_500_messages_over_50_conversations_lose_nothing(stack: Stack) -> None:
    pids = [s.process.pid for s in stack.services if s.process is not None]
    before = rss_kb(pids)
    load = asyncio.run(run_load(stack.settings, conversations=50, messages=500))
    assert load.messages == 500
    assert load.errors == {}
    assert load.answered == 500
    integrity = check_store(stack.settings.tracker_db, load.sent)
    assert (integrity.conversations, integrity.messages) == (50, 500)
    assert (integrity.lost, integrity.duplicated, integrity.out_of_order) == (0, 0, 0)
    assert rss_kb(pids) < before * 1.5  # no runaway growth within the run
