"""Start, watch and stop the assistant's processes: Rasa server, action server, web server.

The launcher and the integration tests use the same ``Stack``, so the tests exercise exactly
what ``make run`` starts.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import make_url

from bot.settings import Settings

logger = logging.getLogger(__name__)


MAX_RESTARTS = 5  # per service within RESTART_WINDOW, then the launcher gives up
RESTART_WINDOW = 600.0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM when the launcher dies, even by SIGKILL (each child has
    its own session, so signals to the launcher's group do not reach it)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class ServiceError(RuntimeError):
    """A service did not start or died."""


@dataclass
class Service:
    name: str
    cmd: list[str]
    ready_url: str | None  # None: ready as soon as the process runs (e.g. Telegram polling)
    env: dict[str, str] = field(default_factory=dict)
    log_file: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    def start(self, cwd: Path) -> None:
        env = {**os.environ, **self.env}
        out = None
        if self.log_file is not None:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            out = self.log_file.open("ab")
        self.process = subprocess.Popen(
            self.cmd,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        logger.info("started %s (pid %s)", self.name, self.process.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def is_ready(self) -> bool:
        if self.ready_url is None:
            return self.alive()
        try:
            with urllib.request.urlopen(self.ready_url, timeout=2) as resp:
                return 200 <= resp.status < 300
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def stop(self, grace: float = 10.0) -> None:
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            logger.warning("%s did not stop in %.0f s, killing it", self.name, grace)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        logger.info("stopped %s", self.name)


def tracker_store_config(url: str) -> dict[str, Any]:
    """Rasa's tracker store entry for a SQLAlchemy URL: SQLite or PostgreSQL."""
    parsed = make_url(url)
    store: dict[str, Any] = {
        "type": "bot.tracker_store.ErasingSQLTrackerStore",
        "dialect": parsed.get_backend_name(),
        "db": parsed.database,
    }
    if parsed.get_backend_name() != "sqlite":
        store.update(
            {
                "url": parsed.host or "localhost",
                "port": parsed.port or 5432,
                "username": parsed.username,
                "password": parsed.password,
            }
        )
    return store


def lock_store_config(url: str) -> dict[str, Any] | None:
    """Rasa's Redis lock store entry, so that several Rasa instances (or Sanic workers) never
    work on one conversation at the same time; None: Rasa's in-memory lock store."""
    if not url:
        return None
    parsed = urlsplit(url)
    db = parsed.path.lstrip("/") or "1"
    return {
        "type": "bot.lock_store.AtomicRedisLockStore",  # Rasa's, with atomic changes
        "url": parsed.hostname or "localhost",
        "port": parsed.port or 6379,
        "db": int(db),
        "password": parsed.password,
        "use_ssl": parsed.scheme == "rediss",
        "key_prefix": "foerderlotse",
    }


