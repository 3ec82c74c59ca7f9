"""Erasure on request in the SQL tracker store (SQLite here; the same SQL for PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ErasingSQLTrackerStore

DOMAIN = Domain.from_dict(
    {
        "slots": {
            "erase_requested": {
                "type": "bool",
                "influence_conversation": False,
                "mappings": [{"type": "custom"}],
            }
        }
    }
)


def store(tmp_path: Path) -> ErasingSQLTrackerStore:
    return ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))


async def test_normal_save_appends_and_erasure_deletes_only_that_sender(tmp_path: Path) -> None:
    s = store(tmp_path)
    for sender in ("alice", "bob"):
        tracker = DialogueStateTracker.from_events(
            sender, [ActionExecuted("action_listen"), UserUttered("Hallo")], slots=DOMAIN.slots
        )
        await s.save(tracker)
    alice = await s.retrieve("alice")
    assert alice is not None
    assert alice.latest_message is not None
    assert alice.latest_message.text == "Hallo"

    alice.update(SlotSet("erase_requested", True))
    await s.save(alice)
    assert await s.retrieve("alice") is None
    bob = await s.retrieve("bob")
    assert bob is not None
    assert len(bob.events) == 2


async def test_personal_data_in_user_texts_is_masked_before_it_is_stored(tmp_path: Path) -> None:
    import sqlite3

    s = store(tmp_path)
    text = "Ich heiße Jana Köhler, Tel. 0176 23456789, wir sind 45 Leute in 74613 Öhringen"
    tracker = DialogueStateTracker.from_events(
        "carla", [ActionExecuted("action_listen"), UserUttered(text)], slots=DOMAIN.slots
    )
    await s.save(tracker)
    with sqlite3.connect(tmp_path / "t.db") as db:
        import json

        stored = json.dumps([json.loads(r[0]) for r in db.execute("SELECT data FROM events")],
                            ensure_ascii=False)  # fmt: skip
    assert "Köhler" not in stored
    assert "23456789" not in stored
    again = await s.retrieve("carla")
    assert again is not None
    assert again.latest_message is not None
    assert again.latest_message.text == (
        "Ich heiße [NAME], Tel. [TELEFON], wir sind 45 Leute in 74613 Öhringen"
    )


class FlakyDatabase:
    """Fails the next ``n`` statements with a real SQLAlchemy OperationalError, as a database
    does during a restart."""

    def __init__(self, s: ErasingSQLTrackerStore) -> None:
        from sqlalchemy import event

        self.failures = 0
        event.listen(s.engine, "before_cursor_execute", self._maybe_fail)

    def fail_next(self, n: int) -> None:
        self.failures = n

    def _maybe_fail(self, *_args: object) -> None:
        import sqlite3

        from sqlalchemy.exc import OperationalError

        if self.failures > 0:
            self.failures -= 1
            raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))


async def test_a_database_fault_for_a_moment_is_retried_without_duplicates(
    tmp_path: Path,
) -> None:
    s = store(tmp_path)
    s.retry_delays = (0.0, 0.0, 0.0)
    flaky = FlakyDatabase(s)
    tracker = DialogueStateTracker.from_events(
        "dora", [ActionExecuted("action_listen"), UserUttered("eins")], slots=DOMAIN.slots
    )
    await s.save(tracker)
    tracker.update(UserUttered("zwei"))
    flaky.fail_next(2)
    await s.save(tracker)  # fails twice, then stores
    flaky.fail_next(3)
    again = await s.retrieve("dora")  # fails three times, then reads
    assert again is not None
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["eins", "zwei"]


async def test_a_longer_database_outage_is_raised(tmp_path: Path) -> None:
    import pytest
    from sqlalchemy.exc import OperationalError

    s = store(tmp_path)
    s.retry_delays = (0.0, 0.0)
    FlakyDatabase(s).fail_next(10)
    with pytest.raises(OperationalError):
        await s.retrieve("erin")


def test_only_transient_database_errors_count_as_transient() -> None:
    import sqlite3

    from sqlalchemy import exc

    from bot.tracker_store import transient

    assert transient(exc.OperationalError("x", {}, sqlite3.OperationalError("locked")))
    assert transient(exc.InterfaceError("x", {}, Exception("closed")))
    assert not transient(exc.IntegrityError("x", {}, sqlite3.IntegrityError("unique")))
    assert not transient(exc.ProgrammingError("x", {}, Exception("syntax")))
    assert not transient(ValueError("no"))


def test_sqlite_runs_with_a_write_ahead_log(tmp_path: Path) -> None:
    s = store(tmp_path)
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


async def test_known_event_counts_and_one_insert_store_exactly_the_new_events(
    tmp_path: Path,
) -> None:
    import sqlite3

    s = store(tmp_path)
    statements: list[str] = []
    from sqlalchemy import event as sa_event

    sa_event.listen(
        s.engine, "before_cursor_execute", lambda *a: statements.append(a[2].split()[0])
    )
    tracker = await s.create_tracker("fritz")  # saved once by Rasa
    tracker.update(UserUttered("eins"))
    tracker.update(ActionExecuted("action_listen"))
    statements.clear()
    await s.save(tracker)
    assert statements.count("INSERT") == 1  # both events in one statement
    # the count was known: the one SELECT is the fingerprint kept for the next retrieval
    assert [st for st in statements if st.startswith("SELECT")] == ["SELECT"]
    again = await s.retrieve("fritz")
    assert again is not None
    again.update(UserUttered("zwei"))
    await s.save(again)
    other = DialogueStateTracker.from_events("fritz", list(again.events), slots=DOMAIN.slots)
    other.update(UserUttered("drei"))
    await s.save(other)  # an unknown tracker object: counted in the database, as Rasa does
    with sqlite3.connect(tmp_path / "t.db") as db:
        texts = [
            r[0]
            for r in db.execute(
                "SELECT json_extract(data, '$.text') FROM events WHERE type_name = 'user'"
                " ORDER BY id"
            )
        ]
    assert texts == ["eins", "zwei", "drei"]


def conversation(sender: str, *texts: str) -> DialogueStateTracker:
    events = []
    for text in texts:
        events += [ActionExecuted("action_listen"), UserUttered(text)]
    return DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)


def user_texts(tracker: DialogueStateTracker | None) -> list[str]:
    assert tracker is not None
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def test_the_tracker_saved_last_is_handed_out_again_while_the_database_agrees(
    tmp_path: Path,
) -> None:
    from sqlalchemy import event as sa_event

    s = store(tmp_path)
    saved = conversation("fritz", "eins")
    await s.save(saved)
    statements: list[str] = []
    sa_event.listen(s.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    again = await s.retrieve("fritz")
    assert again is saved
    assert len(statements) == 1  # the fingerprint only, not the events
    assert "count" in statements[0].lower()
    # a fresh store on the same database reads the same conversation from the events
    assert user_texts(await store(tmp_path).retrieve("fritz")) == ["eins"]


async def test_a_write_by_another_instance_is_read_from_the_database(tmp_path: Path) -> None:
    first, second = store(tmp_path), store(tmp_path)
    await first.save(conversation("gerd", "eins"))
    theirs = await second.retrieve("gerd")
    assert theirs is not None
    theirs.update(ActionExecuted("action_listen"))
    theirs.update(UserUttered("zwei"))
    await second.save(theirs)
    ours = await first.retrieve("gerd")
    assert ours is not theirs
    assert user_texts(ours) == ["eins", "zwei"]


async def test_events_that_were_never_saved_are_not_handed_out(tmp_path: Path) -> None:
    s = store(tmp_path)
    tracker = conversation("hanna", "eins")
    await s.save(tracker)
    tracker.update(UserUttered("nie gespeichert"))  # e.g. a turn that failed before its save
    again = await s.retrieve("hanna")
    assert again is not tracker
    assert user_texts(again) == ["eins"]


async def test_erasure_and_deleted_rows_are_not_answered_from_memory(tmp_path: Path) -> None:
    import sqlite3

    s = store(tmp_path)
    tracker = conversation("ida", "eins")
    await s.save(tracker)
    tracker.update(SlotSet("erase_requested", True))
    await s.save(tracker)
    assert await s.retrieve("ida") is None
    # rows deleted behind the store's back (the retention job, the console's erasure)
    await s.save(conversation("jan", "eins"))
    with sqlite3.connect(tmp_path / "t.db") as db:
        db.execute("DELETE FROM events WHERE sender_id = 'jan'")
    assert await s.retrieve("jan") is None


async def test_a_tracker_with_a_new_session_is_read_back_as_rasa_does(tmp_path: Path) -> None:
    from rasa.shared.core.events import SessionStarted

    s = store(tmp_path)
    tracker = DialogueStateTracker.from_events(
        "karl",
        [
            *(SessionStarted(), ActionExecuted("action_listen"), UserUttered("alt")),
            *(SessionStarted(), ActionExecuted("action_listen"), UserUttered("neu")),
        ],
        slots=DOMAIN.slots,
    )
    await s.save(tracker)
    again = await s.retrieve("karl")
    assert again is not tracker
    assert user_texts(again) == ["neu"]  # the last session only


async def test_a_fault_after_the_insert_stores_the_events_once(tmp_path: Path) -> None:
    import sqlite3

    from sqlalchemy import event as sa_event
    from sqlalchemy.exc import OperationalError

    s = store(tmp_path)
    s.retry_delays = (0.0, 0.0)
    tracker = conversation("lena", "eins")
    await s.save(tracker)
    failures = [1]

    def fail_fingerprint_once(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("SELECT count(id)") and failures[0]:
            failures[0] -= 1
            raise OperationalError(statement, {}, sqlite3.OperationalError("disk I/O error"))

    sa_event.listen(s.engine, "before_cursor_execute", fail_fingerprint_once)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("zwei"))
    await s.save(tracker)  # the statement after the INSERT fails once, the save is retried
    assert failures == [0]
    assert user_texts(await store(tmp_path).retrieve("lena")) == ["eins", "zwei"]


async def test_a_new_conversation_costs_one_query_to_find_and_none_to_count(
    tmp_path: Path,
) -> None:
    from sqlalchemy import event as sa_event

    s = store(tmp_path)
    await s.save(conversation("old", "Hallo"))
    statements: list[str] = []
    sa_event.listen(s.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert await s.retrieve("new") is None
    assert len(statements) == 1  # the fingerprint: no events, so no query of the last session
    assert "count(id)" in statements[0]
    statements.clear()
    tracker = await s.get_or_create_tracker("new")  # Rasa: retrieve, then create and save
    inserts = [q for q in statements if q.startswith("INSERT")]
    assert len(inserts) == 1
    # no ORM count of the session's events before the first save, only fingerprints
    assert all(q.startswith(("INSERT", "SELECT count(id), max(id)")) for q in statements)
    assert user_texts(await s.retrieve("new")) == []
    assert len(tracker.events) == 1
    # an existing conversation read afresh (not kept: another object) still reads its events
    s._kept.clear()
    assert user_texts(await s.retrieve("old")) == ["Hallo"]


async def test_an_unknown_tracker_object_of_a_stored_conversation_is_counted(
    tmp_path: Path,
) -> None:
    s = store(tmp_path)
    await s.save(conversation("ute", "eins"))
    # a second object with the stored events and one more: only the new one is written
    await s.save(conversation("ute", "eins", "zwei"))
    s._kept.clear()
    assert user_texts(await s.retrieve("ute")) == ["eins", "zwei"]


async def test_many_new_events_are_written_in_chunks_in_order(tmp_path: Path) -> None:
    from sqlalchemy import event as sa_event

    s = store(tmp_path)
    texts = [f"Nachricht {i}" for i in range(130)]  # 260 events: three INSERTs of <= 100 rows
    statements: list[str] = []
    sa_event.listen(
        s.engine, "before_cursor_execute", lambda *a: statements.append(a[2].split()[0])
    )
    await s.save(conversation("viel", *texts))
    assert statements.count("INSERT") == 3
    s._kept.clear()
    assert user_texts(await s.retrieve("viel")) == texts
