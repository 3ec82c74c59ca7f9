"""The transcript store: conversations as the advisors see them, fed from Rasa's tracker store.

``ingest`` reads the tracker store's ``events`` table incrementally (by its id) and keeps, per
message, time, channel, pseudonymous sender, text, intent with confidence and entities, bot
responses and actions, slots and feedback, plus per conversation the flags the list filters
on. Conversations erased in the tracker store (``/loeschen``, "Verlauf löschen") disappear here
on the next ingest. Tags, notes and the reviewed flag belong to the console.

Reading the tracker store (rather than an event broker) keeps the embedded default to one
process and one database; the same SQL works on PostgreSQL (scale-out).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from bot.console.db import Database
from bot.console.improve import Correction
from bot.privacy.redaction import redact

FALLBACK_ACTIONS = {"action_default_fallback", "action_disambiguate", "action_search_knowledge"}
FALLBACK_INTENTS = {"nlu_fallback", "out_of_scope"}
PAGE = 25


def _channel(data: dict[str, Any]) -> str:
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    channel = (metadata or {}).get("channel") or data.get("input_channel") or "rest"
    return str(channel)


@dataclass
class Filters:
    """What the list shows; every field maps to a URL query parameter."""

    date_from: str = ""  # YYYY-MM-DD
    date_to: str = ""
    channel: str = ""
    intent: str = ""
    min_conf: float | None = None
    max_conf: float | None = None
    fallback: bool = False
    handoff: bool = False
    negative: bool = False
    reviewed: str = ""  # "", "yes", "no"
    tag: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        def num(name: str) -> float | None:
            try:
                value = float(args.get(name, ""))
            except ValueError:
                return None
            return min(max(value, 0.0), 1.0)

        def day(name: str) -> str:
            raw = str(args.get(name, ""))[:10]
            try:
                time.strptime(raw, "%Y-%m-%d")
            except ValueError:
                return ""
            return raw

        try:
            page = max(1, min(int(args.get("page", 1)), 10_000))
        except ValueError:
            page = 1
        return cls(
            date_from=day("from"),
            date_to=day("to"),
            channel=str(args.get("channel", ""))[:40],
            intent=str(args.get("intent", ""))[:80],
            min_conf=num("min_conf"),
            max_conf=num("max_conf"),
            fallback=args.get("fallback") == "1",
            handoff=args.get("handoff") == "1",
            negative=args.get("negative") == "1",
            reviewed=args.get("reviewed") if args.get("reviewed") in ("yes", "no") else "",
            tag=str(args.get("tag", ""))[:40],
            q=str(args.get("q", ""))[:200],
            page=page,
        )

    def as_args(self, **override: Any) -> dict[str, str]:
        values = {
            "from": self.date_from,
            "to": self.date_to,
            "channel": self.channel,
            "intent": self.intent,
            "min_conf": "" if self.min_conf is None else f"{self.min_conf:g}",
            "max_conf": "" if self.max_conf is None else f"{self.max_conf:g}",
            "fallback": "1" if self.fallback else "",
            "handoff": "1" if self.handoff else "",
            "negative": "1" if self.negative else "",
            "reviewed": self.reviewed,
            "tag": self.tag,
            "q": self.q,
            "page": str(self.page) if self.page > 1 else "",
        }
        values.update({k: str(v) for k, v in override.items()})
        return {k: v for k, v in values.items() if v}


@dataclass
class Conversation:
    sender: str
    channel: str
    first_ts: float
    last_ts: float
    user_messages: int
    min_confidence: float | None
    fallback: bool
    handoff: bool
    negative_feedback: bool
    positive_feedback: bool
    reviewed: bool
    tags: list[str] = field(default_factory=list)


def _day_start(day: str) -> float:
    return time.mktime(time.strptime(day, "%Y-%m-%d"))


class TranscriptStore:
    def __init__(
        self, db: Database, tracker_url: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.db = db
        self.tracker_url = tracker_url
        self._engine: sa.engine.Engine | None = None
        self.clock = clock

    # -- ingestion --------------------------------------------------------------------------
    @property
    def engine(self) -> sa.engine.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.tracker_url)
        return self._engine

    def ingest(self) -> int:
        """Take new events from the tracker store; drop conversations erased there."""
        last = self.db.query("SELECT value FROM ingest_state WHERE key = 'last_event_id'")
        last_id = int(last[0]["value"]) if last else 0
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.text(
                        "SELECT id, sender_id, type_name, timestamp, data FROM events"
                        " WHERE id > :last ORDER BY id LIMIT 20000"
                    ),
                    {"last": last_id},
                ).fetchall()
                senders = {
                    r[0] for r in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events"))
                }
        except sa.exc.OperationalError:
            return 0  # no tracker store yet (nothing was said)
        with self.db.tx() as db:
            for row in rows:
                self._add(db, int(row[0]), str(row[1]), str(row[2]), float(row[3]), row[4])
                last_id = int(row[0])
            db.execute(
                "INSERT INTO ingest_state (key, value) VALUES ('last_event_id', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (last_id,),
            )
            known = {r[0] for r in db.execute("SELECT sender FROM conversations")}
            for gone in known - senders:
                self._delete(db, gone)
        return len(rows)

    def _add(self, db: Any, event_id: int, sender: str, kind: str, ts: float, raw: str) -> None:
        try:
            data = json.loads(raw or "{}")
        except json.JSONDecodeError:
            return
        db.execute(
            "INSERT OR IGNORE INTO conversations (sender, channel, first_ts, last_ts)"
            " VALUES (?, 'rest', ?, ?)",
            (sender, ts, ts),
        )
        db.execute(
            "UPDATE conversations SET last_ts = MAX(last_ts, ?) WHERE sender = ?", (ts, sender)
        )
        if kind == "user":
            parse = data.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            confidence = (parse.get("intent") or {}).get("confidence")
            entities = [
                {"entity": e.get("entity"), "value": e.get("value")}
                for e in parse.get("entities") or []
                if isinstance(e, dict)
            ]
            db.execute(
                "INSERT INTO messages (id, sender, ts, kind, text, intent, confidence, entities, data)"
                " VALUES (?, ?, ?, 'user', ?, ?, ?, ?, ?)",
                (event_id, sender, ts, redact(str(data.get("text") or "")), intent, confidence,
                 json.dumps(entities),
                 json.dumps({"metadata": data.get("metadata") or {}})),
            )  # fmt: skip
            db.execute(
                "UPDATE conversations SET user_messages = user_messages + 1,"
                " channel = CASE WHEN user_messages = 0 THEN ? ELSE channel END,"
                " min_confidence = MIN(COALESCE(min_confidence, 1.0), COALESCE(?, 1.0)),"
                " fallback = MAX(fallback, ?) WHERE sender = ?",
                (_channel(data), confidence, int(intent in FALLBACK_INTENTS), sender),
            )
        elif kind == "bot":
            payload = data.get("data") or {}
            custom = payload.get("custom") if isinstance(payload, dict) else None
            advisor = custom.get("advisor") if isinstance(custom, dict) else None
            if isinstance(custom, dict) and not advisor:
                return  # control payloads are not messages
            text = advisor.get("text") if isinstance(advisor, dict) else data.get("text")
            db.execute(
                "INSERT INTO messages (id, sender, ts, kind, text, data) VALUES (?, ?, ?, ?, ?, ?)",
                (event_id, sender, ts, "advisor" if advisor else "bot", text, json.dumps(payload)),
            )
        elif kind == "action":
            name = data.get("name")
            if name and name != "action_listen":
                db.execute(
                    "INSERT INTO messages (id, sender, ts, kind, name) VALUES (?, ?, ?, 'action', ?)",
                    (event_id, sender, ts, name),
                )
                if name in FALLBACK_ACTIONS:
                    db.execute("UPDATE conversations SET fallback = 1 WHERE sender = ?", (sender,))
        elif kind == "slot":
            name, value = data.get("name"), data.get("value")
            if name in ("requested_slot", "session_started_metadata") or value is None:
                return
            db.execute(
                "INSERT INTO messages (id, sender, ts, kind, name, data) VALUES (?, ?, ?, 'slot', ?, ?)",
                (event_id, sender, ts, name, json.dumps(value)),
            )
            if name == "handoff_requested" and value:
                db.execute(
                    "UPDATE conversations SET handoff = 1, handoff_ts = ? WHERE sender = ?",
                    (ts, sender),
                )
            if name == "landkreis" and isinstance(value, str):
                db.execute(
                    "UPDATE conversations SET landkreis = ? WHERE sender = ?", (value, sender)
                )
            if name == "feedback" and isinstance(value, dict):
                column = (
                    "negative_feedback" if value.get("rating") == "down" else "positive_feedback"
                )
                db.execute(f"UPDATE conversations SET {column} = 1 WHERE sender = ?", (sender,))

    @staticmethod
    def _delete(db: Any, sender: str) -> None:
        for table in ("messages", "tags", "notes", "handoffs", "corrections", "conversations"):
            db.execute(f"DELETE FROM {table} WHERE sender = ?", (sender,))

    def delete(self, sender: str) -> None:
        with self.db.tx() as db:
            self._delete(db, sender)

    # -- queries ----------------------------------------------------------------------------
    def _where(self, f: Filters) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1=1"]
        params: list[Any] = []
        if f.date_from:
            clauses.append("c.last_ts >= ?")
            params.append(_day_start(f.date_from))
        if f.date_to:
            clauses.append("c.first_ts < ?")
            params.append(_day_start(f.date_to) + 86400)
        if f.channel:
            clauses.append("c.channel = ?")
            params.append(f.channel)
        if f.intent:
            clauses.append(
                "EXISTS (SELECT 1 FROM messages m WHERE m.sender = c.sender AND m.intent = ?)"
            )
            params.append(f.intent)
        if f.min_conf is not None:
            clauses.append("c.min_confidence >= ?")
            params.append(f.min_conf)
        if f.max_conf is not None:
            clauses.append("c.min_confidence <= ?")
            params.append(f.max_conf)
        for flag, column in (
            (f.fallback, "fallback"),
            (f.handoff, "handoff"),
            (f.negative, "negative_feedback"),
        ):
            if flag:
                clauses.append(f"c.{column} = 1")
        if f.reviewed:
            clauses.append("c.reviewed = ?")
            params.append(1 if f.reviewed == "yes" else 0)
        if f.tag:
            clauses.append("EXISTS (SELECT 1 FROM tags t WHERE t.sender = c.sender AND t.tag = ?)")
            params.append(f.tag)
        if f.q:
            clauses.append(
                "EXISTS (SELECT 1 FROM messages m WHERE m.sender = c.sender AND m.text LIKE ? ESCAPE '\\')"
            )
            escaped = f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        return " AND ".join(clauses), params

    def search(self, f: Filters, page_size: int = PAGE) -> tuple[list[Conversation], int]:
        where, params = self._where(f)
        total = self.db.query(f"SELECT COUNT(*) AS n FROM conversations c WHERE {where}", params)[
            0
        ]["n"]
        rows = self.db.query(
            f"SELECT c.* FROM conversations c WHERE {where} ORDER BY c.last_ts DESC LIMIT ? OFFSET ?",
            [*params, page_size, (f.page - 1) * page_size],
        )
        return [self._conversation(r) for r in rows], int(total)

    def all_matching(self, f: Filters) -> list[Conversation]:
        where, params = self._where(f)
        rows = self.db.query(
            f"SELECT c.* FROM conversations c WHERE {where} ORDER BY c.last_ts DESC", params
        )
        return [self._conversation(r) for r in rows]

    def _conversation(self, r: Any) -> Conversation:
        tags = [
            t["tag"]
            for t in self.db.query(
                "SELECT tag FROM tags WHERE sender = ? ORDER BY tag", (r["sender"],)
            )
        ]
        return Conversation(
            r["sender"], r["channel"], r["first_ts"], r["last_ts"], r["user_messages"],
            r["min_confidence"], bool(r["fallback"]), bool(r["handoff"]),
            bool(r["negative_feedback"]), bool(r["positive_feedback"]), bool(r["reviewed"]), tags,
        )  # fmt: skip

    def get(self, sender: str) -> Conversation | None:
        rows = self.db.query("SELECT * FROM conversations WHERE sender = ?", (sender,))
        return self._conversation(rows[0]) if rows else None

    def messages(self, sender: str) -> list[dict[str, Any]]:
        out = []
        for r in self.db.query("SELECT * FROM messages WHERE sender = ? ORDER BY id", (sender,)):
            item = dict(r)
            item["entities"] = json.loads(r["entities"]) if r["entities"] else []
            item["data"] = json.loads(r["data"]) if r["data"] else None
            out.append(item)
        return out

    def notes(self, sender: str) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.db.query("SELECT * FROM notes WHERE sender = ? ORDER BY id", (sender,))
        ]

    def channels(self) -> list[str]:
        return [
            r["channel"]
            for r in self.db.query("SELECT DISTINCT channel FROM conversations ORDER BY channel")
        ]

    def intents(self) -> list[str]:
        return [
            r["intent"]
            for r in self.db.query(
                "SELECT DISTINCT intent FROM messages WHERE intent IS NOT NULL ORDER BY intent"
            )
        ]

    def all_tags(self) -> list[str]:
        return [r["tag"] for r in self.db.query("SELECT DISTINCT tag FROM tags ORDER BY tag")]

    # -- annotations ------------------------------------------------------------------------
    def add_tag(self, sender: str, tag: str) -> None:
        with self.db.tx() as db:
            db.execute("INSERT OR IGNORE INTO tags (sender, tag) VALUES (?, ?)", (sender, tag))

    def remove_tag(self, sender: str, tag: str) -> None:
        with self.db.tx() as db:
            db.execute("DELETE FROM tags WHERE sender = ? AND tag = ?", (sender, tag))

    def add_note(self, sender: str, advisor: str, text: str) -> None:
        with self.db.tx() as db:
            db.execute(
                "INSERT INTO notes (sender, ts, advisor, text) VALUES (?, ?, ?, ?)",
                (sender, self.clock(), advisor, text),
            )

    def set_reviewed(self, sender: str, reviewed: bool) -> None:
        with self.db.tx() as db:
            db.execute(
                "UPDATE conversations SET reviewed = ? WHERE sender = ?", (int(reviewed), sender)
            )

    # -- corrections ------------------------------------------------------------------------
    def message(self, message_id: int) -> dict[str, Any] | None:
        rows = self.db.query("SELECT * FROM messages WHERE id = ?", (message_id,))
        return dict(rows[0]) if rows else None

    def correct(
        self,
        message_id: int,
        sender: str,
        text: str,
        intent: str,
        entities: list[dict[str, str]],
        advisor: str,
    ) -> None:
        with self.db.tx() as db:
            db.execute(
                "INSERT INTO corrections (message_id, sender, text, intent, entities, advisor, ts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(message_id) DO UPDATE SET"
                " intent = excluded.intent, entities = excluded.entities,"
                " advisor = excluded.advisor, ts = excluded.ts",
                (message_id, sender, text, intent, json.dumps(entities), advisor, self.clock()),
            )

    def corrections(self, sender: str | None = None) -> list[Correction]:
        sql = (
            "SELECT * FROM corrections"
            + (" WHERE sender = ?" if sender else "")
            + " ORDER BY message_id"
        )
        return [
            Correction(
                r["message_id"], r["sender"], r["text"], r["intent"], json.loads(r["entities"])
            )
            for r in self.db.query(sql, (sender,) if sender else ())
        ]

    # -- saved filters ----------------------------------------------------------------------
    def save_view(self, advisor: str, name: str, query: str) -> None:
        with self.db.tx() as db:
            db.execute(
                "INSERT INTO saved_views (advisor, name, query) VALUES (?, ?, ?)"
                " ON CONFLICT(advisor, name) DO UPDATE SET query = excluded.query",
                (advisor, name, query),
            )

    def saved_views(self, advisor: str) -> list[tuple[str, str]]:
        rows = self.db.query(
            "SELECT name, query FROM saved_views WHERE advisor = ? ORDER BY name", (advisor,)
        )
        return [(r["name"], r["query"]) for r in rows]
