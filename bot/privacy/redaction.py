"""Find and mask personal data in a user's message before it is stored or shown to advisors.

Rule-based and deterministic (no model): e-mail addresses, IBANs, social-insurance numbers,
tax ids and tax numbers, phone numbers, street addresses, dates of birth, and person names
where a cue shows them ("ich heiße …", "Frau …", "my name is …", a greeting's signature).
Postcodes, towns, amounts, paragraphs, deadlines and course dates stay: the bot needs them.
Measured on tests/privacy/redaction_set.yml (see the README's privacy section).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

LABELS = {
    "email": "[E-MAIL]",
    "iban": "[IBAN]",
    "social_security": "[SV-NUMMER]",
    "tax_id": "[STEUERNUMMER]",
    "phone": "[TELEFON]",
    "address": "[ADRESSE]",
    "birth_date": "[GEBURTSDATUM]",
    "name": "[NAME]",
}

_L = r"[^\W\d_]"  # a letter, any script
_NAME = rf"{_L}+(?:['’-]{_L}+)*"
_CAP = r"[A-ZÄÖÜÇŞĞİÉÈÀÁÓÚŁŚŻŹĆŃ]"
_CAPNAME = rf"{_CAP}{_L}*(?:['’-]{_L}+)*"
_MONTHS = (
    "januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|"
    "dezember|january|february|march|may|june|july|october|december|jan|feb|mar|apr|jun|jul|"
    "aug|sep|sept|okt|oct|nov|dez|dec"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")),
    (
        "iban",
        re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){3,7}(?:[ ]?[A-Za-z0-9]{1,3})?\b"),
    ),
    ("social_security", re.compile(r"\b\d{2}[ ]?\d{6}[ ]?[A-Za-z][ ]?\d[ ]?\d[ ]?\d\b")),
    (
        "tax_id",
        re.compile(
            r"\b\d{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}\b|\b\d{2,3}/\d{3,4}/\d{4,5}\b|\b\d{5}/\d{5}\b"
        ),
    ),
    (
        "birth_date",
        re.compile(
            rf"\b(?:\d{{1,2}}[./]\s?\d{{1,2}}[./]\s?(?:19[3-9]\d|200\d)|(?:19[3-9]\d|200\d)-\d{{2}}-\d{{2}}"
            rf"|\d{{1,2}}\.?\s(?:{_MONTHS})\.?\s(?:19[3-9]\d|200\d)"
            rf"|(?:{_MONTHS})\.?\s\d{{1,2}},?\s(?:19[3-9]\d|200\d))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "birth_date",  # with a cue, also two-digit years: "geb. 3.2.09", "*28.11.99"
        re.compile(
            r"(?<=geb\. )\d{1,2}\.\d{1,2}\.\d{2,4}\b|(?<=geb )\d{1,2}\.\d{1,2}\.\d{2,4}\b"
            r"|(?<=\*)\d{1,2}\.\d{1,2}\.\d{2,4}\b|(?<=geboren am )\d{1,2}\.\d{1,2}\.\d{2,4}\b"
            r"|(?<=born )\d{1,2}[./]\d{1,2}[./]\d{2,4}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "phone",
        re.compile(r"(?<![\w.,/€])(?:\+|00)?\(?\d[\d ()/-]{5,}\d(?![\w€%]|[.,]\d)"),
    ),
    (
        "address",
        re.compile(
            rf"(?:\b(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Hinter der|Unter den)"
            rf"\s{_CAPNAME}(?:\s{_CAPNAME})?"
            rf"|\b(?:{_CAPNAME}[ -])?{_CAPNAME}(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm"
            rf"|ufer|steige|steig|pfad|chaussee|markt|graben)"
            rf"|\b{_CAP}[\w-]*-(?:Straße|Strasse|Weg|Gasse|Platz|Allee|Ring|Damm)"
            rf"|\b{_CAPNAME}(?:e|er|es)?\s(?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee|Ring|Damm|Steige))"
            rf"\s?\d{{1,4}}(?:/\d{{1,3}})?\s?[a-zA-Z]?\b"
        ),
    ),
]

# person names after a cue; group "n" is the name
_NAME_CUES = re.compile(
    rf"(?:\b(?:ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|my\s+name\s+is|name:|vorname:?|nachname:?"
    rf"|ich\s+bin\s+(?:die|der)|i[’']m|i\s+am|this\s+is|hier\s+ist|hier\s+schreibt|fra(?:g|ge|gen)\s+(?:sie\s+)?nach"
    rf"|kontakt:|contact:|ich,|(?:er|sie)\s+hei(?:ß|ss)t|name|(?:account\s+)?holder|trainee,?|apprentice,?"
    rf"|mitarbeiter(?:in)?|teilnehmer(?:in)?:?|auszubildende[rn]?|azubi-beauftragten:"
    rf"|(?:my|our)\s+(?:son|daughter|wife|husband|colleague|boss|mother|father|manager),?"
    rf"|kontoinhaber(?:in)?:?|ansprechpartner(?:in)?:?|im\s+auftrag\s+(?:von|meiner\s+mutter,?|meines\s+vaters,?)"
    rf"|mein(?:e[rs]?)?\s+(?:mutter|vater|sohn|tochter|frau|mann|kollegin|kollege|chefin|chef|betreuerin|betreuer|azubi),?"
    rf"|(?:viele\s+|liebe\s+|beste\s+|freundliche\s+|mit\s+freundlichen\s+)?gr(?:ü|ue)(?:ß|ss)(?:e|en)?,?"
    rf"|\bgruß,?|lg,?|vg,?|mfg,?|cheers,?|regards,?|best,?|thanks,?|danke,?)\s+)"
    rf"(?P<n>{_NAME}(?:\s{_CAPNAME}){{0,2}})",
    re.IGNORECASE,
)
_TITLE_NAME = re.compile(
    rf"\b(?:(?i:herrn?|frau)|Fr\.|Hr\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.)\s+(?:(?:Dr|Prof)\.\s+)?"
    rf"(?P<n>{_CAPNAME}(?:[ -]{_CAPNAME})?)"
    rf"|\b[A-Z]\.\s(?P<i>{_CAPNAME})"  # M. Hofmann
)
# two or three capitalised words that look like a full name, with a cue around them
_FULL_NAME = rf"{_CAPNAME}(?:[ -]{_CAPNAME}){{1,2}}"
_CONTEXT_NAMES = re.compile(
    rf"(?:\b(?:ich bin|bin|I[’']m|I am|an|von|für|for|Azubi \(|Daten für das Formular:|Meine Daten:)\s+(?P<n>{_FULL_NAME})"
    rf"|(?P<m>{_FULL_NAME})(?=\s+(?:hier|here)\b|,\s+(?:geb|born|\d{{2}}\b|\d{{5}}|[A-ZÄÖÜ][\w-]*(?:straße|str\.|weg))))"
    rf"|\b(?:hi|hey|hallo|hello|moin|servus|hier),?\s+(?P<g>{_CAPNAME}(?:\s{_CAPNAME})?)(?=,|\s+(?:here|hier)\b)"
    rf"|(?:gr(?:ü|ue)(?:ß|ss)e|gruß|regards)[^,\n]{{0,30}},\s+(?P<s>{_FULL_NAME})"
    rf"|:\s+(?P<c>{_FULL_NAME})(?=,)"
    rf"|(?:please|bitte|danke|thanks|thank you)[,!.]?\s+(?P<e>{_CAPNAME})\s*[.!]?$"
)
_LOWER_NAMES = re.compile(
    r"\b(?:ich\s+bin|i[’']?m|hi\s+im)\s+(?P<n>[a-zäöüß]{2,})(?=,)", re.IGNORECASE
)
_LOWER_OK = ("heiße", "heisse", "name ist", "name is", "bin die", "bin der")
_NOT_NAMES = {
    "a", "an", "the", "in", "im", "bei", "aus", "seit", "und", "ein", "eine", "einer", "noch",
    "auch", "so", "sehr", "gerne", "nicht", "from", "at", "with", "looking", "interested",
    "working", "currently", "unemployed", "trying", "new", "not", "still", "going", "dass", "ob", "wegen", "für", "fuer", "zurück", "schon", "jetzt", "heute", "morgen",
    "sie", "ihnen", "dir", "euch", "alle", "allen", "team", "voraus", "vorab", "vielmals",
    "schön", "schoen", "you", "for", "your", "again", "help", "much", "advance",
}  # fmt: skip


_TITLES = {"frau", "herr", "herrn", "dr", "prof", "mr", "ms", "mrs", "fr", "hr"}
_PLACE_WORDS = {
    "kreis", "landkreis", "raum", "region", "stadt", "werk", "betrieb", "bereich", "main",
    "tauber", "ilm", "hohenlohekreis", "heilbronn", "agentur", "kammer", "ihk", "hwk",
}  # fmt: skip


def _place(words: list[str]) -> bool:
    return any(w.lower().strip("-") in _PLACE_WORDS for w in words)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def _phone_ok(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    if not 7 <= len(digits) <= 15:
        return False
    stripped = text.lstrip("(")
    return stripped.startswith(("+", "00", "0"))


def _names(text: str) -> Iterator[Span]:
    found = [(m, "n") for m in _NAME_CUES.finditer(text)]
    found += [(m, "n" if m.group("n") else "i") for m in _TITLE_NAME.finditer(text)]
    for m in _CONTEXT_NAMES.finditer(text):
        found.append((m, next(g for g in ("n", "m", "g", "s", "c", "e") if m.group(g))))
    found += [(m, "n") for m in _LOWER_NAMES.finditer(text)]
    for m, group in found:
        name = m.group(group)
        words = name.split()
        while words and words[0].strip(".").lower() in _TITLES:
            words = words[1:]
        if not words:
            continue
        # cut at the first word that is not part of a name
        cue = text[m.start() : m.start(group)].lower()
        lower_ok = m.re is _LOWER_NAMES or any(c in cue for c in _LOWER_OK)
        if not words[0][:1].isupper() and not lower_ok:
            continue
        kept = []
        for i, word in enumerate(words):
            bare = word.strip(".,;:!?")
            if bare.lower() in _NOT_NAMES or (i > 0 and not bare[:1].isupper() and not lower_ok):
                break
            kept.append(bare)
            if bare != word:
                break
        if not kept or kept[0].lower() in _NOT_NAMES:
            continue
        start = text.find(kept[0], m.start(group))
        end = start + len(" ".join(kept))
        if start >= 0 and text[start:end] == " ".join(kept) and not _place(kept):
            yield Span(start, end, "name")


def find(text: str) -> list[Span]:
    """Spans of personal data, not overlapping, in text order."""
    spans: list[Span] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s.start or start >= s.end for s in spans)

    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            value = m.group(0).rstrip(" -/(")
            start, end = m.start(), m.start() + len(value)
            if kind == "phone":
                value = value.strip()
                if not _phone_ok(value):
                    continue
            if kind == "iban" and not re.search(r"\d{6}", value.replace(" ", "")):
                continue
            if free(start, end):
                spans.append(Span(start, end, kind))
    for span in _names(text):
        if free(span.start, span.end):
            spans.append(span)
    return sorted(spans, key=lambda s: s.start)


def redact(text: str) -> str:
    """The text with every found span replaced by its label, e.g. ``[TELEFON]``."""
    out, pos = [], 0
    for span in find(text):
        out.append(text[pos : span.start])
        out.append(LABELS[span.kind])
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
