"""One small SQL layer for the project's own data (the console's accounts, audit log,
transcripts and annotations; the training needs): a SQLite file for the embedded default,
PostgreSQL when scaled out (``DATABASE_URL``), so that several web servers and action servers
share them.

The SQL is written once, in SQLite's dialect with ``?`` parameters; for PostgreSQL the few
differences are translated: parameters, ``INSERT OR IGNORE``, the two-argument ``MAX``, dates
from Unix time, case-insensitive ``LIKE``, and the column types of the schema. One connection
per process, shared by the server's threads under a lock (the data is small; SQLite allows
one writer anyway).
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Params = Sequence[Any]


@functools.lru_cache(maxsize=512)
def to_postgresql(sql: str) -> str:
    """SQLite-flavoured SQL of this project in PostgreSQL's dialect."""
    out = sql
    if re.match(r"\s*INSERT OR IGNORE INTO", out, re.IGNORECASE):
        out = re.sub(r"INSERT OR IGNORE INTO", "INSERT INTO", out, count=1, flags=re.IGNORECASE)
        out = out.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    out = _scalar_min_max(out)
    out = re.sub(
        r"date\((\w+), 'unixepoch'\)",
        r"to_char(to_timestamp(\1) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        out,
    )
    out = re.sub(r"\bLIKE\b", "ILIKE", out)  # SQLite's LIKE ignores case
    out = re.sub(r"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY", out)
    out = re.sub(r"\bINTEGER PRIMARY KEY\b", "BIGINT PRIMARY KEY", out)
    out = re.sub(r"\bREAL\b", "DOUBLE PRECISION", out)
    return out.replace("?", "%s")


def _scalar_min_max(sql: str) -> str:
    """SQLite's ``MIN(a, b)`` / ``MAX(a, b)`` (more than one argument) are PostgreSQL's
    ``LEAST`` / ``GREATEST``; the one-argument aggregates stay."""
    out, i = [], 0
    for m in re.finditer(r"\b(MIN|MAX)\(", sql, re.IGNORECASE):
        depth, j, comma = 1, m.end(), False
        while j < len(sql) and depth:
            depth += {"(": 1, ")": -1}.get(sql[j], 0)
            comma = comma or (sql[j] == "," and depth == 1)
            j += 1
        if comma:
            out.append(sql[i : m.start()])
            out.append("LEAST(" if m.group(1).upper() == "MIN" else "GREATEST(")
            i = m.end()
    out.append(sql[i:])
    return "".join(out)


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class _PgConnection:
    """The part of ``sqlite3.Connection`` the stores use, on a psycopg2 connection."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> Any:
        import psycopg2.extras

        cur = self.conn.cursor(cursor_factory=psycopg2.extras.DictCursor)
        cur.execute(to_postgresql(sql), tuple(params))
        return cur


class SqlDatabase:
    """A SQLite file (a ``Path``) or a PostgreSQL database (a ``postgresql://`` URL)."""

    def __init__(self, target: Path | str, schema: str = "") -> None:
        self._lock = threading.RLock()
        self.target = target
        self.dialect = "postgresql" if is_url(target) else "sqlite"
        self._schema = schema
        self._connect()

    def _connect(self) -> None:
        if self.dialect == "postgresql":
            import psycopg2

            self._pg = psycopg2.connect(str(self.target))
            self._pg.autocommit = False
            if self._schema:
                with self.tx() as c:
                    for statement in filter(str.strip, self._schema.split(";")):
                        c.execute(statement)
            return
        path = Path(self.target)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        if self._schema:
            self._conn.executescript(self._schema)

    @contextmanager
    def tx(self) -> Iterator[Any]:
        """One transaction; yields something with ``execute(sql, params)``."""
        with self._lock:
            if self.dialect == "postgresql":
                self._reconnect_if_closed()
                try:
                    yield _PgConnection(self._pg)
                except BaseException:
                    self._pg.rollback()
                    raise
                self._pg.commit()
                return
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: Params = ()) -> list[Any]:
        with self._lock:
            if self.dialect == "postgresql":
                with self.tx() as c:
                    return list(c.execute(sql, params).fetchall())
            return list(self._conn.execute(sql, params).fetchall())

    def _reconnect_if_closed(self) -> None:
        if self._pg.closed:
            self._connect()
