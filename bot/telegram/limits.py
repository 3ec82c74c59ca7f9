"""Telegram's limits, kept on our side: about 30 messages/s overall, about 1 message/s per chat.

python-telegram-bot's AIORateLimiter is a leaky bucket: with its defaults (30 per 1 s) a full
bucket lets a burst of 30 through and then 30/s more, so one second can see ~60 calls. Here the
overall bucket holds 4 and drains at 25/s — no one-second window exceeds 30 calls. It limits
group chats (20/min) and honours RetryAfter (429) as before; on top, every private chat gets
its own bucket: a reply of up to 3 messages goes out at once, sustained 1 message/s.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

OVERALL_BURST, OVERALL_RATE = 4, 25.0  # burst + rate < 30 per second, with room for jitter
CHAT_BURST, CHAT_RATE = 3, 1.0


def private_chat(data: dict[str, Any]) -> int | None:
    try:
        chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return chat_id if chat_id > 0 else None


def counts_as_message(endpoint: str) -> bool:
    return endpoint.startswith(("send", "copy", "forward")) and endpoint != "sendChatAction"


class ChatRateLimiter(AIORateLimiter):
    def __init__(
        self,
        *,
        max_retries: int = 3,
        chat_burst: int = CHAT_BURST,
        chat_rate: float = CHAT_RATE,
        max_chats: int = 10_000,
    ) -> None:
        super().__init__(
            overall_max_rate=OVERALL_BURST,
            overall_time_period=OVERALL_BURST / OVERALL_RATE,
            max_retries=max_retries,
        )
        self._chat_burst = chat_burst
        self._chat_period = chat_burst / chat_rate
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self._max_chats = max_chats

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None)
        if limiter is None:
            limiter = AsyncLimiter(self._chat_burst, self._chat_period)
        self._chats[chat_id] = limiter  # most recently used last
        while len(self._chats) > self._max_chats:
            self._chats.popitem(last=False)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = private_chat(data)
        if chat_id is None or not counts_as_message(endpoint):
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        async with self._chat_limiter(chat_id):
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
