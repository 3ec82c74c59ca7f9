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

import pytest

from bot.services import Stack
from bot.settings import PROJECT_ROOT
from tests.telegram.fake_bot_api import FakeBotApiServer
from tests.telegram.test_bridge import make_update

pytestmark = pytest.mark.integration


@contextlib.contextmanager
def telegram_runner(stack: Stack, server: FakeBotApiServer, **extra: str) -> Iterator[None]:
    """`python -m bot.telegram` against the fake Bot API server, stopped afterwards."""
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": "123:TEST",
        "TELEGRAM_API_BASE_URL": server.base_url,
        "TELEGRAM_PSEUDONYM_KEY": "integration-key",
        "RASA_PORT": str(stack.settings.rasa_port),
        "FOERDERLOTSE_VAR": str(stack.settings.var_dir),
        **extra,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.telegram"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def telegram(stack: Stack) -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer() as server, telegram_runner(stack, server):
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
    with FakeBotApiServer() as server, telegram_runner(stack, server, **webhook):
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

        assert wait_for(lambda: post("wrong") == 403, timeout=30)
        assert post(None) == 403
        assert server.api.called("sendMessage") == []
        assert post("right-secret") == 200
        assert wait_for(
            lambda: any(
                "Qualifizierungsgeld" in m["text"] for m in server.api.called("sendMessage")
            )
        )
