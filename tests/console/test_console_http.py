"""The advisor console over HTTP (Flask test client): access, CSRF, throttling, filters,
exports, annotations, audit log, deletion — on a seeded tracker store."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.console.factories import PASSWORD, Tracker, csrf, login, make_app, seed
from tests.web.test_widget_api import FakeRasaApi

ROUTES = [
    ("GET", "/console/"),
    ("GET", "/console/c/conv-a-0000000001"),
    ("GET", "/console/c/conv-a-0000000001/export.csv"),
    ("GET", "/console/c/conv-a-0000000001/export.json"),
    ("GET", "/console/export.csv"),
    ("GET", "/console/export.json"),
    ("GET", "/console/admin"),
    ("POST", "/console/c/conv-a-0000000001/tags"),
    ("POST", "/console/c/conv-a-0000000001/notes"),
    ("POST", "/console/c/conv-a-0000000001/reviewed"),
    ("POST", "/console/c/conv-a-0000000001/delete"),
    ("POST", "/console/admin/accounts"),
    ("POST", "/console/admin/accounts/anna"),
    ("POST", "/console/logout"),
    ("GET", "/console/handoffs"),
    ("POST", "/console/c/conv-a-0000000001/claim"),
    ("POST", "/console/c/conv-a-0000000001/send"),
    ("POST", "/console/c/conv-a-0000000001/release"),
    ("GET", "/console/c/conv-a-0000000001/live"),
    ("POST", "/console/m/1/correct"),
    ("GET", "/console/corrections.yml"),
    ("GET", "/console/c/conv-a-0000000001/story.yml"),
    ("GET", "/console/dashboard"),
    ("GET", "/console/gaps"),
    ("GET", "/console/demand"),
    ("GET", "/console/demand.csv"),
    ("POST", "/console/views"),
]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Flask, Tracker, FakeRasaApi]:
    app, tracker, rasa = make_app(tmp_path)
    seed(tracker)
    return app, tracker, rasa


@pytest.fixture
def anna(setup: tuple[Flask, Tracker, FakeRasaApi]) -> FlaskClient:
    client = setup[0].test_client()
    assert login(client, "anna").status_code == 302
    return client


@pytest.fixture
def chef(setup: tuple[Flask, Tracker, FakeRasaApi]) -> FlaskClient:
    client = setup[0].test_client()
    assert login(client, "chef").status_code == 302
    return client


def test_the_route_list_covers_every_console_route(tmp_path: Path) -> None:
    """New console routes must be added to ROUTES (so the test below covers them)."""
    app, _, _ = make_app(tmp_path)
    samples = {"sender": "conv-a-0000000001", "fmt": "csv", "name": "anna", "message_id": "1"}
    declared = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console") or rule.endpoint.startswith("console.login"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{arg}>", samples[arg], path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            declared.add((method, path.replace("export.csv", "export.{fmt}")))
    listed_routes = {
        (m, p.replace("export.json", "export.csv").replace("export.csv", "export.{fmt}"))
        for m, p in ROUTES
    }
    assert declared <= listed_routes, sorted(declared - listed_routes)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_refuses_anonymous_users(
    setup: tuple[Flask, Tracker, FakeRasaApi], method: str, path: str
) -> None:
    client = setup[0].test_client()
    token = csrf(client)  # even with a valid CSRF token of an anonymous session
    resp = client.open(path, method=method, data={"csrf_token": token, "tag": "x", "text": "x"})
    if method == "GET" and not path.endswith((".csv", ".json", ".yml", "/live")):
        assert resp.status_code == 302
        assert resp.headers["Location"].startswith("/console/login")
    else:
        assert resp.status_code == 401
    body = resp.get_data(as_text=True)
    assert "Qualifizierungsgeld" not in body
    assert "conv-" not in body.replace(path, "")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/console/admin"),
        ("POST", "/console/c/conv-a-0000000001/delete"),
        ("POST", "/console/admin/accounts"),
        ("POST", "/console/admin/accounts/chef"),
    ],
)
def test_advisors_cannot_do_admin_things(anna: FlaskClient, method: str, path: str) -> None:
    token = csrf(anna, "/console/")
    resp = anna.open(
        path, method=method, data={"csrf_token": token, "name": "eve", "role": "admin",
                                   "password": "x" * 20, "action": "remove"},
    )  # fmt: skip
    assert resp.status_code == 403


def test_state_changes_without_csrf_token_are_refused(anna: FlaskClient) -> None:
    resp = anna.post("/console/c/conv-a-0000000001/tags", data={"tag": "wichtig"})
    assert resp.status_code == 400
    resp = anna.post(
        "/console/c/conv-a-0000000001/tags", data={"tag": "wichtig", "csrf_token": "falsch"}
    )
    assert resp.status_code == 400
    page = anna.get("/console/c/conv-a-0000000001").get_data(as_text=True)
    assert "wichtig" not in page


def test_login_throttling(setup: tuple[Flask, Tracker, FakeRasaApi]) -> None:
    client = setup[0].test_client()
    for _ in range(5):
        assert login(client, "anna", "falsches-passwort-123").status_code == 401
    resp = login(client, "anna")  # the right password, but locked for now
    assert resp.status_code == 429
    assert "Zu viele Fehlversuche" in resp.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_unknown_name_and_wrong_password_look_the_same(
    setup: tuple[Flask, Tracker, FakeRasaApi],
) -> None:
    client = setup[0].test_client()
    a = login(client, "niemand", PASSWORD)
    b = login(client, "anna", "falsches-passwort-123")
    assert (a.status_code, b.status_code) == (401, 401)
    assert "Name oder Passwort falsch." in a.get_data(as_text=True)
    assert a.get_data(as_text=True) == b.get_data(as_text=True)


def test_session_cookie_flags_and_idle_expiry(
    setup: tuple[Flask, Tracker, FakeRasaApi], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = setup[0].test_client()
    resp = login(client, "anna")
    cookie = next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith("fl_console="))
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/console" in cookie
    assert client.get("/console/").status_code == 200
    import bot.console.views as views

    real = views.time.time
    monkeypatch.setattr(views.time, "time", lambda: real() + 31 * 60)
    assert client.get("/console/").status_code == 302  # idle for 31 minutes: log in again


def listed(client: FlaskClient, query: str = "") -> set[str]:
    page = client.get(f"/console/?{query}").get_data(as_text=True)
    import re

    return set(re.findall(r'href="/console/c/([^"]+)"', page))


def test_filters_return_exactly_the_matching_conversations(anna: FlaskClient) -> None:
    a, b, c, d = (
        "conv-a-0000000001",
        "tg-conv-b-00000002",
        "conv-c-0000000003",
        "tg-conv-d-00000004",
    )
    assert listed(anna) == {a, b, c, d}
    assert listed(anna, "channel=telegram") == {b, d}
    assert listed(anna, "from=2026-01-02&to=2026-01-02") == {b}
    assert listed(anna, "from=2026-01-03") == {c, d}
    assert listed(anna, "intent=ask_program") == {a, d}
    assert listed(anna, "max_conf=0.6") == {b, d}
    assert listed(anna, "min_conf=0.6&max_conf=0.9") == {c}
    assert listed(anna, "fallback=1") == {b}
    assert listed(anna, "handoff=1") == {c}
    assert listed(anna, "negative=1") == {b}
    assert listed(anna, "q=Bildungszeit") == {d}
    assert listed(anna, "q=%25") == set()  # LIKE wildcards are searched literally
    assert listed(anna, "channel=telegram&q=dings") == {b}
    token = csrf(anna, f"/console/c/{a}")
    anna.post(f"/console/c/{a}/reviewed", data={"reviewed": "1", "csrf_token": token})
    anna.post(f"/console/c/{c}/tags", data={"tag": "Lücke", "csrf_token": token})
    assert listed(anna, "reviewed=yes") == {a}
    assert listed(anna, "reviewed=no") == {b, c, d}
    assert listed(anna, "tag=Lücke") == {c}
    page = anna.get("/console/?channel=telegram&fallback=1").get_data(as_text=True)
    assert 'href="/console/?channel=telegram&amp;fallback=1" id="permalink"' in page


def test_paging(anna: FlaskClient, setup: tuple[Flask, Tracker, FakeRasaApi]) -> None:
    tracker = setup[1]
    for i in range(30):
        tracker.user(f"bulk-{i:012d}", f"Frage {i}", 1_800_000_000 + i)
    first, second = listed(anna, "q=Frage"), listed(anna, "q=Frage&page=2")
    assert len(first) == 25
    assert len(second) == 5
    assert not first & second


def test_transcript_shows_nlu_and_annotations_are_audited(
    anna: FlaskClient, chef: FlaskClient
) -> None:
    b = "tg-conv-b-00000002"
    page = anna.get(f"/console/c/{b}").get_data(as_text=True)
    assert "wie gehtn das mit dem dings" in page
    assert "nlu_fallback" in page
    assert "0.31" in page
    assert "action_disambiguate" in page
    token = csrf(anna, f"/console/c/{b}")
    anna.post(f"/console/c/{b}/notes", data={"text": "<b>Frage unklar</b>", "csrf_token": token})
    page = anna.get(f"/console/c/{b}").get_data(as_text=True)
    assert "&lt;b&gt;Frage unklar&lt;/b&gt;" in page  # escaped
    audit = chef.get("/console/admin").get_data(as_text=True)
    for action in ("view", "note", "login"):
        assert f"<td>anna</td><td>{action}</td>" in audit


def test_exports_parse_and_match(anna: FlaskClient) -> None:
    d = "tg-conv-d-00000004"
    rows = json.loads(anna.get(f"/console/c/{d}/export.json").get_data(as_text=True))
    assert [(r["kind"], r["text"]) for r in rows] == [
        ("user", '=HYPERLINK("x") Bildungszeit BW?'),
        ("bot", "Bildungszeit Baden-Württemberg ..."),
    ]
    assert rows[0]["intent"] == "ask_program"
    assert rows[0]["confidence"] == 0.55
    text = anna.get(f"/console/c/{d}/export.csv").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(text)))
    assert [r["kind"] for r in table] == ["user", "bot"]
    assert table[0]["text"] == '\'=HYPERLINK("x") Bildungszeit BW?'  # no formula in Excel
    many = json.loads(anna.get("/console/export.json?channel=telegram").get_data(as_text=True))
    assert {r["sender"] for r in many} == {"tg-conv-b-00000002", d}
    csv_many = list(
        csv.DictReader(io.StringIO(anna.get("/console/export.csv").get_data(as_text=True)))
    )
    assert len({r["sender"] for r in csv_many}) == 4


def test_admin_deletes_everywhere_and_erasure_in_tracker_is_followed(
    chef: FlaskClient, setup: tuple[Flask, Tracker, FakeRasaApi]
) -> None:
    _, tracker, rasa = setup
    a = "conv-a-0000000001"
    rasa.conversations[a] = [{"event": "user"}]
    token = csrf(chef, f"/console/c/{a}")
    resp = chef.post(f"/console/c/{a}/delete", data={"csrf_token": token})
    assert resp.status_code == 302
    assert a not in rasa.conversations  # the erase slot went to Rasa
    assert chef.get(f"/console/c/{a}").status_code == 404
    tracker.erase("tg-conv-b-00000002")  # e.g. /loeschen in Telegram
    assert listed(chef) == {"conv-c-0000000003", "tg-conv-d-00000004"}
    assert "<td>chef</td><td>delete</td>" in chef.get("/console/admin").get_data(as_text=True)


def test_admin_manages_accounts(
    chef: FlaskClient, setup: tuple[Flask, Tracker, FakeRasaApi]
) -> None:
    token = csrf(chef, "/console/admin")
    short = chef.post("/console/admin/accounts", data={"name": "bernd", "role": "advisor",
                                                       "password": "kurz", "csrf_token": token},
                      follow_redirects=True)  # fmt: skip
    assert "the password needs at least 12 characters" in short.get_data(as_text=True)
    resp = chef.post("/console/admin/accounts", data={"name": "bernd", "role": "advisor",
                                                      "password": "lang-genug-123", "csrf_token": token})  # fmt: skip
    assert resp.status_code == 302
    other = setup[0].test_client()
    assert login(other, "bernd", "lang-genug-123").status_code == 302
    chef.post("/console/admin/accounts/bernd", data={"action": "deactivate", "csrf_token": token})
    assert other.get("/console/").status_code == 302  # locked out at once
    assert login(setup[0].test_client(), "bernd", "lang-genug-123").status_code == 401


def test_filters_can_be_saved_per_advisor(anna: FlaskClient, chef: FlaskClient) -> None:
    token = csrf(anna, "/console/")
    anna.post("/console/views", data={"csrf_token": token, "name": "Telegram-Lücken",
                                      "query": "/console/?channel=telegram&fallback=1"})  # fmt: skip
    anna.post("/console/views", data={"csrf_token": token, "name": "böse",
                                      "query": "https://evil.example/"})  # fmt: skip
    page = anna.get("/console/").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]+)" class="saved-view">([^<]+)</a>', page) == [
        ("/console/?channel=telegram&amp;fallback=1", "Telegram-Lücken")
    ]
    assert "saved-view" not in chef.get("/console/").get_data(as_text=True)
