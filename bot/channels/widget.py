"""The website widget's channel: Rasa's socket.io channel, made reliable.

Registered in ``credentials.yml`` as ``bot.channels.widget.WidgetInput``. Differences from
Rasa 3.6's ``SocketIOInput`` (which it extends):

- ``enter_room`` is awaited (python-socketio 5 made it a coroutine; Rasa 3.6 does not await
  it, so with session persistence no reply would ever reach the browser);
- each user message carries a client id (``mid``); a message seen before is acknowledged but
  not processed again, so a message re-sent after a reconnect is answered once. The socket.io
  acknowledgement is sent after Rasa has handled the message, so the widget knows what
  arrived;
- a bot text stays one message (Rasa splits at blank lines), buttons go with it;
- custom payloads arrive as ``{"custom": {...}}`` (Rasa passes them as keyword arguments to
  ``emit``, which fails for anything but emit's own parameters);
- bad input gets an error acknowledgement instead of an exception: non-object data, a
  missing session, an empty or over-long message;
- a session over the per-sender rate limit gets ``rate_limited`` with ``retry_after``
  seconds; the widget keeps the message in its outbox and sends it again then.
"""

from __future__ import annotations

import logging
import math
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.texts import FAILED, MAX_MESSAGE, clean_text, lang
from bot.dedupe import RecentKeys
from bot.ratelimit import RateLimit, SenderRateLimiter

logger = logging.getLogger(__name__)

_SESSION = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_MID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class WidgetOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "widget"

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt

    async def _emit(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self.sio.emit(self.bot_message_evt, message, room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"text": text.strip()})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._emit(
            recipient_id,
            {
                "text": text.strip(),
                "quick_replies": [
                    {"content_type": "text", "title": b["title"], "payload": b["payload"]}
                    for b in buttons
                ],
            },
        )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"attachment": {"type": "image", "payload": {"src": image}}})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._emit(recipient_id, {"custom": json_message})


class WidgetInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WidgetInput:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            limiter=SenderRateLimiter(RateLimit.from_env(os.environ)),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        socketio_path: str = "/socket.io",
        limiter: SenderRateLimiter | None = None,
    ) -> None:
        super().__init__(
            user_message_evt, bot_message_evt, None, True, socketio_path, None, "HS256"
        )
        self.seen = RecentKeys(50_000)  # (session id, client message id)
        self.limiter = limiter or SenderRateLimiter()

    def get_output_channel(self) -> OutputChannel | None:
        return WidgetOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # any origin may embed the widget (messages carry no cookies; the session id is random)
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins="*")
        bp = SocketBlueprint(sio, self.socketio_path, "widget_webhook", __name__)
        self.sio = sio

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            wanted = data.get("session_id") if isinstance(data, dict) else None
            session_id = (
                wanted if isinstance(wanted, str) and _SESSION.match(wanted) else uuid.uuid4().hex
            )
            await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> dict[str, Any]:
            if not isinstance(data, dict):
                return {"ok": False, "error": "bad_request"}
            session_id, mid = data.get("session_id"), data.get("mid")
            text = data.get("message")
            if not (isinstance(session_id, str) and _SESSION.match(session_id)):
                return {"ok": False, "error": "no_session"}
            if not isinstance(text, str) or not clean_text(text):
                return {"ok": False, "error": "empty"}
            text = clean_text(text)
            if len(text) > MAX_MESSAGE:
                return {"ok": False, "error": "too_long", "limit": MAX_MESSAGE}
            known = isinstance(mid, str) and _MID.match(mid)
            if known and (session_id, str(mid)) in self.seen:
                return {"ok": True, "duplicate": True}
            wait = self.limiter.acquire(session_id)
            if wait > 0:  # not remembered as seen: the widget sends it again later
                return {"ok": False, "error": "rate_limited", "retry_after": math.ceil(wait)}
            if known:
                self.seen.first_time((session_id, str(mid)))
            if session_id not in sio.rooms(sid):
                await sio.enter_room(sid, session_id)  # e.g. after a server restart
            raw = data.get("metadata")
            metadata: dict[str, Any] = raw if isinstance(raw, dict) else {}
            output = WidgetOutput(sio, self.bot_message_evt)
            try:
                await self._handle(on_new_message, output, text, session_id, mid, metadata)
            except Exception as exc:  # one sink: a polite message, no text in the log
                logger.error("a widget message could not be handled (%s)", type(exc).__name__)
                logger.debug("the failure", exc_info=True)
                await output.send_text_message(session_id, FAILED[lang(metadata.get("language"))])
            return {"ok": True}

        return bp

    async def _handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        output: WidgetOutput,
        text: str,
        session_id: str,
        mid: Any,
        metadata: dict[str, Any],
    ) -> None:
        language, title = metadata.get("language"), metadata.get("title")
        await on_new_message(
            UserMessage(
                text,
                output,
                session_id,
                input_channel=self.name(),
                metadata={
                    "channel": "widget",
                    "language": language if language in ("de", "en") else None,
                    "mid": mid if isinstance(mid, str) else None,
                    # a pressed button: its title, shown instead of the payload
                    "title": clean_text(title)[:100] if isinstance(title, str) else None,
                },
            )
        )
