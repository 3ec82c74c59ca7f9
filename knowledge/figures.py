"""Figures in a text: the numbers a reader would take as a fact (amounts, rates, durations,
dates, paragraphs), normalised so that the same figure compares equal however it is written.

Used by the validator ("every figure of a fact's answer is in its source text") and by the
answer engine's figure check ("every figure of a reply is in the entry it cites").

>>> sorted(figures("Bis zu 1.000 € für drei Monate, seit 1. April 2024 (§ 82 SGB III)."))
['1000', '2024-04-01', '3', '82']
>>> sorted(figures("up to EUR 1,000 for three months since 1 April 2024"))
['1000', '2024-04-01', '3']
"""

from __future__ import annotations

import re

_MONTHS = {
    "januar": 1, "jan": 1, "january": 1, "februar": 2, "feb": 2, "february": 2, "maerz": 3,
    "märz": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "mai": 5, "may": 5, "juni": 6,
    "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "dezember": 12, "dez": 12, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))

# number words that state a figure; "ein/one" is left out (an article far more often)
_WORDS = {
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwoelf": 12, "zwanzig": 20,
    "dreißig": 30, "dreissig": 30, "hundert": 100,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "hundred": 100,
}  # fmt: skip
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)

_DATE_NUMERIC = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b")
_DATE_DE = re.compile(r"\b(\d{1,2})\.\s*(" + _MONTH_NAMES + r")\.?\s+(\d{4})\b", re.IGNORECASE)
_DATE_EN_DM = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + _MONTH_NAMES + r")\.?,?\s+(\d{4})\b", re.IGNORECASE
)
_DATE_EN_MD = re.compile(
    r"\b(" + _MONTH_NAMES + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.IGNORECASE
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# 1.000 / 1,000 / 9.135,50 / 1,5 / 82a ; a thousands separator needs groups of three
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+|\d+)(?:([.,])(\d{1,2}))?(?![\d])([a-z](?![a-z]))?",
    re.IGNORECASE,
)
# a figure with a unit (what the reply check looks at): %, €, durations, head counts, §
_UNIT = re.compile(
    r"^\s*(%|prozent|percent|€|eur\b|euro|monat|month|woche|week|tag|day|jahr|year|stunde|"
    r"hour|std\b|beschäftigt|beschaeftigt|mitarbeit|employee|staff|arbeitnehm)",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(€|eur|euro)\s*$", re.IGNORECASE)
_PARAGRAPH_BEFORE = re.compile(r"(§§?|section|sections|paragraph|paragraf)\s*$", re.IGNORECASE)


def _iso(year: str, month: int, day: str) -> str:
    return f"{int(year):04d}-{month:02d}-{int(day):02d}"


def _dates(text: str) -> tuple[list[str], str]:
    """ISO dates found, and the text with them blanked out (so their parts are not counted
    again as separate numbers)."""
    found: list[str] = []

    def take(iso: str) -> str:
        found.append(iso)
        return " "

    text = _ISO.sub(lambda m: take(_iso(m[1], int(m[2]), m[3])), text)
    text = _DATE_NUMERIC.sub(lambda m: take(_iso(m[3], int(m[2]), m[1])), text)
    text = _DATE_DE.sub(lambda m: take(_iso(m[3], _MONTHS[m[2].lower()], m[1])), text)
    text = _DATE_EN_DM.sub(lambda m: take(_iso(m[3], _MONTHS[m[2].lower()], m[1])), text)
    text = _DATE_EN_MD.sub(lambda m: take(_iso(m[3], _MONTHS[m[1].lower()], m[2])), text)
    return found, text


def _value(whole: str, sep: str | None, frac: str | None) -> str:
    digits = re.sub(r"[.,]", "", whole)
    value = str(int(digits)) if digits else whole
    if frac and frac.strip("0"):
        value += "." + frac.rstrip("0")
    return value


def _numbers(text: str, *, with_units: bool) -> list[str]:
    out: list[str] = []
    for m in _NUMBER.finditer(text):
        whole, sep, frac, letter = m.group(1), m.group(2), m.group(3), m.group(4)
        # "9.135" is a thousand separator; "1.5" / "1,5" a fraction; "12." at a sentence end
        value = _value(whole, sep, frac)
        if letter:
            value += letter.lower()
        if with_units:
            before, after = text[max(0, m.start() - 12) : m.start()], text[m.end() : m.end() + 16]
            if not (
                _UNIT.match(after)
                or _CURRENCY_BEFORE.search(before)
                or _PARAGRAPH_BEFORE.search(before)
            ):
                continue
        out.append(value)
    return out


def figures(text: str) -> set[str]:
    """Every figure of a text: dates as ISO, numbers without separators, number words as
    digits, paragraph numbers with their letter ("82a")."""
    found, rest = _dates(text)
    rest = _WORD.sub(lambda m: str(_WORDS[m[1].lower()]), rest)
    return set(found) | set(_numbers(rest, with_units=False))


def unit_figures(text: str) -> set[str]:
    """The figures a reader takes as a stated fact: dates, and numbers with a unit
    (%, €, months, weeks, days, years, hours, employees) or after "§"."""
    found, rest = _dates(text)
    rest = _WORD.sub(lambda m: str(_WORDS[m[1].lower()]), rest)
    return set(found) | set(_numbers(rest, with_units=True))


def missing_figures(claim: str, evidence: str) -> list[str]:
    """Figures of ``claim`` that ``evidence`` does not contain, sorted."""
    return sorted(figures(claim) - figures(evidence))
