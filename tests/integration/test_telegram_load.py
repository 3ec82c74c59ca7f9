"""50 chats x 10 messages at once through the bridge and the fake Bot API server: every reply
delivered once, in order per chat, within Telegram's overall limit of 30 messages/s."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram import Update

from bot.telegram.app import build_application
from tests.telegram.fake_bot_api import FakeBotApiServer
from tests.telegram.test_bridge import make_update

pytestmark = pytest.mark.integration

CHATS, PER_CHAT = 50, 10


class EchoRasa:
    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        await asyncio.sleep(0.01)  # a little work, so that chats interleave
        return [{"text": f"Antwort auf {text}"}]


async def test_fifty_chats_ten_messages_each() -> None:
    with FakeBotApiServer() as server:
        app, _ = build_application("123:TEST", EchoRasa(), b"key", base_url=server.base_url)
        await app.initialize()
        try:
            updates = [
                Update.de_json(
                    make_update(
                        f"{chat}-{n}", user_id=10_000 + chat, update_id=100_000 + chat * 100 + n
                    ),
                    app.bot,
                )
                for n in range(PER_CHAT)
                for chat in range(CHATS)
            ]
            started = time.monotonic()
            await asyncio.gather(*(app.process_update(u) for u in updates))
            elapsed = time.monotonic() - started
        finally:
            await app.shutdown()

        sent = server.api.called("sendMessage")
        assert len(sent) == CHATS * PER_CHAT  # each reply exactly once
        by_chat: dict[int, list[str]] = {}
        for m in sent:
            by_chat.setdefault(int(m["chat_id"]), []).append(m["text"])
        for chat in range(CHATS):
            assert by_chat[10_000 + chat] == [f"Antwort auf {chat}-{n}" for n in range(PER_CHAT)]
        times = sorted(server.api.times("sendMessage"))
        busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
        assert busiest <= 31  # AIORateLimiter's overall limit (30/s), one at a window edge
        print(
            f"{len(sent)} replies in {elapsed:.1f} s = {len(sent) / elapsed:.1f} messages/s; busiest second {busiest}"
        )
