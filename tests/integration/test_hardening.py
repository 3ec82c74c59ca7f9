"""Bad input and abuse against the real Rasa server: clear 4xx or a clear bot message, never a
5xx or a stack trace; per-sender rate limit; servers bound to localhost."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.channels import texts
from bot.services import Stack
from tests.integration.conftest import ask

pytestmark = pytest.mark.integration


def post_raw(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def webhook(stack: Stack) -> str:
    return f"{stack.settings.rasa_url}/webhooks/rest/webhook"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "UTF-8 JSON"),
        (b"\xff\xfe\x00binary\x00", "UTF-8 JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (b'"just a string"', "JSON object"),
        (b'{"message": "Hallo"}', "'sender'"),
        (b'{"sender": "", "message": "Hallo"}', "'sender'"),
        (b'{"sender": "<script>", "message": "Hallo"}', "'sender'"),
        (b'{"sender": "a", "message": 42}', "'message'"),
        (b'{"sender": "a", "message": null}', "'message'"),
        (b'{"sender": "a", "message": "Hallo", "metadata": [1]}', "'metadata'"),
        (b"", "UTF-8 JSON"),
    ],
)
def test_malformed_bodies_get_400_with_a_reason(stack: Stack, body: bytes, reason: str) -> None:
    status, raw = post_raw(webhook(stack), body)
    assert status == 400
    assert reason in json.loads(raw)["error"]


def test_oversize_bodies_are_refused(stack: Stack) -> None:
    big = json.dumps({"sender": "a", "message": "x" * 100_000}).encode()
    status, raw = post_raw(webhook(stack), big)
    assert status == 413
    assert "larger than" in json.loads(raw)["error"]
    # Sanic's own limit in front of every route (1 MB): also a 4xx, not a crash
    status, _ = post_raw(webhook(stack), b"x" * (2 * 1024 * 1024))
    assert status == 413


def test_too_long_and_empty_messages_get_a_clear_reply(stack: Stack) -> None:
    s = f"it-{uuid.uuid4().hex[:8]}"
    assert ask(stack.settings, s, "x" * (texts.MAX_MESSAGE + 1)) == [
        {"recipient_id": s, "text": texts.TOO_LONG["de"]}
    ]
    assert ask(stack.settings, s, "\x00\x01 \x7f ") == [
        {"recipient_id": s, "text": texts.EMPTY["de"]}
    ]
    long_en = "How do I get funding for my training? " * 60
    assert ask(stack.settings, s, long_en)[0]["text"] == texts.TOO_LONG["en"]
    with sqlite3.connect(stack.settings.tracker_db) as db:  # none of it reached the tracker
        count = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (s,)).fetchone()
    assert count == (0,)


def test_control_characters_are_dropped_before_storing(stack: Stack) -> None:
    s = f"it-{uuid.uuid4().hex[:8]}"
    ask(stack.settings, s, "Was ist\x00 Bildungs\u202ezeit\x1b?")
    with sqlite3.connect(stack.settings.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (s,)
        ).fetchall()
    assert [json.loads(r[0])["text"] for r in rows] == ["Was ist Bildungszeit?"]


def test_a_sender_over_the_rate_limit_gets_429_and_others_do_not(stack: Stack) -> None:
    s = f"it-{uuid.uuid4().hex[:8]}"
    burst = stack.settings.rate_limit_burst
    statuses = []
    for _ in range(burst + 3):
        body = json.dumps({"sender": s, "message": "/greet"}).encode()
        status, raw = post_raw(webhook(stack), body)
        statuses.append(status)
    assert statuses[:burst] == [200] * burst
    assert statuses[-1] == 429
    assert json.loads(raw) == [{"recipient_id": s, "text": texts.TOO_FAST["de"]}]
    other = ask(stack.settings, f"it-{uuid.uuid4().hex[:8]}", "/greet")
    assert other
    assert other[-1]["text"].startswith("Guten Tag!")


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp) listening on a port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_every_server_listens_on_localhost_only(stack: Stack) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}
    settings = stack.settings
    for port in (settings.rasa_port, settings.actions_port, settings.web_port):
        addresses = _listening(port)
        assert addresses, port
        assert addresses <= loopback, (port, addresses)


def test_widget_channel_limits_a_session_without_losing_its_message(stack: Stack) -> None:
    import threading
    import time

    import socketio

    client = socketio.Client()
    confirmed: list[str] = []
    ready = threading.Event()

    @client.on("session_confirm")
    def on_confirm(sid: str) -> None:
        confirmed.append(sid)
        ready.set()

    # long polling: this aiohttp is too old for the client's websocket transport
    client.connect(stack.settings.rasa_url, socketio_path="/socket.io", transports=["polling"])
    try:
        session = uuid.uuid4().hex
        client.emit("session_request", {"session_id": session})
        assert ready.wait(10)
        assert confirmed == [session]

        def send(mid: str, message: object) -> dict:
            payload = {"session_id": session, "mid": mid, "message": message}
            return client.call("user_uttered", payload, timeout=30)

        assert send("e1", "   ") == {"ok": False, "error": "empty"}
        assert send("e2", 42) == {"ok": False, "error": "empty"}
        too_long = send("e3", "x" * (texts.MAX_MESSAGE + 1))
        assert too_long == {"ok": False, "error": "too_long", "limit": texts.MAX_MESSAGE}
        burst = stack.settings.rate_limit_burst
        acks = [send(f"m{i}", "/greet") for i in range(burst)]
        assert acks == [{"ok": True}] * burst
        limited = send("m-last", "/greet")
        assert limited["error"] == "rate_limited"
        assert limited["retry_after"] >= 1
        time.sleep(limited["retry_after"])
        # the same message, sent again: processed now (not dropped as a duplicate)
        assert send("m-last", "/greet") == {"ok": True}
        assert send("m-last", "/greet") == {"ok": True, "duplicate": True}
    finally:
        client.disconnect()


def test_no_message_text_or_token_in_any_log(stack: Stack) -> None:
    secret = f"Geheimwort{uuid.uuid4().hex[:8]}"
    ask(
        stack.settings, f"it-{uuid.uuid4().hex[:8]}", f"Was ist {secret}? Mein Name ist Jana Köhler"
    )
    post_raw(webhook(stack), json.dumps({"sender": "x", "message": secret * 500}).encode())
    logs = list(stack.settings.var_dir.glob("*.out")) + list(stack.settings.var_dir.glob("*.log"))
    assert logs
    for path in logs:
        content = path.read_text(encoding="utf-8", errors="replace")
        assert secret not in content, path.name
        assert "Jana Köhler" not in content, path.name
        assert stack.settings.rasa_token not in content, path.name
