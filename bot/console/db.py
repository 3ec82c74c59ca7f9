"""The console's own database (accounts, audit log, transcripts, annotations)."""

from __future__ import annotations

from pathlib import Path

from bot.sqldb import SqlDatabase

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


class Database(SqlDatabase):
    """The console's stores: a SQLite file, or PostgreSQL when ``DATABASE_URL`` is set."""

    def __init__(self, target: Path | str) -> None:
        super().__init__(target, SCHEMA)
