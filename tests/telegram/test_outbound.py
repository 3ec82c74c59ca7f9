"""The outbound API over real HTTP: auth, validation, delivery through the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.telegram.app import OutboundConfig, build_application
from bot.telegram.chats import ChatDirectory
from bot.telegram.identity import pseudonym
from tests.integration.conftest import free_port
from tests.telegram.fake_bot_api import FakeBotApiServer
from tests.telegram.test_bridge import KEY, FakeRasa

TOKEN = "internal-token"


@pytest.fixture
async def outbound() -> AsyncIterator[tuple[httpx.AsyncClient, FakeBotApiServer, ChatDirectory]]:
    port = free_port()
    chats = ChatDirectory(":memory:")
    with FakeBotApiServer() as server:
        app, _ = build_application(
            "123:TEST",
            FakeRasa(),
            KEY,
            chats=chats,
            outbound=OutboundConfig(TOKEN, "127.0.0.1", port),
            base_url=server.base_url,
        )
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                yield client, server, chats
        finally:
            assert app.post_shutdown is not None
            await app.post_shutdown(app)
            await app.shutdown()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_advisor_message_reaches_the_chat_marked_and_escaped(outbound: Any) -> None:
    client, server, chats = outbound
    sender = pseudonym(4711, KEY)
    chats.remember(sender, 4711, "de")
    response = await client.post(
        "/advisor-messages",
        json={"sender": sender, "text": "Guten Tag! <a href=x>Termin</a>\x07", "advisor": "Anna"},
        headers=auth(),
    )
    assert (response.status_code, response.json()) == (200, {"delivered": True})
    sent = server.api.called("sendMessage")[-1]
    assert int(sent["chat_id"]) == 4711
    assert sent["parse_mode"] == "HTML"
    assert sent["text"] == (
        "<b>💬 Nachricht von Anna (persönliche Beratung):</b>\n"
        "Guten Tag! &lt;a href=x&gt;Termin&lt;/a&gt;"
    )


async def test_unknown_or_erased_sender_is_404(outbound: Any) -> None:
    client, server, _ = outbound
    response = await client.post(
        "/advisor-messages", json={"sender": "tg-nobody", "text": "Hallo"}, headers=auth()
    )
    assert response.status_code == 404
    assert response.json() == {"error": "no Telegram chat is known for this sender"}
    assert server.api.called("sendMessage") == []


@pytest.mark.parametrize("headers", [{}, auth("wrong"), {"Authorization": TOKEN}])
async def test_wrong_or_missing_token_is_401(outbound: Any, headers: dict[str, str]) -> None:
    client, server, chats = outbound
    chats.remember("tg-a", 1, "de")
    response = await client.post(
        "/advisor-messages", json={"sender": "tg-a", "text": "Hallo"}, headers=headers
    )
    assert response.status_code == 401
    assert server.api.called("sendMessage") == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the body must be UTF-8 JSON"),
        (b"\xff\xfe\x00binary", "the body must be UTF-8 JSON"),
        (b"{not json", "the body must be UTF-8 JSON"),
        (b"[1, 2]", "the body must be a JSON object"),
        (b'{"text": "Hallo"}', "'sender' must be a non-empty string"),
        (b'{"sender": "tg-a", "text": "   "}', "'text' must be a non-empty string"),
        (b'{"sender": "tg-a", "text": 5}', "'text' must be a non-empty string"),
        (
            b'{"sender": "tg-a", "text": "' + b"x" * 4001 + b'"}',
            "'text' is longer than 4000 characters",
        ),
        (
            b'{"sender": "tg-a", "text": "Hallo", "advisor": ["x"]}',
            "'advisor' must be a string of at most 80 characters",
        ),
    ],
)
async def test_malformed_bodies_get_a_clear_400(outbound: Any, body: bytes, message: str) -> None:
    client, server, chats = outbound
    chats.remember("tg-a", 1, "de")
    response = await client.post("/advisor-messages", content=body, headers=auth())
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert server.api.called("sendMessage") == []


async def test_oversize_body_is_413_and_health_answers(outbound: Any) -> None:
    client, _, _ = outbound
    response = await client.post("/advisor-messages", content=b"x" * 70_000, headers=auth())
    assert response.status_code == 413
    health = await client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})


async def test_telegram_refusing_the_message_is_502(outbound: Any) -> None:
    client, server, chats = outbound
    chats.remember("tg-a", 1, "de")
    server.api.fail("sendMessage", 403)  # e.g. the user blocked the bot
    response = await client.post(
        "/advisor-messages", json={"sender": "tg-a", "text": "Hallo"}, headers=auth()
    )
    assert (response.status_code, response.json()) == (
        502,
        {"error": "Telegram did not accept the message"},
    )


async def test_takeover_notices_in_the_users_language(outbound: Any) -> None:
    client, server, chats = outbound
    chats.remember("tg-en", 7, "en")
    body = {"sender": "tg-en", "kind": "handoff_active", "advisor": "Anna <Berg>"}
    response = await client.post("/notices", json=body, headers=auth())
    assert (response.status_code, response.json()) == (200, {"delivered": True})
    assert server.api.called("sendMessage")[-1]["text"] == (
        "<i>Anna &lt;Berg&gt; (personal advice) has joined the conversation. "
        "The bot is paused until the advisor hands back.</i>"
    )
    bad = await client.post("/notices", json={**body, "kind": "party"}, headers=auth())
    assert (bad.status_code, bad.json()) == (
        400,
        {"error": "'kind' must be one of handoff_active, handoff_ended"},
    )
    assert (await client.post("/notices", json=body)).status_code == 401
    unknown = await client.post("/notices", json={**body, "sender": "tg-x"}, headers=auth())
    assert unknown.status_code == 404
