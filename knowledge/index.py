"""Lookups over a loaded knowledge base: program aliases, districts by town or postcode,
responsible contacts. Built once per process; pure and side-effect free."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.loader import KnowledgeBase
from knowledge.schema import Contact, Landkreis, Program, ProgramState
from knowledge.text import normalize

_PLZ = re.compile(r"(?<!\d)(\d{5})(?!\d)")


@dataclass(frozen=True)
class Match:
    """A phrase found in a text: ``start``/``end`` are offsets in the normalised text."""

    keys: tuple[str, ...]  # record ids the phrase names (several for a shared alias)
    phrase: str
    start: int
    end: int


# endings a German noun takes in a sentence ("bei den ESF-Fachkursen", "des Bildungsgutscheins")
_ENDINGS = ("", "n", "en", "s", "es", "e", "er", "ern", "ns")
_MIN_STEM = 5  # a shorter last word (an abbreviation: "BAB", "QCG") must match as written


def _find_all(
    text: str, phrases: dict[str, tuple[str, ...]], *, inflected: bool = False
) -> list[Match]:
    """Whole-word matches of normalised phrases; longer matches win over contained ones.
    With ``inflected``, a phrase's last word may carry a German case or plural ending."""
    padded = f" {text} "
    found: list[Match] = []
    for phrase, keys in phrases.items():
        last = phrase.rsplit(" ", 1)[-1]
        endings = _ENDINGS if inflected and len(last) >= _MIN_STEM and last.isalpha() else ("",)
        needle = f" {phrase}"
        pos = padded.find(needle)
        while pos != -1:
            end = pos + len(needle)
            tail_end = padded.find(" ", end)
            if padded[end:tail_end] in endings:
                found.append(Match(keys, phrase, pos, tail_end - 1))
            pos = padded.find(needle, pos + 1)
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    kept: list[Match] = []
    for m in found:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _phrase_table(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = defaultdict(list)
    for name, rid in pairs:
        key = normalize(name)
        if key and rid not in table[key]:
            table[key].append(rid)
    return {k: tuple(v) for k, v in table.items()}


def _ids(matches: list[Match]) -> list[str]:
    out: list[str] = []
    for m in matches:
        out.extend(k for k in m.keys if k not in out)
    return out


class KnowledgeIndex:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.program_phrases = _phrase_table(
            (name, p.id)
            for p in kb.programs.values()
            for name in (p.name, p.name_en or "", *p.aliases)
        )
        self.place_phrases = _phrase_table(
            (name, lk.id)
            for lk in kb.landkreise.values()
            for name in (lk.name, *lk.aliases, *(t.name for t in lk.towns))
        )
        self.contact_phrases = _phrase_table(
            (name, c.id)
            for c in kb.contacts.values()
            for name in (c.name, re.sub(r"\s*\(.*?\)", "", c.name))
            if len(normalize(name)) > 4
        )
        self.plz: dict[str, list[str]] = defaultdict(list)
        for lk in kb.landkreise.values():
            for town in lk.towns:
                for code in town.postcodes:
                    if lk.id not in self.plz[code]:
                        self.plz[code].append(lk.id)
            for code in lk.postcodes:
                plain = code.rstrip("*")
                if lk.id not in self.plz[plain]:
                    self.plz[plain].append(lk.id)

    # -- programs --------------------------------------------------------------------------
    def find_programs(self, text: str) -> list[Program]:
        """Programs named in ``text``, in order of mention; a shared alias yields all owners."""
        found = _find_all(normalize(text), self.program_phrases, inflected=True)
        return [self.kb.programs[i] for i in _ids(found)]

    def program(self, program_id: str) -> Program | None:
        return self.kb.programs.get(program_id)

    def active_programs(self) -> list[Program]:
        return [p for p in self.kb.programs.values() if p.status.state != ProgramState.ended]

    # -- places ----------------------------------------------------------------------------
    def landkreise_for_plz(self, plz: str) -> list[Landkreis]:
        return [self.kb.landkreise[i] for i in self.plz.get(plz, [])]

    def find_landkreise(self, text: str) -> list[Landkreis]:
        """Districts named in a text by postcode, town, district name or abbreviation."""
        ids: list[str] = []
        for code in _PLZ.findall(text):
            for lk_id in self.plz.get(code, []):
                if lk_id not in ids:
                    ids.append(lk_id)
        for lk_id in _ids(_find_all(normalize(text), self.place_phrases)):
            if lk_id not in ids:
                ids.append(lk_id)
        return [self.kb.landkreise[i] for i in ids]

    # -- contacts --------------------------------------------------------------------------
    def find_contacts(self, text: str) -> list[Contact]:
        """Contacts named in a text by their full name ("IG Metall Eisenach")."""
        return [self.kb.contacts[i] for i in _ids(_find_all(normalize(text), self.contact_phrases))]

    def contact(self, contact_id: str) -> Contact | None:
        return self.kb.contacts.get(contact_id)

    def regional_contacts(self, landkreis: Landkreis, kind: str) -> list[Contact]:
        ids = next((v for k, v in landkreis.contacts.items() if k.value == kind), [])
        return [self.kb.contacts[i] for i in ids if i in self.kb.contacts]

    def contacts_for_program(self, program: Program, landkreis: Landkreis | None) -> list[Contact]:
        """Regional contacts of the program's kinds first (when the district is known), then
        the program's own contacts; without duplicates."""
        out: list[Contact] = []
        if landkreis is not None:
            for kind in program.contact_kinds:
                out.extend(self.regional_contacts(landkreis, kind))
        out.extend(self.kb.contacts[i] for i in program.contacts if i in self.kb.contacts)
        unique: dict[str, Contact] = {}
        for c in out:
            unique.setdefault(c.id, c)
        return list(unique.values())
