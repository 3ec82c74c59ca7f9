"""Live handoff over HTTP with offline fakes of Rasa's HTTP API and the Telegram channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.console.views import Console
from tests.console.factories import T0, FakeTelegram, Tracker, csrf, login, make_app, seed
from tests.web.test_widget_api import FakeRasaApi

WIDGET, TELEGRAM = "conv-c-0000000003", "tg-conv-b-00000002"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Flask, Tracker, FakeRasaApi]:
    app, tracker, rasa = make_app(tmp_path)
    seed(tracker)
    tracker.slot(TELEGRAM, "handoff_requested", True, T0 + 86400 + 90)
    return app, tracker, rasa


def client_for(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def telegram_of(app: Flask) -> FakeTelegram:
    console: Console = app.extensions["console"]
    assert isinstance(console.handoff.telegram, FakeTelegram)
    return console.handoff.telegram


def test_queue_claim_send_release_in_the_widget(setup: tuple[Flask, Tracker, FakeRasaApi]) -> None:
    app, _tracker, rasa = setup
    anna = client_for(app, "anna")
    page = anna.get("/console/handoffs").get_data(as_text=True)
    assert page.count('class="waiting"') == 2
    assert WIDGET in page
    assert TELEGRAM in page
    token = csrf(anna, f"/console/c/{WIDGET}")

    anna.post(f"/console/c/{WIDGET}/claim", data={"csrf_token": token})
    events = rasa.conversations[WIDGET]
    assert [e["event"] for e in events] == ["pause", "bot"]
    assert events[1]["data"] == {"custom": {"handoff": "active", "name": "anna"}}
    assert rasa.channels[-1] == "widget"  # pushed to the widget at once
    page = anna.get("/console/handoffs").get_data(as_text=True)
    assert page.count('class="waiting"') == 1

    anna.post(f"/console/c/{WIDGET}/send", data={"csrf_token": token, "text": "Guten Tag!"})
    assert rasa.conversations[WIDGET][-1]["data"] == {
        "custom": {"advisor": {"name": "anna", "text": "Guten Tag!"}}
    }

    # another advisor can neither take over nor write
    chef = client_for(app, "chef")
    chef_token = csrf(chef, f"/console/c/{WIDGET}")
    resp = chef.post(f"/console/c/{WIDGET}/claim", data={"csrf_token": chef_token})
    assert "anna has taken this conversation already" in chef.get(
        resp.headers["Location"]
    ).get_data(as_text=True)
    before = len(rasa.conversations[WIDGET])
    chef.post(f"/console/c/{WIDGET}/send", data={"csrf_token": chef_token, "text": "Hallo"})
    assert len(rasa.conversations[WIDGET]) == before

    anna.post(f"/console/c/{WIDGET}/release", data={"csrf_token": token})
    assert [e["event"] for e in rasa.conversations[WIDGET][-2:]] == ["resume", "bot"]
    assert rasa.conversations[WIDGET][-1]["data"]["custom"]["handoff"] == "ended"
    audit = chef.get("/console/admin").get_data(as_text=True)
    for action in ("handoff claim", "handoff send", "handoff release"):
        assert f"<td>anna</td><td>{action}</td>" in audit


def test_telegram_takeover_goes_through_the_outbound_api(
    setup: tuple[Flask, Tracker, FakeRasaApi],
) -> None:
    app, _, rasa = setup
    anna = client_for(app, "anna")
    token = csrf(anna, f"/console/c/{TELEGRAM}")
    anna.post(f"/console/c/{TELEGRAM}/claim", data={"csrf_token": token})
    anna.post(f"/console/c/{TELEGRAM}/send", data={"csrf_token": token, "text": "Hallo <3"})
    anna.post(f"/console/c/{TELEGRAM}/release", data={"csrf_token": token})
    assert telegram_of(app).sent == [
        ("notice", TELEGRAM, "handoff_active", "anna"),
        ("message", TELEGRAM, "Hallo <3", "anna"),
        ("notice", TELEGRAM, "handoff_ended", "anna"),
    ]
    assert set(rasa.channels) == {None}  # recorded in the tracker, delivered by Telegram
    kinds = [e["event"] for e in rasa.conversations[TELEGRAM]]
    assert kinds == ["pause", "bot", "bot", "resume", "bot"]


def test_unknown_telegram_chat_is_reported_not_hidden(
    setup: tuple[Flask, Tracker, FakeRasaApi],
) -> None:
    app, _, _ = setup
    telegram_of(app).chats.clear()  # e.g. the user erased their data meanwhile
    anna = client_for(app, "anna")
    token = csrf(anna, f"/console/c/{TELEGRAM}")
    resp = anna.post(
        f"/console/c/{TELEGRAM}/claim", data={"csrf_token": token}, follow_redirects=True
    )
    assert "no Telegram chat is known for this conversation" in resp.get_data(as_text=True)
    assert "Gespräch übernehmen" in resp.get_data(as_text=True)  # not taken


def test_live_endpoint_returns_new_messages(setup: tuple[Flask, Tracker, FakeRasaApi]) -> None:
    app, tracker, _ = setup
    anna = client_for(app, "anna")
    first = anna.get(f"/console/c/{WIDGET}/live").get_json()["messages"]
    assert [m["kind"] for m in first] == ["user", "bot"]
    tracker.user(WIDGET, "Sind Sie noch da?", T0 + 3 * 86400)
    new = anna.get(f"/console/c/{WIDGET}/live?after={first[-1]['id']}").get_json()["messages"]
    assert [(m["kind"], m["text"]) for m in new] == [("user", "Sind Sie noch da?")]
