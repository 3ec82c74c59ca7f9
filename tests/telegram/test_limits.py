"""The rate limiter against the fake Bot API server: per-chat and overall pacing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.ext import Application

from bot.telegram.limits import ChatRateLimiter, counts_as_message, private_chat
from tests.telegram.fake_bot_api import FakeBotApiServer


@contextlib.asynccontextmanager
async def limited_bot(server: FakeBotApiServer) -> AsyncIterator[Bot]:
    """A bot with our rate limiter, talking to the fake Bot API server."""
    app = (
        Application.builder()
        .token("123:TEST")
        .base_url(server.base_url)
        .rate_limiter(ChatRateLimiter())
        .build()
    )
    await app.initialize()
    try:
        yield app.bot
    finally:
        await app.shutdown()


def test_what_counts() -> None:
    assert private_chat({"chat_id": 42}) == 42
    assert private_chat({"chat_id": "42"}) == 42
    assert private_chat({"chat_id": -100}) is None  # groups: AIORateLimiter's 20/min
    assert private_chat({"chat_id": "@channel"}) is None
    assert private_chat({}) is None
    assert counts_as_message("sendMessage")
    assert counts_as_message("sendPhoto")
    assert not counts_as_message("sendChatAction")
    assert not counts_as_message("answerCallbackQuery")


async def test_one_chat_gets_a_burst_of_three_then_one_per_second() -> None:
    with FakeBotApiServer() as server:
        async with limited_bot(server) as bot:
            await asyncio.gather(
                *(bot.send_message(4711, f"Teil {i}") for i in range(5)),
                bot.send_message(815, "anderer Chat"),
            )
    times = {
        (int(c.params["chat_id"]), c.params["text"]): c.at
        for c in server.api.calls
        if c.method == "sendMessage"
    }
    mine = sorted(t for (chat, _), t in times.items() if chat == 4711)
    assert len(mine) == 5
    assert mine[2] - mine[0] < 0.5  # the first three at once
    assert mine[3] - mine[0] >= 0.9  # then about one per second
    assert mine[4] - mine[3] >= 0.9
    assert times[(815, "anderer Chat")] - mine[0] < 0.5  # other chats do not wait


async def test_overall_at_most_thirty_in_any_second() -> None:
    with FakeBotApiServer() as server:
        async with limited_bot(server) as bot:
            await asyncio.gather(*(bot.send_message(1000 + i, "x") for i in range(60)))
    times = sorted(server.api.times("sendMessage"))
    assert len(times) == 60
    busiest = max(sum(1 for t in times if s <= t < s + 1.0) for s in times)
    assert 20 <= busiest <= 30
