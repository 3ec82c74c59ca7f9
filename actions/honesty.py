"""Recognise questions for figures the knowledge base cannot have (statistics, the price of
one provider's course) so the bot says so instead of answering something else."""

from __future__ import annotations

import re

from knowledge.text import normalize

# "wie viele Tage / Stunden" asks a rule's figure, not a statistic
_UNITS = r"(?:\w+ )?(?:tage|tagen|stunden|monate|wochen|jahre|days|hours|months|weeks|years|euro|prozent|percent)"
_STATISTICS = re.compile(
    rf"\b(?:wie viele|wieviele|how many|number of)\b(?! {_UNITS}\b)"
    r"|\b(?:anzahl\w*|\w*quote|\w*statistik\w*|bewilligungen|statistics)\b"
)
_PRICE = re.compile(
    r"\b(kostet|kosten|preis|gebuehr|gebuehren)\b.{0,30}\b\w*(kurs|lehrgang|schulung|seminar|meister|umschulung|fortbildung|course|training)\w*\b"
    r"|\bhow much (does|is|do)\b.{0,30}\b(course|training|class)\b.{0,20}\bcost\b"
)
# who pays the cost is a funding question, not the price of one provider's course
_FUNDING = re.compile(
    r"\b(uebernimmt|uebernehmen|uebernommen|zahlt|bezahlt|traegt|erstattet|foerdert|gefoerdert|"
    r"zuschuss|cover|covers|covered|pay|pays|paid|fund|funds|funded)\b"
)
_CONTACT_KINDS: dict[str, tuple[str, ...]] = {
    "union": ("ig metall", "igm", "gewerkschaft", "ig bce", "dgb", "union"),
    "ihk": ("ihk", "industrie und handelskammer", "chamber of commerce"),
    "hwk": ("hwk", "handwerkskammer", "chamber of crafts"),
    "arbeitgeber_service": ("arbeitgeber service", "arbeitgeberservice", "ags", "employer service"),
    "agentur_fuer_arbeit": (
        "agentur fuer arbeit", "arbeitsagentur", "arbeitsamt", "aa", "afa", "employment agency", "jobcenter",
    ),
    "network": ("netzwerk", "transformotive", "anett", "fastforward", "network"),
    "weiterbildungsberatung": ("weiterbildungsberatung", "bildungsberatung"),
}  # fmt: skip


def asks_statistics(text: str) -> bool:
    return bool(_STATISTICS.search(normalize(text)))


def asks_course_price(text: str) -> bool:
    """ "Was kostet der Schweißkurs bei der HWK?" — not "Übernimmt das Arbeitsamt die Kosten
    einer Umschulung?" (who pays: the facts answer that)."""
    plain = normalize(text)
    return bool(_PRICE.search(plain)) and not _FUNDING.search(plain)


def mentioned_contact_kinds(text: str) -> list[str]:
    """Kinds of office the user names ("welche IG Metall", "die IHK"), in a fixed order."""
    padded = f" {normalize(text)} "
    return [
        kind for kind, words in _CONTACT_KINDS.items() if any(f" {w} " in padded for w in words)
    ]
