"""A fake Telegram Bot API server on loopback, speaking the real wire format over HTTP.

python-telegram-bot talks to it through ``base_url``. It records every call, answers with
Bot API shaped results, and can be told to fail a method (429 with retry_after, 500) a
given number of times, or stall it (no answer: the client's read times out, the call is
not carried out, as when a request is lost on the way).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Förderlotse", "username": "foerderlotse_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class FakeBotApi:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    stalls: dict[str, list[float]] = field(default_factory=dict)
    stalled: list[str] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(100))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def fail(
        self, method: str, status: int, times: int = 1, retry_after: int | None = None
    ) -> None:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": status,
            "description": f"fake error {status}",
        }
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self.failures.setdefault(method, []).extend([(status, body)] * times)

    def stall(self, method: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get no answer for ``seconds``, then the
        connection is closed; they are not carried out."""
        self.stalls.setdefault(method, []).extend([seconds] * times)

    def take_stall(self, method: str) -> float | None:
        with self._lock:
            pending = self.stalls.get(method)
            if pending:
                self.stalled.append(method)
                return pending.pop(0)
        return None

    def queue(self, update: dict[str, Any]) -> None:
        with self._arrived:
            self.updates.append(update)
            self._arrived.notify_all()

    def times(self, method: str) -> list[float]:
        return [c.at for c in self.calls if c.method == method]

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls.append(Call(method, params))
            pending = self.failures.get(method)
            if pending:
                return pending.pop(0)
        return 200, {"ok": True, "result": self._result(method, params)}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "editMessageReplyMarkup"):
            chat_id = int(params.get("chat_id", 0))
            return {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if method == "getUpdates":
            # real long polling: answer as soon as an update arrives (at most 1 s of waiting,
            # so a test's shutdown stays quick)
            offset = int(params.get("offset") or 0)
            wait = min(float(params.get("timeout") or 0.05), 1.0)
            with self._arrived:
                self._arrived.wait_for(
                    lambda: any(u["update_id"] >= offset for u in self.updates), timeout=wait
                )
                return [u for u in self.updates if u["update_id"] >= offset]
        return True


def _params(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length).decode() if length else ""
    kind = handler.headers.get("Content-Type", "")
    if "json" in kind:
        return json.loads(raw or "{}")
    return {k: v[-1] for k, v in urllib.parse.parse_qs(raw).items()}


class FakeBotApiServer:
    def __init__(self) -> None:
        self.api = FakeBotApi()
        api = self.api

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                params = _params(self)
                stall = api.take_stall(method)
                if stall is not None:
                    time.sleep(stall)
                    self.close_connection = True
                    return
                status, body = api.handle(method, params)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its read timed out, or it was stopped)

            def log_message(self, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/bot"

    def __enter__(self) -> FakeBotApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
