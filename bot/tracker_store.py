"""Rasa's SQL tracker store, plus erasure on request and redaction of personal data.

When an action sets the slot ``erase_requested`` (the user confirmed "delete my data"),
``save`` deletes every stored event of that sender instead of appending: the next message
starts a fresh conversation. Works for SQLite (embedded default) and PostgreSQL alike.

A database that is unavailable for a moment (a PostgreSQL restart or fail-over, a locked
SQLite file) does not lose the message: reading and saving a tracker are tried again for
about 15 seconds. A failed save is rolled back, and the retry stores exactly the events that
are not stored yet, so nothing is written twice.

Faster than Rasa's own: SQLite keeps its connection open, with a write-ahead log; a save
writes its events in one statement; and the number of events already stored is remembered
from the tracker's own retrieval instead of counted again (it cannot change in between: the
conversation is locked while a message is handled, across instances with the Redis lock
store; any other tracker object is counted as Rasa does).

The tracker saved last is kept for the next message of the same conversation (up to
``kept_trackers`` of them): a retrieval first asks the database for the conversation's event
count and highest event id, and only when both still match what this store wrote, and the
object has no events that were not saved, is the kept object returned instead of reading and
replaying every event again. Another instance's write, an erasure or the retention job
changes the count or the id, so the database stays the truth.
"""

from __future__ import annotations

import itertools
import json
import logging
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy import orm as sa_orm
from sqlalchemy.orm import Session
from sqlalchemy.pool import SingletonThreadPool

from bot.privacy.redaction import redact
from bot.retry import retry_async

logger = logging.getLogger(__name__)
T = TypeVar("T")

ERASE_SLOT = "erase_requested"
RETRY_DELAYS = (0.1, 0.3, 0.6, 1.0, 2.0, 3.0, 4.0, 4.0)  # about 15 s in all


def transient(exc: BaseException) -> bool:
    """Faults that go away by themselves: lost or refused connections, a locked database."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError)


def redact_user_event(event: Event) -> bool:
    """Mask personal data in what the user wrote (Rasa has understood the message by the time
    it is stored; the raw text is not needed any more). True when something was masked."""
    if not isinstance(event, UserUttered) or not event.text:
        return False
    clean = redact(event.text)
    if clean == event.text:
        return False
    event.text = clean
    if isinstance(event.parse_data, dict) and "text" in event.parse_data:
        event.parse_data["text"] = clean
    return True


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Write-ahead log, synced at checkpoints: a commit no longer waits for the disk (one
    fsync per message before), readers do not block the writer; a crash of the process loses
    nothing, a power cut at most the last moments."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


Fingerprint = tuple[int, Any]  # (event count, highest event id) of one conversation
_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
_ROWS_PER_INSERT = 100  # 600 parameters a statement: well within SQLite's and PostgreSQL's limits


class ErasingSQLTrackerStore(SQLTrackerStore):
    retry_delays: tuple[float, ...] = RETRY_DELAYS
    kept_trackers = 500  # about 100 KB each
    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # sender -> (the tracker object last read or written, events of its session stored)
        self._stored: OrderedDict[str, tuple[weakref.ref[DialogueStateTracker], int]] = (
            OrderedDict()
        )
        # sender -> (the tracker saved last, its number of events, the database's fingerprint)
        self._kept: OrderedDict[str, tuple[DialogueStateTracker, int, Fingerprint]] = OrderedDict()
        engine: sa.engine.Engine = self.engine
        if engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool);
            # Rasa uses the store from its one event-loop thread: keep that thread's open
            engine.dispose()
            self.engine = sa.create_engine(engine.url, poolclass=SingletonThreadPool)
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa_orm.sessionmaker(bind=self.engine)
        # the driver's positional placeholder: SQLite ``?``, psycopg2 and MySQL ``%s``
        self._mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"

    async def _retrying(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        return await retry_async(
            operation, transient=transient, delays=self.retry_delays, what=what
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT):
            deleted = await self._retrying(lambda: self.erase(tracker.sender_id), "erasure")
            logger.info("erased a conversation on request (%d events)", deleted)
            return
        await self._retrying(lambda: self._save(tracker), "save")
        self._remember(tracker)

    async def _save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``SQLTrackerStore.save`` with one INSERT for all new events."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = []
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                self._insert(session, rows)
            # in the same transaction: if anything fails, nothing is stored and nothing kept
            fingerprint = self._fingerprint(session, tracker.sender_id)
            session.commit()
        self._keep(tracker, fingerprint)

    def _fingerprint(self, session: Session, sender_id: str) -> Fingerprint:
        # the driver's own SQL: the ORM select took 110 µs a message, this 45 µs
        table = self.SQLEvent.__table__.name
        query = f"SELECT count(id), max(id) FROM {table} WHERE sender_id = {self._mark}"
        count, highest = session.connection().exec_driver_sql(query, (sender_id,)).one()
        return int(count), highest

    def _insert(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """All new events in one multi-row INSERT in the driver's own SQL."""
        table = self.SQLEvent.__table__.name
        row = "(" + ", ".join([self._mark] * len(_COLUMNS)) + ")"
        connection = session.connection()
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            query = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES " + ", ".join(
                [row] * len(chunk)
            )
            connection.exec_driver_sql(query, tuple(r[c] for r in chunk for c in _COLUMNS))

    def _keep(self, tracker: DialogueStateTracker, fingerprint: Fingerprint) -> None:
        sessions = sum(isinstance(e, SessionStarted) for e in tracker.events)
        if sessions > 1:  # a new session began: Rasa reads back only the last one
            self._kept.pop(tracker.sender_id, None)
            return
        self._kept[tracker.sender_id] = (tracker, len(tracker.events), fingerprint)
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > self.kept_trackers:
            self._kept.popitem(last=False)

    async def _retrieve_kept(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept.pop(sender_id, None)
        with self.session_scope() as session:
            fingerprint = self._fingerprint(session, sender_id)
        if fingerprint[0] == 0:
            return None  # a new conversation: no need for Rasa's query of its last session
        if kept is not None:
            tracker, events, known = kept
            if len(tracker.events) == events and fingerprint == known:
                return tracker
        return await super().retrieve(sender_id)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = await self._retrying(lambda: self._retrieve_kept(sender_id), "retrieve")
        if tracker is None:
            self._stored.pop(sender_id, None)
        else:
            self._remember(tracker)
        return tracker

    def _remember(self, tracker: DialogueStateTracker) -> None:
        self._stored[tracker.sender_id] = (weakref.ref(tracker), len(tracker.events))
        self._stored.move_to_end(tracker.sender_id)
        while len(self._stored) > 10_000:
            self._stored.popitem(last=False)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._retrying(
            lambda: super(ErasingSQLTrackerStore, self).retrieve_full_tracker(conversation_id),
            "retrieve",
        )

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """The events about to be written (only the new ones), with user texts masked."""
        known = self._stored.get(tracker.sender_id)
        stored = known[1] if known is not None and known[0]() is tracker else None
        if stored is None and self._fingerprint(session, tracker.sender_id)[0] == 0:
            stored = 0  # nothing stored yet (a new conversation): Rasa would count its session
        if stored is not None:
            new: Iterable[Event] = itertools.islice(tracker.events, stored, None)
        else:
            new = super()._additional_events(session, tracker)
        for item in new:
            redact_user_event(item)
            yield item

    async def erase(self, sender_id: str) -> int:
        self._stored.pop(sender_id, None)
        self._kept.pop(sender_id, None)
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        return int(deleted)
