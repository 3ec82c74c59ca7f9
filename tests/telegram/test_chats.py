"""The chat directory: what an advisor's reply needs, and nothing longer than needed."""

from __future__ import annotations

from pathlib import Path

from bot.telegram.chats import ChatAddress, ChatDirectory


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_remember_lookup_forget(tmp_path: Path) -> None:
    chats = ChatDirectory(tmp_path / "chats.db")
    assert chats.lookup("tg-a") is None
    chats.remember("tg-a", 11, "de")
    chats.remember("tg-a", 12, "en")  # the newest address wins
    assert chats.lookup("tg-a") == ChatAddress(12, "en")
    assert len(chats) == 1
    assert chats.forget("tg-a") is True
    assert chats.forget("tg-a") is False
    assert chats.lookup("tg-a") is None


def test_survives_a_restart(tmp_path: Path) -> None:
    ChatDirectory(tmp_path / "chats.db").remember("tg-a", 11, "de")
    assert ChatDirectory(tmp_path / "chats.db").lookup("tg-a") == ChatAddress(11, "de")


def test_old_entries_expire() -> None:
    clock = Clock()
    chats = ChatDirectory(":memory:", clock=clock)
    chats.remember("tg-old", 1, "de")
    clock.now += 10 * 86400
    chats.remember("tg-new", 2, "de")
    assert chats.forget_older_than(5 * 86400) == 1
    assert chats.lookup("tg-old") is None
    assert chats.lookup("tg-new") == ChatAddress(2, "de")
