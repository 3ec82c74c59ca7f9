from bot.dedupe import RecentKeys


def test_first_time_then_forgotten_when_full() -> None:
    keys = RecentKeys(limit=2)
    assert keys.first_time(1)
    assert not keys.first_time(1)
    assert keys.first_time(("s", "m"))
    assert keys.first_time(3)  # 1 is forgotten now
    assert keys.first_time(1)
    assert not keys.first_time(3)
