"""All configuration, read once from the environment into one typed object."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

PROJECT_ROOT = Path(__file__).resolve().parent.parent


N = TypeVar("N", int, float)


def _number(
    env: Mapping[str, str], name: str, default: N, kind: type[N], low: N, high: N, what: str
) -> N:
    """A number from the environment within [low, high]; a clear error otherwise."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    error = ValueError(f"{name} must be {what} from {low} to {high}, got {raw!r}")
    try:
        value = kind(raw)
    except ValueError as exc:
        raise error from exc
    if not low <= value <= high:
        raise error
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    return _number(env, name, default, int, 1, 65535, "a port")


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    return _number(env, name, default, int, 1, 3650, "a number of days")


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, float, 0.0, 60.0, "a number of seconds")


def rate_limit_values(env: Mapping[str, str]) -> tuple[int, float]:
    """Per-sender limit of every channel: a burst, then messages per minute."""
    return (
        _number(env, "RATE_LIMIT_BURST", 20, int, 1, 10_000, "a number of messages"),
        _number(env, "RATE_LIMIT_PER_MINUTE", 30.0, float, 0.1, 100_000.0, "messages a minute"),
    )


def retention_days(env: Mapping[str, str]) -> int:
    return _days(env, "RETENTION_DAYS", 90)


def _redis_url(raw: str) -> str:
    if raw and not raw.startswith(("redis://", "rediss://")):
        raise ValueError(f"LOCK_STORE_URL must be a redis:// URL, got {raw.split('@')[-1]!r}")
    return raw


