"""Fuzzing the HTTP endpoints in-process: the widget API and the console (Flask test client,
offline fake of Rasa's API) and the REST channel's body parser. Every answer must be a
deliberate one — 2xx, 3xx or 4xx with a JSON or HTML body — never a 5xx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.rest import MAX_BODY, BadRequest, parse_body
from bot.settings import Settings
from bot.web import create_app
from tests.console.factories import make_app, seed
from tests.fuzz.conftest import count, examples, messages
from tests.web.test_widget_api import FakeRasaApi

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | messages(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["session_id", "rating", "index", "excerpt", "sender", "message", "metadata", "mid"]
)
OBJECTS = st.dictionaries(FIELDS | st.text(max_size=8), JSON_VALUES, max_size=6)
SESSIONS = st.one_of(
    st.just("a1b2c3d4e5f6a7b8"), st.text(max_size=80), st.from_regex(r"\A[A-Za-z0-9_-]{8,64}\Z")
)
BODIES = st.one_of(
    OBJECTS.map(lambda o: json.dumps(o).encode()),
    st.builds(lambda s, o: json.dumps({"session_id": s, **o}).encode(), SESSIONS, OBJECTS),
    st.binary(max_size=2000),
    messages().map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.just(b"x" * (17 * 1024)),
)


@pytest.fixture(scope="module")
def widget_app() -> Flask:
    rasa = FakeRasaApi()
    rasa.conversations["a1b2c3d4e5f6a7b8"] = [{"event": "user", "text": "Hallo", "timestamp": 1.0}]
    return create_app(Settings.from_env({"RASA_PORT": "5111"}), rasa_api=rasa)


def _deliberate(status: int, body: bytes, content_type: str | None) -> None:
    assert status < 500, body[:300]
    assert b"Traceback" not in body


@settings(max_examples=examples(1500))
@given(
    path=st.sampled_from(
        ["/api/widget/feedback", "/api/widget/erase", "/api/widget/history", "/api/widget/config"]
    ),
    method=st.sampled_from(["POST", "GET", "PUT", "DELETE", "OPTIONS"]),
    body=BODIES,
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
    ),
    session=SESSIONS,
)
def test_widget_api_answers_every_request_deliberately(
    widget_app: Flask, path: str, method: str, body: bytes, content_type: str, session: str
) -> None:
    count("http-widget-api")
    client = widget_app.test_client()
    resp = client.open(
        path,
        method=method,
        data=body,
        headers={"Content-Type": content_type} if content_type else {},
        query_string={"session_id": session},
    )
    _deliberate(resp.status_code, resp.get_data(), resp.content_type)
    if resp.status_code >= 400:
        assert resp.is_json
        assert isinstance(resp.get_json()["error"], str)


def quote(value: str) -> str:
    """Percent-encode any text, lone surrogates too (they arrive as invalid UTF-8 bytes)."""
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


def encode(fields: dict[str, str]) -> str:
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items())


@pytest.fixture(scope="module")
def console_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app, tracker, _ = make_app(Path(tmp_path_factory.mktemp("console")))
    seed(tracker)
    return app


FORMS = st.dictionaries(
    st.sampled_from(
        ["name", "password", "csrf_token", "q", "tag", "note", "intent", "text", "role"]
    ),
    messages(),
    max_size=5,
)


@settings(max_examples=examples(800))
@given(
    path=st.sampled_from(
        [
            "/console/login",
            "/console/",
            "/console/c/{}",
            "/console/c/{}/tags",
            "/console/export.{}",
            "/console/m/{}/correct",
            "/console/c/{}/send",
            "/console/views",
            "/console/dashboard",
        ]
    ),
    segment=st.text(max_size=40),
    method=st.sampled_from(["GET", "POST"]),
    form=FORMS,
    query=st.dictionaries(
        st.sampled_from(["q", "page", "channel", "from", "to", "intent", "sort"]),
        messages(),
        max_size=4,
    ),
)
def test_console_answers_anonymous_garbage_deliberately(
    console_app: Flask,
    path: str,
    segment: str,
    method: str,
    form: dict[str, Any],
    query: dict[str, str],
) -> None:
    count("http-console")
    client = console_app.test_client()
    url = path.format(quote(segment))
    resp = client.open(
        f"{url}?{encode(query)}",
        method=method,
        data=encode(form),
        content_type="application/x-www-form-urlencoded",
    )
    _deliberate(resp.status_code, resp.get_data(), resp.content_type)


@settings(max_examples=examples(1500))
@given(BODIES)
def test_rest_body_parser_accepts_or_says_why(raw: bytes) -> None:
    count("http-rest-parser")
    try:
        sender, message, metadata = parse_body(raw)
    except BadRequest as exc:
        reason = str(exc)
        assert reason
        return
    assert len(raw) <= MAX_BODY
    assert isinstance(sender, str)
    assert 1 <= len(sender) <= 128
    assert isinstance(message, str)
    assert isinstance(metadata, dict)
