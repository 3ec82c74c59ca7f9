"""Retention: conversations older than the retention period (default 90 days, ``RETENTION_DAYS``)
are deleted from every store. Run by the launcher every 6 hours and by
``python -m bot.privacy retention``.

- tracker store: every event of a conversation whose last event is older than the cut-off;
- transcript store (console): those conversations with their tags, notes and corrections;
- Telegram chat directory: chat ids kept longer than the period;
- demand store: entries keep their aggregate fields (topic, region, time frame, people), the
  e-mail address and the channel are removed.
The audit log is kept: it holds pseudonyms and advisors' actions, not message content.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from actions.demand import DemandStore
from bot.console.db import Database
from bot.console.transcripts import TranscriptStore
from bot.settings import Settings
from bot.sqldb import is_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionReport:
    conversations: int
    events: int
    transcripts: int
    chats: int
    demand_entries: int


def purge(settings: Settings, days: int, now: float | None = None) -> RetentionReport:
    now = time.time() if now is None else now
    cutoff = now - days * 86400
    old: list[str] = []
    events = 0
    if settings.tracker_store_url or settings.tracker_db.exists():
        engine = sa.create_engine(settings.tracker_url)
        with engine.begin() as conn:
            try:
                old = [
                    r[0]
                    for r in conn.execute(
                        sa.text(
                            "SELECT sender_id FROM events GROUP BY sender_id"
                            " HAVING MAX(timestamp) < :cutoff"
                        ),
                        {"cutoff": cutoff},
                    )
                ]
            except (sa.exc.OperationalError, sa.exc.ProgrammingError):
                old = []  # no events table yet
            for sender in old:
                events += conn.execute(
                    sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender}
                ).rowcount
        engine.dispose()

    transcripts = 0
    if settings.database_url or settings.console_db.exists():
        store = TranscriptStore(Database(settings.console_database), settings.tracker_url)
        stale = {
            r["sender"]
            for r in store.db.query("SELECT sender FROM conversations WHERE last_ts < ?", (cutoff,))
        } | set(old)
        for sender in stale:
            if store.get(sender) is not None:
                transcripts += 1
            store.delete(sender)

    chats = 0
    chat_db = settings.var_dir / "telegram-chats.db"
    if chat_db.exists():
        with sqlite3.connect(chat_db) as conn:
            chats = conn.execute("DELETE FROM chats WHERE since < ?", (cutoff,)).rowcount

    demand = _strip_demand(settings.demand_database, cutoff)
    report = RetentionReport(len(old), events, transcripts, chats, demand)
    logger.info("retention (%d days): %s", days, report)
    return report


def _strip_demand(target: Path | str, cutoff: float) -> int:
    if not is_url(target) and not Path(target).exists():
        return 0
    limit = dt.datetime.fromtimestamp(cutoff, dt.timezone.utc).isoformat(timespec="seconds")
    with DemandStore(target).db.tx() as conn:
        return int(
            conn.execute(
                "UPDATE training_needs SET email = NULL, channel = NULL"
                " WHERE created_at < ? AND (email IS NOT NULL OR channel IS NOT NULL)",
                (limit,),
            ).rowcount
        )
