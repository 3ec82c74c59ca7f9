"""The console's own SQLite database (accounts, audit log, transcripts, annotations)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS advisors (
    name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('advisor', 'admin')),
    pw_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, advisor TEXT NOT NULL,
    action TEXT NOT NULL, conversation TEXT, detail TEXT);
CREATE TABLE IF NOT EXISTS conversations (
    sender TEXT PRIMARY KEY, channel TEXT NOT NULL, first_ts REAL NOT NULL, last_ts REAL NOT NULL,
    user_messages INTEGER NOT NULL DEFAULT 0, min_confidence REAL,
    fallback INTEGER NOT NULL DEFAULT 0, handoff INTEGER NOT NULL DEFAULT 0,
    negative_feedback INTEGER NOT NULL DEFAULT 0, positive_feedback INTEGER NOT NULL DEFAULT 0,
    reviewed INTEGER NOT NULL DEFAULT 0, handoff_ts REAL, landkreis TEXT);
CREATE TABLE IF NOT EXISTS handoffs (
    sender TEXT PRIMARY KEY, state TEXT NOT NULL CHECK (state IN ('active', 'closed')),
    advisor TEXT NOT NULL, since REAL NOT NULL);
CREATE TABLE IF NOT EXISTS corrections (
    message_id INTEGER PRIMARY KEY, sender TEXT NOT NULL, text TEXT NOT NULL,
    intent TEXT NOT NULL, entities TEXT NOT NULL, advisor TEXT NOT NULL, ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, sender TEXT NOT NULL, ts REAL NOT NULL, kind TEXT NOT NULL,
    text TEXT, intent TEXT, confidence REAL, entities TEXT, name TEXT, data TEXT);
CREATE INDEX IF NOT EXISTS messages_sender ON messages (sender, id);
CREATE INDEX IF NOT EXISTS messages_intent ON messages (intent);
CREATE TABLE IF NOT EXISTS tags (sender TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (sender, tag));
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sender TEXT NOT NULL, ts REAL NOT NULL,
    advisor TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS saved_views (
    advisor TEXT NOT NULL, name TEXT NOT NULL, query TEXT NOT NULL, PRIMARY KEY (advisor, name));
CREATE TABLE IF NOT EXISTS ingest_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Database:
    """One SQLite file shared by the console's stores; safe across the server's threads."""

    def __init__(self, path: Path | str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)
        self._lock = threading.RLock()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())
