"""Faults against the real servers: the action server killed or hanging mid-conversation,
the tracker store locked for a moment. The user always gets an answer, nothing is lost, and
the conversation goes on once the part is back."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.rasa_server import ACTIONS_DOWN
from bot.services import Service, Stack, build_services, write_endpoints
from tests.integration import conftest as it
from tests.integration.conftest import ask

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fault_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp("var")
    settings = replace(it.test_settings(var_dir), action_timeout=3.0)
    write_endpoints(settings)
    services = build_services(settings, trained_model, log_dir=var_dir)
    with Stack(settings, services, timeout=240) as running:
        yield running


def service(stack: Stack, name: str) -> Service:
    return next(s for s in stack.services if s.name == name)


def say(stack: Stack, sender: str, text: str) -> str:
    return "\n".join(r.get("text", "") for r in ask(stack.settings, sender, text))


def bot_texts(stack: Stack, sender: str) -> list[str]:
    with sqlite3.connect(stack.settings.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(r[0]).get("text") or "" for r in rows]


def user_texts(stack: Stack, sender: str) -> list[str]:
    with sqlite3.connect(stack.settings.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(r[0]).get("text") or "" for r in rows]


def wait_ready(svc: Service, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not svc.is_ready():
        assert time.monotonic() < deadline, f"{svc.name} not ready again"
        time.sleep(0.2)


def test_action_server_killed_mid_conversation(fault_stack: Stack) -> None:
    s, other = (f"it-{uuid.uuid4().hex[:8]}" for _ in range(2))
    assert "Wer sind Sie?" in say(fault_stack, s, "Welche Förderung passt zu mir?")
    actions = service(fault_stack, "actions")
    assert actions.process is not None
    os.killpg(actions.process.pid, signal.SIGKILL)
    actions.process.wait(timeout=10)

    reply = say(fault_stack, s, '/inform{"role": "employer"}')
    assert reply.count(ACTIONS_DOWN["de"]) == 1  # once, though several actions failed
    assert "Wie viele Beschäftigte" in reply  # the form itself goes on
    assert "Traceback" not in reply
    reply = say(fault_stack, other, "Was ist Bildungszeit?")
    assert reply.count(ACTIONS_DOWN["de"]) == 1

    actions.start(fault_stack.settings.root)
    wait_ready(actions)
    # the form goes on where it was, and the knowledge base answers again
    reply = say(fault_stack, s, "wir sind 30 Leute")
    assert ACTIONS_DOWN["de"] not in reply
    assert "Was trifft am ehesten zu?" in reply
    reply = say(fault_stack, s, '/inform{"situation": "weiterbildung"}')
    assert "Das passt am ehesten zu Ihnen:" in reply
    assert "Lehrgangskosten: 100 %" in reply  # employer with 30 staff: kept across the outage
    assert "Bildungszeit" in say(fault_stack, other, "Was ist Bildungszeit?")
    # the apology is recorded like any bot message
    assert bot_texts(fault_stack, s).count(ACTIONS_DOWN["de"]) == 1
    assert bot_texts(fault_stack, other).count(ACTIONS_DOWN["de"]) == 1


def test_hanging_action_server_times_out_politely(fault_stack: Stack) -> None:
    s = f"it-{uuid.uuid4().hex[:8]}"
    actions = service(fault_stack, "actions")
    assert actions.process is not None
    os.killpg(actions.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        reply = say(fault_stack, s, "How much does the employment agency pay for training?")
        took = time.monotonic() - started
    finally:
        os.killpg(actions.process.pid, signal.SIGCONT)
    assert ACTIONS_DOWN["en"] in reply
    assert took < 15  # ACTION_TIMEOUT is 3 s here; Rasa's own default would be 5 minutes
    wait_ready(actions)
    assert "Bildungszeit" in say(fault_stack, s, "Was ist Bildungszeit?")


def test_tracker_store_locked_for_a_moment_loses_nothing(fault_stack: Stack) -> None:
    s = f"it-{uuid.uuid4().hex[:8]}"
    say(fault_stack, s, "Hallo")
    lock = sqlite3.connect(
        fault_stack.settings.tracker_db, timeout=30, isolation_level=None, check_same_thread=False
    )
    lock.execute("BEGIN EXCLUSIVE")  # nobody may read or write, longer than SQLite's 5 s wait
    release = threading.Timer(7.0, lambda: lock.execute("COMMIT"))
    release.start()
    try:
        reply = say(fault_stack, s, "Was ist Bildungszeit?")
    finally:
        release.join()
        lock.close()
    assert "Bildungszeit" in reply
    assert user_texts(fault_stack, s) == ["Hallo", "Was ist Bildungszeit?"]
