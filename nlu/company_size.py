"""Parse a company's head count from free text ("wir sind 45 Leute", "KMU mit 120 MA")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(?P<n>\d{1,3}(?:[.\s]\d{3})+|\d{1,6})"
_PEOPLE = (
    r"(?:mitarbeiter(?:innen|inne|n|in)?|mitarbeitende[nr]?|ma|leuten?|personen|beschaeftigte[nr]?"
    r"|beschäftigte[nr]?|angestellte[nr]?|arbeitnehmer(?:innen|n)?|kolleg(?:en|innen)|koepfe|köpfe"
    r"|menschen|employees|staff|people|workers|persons)"
)
_APPROX = r"(?:(?:ca\.?|circa|etwa|ungefähr|ungefaehr|rund|knapp|über|ueber|about|around)\s*)?"
_BEFORE = re.compile(rf"{_APPROX}{_NUMBER}\s*{_PEOPLE}\b", re.IGNORECASE)
_AFTER = re.compile(
    r"\b(?:belegschaft|betriebsgröße|betriebsgroesse|unternehmensgröße|firmengröße|headcount)"
    rf"\s*(?:von|:|ist|liegt bei|of)?\s*{_APPROX}{_NUMBER}\b",
    re.IGNORECASE,
)
_WE_ARE = re.compile(
    rf"\b(?:wir sind|we are)\s*{_APPROX}{_NUMBER}\b(?!\s*(?:jahre|years|%|euro|€|prozent))",
    re.IGNORECASE,
)

MAX_EMPLOYEES = 1_000_000


@dataclass(frozen=True)
class CompanySize:
    employees: int
    start: int  # span in the original text: the number and its unit word
    end: int
    text: str


def parse_company_size(text: str) -> CompanySize | None:
    """The first head count stated in ``text``, or None.

    >>> parse_company_size("Wir sind 45 Leute in Heilbronn").employees
    45
    >>> parse_company_size("KMU mit 1.200 Beschäftigten").text
    '1.200 Beschäftigten'
    """
    for pattern in (_BEFORE, _AFTER, _WE_ARE):
        m = pattern.search(text)
        if m:
            value = int(re.sub(r"[.\s]", "", m.group("n")))
            if 0 < value <= MAX_EMPLOYEES:
                start, end = m.start("n"), m.end()
                return CompanySize(employees=value, start=start, end=end, text=text[start:end])
    return None
