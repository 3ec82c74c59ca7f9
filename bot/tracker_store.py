"""Rasa's SQL tracker store, plus erasure on request.

When an action sets the slot ``erase_requested`` (the user confirmed "delete my data"),
``save`` deletes every stored event of that sender instead of appending: the next message
starts a fresh conversation. Works for SQLite (embedded default) and PostgreSQL alike.
"""

from __future__ import annotations

import logging

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASE_SLOT = "erase_requested"


class ErasingSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT):
            deleted = await self.erase(tracker.sender_id)
            logger.info("erased a conversation on request (%d events)", deleted)
            return
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
