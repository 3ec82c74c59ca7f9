"""Office hours: parsing, open or closed, the next opening, in Berlin time."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.office_hours import OfficeHours, when

UTC = dt.timezone.utc


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_open_and_next_opening_across_the_weekend_and_dst() -> None:
    hours = OfficeHours.parse("Mo-Fr 09:00-16:00, Sa 10:00-12:00")
    assert hours.is_open(at(2026, 11, 23, 8, 30))  # Monday 09:30 in Berlin (CET)
    assert not hours.is_open(at(2026, 11, 23, 15, 0))  # 16:00 in Berlin: closed
    assert hours.is_open(at(2026, 7, 6, 7, 30))  # Monday 09:30 in summer (CEST)
    assert not hours.is_open(at(2026, 11, 22, 10, 0))  # Sunday
    opening = hours.next_opening(at(2026, 11, 21, 12, 30))  # Saturday 13:30
    assert (opening.weekday(), opening.hour, opening.minute) == (0, 9, 0)
    now = at(2026, 11, 21, 12, 30)
    assert when(opening, now, "de") == "am Montag, 23.11., um 09:00 Uhr"
    assert when(opening, now, "en") == "on Monday, 23/11, at 09:00"
    early = at(2026, 11, 23, 6, 0)  # Monday 07:00 Berlin
    assert when(hours.next_opening(early), early, "de") == "heute um 09:00 Uhr"


@pytest.mark.parametrize(
    "spec", ["", "Mo-Fr", "Xx 09:00-10:00", "Mo 10:00-09:00", "Mo 09:00-25:00"]
)
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="OFFICE_HOURS"):
        OfficeHours.parse(spec)


def test_always_open() -> None:
    hours = OfficeHours.parse("Mo-So 00:00-24:00")
    assert all(hours.is_open(at(2026, 11, d, h)) for d in range(16, 23) for h in (0, 12, 23))
