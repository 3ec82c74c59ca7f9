from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from bot.model import ensure_model, model_path, training_hash
from bot.services import write_endpoints
from bot.settings import Settings
from bot.web import create_app


def test_settings_defaults_and_env(tmp_path: Path) -> None:
    s = Settings.from_env({})
    assert (s.host, s.rasa_port, s.actions_port, s.web_port) == ("127.0.0.1", 5005, 5055, 8000)
    s = Settings.from_env(
        {"RASA_PORT": "6005", "FOERDERLOTSE_VAR": str(tmp_path), "LOG_LEVEL": "debug"}
    )
    assert (s.rasa_port, s.tracker_db, s.log_level) == (6005, tmp_path / "tracker.db", "DEBUG")


@pytest.mark.parametrize("raw", ["abc", "0", "70000"])
def test_settings_reject_bad_ports(raw: str) -> None:
    with pytest.raises(ValueError, match="RASA_PORT"):
        Settings.from_env({"RASA_PORT": raw})


def test_token_is_generated_when_missing_and_kept_when_set() -> None:
    made = Settings.from_env({}).with_token()
    assert len(made.rasa_token) >= 24
    assert Settings.from_env({}).with_token().rasa_token != made.rasa_token
    assert Settings.from_env({"RASA_AUTH_TOKEN": "given"}).with_token().rasa_token == "given"
    assert "given" not in repr(Settings.from_env({"RASA_AUTH_TOKEN": "given"}))
    assert len(made.internal_token) >= 24
    assert made.internal_token != made.rasa_token
    kept = Settings.from_env({"FOERDERLOTSE_INTERNAL_TOKEN": "inner"}).with_token()
    assert kept.internal_token == "inner"
    assert "inner" not in repr(kept)


@pytest.mark.parametrize("raw", ["soon", "-1", "61"])
def test_settings_reject_bad_typing_delays(raw: str) -> None:
    with pytest.raises(ValueError, match="TELEGRAM_TYPING_DELAY"):
        Settings.from_env({"TELEGRAM_TYPING_DELAY": raw})
    assert Settings.from_env({"TELEGRAM_TYPING_DELAY": "0.5"}).telegram_typing_delay == 0.5


def _project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "config.yml").write_text("language: de\n")
    (tmp_path / "domain.yml").write_text("version: '3.1'\n")
    (tmp_path / "data" / "nlu.yml").write_text("nlu: []\n")
    return tmp_path


def test_training_hash_follows_content_not_mtime(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = training_hash(root)
    (root / "data" / "nlu.yml").write_text("nlu: []\n")  # same content, new mtime
    assert training_hash(root) == first
    (root / "data" / "nlu.yml").write_text("nlu: [x]\n")
    assert training_hash(root) != first
    (root / "README.md").write_text("not a training input")
    assert training_hash(root) == training_hash(root)


def test_existing_model_is_not_retrained(tmp_path: Path) -> None:
    root = _project(tmp_path)
    target = model_path(root, tmp_path / "models")
    target.parent.mkdir()
    target.write_bytes(b"model")
    assert ensure_model(root, tmp_path / "models") == target  # would fail if it called rasa train


def test_endpoints_point_at_sqlite_and_actions(tmp_path: Path) -> None:
    s = Settings.from_env({"FOERDERLOTSE_VAR": str(tmp_path), "ACTIONS_PORT": "5999"})
    data = yaml.safe_load(write_endpoints(s).read_text())
    assert data == {
        "action_endpoint": {
            "url": "http://127.0.0.1:5999/webhook",
            "enable_selective_domain": True,
        },
        "tracker_store": {
            "type": "bot.tracker_store.ErasingSQLTrackerStore",
            "dialect": "sqlite",
            "db": str(tmp_path / "tracker.db"),
        },
    }


def test_web_start_page_and_health() -> None:
    client = create_app(Settings.from_env({"RASA_PORT": "5111"})).test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert "Förderlotse" in page.get_data(as_text=True)
    assert '<script src="/widget.js" defer' in page.get_data(as_text=True)
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "ws://127.0.0.1:5111" in csp
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/nope").status_code == 404


def test_endpoints_for_the_scaled_out_topology(tmp_path) -> None:
    import yaml

    from bot.services import write_endpoints

    settings = Settings.from_env(
        {
            "FOERDERLOTSE_VAR": str(tmp_path),
            "TRACKER_STORE_URL": "postgresql://fl:geheim@db.internal:5433/foerderlotse",
            "LOCK_STORE_URL": "redis://:pw@redis.internal:6380/2",
            "ACTIONS_URL": "http://entry:8081/actions/",
        }
    )
    path = write_endpoints(settings)
    assert yaml.safe_load(path.read_text()) == {
        "action_endpoint": {
            "url": "http://entry:8081/actions/webhook",
            "enable_selective_domain": True,
        },
        "tracker_store": {
            "type": "bot.tracker_store.ErasingSQLTrackerStore",
            "dialect": "postgresql",
            "db": "foerderlotse",
            "url": "db.internal",
            "port": 5433,
            "username": "fl",
            "password": "geheim",
        },
        "lock_store": {
            "type": "bot.lock_store.AtomicRedisLockStore",
            "url": "redis.internal",
            "port": 6380,
            "db": 2,
            "password": "pw",
            "use_ssl": False,
            "key_prefix": "foerderlotse",
        },
    }
    assert path.stat().st_mode & 0o777 == 0o600
    assert "geheim" not in repr(settings)


def test_the_embedded_default_stays_sqlite_and_in_memory(tmp_path) -> None:
    import yaml

    from bot.services import write_endpoints

    settings = Settings.from_env({"FOERDERLOTSE_VAR": str(tmp_path)})
    endpoints = yaml.safe_load(write_endpoints(settings).read_text())
    assert endpoints["tracker_store"] == {
        "type": "bot.tracker_store.ErasingSQLTrackerStore",
        "dialect": "sqlite",
        "db": str(tmp_path / "tracker.db"),
    }
    assert "lock_store" not in endpoints
    assert endpoints["action_endpoint"] == {
        "url": "http://127.0.0.1:5055/webhook",
        "enable_selective_domain": True,
    }


def test_a_lock_store_url_must_be_redis() -> None:
    with pytest.raises(ValueError, match="LOCK_STORE_URL must be a redis:// URL"):
        Settings.from_env({"LOCK_STORE_URL": "memcached://x:1"})


def test_a_token_that_looks_like_an_option_reaches_rasa_whole(tmp_path) -> None:
    from pathlib import Path

    from bot.services import build_services

    settings = dataclasses.replace(Settings.from_env({}), rasa_token="-starts-with-a-dash")
    (rasa,) = [s for s in build_services(settings, Path("m.tar.gz")) if s.name == "rasa"]
    assert "--auth-token=-starts-with-a-dash" in rasa.cmd
