"""Live handoff: an advisor claims a conversation, the bot pauses, the advisor's messages reach
the user in their channel (Telegram through the bridge's outbound API, the widget through
Rasa's socket.io output), and ending hands back to the bot, which says so.

Every message and state change is also written into the conversation in Rasa's tracker store
(``pause``/``resume`` events, bot events with ``custom.advisor``), so transcripts show them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from bot.console.db import Database
from bot.rasa_api import RasaApi, RasaApiError

logger = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    """The message could not be delivered to the user."""


class TelegramOutbound(Protocol):
    def advisor_message(self, sender: str, text: str, advisor: str) -> bool: ...

    def notice(self, sender: str, kind: str, advisor: str) -> bool: ...


class HttpTelegramOutbound:
    """Client of the Telegram process's outbound API (``bot/telegram/outbound.py``)."""

    def __init__(self, base_url: str, token: str, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._client = httpx.Client(timeout=timeout)

    def _post(self, path: str, body: dict[str, Any]) -> bool:
        try:
            response = self._client.post(f"{self.base_url}{path}", json=body, headers=self._headers)
        except httpx.HTTPError as exc:
            raise DeliveryError("the Telegram channel is not reachable") from exc
        if response.status_code == 404:
            return False
        if response.status_code != 200:
            raise DeliveryError(f"the Telegram channel answered {response.status_code}")
        return True

    def advisor_message(self, sender: str, text: str, advisor: str) -> bool:
        return self._post("/advisor-messages", {"sender": sender, "text": text, "advisor": advisor})

    def notice(self, sender: str, kind: str, advisor: str) -> bool:
        return self._post("/notices", {"sender": sender, "kind": kind, "advisor": advisor})


@dataclass(frozen=True)
class Handoff:
    sender: str
    state: str  # "active" | "closed"
    advisor: str
    since: float


class HandoffService:
    def __init__(
        self,
        db: Database,
        rasa: RasaApi,
        telegram: TelegramOutbound | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.rasa = rasa
        self.telegram = telegram
        self.clock = clock

    # -- state ------------------------------------------------------------------------------
    def get(self, sender: str) -> Handoff | None:
        rows = self.db.query("SELECT * FROM handoffs WHERE sender = ?", (sender,))
        r = rows[0] if rows else None
        return Handoff(r["sender"], r["state"], r["advisor"], r["since"]) if r else None

    def queue(self) -> list[dict[str, Any]]:
        """Asked for a human and not taken (or asked again after the last takeover ended)."""
        rows = self.db.query(
            "SELECT c.sender, c.channel, c.handoff_ts, c.last_ts FROM conversations c"
            " LEFT JOIN handoffs h ON h.sender = c.sender"
            " WHERE c.handoff = 1 AND (h.sender IS NULL"
            "   OR (h.state = 'closed' AND h.since < c.handoff_ts))"
            " ORDER BY c.handoff_ts"
        )
        return [dict(r) for r in rows]

    def active(self) -> list[dict[str, Any]]:
        rows = self.db.query(
            "SELECT h.sender, h.advisor, h.since, c.channel FROM handoffs h"
            " JOIN conversations c ON c.sender = h.sender WHERE h.state = 'active' ORDER BY h.since"
        )
        return [dict(r) for r in rows]

    def _set(self, sender: str, state: str, advisor: str) -> None:
        with self.db.tx() as db:
            db.execute(
                "INSERT INTO handoffs (sender, state, advisor, since) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(sender) DO UPDATE SET state = excluded.state,"
                " advisor = excluded.advisor, since = excluded.since",
                (sender, state, advisor, self.clock()),
            )

    # -- actions ----------------------------------------------------------------------------
    def _emit(self, sender: str, channel: str, events: list[dict[str, Any]]) -> None:
        """Write events into the conversation; the widget gets bot events pushed at once."""
        try:
            self.rasa.append(
                sender, events, output_channel="widget" if channel == "widget" else None
            )
        except RasaApiError as exc:
            raise DeliveryError("the assistant is not reachable") from exc

    def _telegram(self, call: Callable[[TelegramOutbound], bool]) -> None:
        if self.telegram is None:
            raise DeliveryError("the Telegram channel is not configured")
        if not call(self.telegram):
            raise DeliveryError("no Telegram chat is known for this conversation")

    def claim(self, sender: str, channel: str, advisor: str) -> None:
        current = self.get(sender)
        if current is not None and current.state == "active" and current.advisor != advisor:
            raise DeliveryError(f"{current.advisor} has taken this conversation already")
        self._emit(
            sender,
            channel,
            [
                {"event": "pause", "timestamp": self.clock()},
                {"event": "bot", "timestamp": self.clock(),
                 "data": {"custom": {"handoff": "active", "name": advisor}}},
            ],
        )  # fmt: skip
        if channel == "telegram":
            self._telegram(lambda t: t.notice(sender, "handoff_active", advisor))
        self._set(sender, "active", advisor)
        logger.info("handoff: a conversation was claimed")

    def send(self, sender: str, channel: str, advisor: str, text: str) -> None:
        current = self.get(sender)
        if current is None or current.state != "active" or current.advisor != advisor:
            raise DeliveryError("take the conversation first")
        if channel == "telegram":
            self._telegram(lambda t: t.advisor_message(sender, text, advisor))
        self._emit(
            sender,
            channel,
            [{"event": "bot", "timestamp": self.clock(),
              "data": {"custom": {"advisor": {"name": advisor, "text": text}}}}],
        )  # fmt: skip

    def release(self, sender: str, channel: str, advisor: str) -> None:
        current = self.get(sender)
        if current is None or current.state != "active":
            raise DeliveryError("this conversation is not taken")
        self._emit(
            sender,
            channel,
            [
                {"event": "resume", "timestamp": self.clock()},
                {"event": "bot", "timestamp": self.clock(),
                 "data": {"custom": {"handoff": "ended", "name": advisor}}},
            ],
        )  # fmt: skip
        if channel == "telegram":
            self._telegram(lambda t: t.notice(sender, "handoff_ended", advisor))
        self._set(sender, "closed", advisor)
        logger.info("handoff: a conversation was handed back to the bot")