def write_endpoints(settings: Settings) -> Path:
    """Endpoints from the settings: the embedded default is the local action server and a
    SQLite tracker store; TRACKER_STORE_URL, LOCK_STORE_URL and ACTIONS_URL scale it out."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    endpoints: dict[str, Any] = {
        # selective domain: only the validate_ actions get the domain with each call (Rasa
        # sends all of it, every response text in both languages, with every action otherwise)
        "action_endpoint": {"url": settings.action_endpoint, "enable_selective_domain": True},
        "tracker_store": tracker_store_config(settings.tracker_url),
    }
    lock = lock_store_config(settings.lock_store_url)
    if lock is not None:
        endpoints["lock_store"] = lock
    settings.endpoints_file.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    settings.endpoints_file.chmod(0o600)  # may hold the database password
    return settings.endpoints_file


RASA_MAX_BODY = 1024 * 1024  # bytes; Sanic answers 413 above (its default is 100 MB)


def build_services(
    settings: Settings, model: Path, *, log_dir: Path | None = None
) -> list[Service]:
    py = sys.executable
    common = {
        "FOERDERLOTSE_KNOWLEDGE": str(settings.knowledge_dir),
        "FOERDERLOTSE_VAR": str(settings.var_dir),
        "LOG_LEVEL": settings.log_level,
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RETENTION_DAYS": str(settings.retention_days),
        "RATE_LIMIT_BURST": str(settings.rate_limit_burst),
        "RATE_LIMIT_PER_MINUTE": str(settings.rate_limit_per_minute),
        # the scale-out settings, so every child sees the same topology
        **{
            name: value
            for name, value in (
                ("TRACKER_STORE_URL", settings.tracker_store_url),
                ("LOCK_STORE_URL", settings.lock_store_url),
                ("DATABASE_URL", settings.database_url),
                ("ACTIONS_URL", settings.actions_endpoint_url),
                ("RASA_URL", settings.rasa_entry_url),
                ("TELEGRAM_OUTBOUND_URL", settings.telegram_outbound_entry_url),
            )
            if value
        },
    }
    rasa = Service(
        name="rasa",
        cmd=[
            py,
            "-m",
            "bot.rasa_server",  # rasa with the project's fault handling
            "run",
            "--model",
            str(model),
            "--endpoints",
            str(settings.endpoints_file),
            "--credentials",
            str(settings.root / "credentials.yml"),
            "--interface",
            settings.host,
            "--port",
            str(settings.rasa_port),
            "--enable-api",
            # one argument: a random token may begin with "-"
            f"--auth-token={settings.rasa_token}",
            "--cors",
            f"{settings.web_url}",
            "--log-file",
            str(settings.var_dir / "rasa.log"),
        ],
        ready_url=f"{settings.rasa_url}/",
        env={
            **common,
            "SANIC_REQUEST_MAX_SIZE": str(RASA_MAX_BODY),
            "ACTION_TIMEOUT": str(settings.action_timeout),
        },
    )
    actions = Service(
        name="actions",
        cmd=[
            py,
            "-m",
            "bot.action_server",
            "--actions",
            "actions",
            "--port",
            str(settings.actions_port),
        ],
        ready_url=f"{settings.actions_url}/health",
        env={
            **common,
            "SANIC_HOST": settings.host,  # rasa_sdk binds every interface otherwise
            **({"OFFICE_HOURS": settings.office_hours} if settings.office_hours else {}),
        },
    )
    web = Service(
        name="web",
        cmd=[py, "-m", "bot.web"],
        ready_url=f"{settings.web_url}/healthz",
        env={
            **common,
            "FOERDERLOTSE_HOST": settings.host,
            "WEB_PORT": str(settings.web_port),
            "RASA_PORT": str(settings.rasa_port),
            "RASA_AUTH_TOKEN": settings.rasa_token,
            "FOERDERLOTSE_INTERNAL_TOKEN": settings.internal_token,
            "TELEGRAM_OUTBOUND_PORT": str(settings.telegram_outbound_port),
        },
    )
    services = [actions, web, rasa]
    if settings.telegram_token:
        services.append(
            Service(
                name="telegram",
                cmd=[py, "-m", "bot.telegram"],
                ready_url=None,  # Telegram may be slow to reach; the stack does not wait
                env={
                    **common,
                    "FOERDERLOTSE_HOST": settings.host,
                    "RASA_PORT": str(settings.rasa_port),
                    "FOERDERLOTSE_INTERNAL_TOKEN": settings.internal_token,
                    "TELEGRAM_OUTBOUND_PORT": str(settings.telegram_outbound_port),
                },
            )
        )
    if log_dir is not None:
        for s in services:
            s.log_file = log_dir / f"{s.name}.out"
    return services


class Stack:
    """Context manager: start every service, wait until all answer, stop all on exit."""

    def __init__(
        self, settings: Settings, services: list[Service], *, timeout: float = 180
    ) -> None:
        self.settings = settings
        self.services = services
        self.timeout = timeout
        self._restarts: dict[str, list[float]] = {}

    def start(self) -> None:
        for s in self.services:
            s.start(self.settings.root)
        deadline = time.monotonic() + self.timeout
        pending = list(self.services)
        while pending:
            for s in list(pending):
                if not s.alive():
                    raise ServiceError(f"{s.name} exited during start-up (see its log)")
                if s.is_ready():
                    logger.info("%s is ready", s.name)
                    pending.remove(s)
            if pending and time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                raise ServiceError(f"not ready after {self.timeout:.0f} s: {names}")
            if pending:
                time.sleep(0.25)

    def stop(self) -> None:
        for s in reversed(self.services):
            s.stop()

    def dead(self) -> list[Service]:
        return [s for s in self.services if not s.alive()]

    def revive(self, now: float | None = None) -> list[Service]:
        """Start every dead service again (the conversation goes on: Rasa keeps its state in
        the tracker store, the action server has none). A service that died more than
        ``MAX_RESTARTS`` times in ``RESTART_WINDOW`` seconds is returned as given up."""
        now = time.monotonic() if now is None else now
        given_up = []
        for s in self.dead():
            history = [t for t in self._restarts.get(s.name, []) if now - t < RESTART_WINDOW]
            if len(history) >= MAX_RESTARTS:
                given_up.append(s)
                continue
            code = s.process.returncode if s.process is not None else None
            logger.warning("%s stopped (exit code %s); starting it again", s.name, code)
            s.start(self.settings.root)
            self._restarts[s.name] = [*history, now]
        return given_up

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
