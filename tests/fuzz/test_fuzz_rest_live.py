"""Fuzzing the real Rasa server's REST channel over HTTP (with the real action server):
malformed bodies and arbitrary messages get a deliberate answer, never a 5xx, and the server
keeps answering normally afterwards."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services import Stack
from tests.fuzz.conftest import count, examples, messages
from tests.fuzz.test_fuzz_http import BODIES
from tests.integration.conftest import ask
from tests.integration.test_hardening import post_raw

pytestmark = pytest.mark.integration

VALID_SHAPE = st.builds(
    lambda text, meta: json.dumps(
        {"sender": f"fz-{uuid.uuid4().hex[:12]}", "message": text, "metadata": meta}
    ).encode(),
    messages(),
    st.one_of(
        st.none(),
        st.just({"language": "en"}),
        st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    ),
)


@settings(max_examples=examples(400))
@given(st.one_of(VALID_SHAPE, BODIES))
def test_rest_channel_never_answers_with_a_server_error(stack: Stack, body: bytes) -> None:
    count("http-rest-live")
    status, raw = post_raw(f"{stack.settings.rasa_url}/webhooks/rest/webhook", body)
    assert status in (200, 400, 413, 429), raw[:300]
    payload = json.loads(raw)
    if status in (200, 429):
        assert isinstance(payload, list)
        for reply in payload:
            assert "Traceback" not in reply.get("text", "")
    else:
        assert isinstance(payload["error"], str)


def test_the_server_still_answers_normally_after_the_fuzzing(stack: Stack) -> None:
    replies = ask(stack.settings, f"fz-{uuid.uuid4().hex[:8]}", "Was ist Bildungszeit?")
    assert any("Bildungszeit" in r.get("text", "") for r in replies)
