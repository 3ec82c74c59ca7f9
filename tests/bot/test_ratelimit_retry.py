"""Per-sender rate limit (with a controllable clock) and the retry helper."""

from __future__ import annotations

import pytest

from bot.ratelimit import RateLimit, SenderRateLimiter
from bot.retry import retry_async


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_the_rate() -> None:
    clock = Clock()
    limiter = SenderRateLimiter(RateLimit(burst=3, per_minute=30), clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a") == pytest.approx(2.0)  # 30/min: one token every 2 s
    assert limiter.acquire("b") == 0.0  # another sender is not affected
    clock.now += 1.0
    assert limiter.acquire("a") == pytest.approx(1.0)  # a refused attempt used nothing
    clock.now += 1.0
    assert limiter.acquire("a") == 0.0
    clock.now += 3600
    assert [limiter.acquire("a") for _ in range(4)][-1] > 0  # refills to the burst, no more


def test_memory_is_bounded_and_forgets_the_oldest() -> None:
    clock = Clock()
    limiter = SenderRateLimiter(RateLimit(burst=1, per_minute=1), max_senders=2, clock=clock)
    limiter.acquire("a")
    limiter.acquire("b")
    limiter.acquire("c")  # "a" is forgotten
    assert limiter.acquire("c") > 0
    assert limiter.acquire("a") == 0.0  # forgotten: a full bucket again (the lenient side)
    assert len(limiter._buckets) == 2


def test_limits_come_from_the_environment_with_clear_errors() -> None:
    assert RateLimit.from_env({}) == RateLimit(20, 30.0)
    assert RateLimit.from_env({"RATE_LIMIT_BURST": "5", "RATE_LIMIT_PER_MINUTE": "12"}) == (
        RateLimit(5, 12.0)
    )
    with pytest.raises(ValueError, match="RATE_LIMIT_BURST"):
        RateLimit.from_env({"RATE_LIMIT_BURST": "0"})
    with pytest.raises(ValueError, match="RATE_LIMIT_PER_MINUTE"):
        RateLimit.from_env({"RATE_LIMIT_PER_MINUTE": "viel"})


async def test_retry_runs_again_after_transient_faults_only() -> None:
    calls: list[int] = []
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("down")
        return "ok"

    result = await retry_async(
        flaky,
        transient=lambda e: isinstance(e, ConnectionError),
        delays=(0.1, 0.2, 0.4),
        what="x",
        sleep=sleep,
    )
    assert (result, len(calls), waits) == ("ok", 3, [0.1, 0.2])

    async def broken() -> str:
        raise KeyError("not transient")

    with pytest.raises(KeyError):
        await retry_async(broken, transient=lambda e: False, delays=(0.1,), what="x")

    async def down() -> str:
        raise ConnectionError("still down")

    waits.clear()
    with pytest.raises(ConnectionError):
        await retry_async(
            down,
            transient=lambda e: isinstance(e, ConnectionError),
            delays=(0.1, 0.2),
            what="x",
            sleep=sleep,
        )
    assert waits == [0.1, 0.2]
