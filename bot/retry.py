"""Try an operation again after transient faults: a pure helper with an injected sleep."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


async def retry_async(
    operation: Callable[[], Awaitable[T]],
    *,
    transient: Callable[[BaseException], bool],
    delays: Sequence[float],
    what: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run ``operation``; after a transient fault wait ``delays[i]`` and run it again. The
    last fault (or any other) is raised."""
    for attempt, delay in enumerate([*delays, None]):
        try:
            return await operation()
        except Exception as exc:
            if delay is None or not transient(exc):
                raise
            logger.warning(
                "%s failed (%s), trying again in %.1f s (%d/%d)",
                what,
                type(exc).__name__,
                delay,
                attempt + 1,
                len(delays),
            )
            await sleep(delay)
    raise AssertionError("unreachable")  # the loop returns or raises
