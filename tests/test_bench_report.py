"""The benchmark's bookkeeping (scripts/bench.py): merged rounds, ratios and targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scripts.bench import Load, Result, merge, report, targets


def load(users: int, seconds: float, answered: int, latency_ms: float, empty: int = 0) -> Load:
    return Load(users, seconds, answered, empty, 0, [latency_ms] * answered)


def result(name: str, msg_s: tuple[float, float], p95: tuple[float, float], **kw: Any) -> Result:
    loads = [
        {
            "users": u,
            "messages_per_s": m,
            "p50_ms": p,
            "p95_ms": p,
            "p99_ms": p,
            "empty": 0,
            "errors": 0,
        }
        for u, m, p in zip((1, 10), msg_s, p95, strict=True)
    ]
    return Result(
        name,
        kw.get("training", 40.0),
        kw.get("ready", 10.0),
        kw.get("rss", {"rasa": 700.0, "actions": 200.0}),
        loads,
    )


def test_rounds_are_merged_over_their_whole_time() -> None:
    merged = merge([load(1, 10, 300, 20.0), load(1, 10, 500, 10.0, empty=2)])
    assert (merged.seconds, merged.answered, merged.empty) == (20, 800, 2)
    assert merged.summary()["messages_per_s"] == 40.0
    assert len(merged.latencies_ms) == 800


def test_targets_are_checked_on_the_measured_figures() -> None:
    ours = result("ours", (60.0, 90.0), (28.0, 180.0))
    stock = result("stock", (20.0, 25.0), (50.0, 700.0), rss={"rasa": 1100.0})
    checked = {name: (value, ok) for name, value, ok in targets(ours, stock)}
    assert checked["throughput ≥ 3× stock (1 and 10 users)"] == ("3.0× / 3.6×", True)
    assert checked["p95 ≤ 30 ms at 1 user"] == ("28.0 ms", True)
    assert checked["p95 ≤ 150 ms at 10 users"] == ("180.0 ms", False)
    assert checked["whole stack RSS ≤ 1.5 GB"] == ("900 MB", True)


def test_the_report_quotes_ratios_and_unmet_targets(tmp_path: Path) -> None:
    ours = result("ours", (50.0, 90.0), (28.0, 180.0))
    stock = result("stock", (20.0, 25.0), (50.0, 700.0), rss={"rasa": 1100.0})
    text = report(ours, stock, tmp_path / "p.png", rounds=3)
    assert "| 1 | 50.0 | 20.0 | **2.5×** |" in text
    assert "| p95 ≤ 150 ms at 10 users | 180.0 ms | **no** |" in text
    assert "in 3 rounds" in text
