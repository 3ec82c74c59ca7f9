"""The advisor console: transcripts, annotations, exports, accounts and audit log.

Part of the project's web server (``create_app``); ``python -m bot.console`` manages accounts.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from bot.console.accounts import AccountStore
from bot.console.audit import AuditLog
from bot.console.db import Database
from bot.console.handoff import HandoffService, HttpTelegramOutbound, TelegramOutbound
from bot.console.security import LoginThrottle
from bot.console.transcripts import TranscriptStore
from bot.console.views import Console
from bot.rasa_api import RasaApi
from bot.settings import Settings


def console_secret(settings: Settings) -> str:
    """FOERDERLOTSE_CONSOLE_SECRET, else a key made once and kept in var/ (mode 0600)."""
    if settings.console_secret:
        return settings.console_secret
    path: Path = settings.var_dir / "console-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def build_console(
    settings: Settings,
    rasa: RasaApi,
    *,
    db: Database | None = None,
    telegram: TelegramOutbound | None = None,
) -> Console:
    db = db or Database(settings.console_database)
    if telegram is None and settings.internal_token:
        telegram = HttpTelegramOutbound(settings.telegram_outbound_url, settings.internal_token)
    return Console(
        accounts=AccountStore(db),
        audit=AuditLog(db),
        transcripts=TranscriptStore(db, settings.tracker_url),
        throttle=LoginThrottle(),
        handoff=HandoffService(db, rasa, telegram),
    )
