"""`python -m bot run` — what `make run` starts — comes up, answers, and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings
from tests.integration.conftest import ask, free_port

pytestmark = pytest.mark.integration


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_run_starts_everything_and_stops_on_sigterm(trained_model: Path, tmp_path: Path) -> None:
    ports = {"RASA_PORT": free_port(), "ACTIONS_PORT": free_port(), "WEB_PORT": free_port()}
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "FOERDERLOTSE_VAR": str(tmp_path / "var"),
        "RASA_TELEMETRY_ENABLED": "false",
    }
    env.pop("RASA_AUTH_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 240
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            if line.startswith("Press Ctrl-C to stop."):
                break
        output = "".join(lines)
        assert "Förderlotse is ready" in output, output[-3000:]
        assert "no training needed" in output  # the session's model matches the inputs
        assert f"http://127.0.0.1:{ports['WEB_PORT']}/" in output
        settings = Settings.from_env({k: str(v) for k, v in ports.items()})
        assert ask(settings, "launcher-test", "Hallo")[1]["text"].startswith("Guten Tag!")
        assert (tmp_path / "var" / "tracker.db").exists()

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        for port in ports.values():
            assert not port_open(port), f"port {port} still open after shutdown"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
