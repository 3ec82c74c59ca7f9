"""Where an advisor's reply goes: pseudonym -> Telegram chat id, kept only while needed.

Rasa and the transcripts only ever see the pseudonym. The chat id is stored when a user asks
for a human (the only case where a message has to reach them outside of a reply), and it is
deleted when they erase their conversation (``/loeschen``) or when it is older than the
retention period.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ChatAddress:
    chat_id: int
    language: str


class ChatDirectory:
    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS chats ("
            " sender TEXT PRIMARY KEY, chat_id INTEGER NOT NULL,"
            " language TEXT NOT NULL, since REAL NOT NULL)"
        )
        self._lock = threading.Lock()
        self._clock = clock

    def remember(self, sender: str, chat_id: int, language: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO chats (sender, chat_id, language, since) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(sender) DO UPDATE SET chat_id=excluded.chat_id,"
                " language=excluded.language, since=excluded.since",
                (sender, chat_id, language, self._clock()),
            )

    def lookup(self, sender: str) -> ChatAddress | None:
        with self._lock:
            row = self._db.execute(
                "SELECT chat_id, language FROM chats WHERE sender = ?", (sender,)
            ).fetchone()
        return ChatAddress(int(row[0]), str(row[1])) if row else None

    def forget(self, sender: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM chats WHERE sender = ?", (sender,))
        return cursor.rowcount > 0

    def forget_older_than(self, seconds: float) -> int:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM chats WHERE since < ?", (self._clock() - seconds,)
            )
        return cursor.rowcount

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM chats").fetchone()[0])

    def close(self) -> None:
        self._db.close()
