"""Real servers for integration tests: the trained model, Rasa and the action server."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.services import Stack, build_services, write_endpoints
from bot.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_settings(var_dir: Path) -> Settings:
    return replace(
        Settings.from_env({}),
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=free_port(),
        var_dir=var_dir,
        rasa_token="integration-test-token",
    )


@pytest.fixture(scope="module")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp("var")
    settings = test_settings(var_dir)
    write_endpoints(settings)
    services = build_services(settings, trained_model, log_dir=var_dir)
    with Stack(settings, services, timeout=240) as running:
        yield running


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
