"""Per-sender rate limit for every input channel: a token bucket per sender.

A sender may send ``burst`` messages at once, then ``per_minute`` messages a minute. Memory is
bounded: the least recently seen senders are forgotten first (a forgotten sender starts with a
full bucket, which is the lenient direction). The clock is injected, so tests control time.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from bot.settings import rate_limit_values

DEFAULT_BURST = 20
DEFAULT_PER_MINUTE = 30


@dataclass(frozen=True)
class RateLimit:
    burst: int = DEFAULT_BURST
    per_minute: float = DEFAULT_PER_MINUTE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RateLimit:
        burst, per_minute = rate_limit_values(env)
        return cls(burst, per_minute)


class SenderRateLimiter:
    def __init__(
        self,
        limit: RateLimit | None = None,
        *,
        max_senders: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit or RateLimit()
        self._rate = self.limit.per_minute / 60.0  # tokens per second
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()
        self._max = max_senders
        self._clock = clock

    def acquire(self, sender: Hashable) -> float:
        """0.0 when the sender may send now (one token is used); otherwise the seconds until
        the next message is allowed (nothing is used)."""
        now = self._clock()
        tokens, last = self._buckets.pop(sender, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + (now - last) * self._rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self._rate if self._rate > 0 else float("inf")
        self._buckets[sender] = (tokens, now)
        while len(self._buckets) > self._max:
            self._buckets.popitem(last=False)
        return wait
