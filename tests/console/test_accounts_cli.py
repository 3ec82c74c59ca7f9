"""Accounts: argon2 hashes, roles, the CLI (no default account)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from bot.console.__main__ import main
from bot.console.accounts import AccountError, AccountStore
from bot.console.db import Database


def test_accounts_hash_with_argon2_and_verify(tmp_path: Path) -> None:
    store = AccountStore(Database(tmp_path / "c.db"))
    assert store.all() == []  # no default account
    store.add("anna", "advisor", "ein-gutes-passwort")
    with sqlite3.connect(tmp_path / "c.db") as db:
        stored = db.execute("SELECT pw_hash FROM advisors").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert "ein-gutes-passwort" not in stored
    assert store.verify("anna", "ein-gutes-passwort") is not None
    assert store.verify("anna", "falsch-falsch-falsch") is None
    assert store.verify("niemand", "ein-gutes-passwort") is None
    with pytest.raises(AccountError, match="at least 12"):
        store.add("bernd", "advisor", "kurz")
    with pytest.raises(AccountError, match="exists already"):
        store.add("anna", "admin", "noch-ein-passwort")
    with pytest.raises(AccountError, match="role"):
        store.add("carla", "root", "noch-ein-passwort")
    store.set_active("anna", False)
    assert store.verify("anna", "ein-gutes-passwort") is None


def test_cli_adds_lists_and_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOERDERLOTSE_VAR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("mein-langes-passwort\n"))
    assert main(["advisors", "add", "Anna Berg", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("kurz\n"))
    assert main(["advisors", "add", "Bernd", "--password-stdin"]) == 2
    assert main(["advisors", "list"]) == 0
    out = capsys.readouterr()
    assert "account 'Anna Berg' (admin) created" in out.out
    assert "Anna Berg\tadmin\tactive" in out.out
    assert "error: the password needs at least 12 characters" in out.err
    store = AccountStore(Database(tmp_path / "console.db"))
    assert store.verify("Anna Berg", "mein-langes-passwort") is not None
