"""Who viewed, exported, annotated or deleted which conversation (visible to admins)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.console.db import Database


@dataclass(frozen=True)
class AuditEntry:
    ts: float
    advisor: str
    action: str
    conversation: str | None
    detail: str | None


class AuditLog:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock

    def record(
        self, advisor: str, action: str, conversation: str | None = None, detail: str | None = None
    ) -> None:
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO audit (ts, advisor, action, conversation, detail) VALUES (?, ?, ?, ?, ?)",
                (self.clock(), advisor, action, conversation, detail),
            )

    def entries(self, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        rows = self.db.query(
            "SELECT ts, advisor, action, conversation, detail FROM audit ORDER BY id DESC"
            " LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [
            AuditEntry(r["ts"], r["advisor"], r["action"], r["conversation"], r["detail"])
            for r in rows
        ]
