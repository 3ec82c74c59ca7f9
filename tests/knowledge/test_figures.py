"""Figures normalised however they are written (a new case is a new row)."""

from __future__ import annotations

import pytest

from knowledge.figures import figures, missing_figures, unit_figures


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bis zu 1.000 € im Jahr", {"1000"}),
        ("up to EUR 1,000 a year", {"1000"}),
        ("9.135,50 Euro", {"9135.5"}),
        ("1,5 Jahre", {"1.5"}),
        ("drei Monate", {"3"}),
        ("three months", {"3"}),
        ("seit 1. April 2024", {"2024-04-01"}),
        ("since 1 April 2024", {"2024-04-01"}),
        ("ab 01.04.2024", {"2024-04-01"}),
        ("from April 1, 2024", {"2024-04-01"}),
        ("§ 82a SGB III", {"82a"}),
        ("§§ 96–98 BetrVG", {"96", "98"}),
        ("unter 50, 50 bis 499 und ab 500 Beschäftigte", {"50", "499", "500"}),
        ("eine Weiterbildung", set()),
    ],
)
def test_figures(text: str, expected: set[str]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Betriebe mit 45 Beschäftigten bekommen 100 %", {"45", "100"}),
        ("Tel. 0800 4 5555 00, 74072 Heilbronn", set()),  # phone and postcode are no figures
        ("mehr als 120 Stunden in 24 Monaten", {"120", "24"}),
        ("nach § 82 SGB III, Stand 15.01.2026", {"82", "2026-01-15"}),
        ("150 € im Monat", {"150"}),
    ],
)
def test_unit_figures(text: str, expected: set[str]) -> None:
    assert unit_figures(text) == expected


def test_missing_figures() -> None:
    assert missing_figures("75 % für drei Monate", "Der Zuschuss beträgt 75 Prozent.") == ["3"]
    assert missing_figures("75 % for three months", "bis zu 75 % für 3 Monate") == []
