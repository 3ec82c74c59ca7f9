"""Property-based fuzzing with hypothesis: profiles, the committed seed corpus, a counter.

Profiles: ``ci`` (default; derandomised, so CI is repeatable) and ``fuzz`` (random, 20 times
the examples: ``make fuzz``). Every fuzz test counts its inputs; the total is printed at the
end of the run ("fuzz inputs: N").
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SEEDS = Path(__file__).with_name("seeds.txt")
INPUTS: Counter[str] = Counter()
_ESCAPE = re.compile(r"\\[xu]([0-9a-fA-F]{4}|[0-9a-fA-F]{2})")

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
settings.register_profile(
    "fuzz",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
SCALE = 20 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 1


def examples(n: int) -> int:
    return n * SCALE


def seeds() -> list[str]:
    """The committed corpus: one input per line, with Python escapes (\\n, \\x00, \\u202e)."""
    lines = SEEDS.read_text(encoding="utf-8").splitlines()
    return [
        _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line)
        for line in lines
        if line and not line.startswith("#")
    ]


def messages() -> st.SearchStrategy[str]:
    """Seeds, seeds with random text spliced in, and arbitrary text (every code point)."""
    corpus = st.sampled_from(seeds())
    spliced = st.tuples(corpus, st.text(max_size=40), corpus).map(lambda t: " ".join(t))
    return st.one_of(corpus, spliced, st.text(max_size=300), st.text(max_size=3000))


def count(name: str) -> None:
    INPUTS[name] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if INPUTS:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(INPUTS.items()))
        terminalreporter.write_line(f"fuzz inputs: {sum(INPUTS.values())} ({parts})")
