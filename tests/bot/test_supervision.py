"""The launcher's supervision: a service that dies is started again; one that keeps dying is
given up. Real child processes, a controllable clock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services import MAX_RESTARTS, RESTART_WINDOW, Service, Stack
from bot.settings import Settings


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    sleeper = Service("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], None)
    crasher = Service("crasher", [sys.executable, "-c", "raise SystemExit(3)"], None)
    st = Stack(Settings(root=tmp_path), [sleeper, crasher])
    for s in st.services:
        s.start(tmp_path)
    yield st
    st.stop()


def test_a_dead_service_is_started_again_and_a_flapping_one_given_up(stack: Stack) -> None:
    sleeper, crasher = stack.services
    assert crasher.process is not None
    crasher.process.wait(timeout=10)
    first = crasher.process.pid
    now = 1000.0
    for _ in range(MAX_RESTARTS):
        assert stack.revive(now) == []
        assert crasher.process.pid != first
        crasher.process.wait(timeout=10)
        now += 1
    assert stack.revive(now) == [crasher]  # five times in ten minutes: given up
    assert sleeper.alive()  # the healthy one was never touched
    # later, outside the window, it gets its chances again
    assert stack.revive(now + RESTART_WINDOW) == []
