"""Rasa's SQL tracker store, plus erasure on request and redaction of personal data.

When an action sets the slot ``erase_requested`` (the user confirmed "delete my data"),
``save`` deletes every stored event of that sender instead of appending: the next message
starts a fresh conversation. Works for SQLite (embedded default) and PostgreSQL alike.
"""

from __future__ import annotations

import logging

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.redaction import redact

logger = logging.getLogger(__name__)

ERASE_SLOT = "erase_requested"


def redact_user_texts(tracker: DialogueStateTracker) -> int:
    """Mask personal data in what the user wrote before it is stored (the message has been
    understood by then; the raw text is not needed any more). Returns how many changed."""
    changed = 0
    for event in tracker.events:
        if isinstance(event, UserUttered) and event.text:
            clean = redact(event.text)
            if clean != event.text:
                event.text = clean
                if isinstance(event.parse_data, dict) and "text" in event.parse_data:
                    event.parse_data["text"] = clean
                changed += 1
    return changed


class ErasingSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT):
            deleted = await self.erase(tracker.sender_id)
            logger.info("erased a conversation on request (%d events)", deleted)
            return
        redact_user_texts(tracker)
        await super().save(tracker)

    async def erase(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        return int(deleted)
