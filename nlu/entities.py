"""Find the knowledge base's entities in a message with spaCy PhraseMatchers.

Gazetteers come from the knowledge base (program names and aliases, district names,
abbreviations and towns) plus the role and situation vocabularies. Phrases are matched on
folded surface forms and on folded lemmas; overlapping matches resolve to the longest.
Company sizes and postcodes are parsed by rules.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from knowledge.loader import DEFAULT_ROOT, KnowledgeBase, load_or_raise
from nlu.company_size import parse_company_size
from nlu.german import encodable, german_nlp
from nlu.vocabulary import LAND_PHRASES, ROLE_PHRASES, SITUATION_PHRASES

_PLZ = re.compile(r"(?<![\d.,])\d{5}(?![\d.,]?\d)")
# entity types whose spans must not overlap; `situation` is extra information beside them
PRIMARY = ("program", "landkreis", "role")
SECONDARY = ("situation", "land")
GENERAL_SITUATION = "weiterbildung"


@dataclass(frozen=True)
class FoundEntity:
    entity: str
    value: str
    start: int
    end: int
    text: str

    def as_rasa(self) -> dict[str, object]:
        return {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "confidence_entity": 1.0,
        }


def _variants(phrase: str) -> set[str]:
    """Spellings people use for the same phrase: with and without hyphens."""
    out = {phrase}
    if "-" in phrase:
        out.add(phrase.replace("-", " "))
        out.add(phrase.replace("-", ""))
    return {v.strip() for v in out if v.strip()}


def gazetteer(kb: KnowledgeBase) -> dict[str, list[tuple[str, str]]]:
    """entity type -> [(phrase, value)] in priority order (first owner of a phrase wins)."""
    programs = [
        (name, p.id)
        for p in kb.programs.values()
        for name in (p.name, p.name_en or "", *p.aliases)
        if name
    ]
    places = [
        (name, lk.id)
        for lk in kb.landkreise.values()
        for name in (lk.name, *lk.aliases, *(t.name for t in lk.towns))
    ]
    roles = [(phrase, role) for role, phrases in ROLE_PHRASES.items() for phrase in phrases]
    situations = [(phrase, s) for s, phrases in SITUATION_PHRASES.items() for phrase in phrases]
    lands = [(phrase, land) for land, phrases in LAND_PHRASES.items() for phrase in phrases]
    return {
        "program": programs,
        "landkreis": places,
        "role": roles,
        "situation": situations,
        "land": lands,
    }


class EntityFinder:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.nlp = german_nlp()
        self.values: dict[str, str] = {}  # match label -> value
        self.matchers: dict[str, list[PhraseMatcher]] = {}
        for entity, pairs in gazetteer(kb).items():
            self.matchers[entity] = self._build(entity, pairs)

    def _build(self, entity: str, pairs: Iterable[tuple[str, str]]) -> list[PhraseMatcher]:
        by_norm = PhraseMatcher(self.nlp.vocab, attr="NORM")
        by_lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        claimed: set[str] = set()
        wanted = [(variant, value) for phrase, value in pairs for variant in _variants(phrase)]
        # one batch through the pipeline: start-up is several times faster than one by one
        docs = self.nlp.pipe(variant for variant, _ in wanted)
        for (_, value), doc in zip(wanted, docs, strict=True):
            key = " ".join(t.norm_ for t in doc)
            if not key or key in claimed:
                continue
            claimed.add(key)
            label = f"{entity}|{value}"
            self.values[label] = value
            by_norm.add(label, [doc])
            by_lemma.add(label, [doc])
        return [by_norm, by_lemma]

    def _spans(self, doc: Doc, entity: str) -> list[Span]:
        spans: list[Span] = []
        for matcher in self.matchers[entity]:
            for match_id, start, end in matcher(doc):
                spans.append(Span(doc, start, end, label=self.nlp.vocab.strings[match_id]))
        return spans

    def find(self, text: str) -> list[FoundEntity]:
        if not text or not text.strip():
            return []
        text = encodable(text)
        doc = self.nlp(text)
        found: list[FoundEntity] = []
        taken: list[tuple[int, int]] = []

        size = parse_company_size(text)
        if size is not None:
            found.append(
                FoundEntity("company_size", str(size.employees), size.start, size.end, size.text)
            )
            taken.append((size.start, size.end))

        primary = filter_spans([s for e in PRIMARY for s in self._spans(doc, e)])
        for span in primary:
            if any(span.start_char < e and s < span.end_char for s, e in taken):
                continue
            entity = span.label_.split("|", 1)[0]
            found.append(
                FoundEntity(
                    entity, self.values[span.label_], span.start_char, span.end_char, span.text
                )
            )
            taken.append((span.start_char, span.end_char))

        for m in _PLZ.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e in taken):
                found.append(FoundEntity("plz", m.group(), m.start(), m.end(), m.group()))

        for entity in SECONDARY:
            for span in filter_spans(self._spans(doc, entity)):
                found.append(
                    FoundEntity(
                        entity, self.values[span.label_], span.start_char, span.end_char, span.text
                    )
                )
        return sorted(found, key=lambda f: (f.start, f.entity))


FOUND = "foerderlotse_kb_entities"  # a message property, never in the output


def found_in(message: Any, finder: EntityFinder) -> list[FoundEntity]:
    """The knowledge-base entities of a Rasa message, found once per message: the featurizer
    and the extractor both need them (and finding them is the NLU's most costly step)."""
    found = message.get(FOUND)
    if found is None:
        found = finder.find(message.get("text") or "")
        message.set(FOUND, found)
    return list(found)


@functools.lru_cache(maxsize=4)
def finder_for(root: Path) -> EntityFinder:
    """One finder per knowledge-base folder and process (shared by featurizer and extractor)."""
    return EntityFinder(load_or_raise(root))


def knowledge_root(configured: str | None = None) -> Path:
    return Path(configured or os.environ.get("FOERDERLOTSE_KNOWLEDGE") or DEFAULT_ROOT)
