"""Run the Telegram channel: ``python -m bot.telegram`` (started by ``make run`` when
``TELEGRAM_TOKEN`` is set). Long polling by default; webhook with ``TELEGRAM_MODE=webhook``."""

from __future__ import annotations

import logging
import secrets
import sys

from bot.ratelimit import RateLimit
from bot.settings import Settings
from bot.telegram.app import OutboundConfig, build_application
from bot.telegram.chats import ChatDirectory
from bot.telegram.logs import watch_webhook_refusals
from bot.telegram.rasa_client import RestRasaClient

logger = logging.getLogger("bot.telegram")


def pseudonym_key(settings: Settings) -> bytes:
    """TELEGRAM_PSEUDONYM_KEY, else a key made once and kept in var/ (mode 0600)."""
    if settings.telegram_pseudonym_key:
        return settings.telegram_pseudonym_key.encode()
    path = settings.var_dir / "telegram-pseudonym.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
        logger.info("made a new pseudonymisation key in %s", path)
    return path.read_text(encoding="utf-8").strip().encode()


def main() -> int:
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines contain the token
    level = logging.getLevelName(settings.log_level)
    watch_webhook_refusals(level if isinstance(level, int) else logging.INFO)
    if not settings.telegram_token:
        logger.error("TELEGRAM_TOKEN is not set")
        return 2
    rasa = RestRasaClient(f"{settings.rasa_client_url}/webhooks/rest/webhook")
    app, _ = build_application(
        settings.telegram_token,
        rasa,
        pseudonym_key(settings),
        chats=ChatDirectory(settings.var_dir / "telegram-chats.db"),
        outbound=OutboundConfig(
            settings.internal_token, settings.host, settings.telegram_outbound_port
        )
        if settings.internal_token
        else None,
        base_url=settings.telegram_api_base_url or None,
        typing_delay=settings.telegram_typing_delay,
        rate_limit=RateLimit(settings.rate_limit_burst, settings.rate_limit_per_minute),
    )
    if settings.telegram_mode == "webhook":
        if not (settings.telegram_webhook_url and settings.telegram_webhook_secret):
            logger.error("webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET")
            return 2
        logger.info(
            "Telegram channel: webhook on %s:%d", settings.host, settings.telegram_webhook_port
        )
        app.run_webhook(
            listen=settings.host,
            port=settings.telegram_webhook_port,
            url_path="telegram",
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret,
        )
    else:
        logger.info("Telegram channel: long polling")
        app.run_polling()
    return 0


if __name__ == "__main__":
    sys.exit(main())
