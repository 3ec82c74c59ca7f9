"""Store of training needs reported through the bot (the FastForward demand board)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.sqldb import SqlDatabase

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
    """A SQLite file (embedded default) or the shared PostgreSQL database (``DATABASE_URL``),
    so that every action server replica writes to the same board."""

    def __init__(self, target: Path | str, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.db = SqlDatabase(target, SCHEMA)
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    def add(self, need: TrainingNeed) -> int:
        with self.db.tx() as db:
            cur = db.execute(
                "INSERT INTO training_needs (created_at, topic, people, landkreis, region, timeframe, email, channel)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
            return int(cur.fetchone()[0])

    def all(self) -> list[dict[str, object]]:
        return [dict(r) for r in self.db.query("SELECT * FROM training_needs ORDER BY id")]
