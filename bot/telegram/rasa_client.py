"""The network seam to Rasa: post a message to the REST channel, get the replies."""

from __future__ import annotations

import logging
from typing import Any, Protocol

import httpx

logger = logging.getLogger(__name__)


class RasaUnavailable(RuntimeError):
    """Rasa did not answer (down, timeout, 5xx)."""


class RasaClient(Protocol):
    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]: ...


class RestRasaClient:
    def __init__(
        self, url: str, client: httpx.AsyncClient | None = None, timeout: float = 30.0
    ) -> None:
        self.url = url
        self._client = client or httpx.AsyncClient(timeout=timeout)

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        try:
            response = await self._client.post(self.url, json=payload)
            if response.status_code == 429:  # Rasa's rate limit: its reply says so
                replies = response.json()
                return replies if isinstance(replies, list) else []
            response.raise_for_status()
        except (httpx.HTTPError, OSError) as exc:
            logger.warning("Rasa REST channel unavailable: %s", type(exc).__name__)
            raise RasaUnavailable(str(type(exc).__name__)) from exc
        replies = response.json()
        return replies if isinstance(replies, list) else []

    async def close(self) -> None:
        await self._client.aclose()
