"""Questions for figures the knowledge base cannot have, told apart from funding questions."""

from __future__ import annotations

import pytest

from actions.honesty import asks_course_price, asks_statistics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was kostet der Schweißkurs bei der HWK Heilbronn?", True),
        ("Wie hoch sind die Gebühren für den Meisterkurs?", True),
        ("How much does the CNC course cost?", True),
        ("Übernimmt das Arbeitsamt die Kosten einer Umschulung?", False),  # who pays
        ("Zahlt die Agentur die Kosten für den Lehrgang?", False),
        ("Does the agency cover the costs of the course?", False),
        ("Wie lange dauert eine Umschulung?", False),
    ],
)
def test_course_price(text: str, expected: bool) -> None:
    assert asks_course_price(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wie viele Bildungsgutscheine wurden 2025 in Heilbronn ausgegeben?", True),
        ("Wie hoch ist die Förderquote?", True),
        ("Wie viele Tage Bildungszeit habe ich?", False),  # a rule's figure
        ("How many hours does the course need?", False),
    ],
)
def test_statistics(text: str, expected: bool) -> None:
    assert asks_statistics(text) is expected
