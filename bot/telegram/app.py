"""Build the python-telegram-bot Application for the bridge (every collaborator injectable)."""

from __future__ import annotations

import logging

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application

from bot.telegram.bridge import COMMAND_DESCRIPTIONS, TelegramBridge
from bot.telegram.rasa_client import RasaClient
from bot.telegram.request import RetryingRequest

logger = logging.getLogger(__name__)


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
    base_url: str | None = None,
    max_retries: int = 3,
    backoff: float = 0.5,
) -> tuple[Application, TelegramBridge]:
    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(AIORateLimiter(max_retries=max_retries))
        .request(RetryingRequest(backoff=backoff, connection_pool_size=16))
        .get_updates_request(RetryingRequest(backoff=backoff))
        .concurrent_updates(True)
        .post_init(register_commands)
    )
    if base_url:
        builder = builder.base_url(base_url)
    app = builder.build()
    bridge = TelegramBridge(rasa, key)
    bridge.register(app)
    return app, bridge
