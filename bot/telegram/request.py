"""An HTTP layer for python-telegram-bot that retries network errors and 5xx with backoff.

(429 RetryAfter is handled by the rate limiter.) A retried send after a lost response can in
rare cases deliver a message twice; Telegram offers no idempotency key for sendMessage.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)


class RetryingRequest(HTTPXRequest):
    def __init__(
        self,
        *args: Any,
        attempts: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.attempts = attempts
        self.backoff = backoff
        self._sleep = sleep

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                status, body = await super().do_request(*args, **kwargs)
            except (NetworkError, TimedOut) as exc:
                if last:
                    raise
                logger.warning("Bot API request failed (%s), retry %d", type(exc).__name__, attempt)
            else:
                if status < 500 or last:
                    return status, body
                logger.warning("Bot API answered %d, retry %d", status, attempt)
            await self._sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover
