"""Rasa's SQL tracker store, plus erasure on request and redaction of personal data.

When an action sets the slot ``erase_requested`` (the user confirmed "delete my data"),
``save`` deletes every stored event of that sender instead of appending: the next message
starts a fresh conversation. Works for SQLite (embedded default) and PostgreSQL alike.

A database that is unavailable for a moment (a PostgreSQL restart or fail-over, a locked
SQLite file) does not lose the message: reading and saving a tracker are tried again for
about 15 seconds. A failed save is rolled back, and the retry stores exactly the events that
are not stored yet (Rasa counts what is there), so nothing is written twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

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


class ErasingSQLTrackerStore(SQLTrackerStore):
    retry_delays: tuple[float, ...] = RETRY_DELAYS

    async def _retrying(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        return await retry_async(
            operation, transient=transient, delays=self.retry_delays, what=what
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT):
            deleted = await self._retrying(lambda: self.erase(tracker.sender_id), "erasure")
            logger.info("erased a conversation on request (%d events)", deleted)
            return
        await self._retrying(lambda: super(ErasingSQLTrackerStore, self).save(tracker), "save")

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._retrying(
            lambda: super(ErasingSQLTrackerStore, self).retrieve(sender_id), "retrieve"
        )

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._retrying(
            lambda: super(ErasingSQLTrackerStore, self).retrieve_full_tracker(conversation_id),
            "retrieve",
        )

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """The events about to be written (only the new ones), with user texts masked."""
        for event in super()._additional_events(session, tracker):
            redact_user_event(event)
            yield event

    async def erase(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        return int(deleted)
