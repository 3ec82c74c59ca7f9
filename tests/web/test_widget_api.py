"""The widget's HTTP API with an offline fake of Rasa's HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from bot.rasa_api import RasaApiError
from bot.settings import Settings
from bot.web import create_app
from bot.web.history import widget_history

SESSION = "a1b2c3d4e5f6a7b8"


class FakeRasaApi:
    def __init__(self) -> None:
        self.conversations: dict[str, list[dict[str, Any]]] = {}
        self.channels: list[str | None] = []  # the output channel of every append
        self.down = False

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        if self.down:
            raise RasaApiError("ConnectError")
        return list(self.conversations.get(conversation_id, []))

    def append(
        self, conversation_id: str, events: list[dict[str, Any]], output_channel: str | None = None
    ) -> None:
        if self.down:
            raise RasaApiError("ConnectError")
        self.channels.append(output_channel)
        if any(e.get("name") == "erase_requested" for e in events):
            self.conversations.pop(conversation_id, None)  # as the erasing tracker store does
            return
        self.conversations.setdefault(conversation_id, []).extend(events)


def user(text: str, **metadata: Any) -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": 1.0, "metadata": metadata}


def bot(text: str | None = None, **data: Any) -> dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": 2.0, "data": data}


@pytest.fixture
def rasa() -> FakeRasaApi:
    return FakeRasaApi()


@pytest.fixture
def client(rasa: FakeRasaApi) -> FlaskClient:
    return create_app(Settings.from_env({"RASA_PORT": "5111"}), rasa_api=rasa).test_client()


def test_history_shows_messages_titles_advisors_and_state() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        bot("Hinweis zum Datenschutz"),  # stored before the message that opened the session
        user("Was ist QCG?", mid="m1"),
        bot("**QCG** ist ...", buttons=[{"title": "Mehr", "payload": "/more"}]),
        user('/inform{"role": "employer"}', title="Ich bin Arbeitgeber"),
        user("/affirm"),  # a payload without title is not shown
        bot(None, custom={"control": "handoff"}),
        bot(None, custom={"handoff": "active", "name": "Anna"}),
        bot(None, custom={"advisor": {"name": "Anna", "text": "Guten Tag!"}}),
    ]
    history = widget_history(events)
    assert history["messages"] == [
        {"from": "user", "text": "Was ist QCG?", "ts": 1.0, "mid": "m1"},
        {"from": "bot", "text": "Hinweis zum Datenschutz", "buttons": [], "ts": 2.0},
        {
            "from": "bot",
            "text": "**QCG** ist ...",
            "buttons": [{"title": "Mehr", "payload": "/more"}],
            "ts": 2.0,
        },
        {"from": "user", "text": "Ich bin Arbeitgeber", "ts": 1.0, "mid": None},
        {"from": "advisor", "text": "Guten Tag!", "name": "Anna", "ts": 2.0},
    ]
    assert (history["advisor_active"], history["advisor_name"]) == (True, "Anna")
    ended = widget_history([*events, bot(None, custom={"handoff": "ended"})])
    assert (ended["advisor_active"], ended["advisor_name"]) == (False, None)


def test_config_and_cors(client: FlaskClient) -> None:
    resp = client.get("/api/widget/config")
    assert resp.get_json() == {
        "socket_url": "http://127.0.0.1:5111",
        "socket_path": "/socket.io",
        "socket_client": "/static/vendor/socket.io-4.8.1.min.js",
    }
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/widget/feedback")
    assert preflight.status_code in (200, 204)
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert client.get("/static/vendor/socket.io-4.8.1.min.js").status_code == 200


def test_history_endpoint(client: FlaskClient, rasa: FakeRasaApi) -> None:
    rasa.conversations[SESSION] = [user("Hallo"), bot("Guten Tag")]
    data = client.get(f"/api/widget/history?session_id={SESSION}").get_json()
    assert [m["text"] for m in data["messages"]] == ["Hallo", "Guten Tag"]
    for bad in ("", "short", "../../etc", "x" * 65, "<script>"):
        resp = client.get("/api/widget/history", query_string={"session_id": bad})
        assert (resp.status_code, resp.get_json()) == (
            400,
            {"error": "session_id is missing or malformed"},
        )
    rasa.down = True
    resp = client.get(f"/api/widget/history?session_id={SESSION}")
    assert (resp.status_code, resp.get_json()) == (
        503,
        {"error": "the assistant is not reachable right now"},
    )


def test_feedback_is_stored_with_the_conversation(client: FlaskClient, rasa: FakeRasaApi) -> None:
    rasa.conversations[SESSION] = [user("Hallo"), bot("Guten Tag")]
    resp = client.post(
        "/api/widget/feedback",
        json={"session_id": SESSION, "rating": "down", "index": 0, "excerpt": "Guten Tag"},
    )
    assert (resp.status_code, resp.get_json()) == (200, {"stored": True})
    slot = rasa.conversations[SESSION][-1]
    assert (slot["event"], slot["name"], slot["value"]) == (
        "slot",
        "feedback",
        {"rating": "down", "index": 0, "excerpt": "Guten Tag"},
    )
    unknown = client.post(
        "/api/widget/feedback", json={"session_id": "b" * 16, "rating": "up", "index": 0}
    )
    assert unknown.status_code == 404
    assert "b" * 16 not in rasa.conversations  # no conversation made up


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", "the body must be a JSON object of at most 16 KB"),
        (b"\xff\x00binary", "the body must be a JSON object of at most 16 KB"),
        (b"[1]", "the body must be a JSON object of at most 16 KB"),
        (b'{"session_id": "x", "rating": "up", "index": 0}', "session_id is missing or malformed"),
        (
            b'{"session_id": "a1b2c3d4e5f6a7b8", "rating": "meh", "index": 0}',
            "rating must be 'up' or 'down'",
        ),
        (
            b'{"session_id": "a1b2c3d4e5f6a7b8", "rating": "up", "index": true}',
            "index must be the number of the rated answer",
        ),
        (
            b'{"session_id": "a1b2c3d4e5f6a7b8", "rating": "up", "index": 0, "excerpt": 5}',
            "excerpt must be text",
        ),
    ],
)
def test_feedback_refuses_bad_bodies(client: FlaskClient, body: bytes, error: str) -> None:
    resp = client.post(
        "/api/widget/feedback", data=body, headers={"Content-Type": "application/json"}
    )
    assert (resp.status_code, resp.get_json()) == (400, {"error": error})


def test_oversize_body_is_refused(client: FlaskClient) -> None:
    resp = client.post(
        "/api/widget/feedback",
        data=b'{"x": "' + b"a" * 20_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 400


def test_erase(client: FlaskClient, rasa: FakeRasaApi) -> None:
    rasa.conversations[SESSION] = [user("Hallo")]
    resp = client.post("/api/widget/erase", json={"session_id": SESSION})
    assert (resp.status_code, resp.get_json()) == (200, {"erased": True})
    assert SESSION not in rasa.conversations
    assert client.post("/api/widget/erase", json={}).status_code == 400
    assert client.get("/api/widget/erase").status_code == 405


def test_widget_script_and_privacy_page(client: FlaskClient) -> None:
    js = client.get("/widget.js")
    assert js.status_code == 200
    assert js.headers["Access-Control-Allow-Origin"] == "*"
    assert "attachShadow" in js.get_data(as_text=True)
    assert "innerHTML" not in js.get_data(as_text=True)  # text nodes only
    de = client.get("/datenschutz").get_data(as_text=True)
    en = client.get("/datenschutz?lang=en").get_data(as_text=True)
    assert "Datenschutzhinweise" in de
    assert "Verlauf löschen" in de
    assert "Privacy notice" in en
    assert "Delete history" in en


def test_privacy_page_states_the_configured_retention(rasa: FakeRasaApi) -> None:
    app = create_app(
        Settings.from_env({"RASA_PORT": "5111", "RETENTION_DAYS": "30"}), rasa_api=rasa
    )
    de = app.test_client().get("/datenschutz").get_data(as_text=True)
    en = app.test_client().get("/datenschutz?lang=en").get_data(as_text=True)
    for page, words in (
        (
            de,
            (
                "Was gespeichert wird",
                "Wozu",
                "Wie lange",
                "Wer es sieht",
                "Wie Sie löschen",
                "30 Tage nach Ihrer letzten Nachricht",
            ),
        ),
        (
            en,
            (
                "What is stored",
                "Why",
                "For how long",
                "Who sees it",
                "How to erase it",
                "30 days after your last message",
            ),
        ),
    ):
        for w in words:
            assert w in page
    assert "90 Tage" not in de
