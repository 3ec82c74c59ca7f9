"""Rasa's REST channel, hardened: the same URL and reply format, with checked input.

Registered in ``credentials.yml`` as ``bot.channels.rest.SafeRestInput`` (its name stays
``rest``, so the URL stays ``/webhooks/rest/webhook``). Differences from Rasa 3.6's
``RestInput``:

- a body that is not a JSON object with a string ``sender`` and a string ``message`` gets a
  400 with a JSON reason (Rasa's answers a 500 or crashes in the handler);
- control characters are dropped; an empty message or one longer than 2,000 characters is
  answered with a clear bot message (200) and never reaches the NLU;
- a sender over the per-sender rate limit gets a 429 with a bot message and ``Retry-After``;
- a failure while handling the message is answered with a polite bot message and logged
  without the message text (Rasa's logs the text at ERROR);
- no streaming responses (nothing of ours uses them).
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import texts
from bot.ratelimit import RateLimit, SenderRateLimiter
from nlu.language import guess_language

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # bytes; a message is at most 2,000 characters plus metadata
_SENDER = re.compile(r"^[\w.:@+-]{1,128}$")


class BadRequest(ValueError):
    """The body is not a message we can take; ``str(self)`` is the reason for the client."""


def parse_body(raw: bytes) -> tuple[str, str, dict[str, Any]]:
    """sender, message text (not yet cleaned) and metadata from a request body."""
    if len(raw) > MAX_BODY:
        raise BadRequest(f"body larger than {MAX_BODY} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("body is not UTF-8 JSON") from exc
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    sender, message, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise BadRequest("'sender' must be 1 to 128 letters, digits or . : @ + - _")
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be an object")
    return sender, message, metadata or {}


def reply_language(metadata: dict[str, Any], text: str) -> str:
    wanted = metadata.get("language")
    return wanted if wanted in ("de", "en") else guess_language(text)


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SafeRestInput:
        return cls(SenderRateLimiter(RateLimit.from_env(os.environ)))

    def __init__(self, limiter: SenderRateLimiter | None = None) -> None:
        self.limiter = limiter or SenderRateLimiter()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("safe_rest_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, raw_text, metadata = parse_body(request.body or b"")
            except BadRequest as exc:
                status = 413 if len(request.body or b"") > MAX_BODY else 400
                return response.json({"error": str(exc)}, status=status)
            text = texts.clean_text(raw_text)
            lang = reply_language(metadata, text)

            def bot(message: dict[str, str]) -> list[dict[str, str]]:
                return [{"recipient_id": sender, "text": message[lang]}]

            if not text:
                return response.json(bot(texts.EMPTY))
            if len(text) > texts.MAX_MESSAGE:
                return response.json(bot(texts.TOO_LONG))
            wait = self.limiter.acquire(sender)
            if wait > 0:
                return response.json(
                    bot(texts.TOO_FAST),
                    status=429,
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
            # the language the first answer (the privacy notice) is given in
            metadata = {**metadata, "language": lang}
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender, input_channel=self.name(), metadata=metadata
                    )
                )
            except CancelledError:
                logger.error("a REST message timed out while it was handled")
                return response.json(collector.messages + bot(texts.FAILED))
            except Exception as exc:
                logger.error("a REST message could not be handled (%s)", type(exc).__name__)
                logger.debug("the failure", exc_info=True)
                return response.json(collector.messages + bot(texts.FAILED))
            return response.json(collector.messages)

        return bp
