"""Rasa's Redis lock store with atomic changes, for several Rasa instances on one Redis.

Rasa 3.6's ``RedisLockStore`` changes a conversation's ticket lock by reading it, changing
it in Python and writing it back. Two instances doing that at the same moment lose one
change: a ticket issued by one instance is overwritten by the other's write (a waiting
message refreshes the lock on every look), or a lock is deleted just after the other
instance put a new ticket in it. The message then either runs beside another message of the
same conversation (two holders of one number: answers out of order) or never gets its turn.
Measured in ``tests/scale/test_topology.py``: 3 conversations, 12 messages each, sent a
quarter second apart to two instances — with Rasa's store 2 of 5 runs put two messages in
the wrong order.

Here each change is one optimistic Redis transaction (``WATCH`` / ``MULTI``): when the lock
changed between reading and writing, the change is made again on the new lock.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)
T = TypeVar("T")
Change = Callable[[TicketLock | None], tuple[TicketLock | None, T]]


class AtomicRedisLockStore(RedisLockStore):
    """``lock_store: {type: bot.lock_store.AtomicRedisLockStore, url: …, port: …}``."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store given by module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def change(self, conversation_id: str, change: Change[T]) -> T:
        """Apply ``change`` (old lock or None -> new lock or None to delete, result) as one
        transaction; made again on the newer lock while another instance got in between."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    old = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(old)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    logger.debug("a conversation lock changed meanwhile; changing it again")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self.change(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        def update(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self.change(conversation_id, update)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self.change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """The ticket is served; the lock goes when no one else waits — in one step, so a
        ticket another instance issues meanwhile is never deleted with it."""

        def clean(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self.change(conversation_id, clean)
