"""Store of training needs reported through the bot (the FastForward demand board)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS training_needs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    topic TEXT NOT NULL,
    people INTEGER,
    landkreis TEXT,
    region TEXT,
    timeframe TEXT,
    email TEXT,
    channel TEXT
)
"""


@dataclass(frozen=True)
class TrainingNeed:
    topic: str
    people: int | None
    landkreis: str | None
    region: str | None
    timeframe: str | None
    email: str | None  # only with the user's consent (they typed it after the notice)
    channel: str | None = None


class DemandStore:
    def __init__(self, path: Path, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.path = path
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, need: TrainingNeed) -> int:
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO training_needs (created_at, topic, people, landkreis, region, timeframe, email, channel)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.clock().isoformat(timespec="seconds"),
                    need.topic,
                    need.people,
                    need.landkreis,
                    need.region,
                    need.timeframe,
                    need.email,
                    need.channel,
                ),
            )
            return int(cur.lastrowid or 0)

    def all(self) -> list[dict[str, object]]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM training_needs ORDER BY id")]
