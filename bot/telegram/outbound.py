"""The outbound API: the advisor console delivers a human advisor's message to a Telegram user.

A small aiohttp server inside the Telegram process (it owns the bot and the chat ids), bound
to localhost and protected by the internal token shared by the launcher's processes.

    POST /advisor-messages   {"sender": "<pseudonym>", "text": "...", "advisor": "Name"}
    POST /notices            {"sender": "<pseudonym>", "kind": "handoff_active"|"handoff_ended",
                              "advisor": "Name"}
      200 {"delivered": true}   401 wrong token   400 bad body   404 no chat for the sender
      413 body too large        502 Telegram refused or unreachable
    GET /healthz
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_TEXT = 4000
MAX_NAME = 80

Deliver = Callable[[str, str, str], Awaitable[bool]]
NOTICE_KINDS = ("handoff_active", "handoff_ended")


class BadRequest(ValueError):
    pass


@dataclass(frozen=True)
class AdvisorMessage:
    sender: str
    text: str
    advisor: str

    @classmethod
    def parse(cls, body: Any) -> AdvisorMessage:
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        sender, text = body.get("sender"), body.get("text")
        advisor = body.get("advisor") or "Ihre Beratung"
        if not isinstance(sender, str) or not sender.strip() or len(sender) > 200:
            raise BadRequest("'sender' must be a non-empty string")
        if not isinstance(text, str) or not text.strip():
            raise BadRequest("'text' must be a non-empty string")
        if len(text) > MAX_TEXT:
            raise BadRequest(f"'text' is longer than {MAX_TEXT} characters")
        if not isinstance(advisor, str) or len(advisor) > MAX_NAME:
            raise BadRequest(f"'advisor' must be a string of at most {MAX_NAME} characters")
        clean = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
        return cls(sender.strip(), clean.strip(), advisor.strip() or "Ihre Beratung")


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def outbound_app(deliver: Deliver, token: str, notice: Deliver | None = None) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def advisor_message(request: web.Request) -> web.Response:
        if not _authorized(request):
            return _error(401, "unauthorized")
        try:
            raw = await request.read()
            message = AdvisorMessage.parse(json.loads(raw.decode("utf-8")))
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"the body is larger than {MAX_BODY} bytes")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _error(400, "the body must be UTF-8 JSON")
        except BadRequest as exc:
            return _error(400, str(exc))
        try:
            delivered = await deliver(message.sender, message.text, message.advisor)
        except TelegramError as exc:
            logger.warning("outbound API: Telegram refused the message (%s)", type(exc).__name__)
            return _error(502, "Telegram did not accept the message")
        if not delivered:
            return _error(404, "no Telegram chat is known for this sender")
        logger.info("outbound API: advisor message delivered")
        return web.json_response({"delivered": True})

    async def notice_message(request: web.Request) -> web.Response:
        if not _authorized(request):
            return _error(401, "unauthorized")
        try:
            body = json.loads((await request.read()).decode("utf-8"))
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"the body is larger than {MAX_BODY} bytes")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _error(400, "the body must be UTF-8 JSON")
        if not isinstance(body, dict) or body.get("kind") not in NOTICE_KINDS:
            return _error(400, f"'kind' must be one of {', '.join(NOTICE_KINDS)}")
        try:
            message = AdvisorMessage.parse({**body, "text": "-"})
            delivered = notice is not None and await notice(
                message.sender, str(body["kind"]), message.advisor
            )
        except BadRequest as exc:
            return _error(400, str(exc))
        except TelegramError as exc:
            logger.warning("outbound API: Telegram refused the notice (%s)", type(exc).__name__)
            return _error(502, "Telegram did not accept the message")
        if not delivered:
            return _error(404, "no Telegram chat is known for this sender")
        return web.json_response({"delivered": True})

    def _authorized(request: web.Request) -> bool:
        given = request.headers.get("Authorization", "")
        ok = bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
        if not ok:
            logger.warning("outbound API: request without the right token refused")
        return ok

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post("/notices", notice_message)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/advisor-messages", advisor_message)
    return app


class OutboundServer:
    def __init__(
        self, deliver: Deliver, token: str, host: str, port: int, notice: Deliver | None = None
    ) -> None:
        self._runner = web.AppRunner(outbound_app(deliver, token, notice), access_log=None)
        self.host, self.port = host, port

    async def start(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        logger.info("outbound API on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        await self._runner.cleanup()
