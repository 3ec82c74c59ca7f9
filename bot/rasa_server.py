"""Run Rasa with the project's fault handling: ``python -m bot.rasa_server run …`` takes
exactly ``rasa``'s arguments.

Rasa 3.6 has no hook for a failing action server: when a custom action cannot be run (server
down, killed mid-request, timeout, 5xx), the processor logs "the actions events are lost" and
the user gets no answer at all, and a hanging action server holds the conversation for 5
minutes. Installed here, before Rasa's own ``main``:

- a connection that could not be made is tried again shortly (a restarting action server);
  a request that reached the server is not repeated (an action may have had effects);
- an action call times out after ``ACTION_TIMEOUT`` seconds (default 20);
- when the action still fails, the user gets one polite "gerade nicht erreichbar" message
  (German or English), recorded in the conversation like any bot message; the conversation
  goes on, and the next message works as soon as the action server is back. A failed
  custom ``action_session_start`` falls back to Rasa's plain session start.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from rasa.core.actions import action as rasa_action
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

ACTIONS_DOWN = {
    "de": "Entschuldigung, ein Teil des Förderlotsen ist gerade nicht erreichbar. Bitte "
    "versuchen Sie es in einer Minute noch einmal – Ihre bisherigen Angaben bleiben erhalten.",
    "en": "Sorry, part of Förderlotse is not reachable right now. Please try again in a "
    "minute – what you told me so far is kept.",
}
MARK = "actions_unavailable"  # in the BotUttered metadata, so the message comes once a turn
RETRY_DELAYS: Sequence[float] = (0.5, 1.5)

Run = Callable[..., Awaitable[list[Event]]]


def _connect_failed(exc: BaseException) -> bool:
    """True when the request never reached the action server (safe to send again)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, aiohttp.ClientConnectorError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _language(tracker: Any) -> str:
    """The language of the latest message (as the extractor saw it), else the slot's."""
    latest = tracker.latest_message
    for entity in (latest.entities if latest is not None else None) or []:
        if entity.get("entity") == "language" and entity.get("value") in ("de", "en"):
            return str(entity["value"])
    return "en" if tracker.get_slot("language") == "en" else "de"


def _said_this_turn(tracker: Any) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(MARK):
            return True
    return False


def unavailable_events(name: str, tracker: Any) -> list[Event]:
    """What the user gets instead of the failed action's answer (once a turn)."""
    if name == ACTION_SESSION_START_NAME:
        # Rasa's own session start instead; the message is not known yet, so the action
        # that fails next (if any) tells the user, in the message's language
        return [SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]
    if _said_this_turn(tracker):
        return []
    return [BotUttered(ACTIONS_DOWN[_language(tracker)], metadata={MARK: True})]


def resilient(run: Run, delays: Sequence[float] = RETRY_DELAYS) -> Run:
    """Wrap ``RemoteAction.run``: retry refused connections, answer politely on failure."""

    async def wrapped(
        self: rasa_action.RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> list[Event]:
        for attempt in range(len(delays) + 1):
            try:
                return await run(self, output_channel, nlg, tracker, domain)
            except rasa_action.ActionExecutionRejection:
                raise  # part of the dialogue (a form rejecting a value), not a fault
            except (RasaException, aiohttp.ClientError, asyncio.TimeoutError) as exc:
                if attempt < len(delays) and _connect_failed(exc):
                    await asyncio.sleep(delays[attempt])
                    continue
                logger.error(
                    "action %s failed (%s); the user is told it is unavailable",
                    self.name(),
                    type(exc).__name__,
                )
                break
        return unavailable_events(self.name(), tracker)

    wrapped.__wrapped__ = run  # type: ignore[attr-defined]
    return wrapped


def install(env: dict[str, str] | None = None) -> None:
    env = dict(os.environ) if env is None else env
    remote = rasa_action.RemoteAction
    if not hasattr(remote.run, "__wrapped__"):
        remote.run = resilient(remote.run)
    rasa_action.DEFAULT_REQUEST_TIMEOUT = float(env.get("ACTION_TIMEOUT", "20"))


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