def _mode(raw: str) -> str:
    mode = raw.strip().lower() or "polling"
    if mode not in ("polling", "webhook"):
        raise ValueError(f"TELEGRAM_MODE must be polling or webhook, got {raw!r}")
    return mode


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8000
    root: Path = PROJECT_ROOT
    var_dir: Path = PROJECT_ROOT / "var"
    models_dir: Path = PROJECT_ROOT / "models"
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    rasa_token: str = field(default="", repr=False)
    telegram_token: str = field(default="", repr=False)
    telegram_api_base_url: str = ""
    telegram_mode: str = "polling"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = field(default="", repr=False)
    telegram_webhook_port: int = 8443
    telegram_pseudonym_key: str = field(default="", repr=False)
    telegram_outbound_port: int = 5056
    telegram_typing_delay: float = 0.25
    internal_token: str = field(default="", repr=False)
    widget_socket_url: str = ""  # public URL of Rasa's socket.io for the widget
    console_secret: str = field(default="", repr=False)
    console_secure_cookies: bool = False
    retention_days: int = 90
    office_hours: str = ""  # e.g. "Mo-Fr 09:00-16:00" (Europe/Berlin); "" = that default
    action_timeout: float = 20.0
    # scale-out: shared stores and an entry point (empty: the embedded default)
    tracker_store_url: str = field(default="", repr=False)  # e.g. postgresql://u:pw@host/db
    lock_store_url: str = field(default="", repr=False)  # e.g. redis://host:6379/1
    actions_endpoint_url: str = ""  # where Rasa calls the actions, e.g. http://entry/actions
    database_url: str = field(default="", repr=False)  # console and training needs, shared
    rasa_entry_url: str = ""  # where our processes reach Rasa, e.g. http://entry:8081
    telegram_outbound_entry_url: str = ""  # where the console reaches the Telegram bridge
    rate_limit_burst: int = 20
    rate_limit_per_minute: float = 30.0
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        root = Path(env.get("FOERDERLOTSE_ROOT", PROJECT_ROOT))
        burst, per_minute = rate_limit_values(env)
        var_dir = Path(env.get("FOERDERLOTSE_VAR", root / "var"))
        return cls(
            host=env.get("FOERDERLOTSE_HOST", "127.0.0.1"),
            rasa_port=_int(env, "RASA_PORT", 5005),
            actions_port=_int(env, "ACTIONS_PORT", 5055),
            web_port=_int(env, "WEB_PORT", 8000),
            root=root,
            var_dir=var_dir,
            models_dir=Path(env.get("FOERDERLOTSE_MODELS", root / "models")),
            knowledge_dir=Path(env.get("FOERDERLOTSE_KNOWLEDGE", root / "knowledge")),
            rasa_token=env.get("RASA_AUTH_TOKEN", ""),
            telegram_token=env.get("TELEGRAM_TOKEN", ""),
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL", ""),
            telegram_mode=_mode(env.get("TELEGRAM_MODE", "polling")),
            telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL", ""),
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            telegram_webhook_port=_int(env, "TELEGRAM_WEBHOOK_PORT", 8443),
            telegram_pseudonym_key=env.get("TELEGRAM_PSEUDONYM_KEY", ""),
            telegram_outbound_port=_int(env, "TELEGRAM_OUTBOUND_PORT", 5056),
            telegram_typing_delay=_seconds(env, "TELEGRAM_TYPING_DELAY", 0.25),
            internal_token=env.get("FOERDERLOTSE_INTERNAL_TOKEN", ""),
            widget_socket_url=env.get("WIDGET_SOCKET_URL", ""),
            console_secret=env.get("FOERDERLOTSE_CONSOLE_SECRET", ""),
            office_hours=env.get("OFFICE_HOURS", ""),
            retention_days=retention_days(env),
            console_secure_cookies=env.get("CONSOLE_SECURE_COOKIES", "").lower()
            in ("1", "true", "yes"),
            action_timeout=_number(env, "ACTION_TIMEOUT", 20.0, float, 1.0, 300.0, "seconds"),
            tracker_store_url=env.get("TRACKER_STORE_URL", ""),
            lock_store_url=_redis_url(env.get("LOCK_STORE_URL", "")),
            actions_endpoint_url=env.get("ACTIONS_URL", "").rstrip("/"),
            rasa_entry_url=env.get("RASA_URL", "").rstrip("/"),
            database_url=env.get("DATABASE_URL", ""),
            telegram_outbound_entry_url=env.get("TELEGRAM_OUTBOUND_URL", "").rstrip("/"),
            rate_limit_burst=burst,
            rate_limit_per_minute=per_minute,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
        )

    def with_token(self) -> Settings:
        """Never run Rasa's HTTP API open: make up a token when none was configured."""
        return replace(
            self,
            rasa_token=self.rasa_token or secrets.token_urlsafe(24),
            internal_token=self.internal_token or secrets.token_urlsafe(24),
        )

    @property
    def socket_url(self) -> str:
        return self.widget_socket_url or self.rasa_url

    @property
    def telegram_outbound_url(self) -> str:
        return (
            self.telegram_outbound_entry_url or f"http://{self.host}:{self.telegram_outbound_port}"
        )

    @property
    def rasa_client_url(self) -> str:
        """Rasa for our own processes (console, Telegram bridge): the entry point's internal
        side when scaled out, else the local Rasa server."""
        return self.rasa_entry_url or self.rasa_url

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    @property
    def console_db(self) -> Path:
        return self.var_dir / "console.db"

    @property
    def console_database(self) -> Path | str:
        """The console's database: PostgreSQL when ``DATABASE_URL`` is set, else SQLite."""
        return self.database_url or self.console_db

    @property
    def demand_database(self) -> Path | str:
        return self.database_url or self.var_dir / "demand.db"

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "tracker.db"

    @property
    def tracker_url(self) -> str:
        """SQLAlchemy URL of the tracker store: PostgreSQL when configured, else SQLite."""
        return self.tracker_store_url or f"sqlite:///{self.tracker_db}"

    @property
    def action_endpoint(self) -> str:
        return f"{self.actions_endpoint_url or self.actions_url}/webhook"

    @property
    def endpoints_file(self) -> Path:
        return self.var_dir / "endpoints.yml"
