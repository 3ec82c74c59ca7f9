"""Rasa's SQL tracker store, plus erasure on request and redaction of personal data.

When an action sets the slot ``erase_requested`` (the user confirmed "delete my data"),
``save`` deletes every stored event of that sender instead of appending: the next message
starts a fresh conversation. Works for SQLite (embedded default) and PostgreSQL alike.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session

from bot.privacy.redaction import redact

logger = logging.getLogger(__name__)

ERASE_SLOT = "erase_requested"


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
    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT):
            deleted = await self.erase(tracker.sender_id)
            logger.info("erased a conversation on request (%d events)", deleted)
            return
        await super().save(tracker)

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
