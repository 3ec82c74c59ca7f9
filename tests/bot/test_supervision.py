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


def test_children_die_with_the_launcher(tmp_path: Path) -> None:
    """A launcher killed hard (SIGKILL) leaves no servers behind."""
    import os
    import signal
    import subprocess
    import time

    script = tmp_path / "launcher.py"
    script.write_text(
        "import sys, time\n"
        "from pathlib import Path\n"
        "from bot.services import Service\n"
        f"s = Service('child', [sys.executable, '-c', 'import time; time.sleep(60)'], None)\n"
        f"s.start(Path({str(tmp_path)!r}))\n"
        "print(s.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    from bot.settings import PROJECT_ROOT

    launcher = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert launcher.stdout is not None
    child = int(launcher.stdout.readline())
    launcher.send_signal(signal.SIGKILL)
    launcher.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        # a zombie until init reaps it counts as gone
        if Path(f"/proc/{child}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    raise AssertionError("the child outlived its launcher")
