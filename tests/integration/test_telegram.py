"""The Telegram runner (`python -m bot.telegram`, long polling) against the fake Bot API
server, with the real Rasa and action servers behind it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services import Stack
from bot.settings import PROJECT_ROOT
from tests.telegram.fake_bot_api import FakeBotApiServer
from tests.telegram.test_bridge import make_update

pytestmark = pytest.mark.integration


@contextlib.contextmanager
def telegram_runner(stack: Stack, server: FakeBotApiServer, **extra: str) -> Iterator[Path]:
    """`python -m bot.telegram` against the fake Bot API server, stopped afterwards; yields
    the file its output goes to."""
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": "123:TEST",
        "TELEGRAM_API_BASE_URL": server.base_url,
        "TELEGRAM_PSEUDONYM_KEY": "integration-key",
        "TELEGRAM_TYPING_DELAY": "0",  # always show typing, so the test can see it
        "RASA_PORT": str(stack.settings.rasa_port),
        "FOERDERLOTSE_VAR": str(stack.settings.var_dir),
        **extra,
    }
    log = stack.settings.var_dir / f"telegram-{time.monotonic_ns()}.out"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.telegram"], cwd=PROJECT_ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        yield log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


OUTBOUND_TOKEN = "outbound-integration-token"


@pytest.fixture(scope="module")
def outbound_port() -> int:
    from tests.integration.conftest import free_port

    return free_port()


@pytest.fixture
def telegram(stack: Stack, outbound_port: int) -> Iterator[FakeBotApiServer]:
    outbound = {
        "FOERDERLOTSE_INTERNAL_TOKEN": OUTBOUND_TOKEN,
        "TELEGRAM_OUTBOUND_PORT": str(outbound_port),
    }
    with FakeBotApiServer() as server, telegram_runner(stack, server, **outbound):
        yield server


def wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_question_in_telegram_gets_a_knowledge_answer(telegram: FakeBotApiServer) -> None:
    api = telegram.api
    assert wait_for(lambda: len(api.called("setMyCommands")) == 2), "commands not registered"
    assert {c.get("language_code") for c in api.called("setMyCommands")} == {None, "en"}
    api.queue(make_update("Was ist das Qualifizierungsgeld?", user_id=777))

    def answered() -> bool:
        return any("Qualifizierungsgeld" in m["text"] for m in api.called("sendMessage"))

    assert wait_for(answered), [m["text"][:80] for m in api.called("sendMessage")]
    texts = [m["text"] for m in api.called("sendMessage")]
    assert texts[0].startswith("Hinweis zum Datenschutz")
    answer = next(t for t in texts if "Qualifizierungsgeld" in t)
    assert answer.startswith("<b>Qualifizierungsgeld")
    assert '<a href="' in answer  # the source is a clickable link
    assert all(m["parse_mode"] == "HTML" for m in api.called("sendMessage"))
    assert api.called("sendChatAction")[0]["action"] == "typing"


def test_webhook_refuses_wrong_secrets_and_answers_with_the_right_one(stack: Stack) -> None:
    import json
    import urllib.error
    import urllib.request

    from tests.integration.conftest import free_port

    port = free_port()
    webhook = {
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
        "TELEGRAM_WEBHOOK_SECRET": "right-secret",
        "TELEGRAM_WEBHOOK_PORT": str(port),
    }
    with FakeBotApiServer() as server, telegram_runner(stack, server, **webhook) as log:
        assert wait_for(lambda: len(server.api.called("setWebhook")) == 1)
        hook = server.api.called("setWebhook")[0]
        assert (hook["url"], hook["secret_token"]) == (
            "https://bot.example.org/telegram",
            "right-secret",
        )

        def post(secret: str | None) -> int:
            headers = {"Content-Type": "application/json"}
            if secret is not None:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            body = json.dumps(make_update("Was ist das Qualifizierungsgeld?", user_id=888)).encode()
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/telegram", data=body, headers=headers
            )
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status
            except urllib.error.HTTPError as err:
                return err.code

        assert wait_for(lambda: post("wrong-secret-value") == 403, timeout=30)
        assert post(None) == 403
        assert server.api.called("sendMessage") == []
        assert post("right-secret") == 200
        assert wait_for(
            lambda: any(
                "Qualifizierungsgeld" in m["text"] for m in server.api.called("sendMessage")
            )
        )
        output = log.read_text(encoding="utf-8")
        assert "webhook request refused (403): wrong secret token" in output
        assert "webhook request refused (403): missing secret token" in output
        assert "wrong-secret-value" not in output
        assert "Qualifizierungsgeld" not in output  # no message text in the log


def test_start_berater_advisor_reply_and_loeschen_erases_everything(
    telegram: FakeBotApiServer, stack: Stack, outbound_port: int
) -> None:
    import json
    import sqlite3
    import urllib.error
    import urllib.request

    from bot.telegram.identity import pseudonym

    api = telegram.api
    user = 555
    sender = pseudonym(user, b"integration-key")

    def texts() -> list[str]:
        return [m["text"] for m in api.called("sendMessage") if int(m["chat_id"]) == user]

    def said(fragment: str) -> bool:
        return any(fragment in t for t in texts())

    def advisor_post(text: str) -> int:
        req = urllib.request.Request(
            f"http://127.0.0.1:{outbound_port}/advisor-messages",
            data=json.dumps({"sender": sender, "text": text, "advisor": "Anna Berg"}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {OUTBOUND_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code

    def events() -> int:
        with sqlite3.connect(stack.settings.tracker_db) as db:
            row = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,))
            return int(row.fetchone()[0])

    api.queue(make_update("/start", user_id=user))
    assert wait_for(lambda: said("Hinweis zum Datenschutz")), texts()
    assert wait_for(lambda: len(texts()) >= 2), texts()  # notice, then the welcome
    assert wait_for(lambda: advisor_post("vorher") == 404, timeout=30)  # no handoff yet

    api.queue(make_update("/berater", user_id=user))
    assert wait_for(lambda: said("habe notiert, dass Sie mit einem Menschen")), texts()
    assert advisor_post("Guten Tag, hier ist Anna Berg. Wie kann ich helfen?") == 200
    assert wait_for(lambda: said("Nachricht von Anna Berg")), texts()
    assert texts()[-1].endswith("Guten Tag, hier ist Anna Berg. Wie kann ich helfen?")
    assert events() > 0

    api.queue(make_update("/loeschen", user_id=user))
    assert wait_for(lambda: said("Soll ich Ihren gesamten Gesprächsverlauf")), texts()
    question = next(m for m in api.called("sendMessage") if "Soll ich Ihren gesamten" in m["text"])
    yes = json.loads(question["reply_markup"])["inline_keyboard"][0][0]
    assert yes["text"] == "Ja, löschen"
    api.queue(make_update(callback=yes["callback_data"], user_id=user))
    assert wait_for(lambda: said("Ihr Gesprächsverlauf ist gelöscht")), texts()
    assert events() == 0
    assert advisor_post("Sind Sie noch da?") == 404
    with sqlite3.connect(stack.settings.var_dir / "telegram-chats.db") as db:
        assert db.execute("SELECT COUNT(*) FROM chats").fetchone()[0] == 0


def test_html_looking_user_text_stays_text(telegram: FakeBotApiServer) -> None:
    import re

    api = telegram.api
    user = 556
    api.queue(
        make_update(
            '<b>Bildungszeit</b> & <script>alert(1)</script> <a href="javascript:x">hier</a>?',
            user_id=user,
        )
    )

    def replies() -> list[str]:
        return [m["text"] for m in api.called("sendMessage") if int(m["chat_id"]) == user]

    assert wait_for(lambda: len(replies()) >= 2), replies()  # the notice, then an answer
    for text in replies():
        tags = re.findall(r"</?([a-zA-Z]+)[^>]*>", text)
        assert set(tags) <= {"b", "a"}, text
        hrefs = re.findall(r'<a\b[^>]*href="([^"]*)"', text)
        assert all(u.startswith(("https://", "http://")) for u in hrefs), text
        assert re.search(r"&(?!(amp|lt|gt|quot|#\d+);)", text) is None, text  # & escaped
    assert any("Bildungszeit" in t for t in replies())
