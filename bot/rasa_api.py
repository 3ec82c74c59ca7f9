"""The web server's seam to Rasa's HTTP API (token-protected): read a conversation, append
events to it. Injected into ``create_app`` so tests can use an offline fake."""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

import httpx
import sqlalchemy as sa

logger = logging.getLogger(__name__)


class RasaApiError(RuntimeError):
    """Rasa did not answer or refused."""


class RasaApi(Protocol):
    def events(self, conversation_id: str) -> list[dict[str, Any]]: ...

    def append(
        self, conversation_id: str, events: list[dict[str, Any]], output_channel: str | None = None
    ) -> None: ...


class HttpRasaApi:
    """Appends through Rasa's HTTP API (Rasa's lock and tracker store semantics hold); reads
    the tracker store's ``events`` table directly when ``tracker_url`` is given, because
    ``GET /conversations/<id>/tracker`` starts a session (and runs its action) as a side
    effect."""

    def __init__(
        self, base_url: str, token: str, timeout: float = 10.0, tracker_url: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._params = {"token": token}
        self._client = httpx.Client(timeout=timeout)
        self._engine = sa.create_engine(tracker_url) if tracker_url else None

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._client.request(
                method,
                f"{self.base_url}{path}",
                params={**self._params, **kwargs.pop("params", {})},
                **kwargs,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            logger.warning("Rasa HTTP API call failed: %s", type(exc).__name__)
            raise RasaApiError(type(exc).__name__) from exc
        return response.json() if response.content else None

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        if self._engine is not None:
            return self._stored_events(conversation_id)
        tracker = self._call(
            "GET", f"/conversations/{conversation_id}/tracker", params={"include_events": "ALL"}
        )
        events = tracker.get("events") if isinstance(tracker, dict) else None
        return events if isinstance(events, list) else []

    def _stored_events(self, conversation_id: str) -> list[dict[str, Any]]:
        try:
            assert self._engine is not None
            with self._engine.connect() as conn:
                rows = conn.execute(
                    sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                    {"s": conversation_id},
                ).fetchall()
        except sa.exc.OperationalError as exc:
            if "no such table" in str(exc):
                return []  # nothing stored yet
            raise RasaApiError(type(exc).__name__) from exc
        events = []
        for (raw,) in rows:
            try:
                events.append(json.loads(raw))
            except (TypeError, json.JSONDecodeError):
                continue
        return events

    def append(
        self, conversation_id: str, events: list[dict[str, Any]], output_channel: str | None = None
    ) -> None:
        params: dict[str, str] = {"include_events": "NONE"}
        if output_channel:
            params.update(output_channel=output_channel, execute_side_effects="true")
        self._call(
            "POST", f"/conversations/{conversation_id}/tracker/events", params=params, json=events
        )
