"""Find and mask personal data in a user's message before it is stored or shown to advisors.

Rule-based and deterministic (no model): e-mail addresses, IBANs, social-insurance numbers,
tax ids and tax numbers, phone numbers, street addresses, dates of birth, and person names —
after a cue ("ich heiße …", "Frau …", "my name is …", a greeting's signature) and without one
through gazetteers of given names and surnames (``bot.privacy.names``). Postcodes, towns,
amounts, paragraphs, deadlines, course dates and the names of programs and offices stay: the
bot needs them. Measured on the labelled sets in tests/privacy/ (README, "Privacy and
reliability").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.privacy.names import NATIONALITIES, find_names, is_known_name, is_ordinary_word

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
            r"\b\d{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}\b|\b\d{2,3}/\d{3}/\d{5}\b|\b\d{3}/\d{4}/\d{4}\b"
            r"|\b\d{5}/\d{5}\b"
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
            r"|(?<=\*)(?:19[3-9]\d|20[01]\d)\b(?!\s?(?:€|EUR|Euro|%|Std))"
            r"|(?<=geburtsdatum )\d{1,2}\.\d{1,2}\.\d{2,4}\b|(?<=geburtsdatum: )\d{1,2}\.\d{1,2}\.\d{2,4}\b"
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
# "herr kowalczyk", "frau öztürk": a title in lower case, a name that is no ordinary word
_LOWER_TITLE = re.compile(r"\b(?:herrn?|frau)\s+(?P<n>[a-zäöüßçğışł]{3,}(?:-[a-zäöüß]{3,})?)\b")
# cues after which even a word of the dictionary is a name ("this is Grace", "ich heiße Rose")
_STRONG_CUES = (
    "heiße",
    "heisse",
    "name ist",
    "name is",
    "name:",
    "this is",
    "hier ist",
    "hier schreibt",
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
    "tauber", "ilm", "hohenlohekreis", "heilbronn", "agentur", "kammer", "ihk", "hwk", "arbeit",
}  # fmt: skip


@functools.lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    """Single-word names and aliases of programs, networks and offices in the knowledge base
    ("ANeTT", "Transformotive"): never a person's name here."""
    words: set[str] = set()
    root = Path(__file__).resolve().parents[2] / "knowledge"
    for path in [*root.glob("programs/*.yml"), *root.glob("contacts/*.yml")]:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("programs", []) + data.get("contacts", []):
            for alias in [entry.get("name", ""), *(entry.get("aliases") or [])]:
                words.update(w.lower() for w in re.split(r"\W+", str(alias)) if len(w) > 3)
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def _towns() -> frozenset[str]:
    """Every word of the towns and districts in the knowledge base ("Suhl", "Öhringen")."""
    words: set[str] = set()
    for path in (Path(__file__).resolve().parents[2] / "knowledge" / "regions").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for district in data.get("landkreise", []):
            names = [district.get("name", "")] + [
                t.get("name", "") for t in district.get("towns", [])
            ]
            for name in names:
                words.update(w.lower() for w in re.split(r"\W+", name) if len(w) > 3)
    return frozenset(words)


def _place(words: list[str], towns: bool = False) -> bool:
    """Words of places and offices; with ``towns`` also the towns of the knowledge base (not
    after a title: "Frau Wertheim" is a person)."""
    return any(
        w.lower().strip("-") in _PLACE_WORDS
        or w.lower() in _domain_words()
        or (towns and w.lower() in _towns())
        for w in words
    )


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
    found += [(m, "n") for m in _LOWER_TITLE.finditer(text)]
    for m, group in found:
        name = m.group(group)
        words = name.split()
        while words and words[0].strip(".").lower() in _TITLES:
            words = words[1:]
        if not words:
            continue
        # cut at the first word that is not part of a name
        cue = text[m.start() : m.start(group)].lower()
        titled = m.re is _TITLE_NAME and group == "n"  # "Frau Lange"; not "z.B. Copilot"
        lower_ok = m.re in (_LOWER_NAMES, _LOWER_TITLE) or any(c in cue for c in _LOWER_OK)
        if not words[0][:1].isupper() and not lower_ok:
            continue
        kept = []
        for i, word in enumerate(words):
            bare = word.strip(".,;:!?")
            if bare.lower() in _NOT_NAMES or (i > 0 and not bare[:1].isupper() and not lower_ok):
                break
            if i > 0 and is_ordinary_word(bare) and not is_known_name(bare):
                break  # "Sven Berger Personalnr" stops before the noun
            kept.append(bare)
            if bare != word:
                break
        if not kept or kept[0].lower() in _NOT_NAMES:
            continue
        # after a weak cue, an ordinary word is no name ("ich bin Rentnerin", "für Arbeit");
        # after a title it is ("Frau Lange", "Herr Koch")
        strong = any(c in cue for c in _STRONG_CUES) and kept[0][:1].isupper()
        surname_after = len(kept) > 1 and not is_ordinary_word(kept[1])
        if not (titled or strong or surname_after) and is_ordinary_word(kept[0]):
            continue
        if strong and kept[0].casefold() in NATIONALITIES:
            continue
        start = text.find(kept[0], m.start(group))
        end = start + len(" ".join(kept))
        if group == "i":
            start = m.start()  # "M. Hofmann" with the initial
        if start >= 0 and text[start:end].endswith(" ".join(kept)) and not _place(kept, not titled):
            yield Span(start, end, "name")
    for start, end in find_names(text):
        if not _place(text[start:end].split()):
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
    for span in _merged(_names(text)):
        if free(span.start, span.end):
            spans.append(span)
    return sorted(spans, key=lambda s: s.start)


def _merged(names: Iterator[Span]) -> list[Span]:
    """Overlapping name findings become one ("Grüße, Thomas" by its cue and "Thomas Lange" by
    the gazetteer are one name)."""
    out: list[Span] = []
    for span in sorted(names, key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end), "name")
        else:
            out.append(span)
    return out


def redact(text: str) -> str:
    """The text with every found span replaced by its label, e.g. ``[TELEFON]``."""
    out, pos = [], 0
    for span in find(text):
        out.append(text[pos : span.start])
        out.append(LABELS[span.kind])
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
