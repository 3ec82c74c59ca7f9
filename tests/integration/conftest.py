"""Real servers for integration tests: the trained model, Rasa and the action server."""

from __future__ import annotations

import json
import random
import socket
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.settings import Settings


def free_port() -> int:
    """A free port below Linux's ephemeral range (32768+), so that no outgoing connection
    can take it between this check and the server's bind."""
    for _ in range(200):
        port = random.randint(20_000, 32_000)
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))  # the action server binds every interface
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found")


def test_settings(var_dir: Path) -> Settings:
    return replace(
        Settings.from_env({}),
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=free_port(),
        var_dir=var_dir,
        rasa_token="integration-test-token",
        office_hours="Mo-So 00:00-24:00",  # deterministic dialogues: advisors always on duty
        rate_limit_burst=10,  # the rate-limit tests reach it quickly
        rate_limit_per_minute=60,
    )


def post_json(url: str, payload: Any, headers: dict[str, str] | None = None) -> Any:
    req = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"null")


def ask(settings: Settings, sender: str, message: str) -> list[dict[str, Any]]:
    replies = post_json(
        f"{settings.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": message}
    )
    assert isinstance(replies, list)
    return replies
