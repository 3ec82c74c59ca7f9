"""50 chats x 10 messages at once through the bridge and the fake Bot API server: every reply
delivered once, in order per chat, within Telegram's limits (30/s overall, ~1/s per chat)."""

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
        calls = [c for c in server.api.calls if c.method != "getUpdates"]
        busiest = busiest_second([c.at for c in calls])
        assert busiest <= 30  # Telegram: about 30 messages/s overall
        per_chat = max(
            busiest_second([c.at for c in calls if int(c.params.get("chat_id", 0)) == chat])
            for chat in by_chat
        )
        assert per_chat <= 4  # about 1/s per chat; a reply of up to 3 messages at once
        print(
            f"{len(sent)} replies in {elapsed:.1f} s = {len(sent) / elapsed:.1f} messages/s; "
            f"busiest second {busiest} calls, busiest chat second {per_chat}"
        )


def busiest_second(times: list[float]) -> int:
    """The most calls in any window of one second (a window starts at a call)."""
    ordered = sorted(times)
    return max(
        (sum(1 for t in ordered if start <= t < start + 1.0) for start in ordered), default=0
    )
