"""When people answer in the console: ``OFFICE_HOURS`` like ``Mo-Fr 09:00-16:00`` (German or
English day abbreviations, several ranges with ``,``), local time Europe/Berlin. Pure logic."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT = "Mo-Fr 09:00-16:00"
_DAYS = {
    "mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6,
    "tu": 1, "we": 2, "th": 3, "su": 6,
}  # fmt: skip
_RANGE = re.compile(r"^\s*(\w\w)(?:\s*-\s*(\w\w))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
WEEKDAYS = {
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


@dataclass(frozen=True)
class OfficeHours:
    slots: tuple[tuple[int, int, int], ...]  # (weekday, start minute, end minute)

    @classmethod
    def parse(cls, spec: str) -> OfficeHours:
        slots = []
        for part in spec.split(","):
            m = _RANGE.match(part.lower())
            if not m or m.group(1) not in _DAYS or (m.group(2) and m.group(2) not in _DAYS):
                raise ValueError(f"OFFICE_HOURS: cannot read {part.strip()!r}")
            first = _DAYS[m.group(1)]
            last = _DAYS[m.group(2)] if m.group(2) else first
            start = int(m.group(3)) * 60 + int(m.group(4))
            end = int(m.group(5)) * 60 + int(m.group(6))
            if not 0 <= start < end <= 24 * 60:
                raise ValueError(f"OFFICE_HOURS: bad times in {part.strip()!r}")
            # "Fr-Mo" wraps over the weekend
            days = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
            for day in days:
                slots.append((day, start, end))
        return cls(tuple(sorted(slots)))

    @classmethod
    def from_env(cls) -> OfficeHours:
        return cls.parse(os.environ.get("OFFICE_HOURS") or DEFAULT)

    def is_open(self, now: dt.datetime) -> bool:
        local = now.astimezone(BERLIN)
        minute = local.hour * 60 + local.minute
        return any(d == local.weekday() and s <= minute < e for d, s, e in self.slots)

    def next_opening(self, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(BERLIN)
        for offset in range(8):
            day = (local + dt.timedelta(days=offset)).date()
            for d, s, _ in self.slots:
                if d != day.weekday():
                    continue
                opening = dt.datetime.combine(day, dt.time(s // 60, s % 60), BERLIN)
                if opening > local:
                    return opening
        raise ValueError("OFFICE_HOURS has no opening time")


def when(opening: dt.datetime, now: dt.datetime, lang: str) -> str:
    """'heute um 09:00 Uhr', 'morgen um …', 'am Montag, 24.11., um …' (or English)."""
    local = now.astimezone(BERLIN).date()
    time = opening.strftime("%H:%M")
    days = (opening.date() - local).days
    if lang == "en":
        if days == 0:
            return f"today at {time}"
        if days == 1:
            return f"tomorrow at {time}"
        return f"on {WEEKDAYS['en'][opening.weekday()]}, {opening:%d/%m}, at {time}"
    if days == 0:
        return f"heute um {time} Uhr"
    if days == 1:
        return f"morgen um {time} Uhr"
    return f"am {WEEKDAYS['de'][opening.weekday()]}, {opening:%d.%m.}, um {time} Uhr"
