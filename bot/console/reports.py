"""Figures for the dashboard, the gaps report (ANeTT "Lücken finden") and the demand board
(FastForward). Read-only queries over the transcript store and the demand store."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions.demand import DemandStore
from bot.console.db import Database
from bot.console.transcripts import FALLBACK_INTENTS
from bot.sqldb import is_url

LOW_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Dashboard:
    days: list[tuple[str, int, int]]  # (YYYY-MM-DD, user messages, conversations)
    top_intents: list[tuple[str, int]]
    conversations: int
    fallback_rate: float
    handoff_rate: float
    feedback_up: int
    feedback_down: int


def dashboard(db: Database, days: int = 30, now: float | None = None) -> Dashboard:
    since = (now or time.time()) - days * 86400
    per_day = db.query(
        "SELECT date(ts, 'unixepoch') AS day, COUNT(*) AS messages, COUNT(DISTINCT sender) AS convs"
        " FROM messages WHERE kind = 'user' AND ts >= ? GROUP BY day ORDER BY day",
        (since,),
    )
    intents = db.query(
        "SELECT intent, COUNT(*) AS n FROM messages WHERE kind = 'user' AND ts >= ?"
        " AND intent IS NOT NULL GROUP BY intent ORDER BY n DESC, intent LIMIT 10",
        (since,),
    )
    totals = db.query(
        "SELECT COUNT(*) AS n, SUM(fallback) AS fb, SUM(handoff) AS ho,"
        " SUM(positive_feedback) AS up, SUM(negative_feedback) AS down"
        " FROM conversations WHERE last_ts >= ?",
        (since,),
    )[0]
    n = int(totals["n"] or 0)
    return Dashboard(
        days=[(r["day"], int(r["messages"]), int(r["convs"])) for r in per_day],
        top_intents=[(r["intent"], int(r["n"])) for r in intents],
        conversations=n,
        fallback_rate=(totals["fb"] or 0) / n if n else 0.0,
        handoff_rate=(totals["ho"] or 0) / n if n else 0.0,
        feedback_up=int(totals["up"] or 0),
        feedback_down=int(totals["down"] or 0),
    )


@dataclass(frozen=True)
class Gap:
    topic: str
    region: str
    count: int
    examples: list[str]


def gaps(db: Database, limit_examples: int = 3) -> list[Gap]:
    """Questions the bot could not answer or answered with low confidence, by topic (the
    predicted intent) and region (the district the conversation named)."""
    marks = ",".join("?" for _ in FALLBACK_INTENTS)
    rows = db.query(
        "SELECT m.text, m.intent, COALESCE(c.landkreis, '') AS region FROM messages m"
        " JOIN conversations c ON c.sender = m.sender WHERE m.kind = 'user'"
        f" AND (m.intent IN ({marks}) OR m.confidence < ?) ORDER BY m.id DESC",
        [*sorted(FALLBACK_INTENTS), LOW_CONFIDENCE],
    )
    groups: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        groups.setdefault((r["intent"] or "unbekannt", r["region"] or "ohne Region"), []).append(
            r["text"] or ""
        )
    return sorted(
        (Gap(t, reg, len(texts), texts[:limit_examples]) for (t, reg), texts in groups.items()),
        key=lambda g: (-g.count, g.topic, g.region),
    )


@dataclass(frozen=True)
class DemandRow:
    topic: str
    region: str
    timeframe: str
    needs: int
    people: int


def demand(target: Path | str) -> list[DemandRow]:
    """Training needs captured by the bot, aggregated by topic x region x time frame."""
    if not is_url(target) and not Path(target).exists():
        return []
    rows = DemandStore(target).db.query(
        "SELECT topic, COALESCE(region, landkreis, ''), COALESCE(timeframe, ''), people"
        " FROM training_needs"
    )
    counts: Counter[tuple[str, str, str]] = Counter()
    people: Counter[tuple[str, str, str]] = Counter()
    for topic, region, timeframe, n in rows:
        key = (str(topic), str(region) or "ohne Region", str(timeframe) or "offen")
        counts[key] += 1
        people[key] += int(n or 0)
    return [
        DemandRow(t, r, f, counts[(t, r, f)], people[(t, r, f)])
        for (t, r, f) in sorted(counts, key=lambda k: (-counts[k], k))
    ]


def bars(values: list[tuple[str, int]], width: int = 600, height: int = 180) -> dict[str, Any]:
    """Geometry for a vertical bar chart drawn as SVG by the template."""
    top = max((v for _, v in values), default=0) or 1
    slot = width / max(len(values), 1)
    return {
        "width": width,
        "height": height,
        "max": top,
        "bars": [
            {
                "label": label,
                "value": value,
                "x": round(i * slot + slot * 0.15, 1),
                "w": round(slot * 0.7, 1),
                "h": round((height - 45) * value / top, 1),  # room for the labels
            }
            for i, (label, value) in enumerate(values)
        ],
    }
