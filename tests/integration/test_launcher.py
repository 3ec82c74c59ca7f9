"""`python -m bot run` — what `make run` starts — comes up, answers, and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings
from tests.integration.conftest import ask, free_port

pytestmark = pytest.mark.integration


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def pids_with(words: list[str]) -> list[int]:
    """Processes whose command line has all these arguments."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if all(w in args for w in words):
            found.append(int(entry.name))
    return found


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

        # the action server dies: the launcher starts it again, the conversation goes on
        (actions_pid,) = pids_with(["bot.action_server", "--port", str(ports["ACTIONS_PORT"])])
        os.kill(actions_pid, signal.SIGKILL)
        deadline = time.monotonic() + 90
        while True:
            assert time.monotonic() < deadline, "action server not started again"
            time.sleep(0.5)
            again = pids_with(["bot.action_server", "--port", str(ports["ACTIONS_PORT"])])
            if again and again != [actions_pid] and health(ports["ACTIONS_PORT"]):
                break
        reply = "\n".join(
            r.get("text", "") for r in ask(settings, "launcher-test", "Was ist Bildungszeit?")
        )
        assert "Bildungszeit" in reply

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        for port in ports.values():
            assert not port_open(port), f"port {port} still open after shutdown"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
