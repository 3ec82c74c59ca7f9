"""Login throttling, CSRF tokens and access decorators for the console."""

from __future__ import annotations

import functools
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, request, session

F = TypeVar("F", bound=Callable[..., Any])

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class LoginThrottle:
    """After ``limit`` failed logins for one name or one address within ``window`` seconds,
    further attempts are refused until ``lockout`` seconds after the last failure."""

    def __init__(
        self,
        limit: int = 5,
        window: float = 900,
        lockout: float = 900,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.lockout, self.clock = limit, window, lockout, clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> list[float]:
        now = self.clock()
        kept = [t for t in self._failures.get(key, []) if now - t < max(self.window, self.lockout)]
        self._failures[key] = kept
        return kept

    def blocked(self, *keys: str) -> bool:
        with self._lock:
            now = self.clock()
            for key in keys:
                recent = self._recent(key)
                in_window = [t for t in recent if now - t < self.window]
                if len(in_window) >= self.limit and now - recent[-1] < self.lockout:
                    return True
            return False

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(self.clock())

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def csrf_token() -> str:
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """Every state-changing request carries the session's token (form field or header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = session.get(CSRF_FIELD)
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not isinstance(expected, str) or not hmac.compare_digest(expected, given):
        abort(400, description="CSRF token missing or wrong")


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("advisor") is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def admin_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        advisor = g.get("advisor")
        if advisor is None:
            abort(401)
        if not advisor.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
