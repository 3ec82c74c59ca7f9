"""Logging for the Telegram process: refused webhook requests become warnings, without the
token they carried (python-telegram-bot logs them at DEBUG, with the wrong token)."""

from __future__ import annotations

import logging

logger = logging.getLogger("bot.telegram.webhook")

UPDATER_LOGGER = "telegram.ext.Updater"
_REFUSALS = {
    "Request did not include the secret token": "missing",
    "Request had the wrong secret token: %s": "wrong",
}


class WebhookRefusalFilter(logging.Filter):
    """Turns python-telegram-bot's DEBUG lines about a refused webhook request into one
    WARNING of ours; lets every other record of at least ``level`` through unchanged."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        kind = _REFUSALS.get(str(record.msg))
        if kind is not None:
            logger.warning("webhook request refused (403): %s secret token", kind)
            return False
        return record.levelno >= self.level


def watch_webhook_refusals(level: int = logging.INFO) -> None:
    updater = logging.getLogger(UPDATER_LOGGER)
    updater.setLevel(logging.DEBUG)  # the refusals are DEBUG records; the filter keeps the rest
    updater.addFilter(WebhookRefusalFilter(max(level, logging.DEBUG)))
