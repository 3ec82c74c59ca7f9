"""The atomic Redis lock store against a real Redis: two stores (two Rasa instances) change
one conversation's lock at the same time."""

from __future__ import annotations

import threading
import uuid
from urllib.parse import urlsplit

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore
from bot.services import lock_store_config

pytestmark = [pytest.mark.integration, pytest.mark.scale]


def stores(redis: str, kind: type[RedisLockStore]) -> list[RedisLockStore]:
    url = urlsplit(redis)
    return [
        kind(host=url.hostname, port=url.port, db=int(url.path.lstrip("/")), key_prefix="t")
        for _ in range(2)
    ]


def issue_and_refresh(pair: list[RedisLockStore], conversation: str, each: int) -> list[int]:
    """Both instances issue ``each`` tickets, and refresh the lock between (as a waiting
    message does), in two threads at once."""
    issued: list[int] = []
    start = threading.Barrier(len(pair))

    def instance(store: RedisLockStore) -> None:
        start.wait()
        for _ in range(each):
            issued.append(store.issue_ticket(conversation, 60))
            store.update_lock(conversation)

    threads = [threading.Thread(target=instance, args=(s,)) for s in pair]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return issued


def race(redis: str, kind: type[RedisLockStore]) -> tuple[list[int], TicketLock]:
    """Two stores of ``kind`` issue 300 tickets each at once: the tickets, the lock after."""
    pair = stores(redis, kind)
    conversation = f"c-{uuid.uuid4().hex[:8]}"
    issued = issue_and_refresh(pair, conversation, 300)
    lock = pair[0].get_lock(conversation)
    assert lock is not None
    return issued, lock


def test_tickets_issued_by_two_instances_at_once_are_all_kept_and_distinct(redis: str) -> None:
    issued, lock = race(redis, AtomicRedisLockStore)
    assert sorted(issued) == list(range(600))
    assert sorted(t.number for t in lock.tickets) == list(range(600))


def test_rasas_own_store_loses_tickets_the_same_way(redis: str) -> None:
    """Why the atomic store exists (if Rasa fixes this, this test says so)."""
    issued, lock = race(redis, RedisLockStore)
    assert len(set(issued)) < 600 or len(lock.tickets) < 600


def test_cleanup_keeps_a_lock_another_instance_just_put_a_ticket_in(redis: str) -> None:
    first, second = stores(redis, AtomicRedisLockStore)
    conversation = f"c-{uuid.uuid4().hex[:8]}"
    mine = first.issue_ticket(conversation, 60)
    theirs = second.issue_ticket(conversation, 60)
    first.cleanup(conversation, mine)
    lock = second.get_lock(conversation)
    assert lock is not None
    assert [t.number for t in lock.tickets] == [theirs]
    assert not lock.is_locked(theirs)  # its turn now
    second.cleanup(conversation, theirs)
    assert second.get_lock(conversation) is None


def test_rasa_builds_it_from_the_endpoints_the_launcher_writes(redis: str) -> None:
    config = lock_store_config(redis)
    assert config is not None
    store = LockStore.create(EndpointConfig.from_dict(config))
    assert isinstance(store, AtomicRedisLockStore)
    conversation = f"c-{uuid.uuid4().hex[:8]}"
    assert store.issue_ticket(conversation, 60) == 0  # Rasa counts from 0
    assert store.red.exists(f"foerderlotse:lock:{conversation}") == 1
