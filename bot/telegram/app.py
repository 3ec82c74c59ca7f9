"""Build the python-telegram-bot Application for the bridge (every collaborator injectable)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import BotCommand
from telegram.ext import Application

from bot.ratelimit import RateLimit, SenderRateLimiter
from bot.telegram.bridge import COMMAND_DESCRIPTIONS, TelegramBridge
from bot.telegram.chats import ChatDirectory
from bot.telegram.limits import ChatRateLimiter
from bot.telegram.outbound import OutboundServer
from bot.telegram.rasa_client import RasaClient
from bot.telegram.request import RetryingRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboundConfig:
    token: str
    host: str = "127.0.0.1"
    port: int = 5056


async def register_commands(app: Application) -> None:
    """setMyCommands in German (default) and English."""
    for lang, descriptions in COMMAND_DESCRIPTIONS.items():
        commands = [BotCommand(name, text) for name, text in descriptions.items()]
        await app.bot.set_my_commands(commands, language_code=None if lang == "de" else lang)


def build_application(
    token: str,
    rasa: RasaClient,
    key: bytes,
    *,
    chats: ChatDirectory | None = None,
    outbound: OutboundConfig | None = None,
    base_url: str | None = None,
    max_retries: int = 3,
    backoff: float = 0.5,
    read_timeout: float = 10.0,
    typing_delay: float = 0.25,
    rate_limit: RateLimit | None = None,
) -> tuple[Application, TelegramBridge]:
    bridge = TelegramBridge(
        rasa, key, chats=chats, typing_delay=typing_delay, limiter=SenderRateLimiter(rate_limit)
    )
    server = (
        OutboundServer(
            bridge.deliver_advisor_message,
            outbound.token,
            outbound.host,
            outbound.port,
            notice=bridge.deliver_notice,
        )
        if outbound
        else None
    )

    async def post_init(app: Application) -> None:
        await register_commands(app)
        if server is not None:
            await server.start()

    async def post_shutdown(app: Application) -> None:
        if server is not None:
            await server.stop()

    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(ChatRateLimiter(max_retries=max_retries))
        .request(
            RetryingRequest(backoff=backoff, connection_pool_size=16, read_timeout=read_timeout)
        )
        .get_updates_request(RetryingRequest(backoff=backoff))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if base_url:
        builder = builder.base_url(base_url)
    app = builder.build()
    bridge.register(app)
    return app, bridge
