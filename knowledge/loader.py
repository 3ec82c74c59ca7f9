"""Load the knowledge base from YAML into typed records and check it as a whole.

``load(root)`` never raises on bad data: it returns the records that parsed plus a list of
``Problem`` objects (file, entry id, message), so the validator CLI can report every error
at once and the running bot can refuse to start on a broken knowledge base.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.figures import figures
from knowledge.schema import (
    Contact,
    ContactKind,
    Event,
    Fact,
    Landkreis,
    Program,
    SynonymGroup,
)
from knowledge.text import normalize

logger = logging.getLogger(__name__)

DEFAULT_ROOT = Path(__file__).resolve().parent

# folder -> (top-level key in each YAML file, record type)
SECTIONS: dict[str, tuple[str, type[BaseModel]]] = {
    "programs": ("programs", Program),
    "contacts": ("contacts", Contact),
    "regions": ("landkreise", Landkreis),
    "events": ("events", Event),
    "facts": ("facts", Fact),
}
SYNONYMS_FILE = "synonyms.yml"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    message: str
    overdue: bool = False  # a passed review date: fails validation, only warns at run time

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"


@dataclass
class KnowledgeBase:
    programs: dict[str, Program] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    landkreise: dict[str, Landkreis] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    synonyms: list[SynonymGroup] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {
            "programs": len(self.programs),
            "contacts": len(self.contacts),
            "landkreise": len(self.landkreise),
            "events": len(self.events),
        }
        if self.facts:
            out["facts"] = len(self.facts)
        return out

    def facts_about(self, entry_id: str) -> list[Fact]:
        return [f for f in self.facts.values() if f.about == entry_id]


@dataclass
class LoadResult:
    kb: KnowledgeBase
    problems: list[Problem]
    origin: dict[str, str]  # record id -> file it came from

    @property
    def ok(self) -> bool:
        return not self.problems


def _format_error(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"] if x != "__root__")
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    return "; ".join(parts)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys (plain YAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, "-", f"not readable as YAML: {exc}"))
        return None


def _load_section(
    root: Path,
    folder: str,
    key: str,
    model: type[M],
    target: dict[str, M],
    origin: dict[str, str],
    problems: list[Problem],
) -> None:
    for path in sorted((root / folder).glob("*.y*ml")):
        rel = path.relative_to(root.parent).as_posix() if root.parent != root else path.name
        data = _read_yaml(path, rel, problems)
        if data is None:
            continue
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            problems.append(Problem(rel, "-", f"expected a mapping with a list under '{key}'"))
            continue
        for index, raw in enumerate(data[key]):
            entry = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
            if not isinstance(raw, dict):
                problems.append(Problem(rel, entry, "entry is not a mapping"))
                continue
            try:
                record = model.parse_obj(raw)
            except ValidationError as exc:
                problems.append(Problem(rel, str(entry), _format_error(exc)))
                continue
            rid = record.id  # type: ignore[attr-defined]
            if rid in origin:
                problems.append(Problem(rel, rid, f"duplicate id (first defined in {origin[rid]})"))
                continue
            origin[rid] = rel
            target[rid] = record


def _check_refs(
    refs: Iterable[str], known: dict[str, Any], what: str, file: str, entry: str
) -> list[Problem]:
    return [Problem(file, entry, f"unknown {what} '{r}'") for r in refs if r not in known]


def cross_check(kb: KnowledgeBase, origin: dict[str, str], today: dt.date) -> list[Problem]:
    """Checks that span records: references, review dates."""
    problems: list[Problem] = []
    kinds = {k.value for k in ContactKind}
    for p in kb.programs.values():
        f = origin[p.id]
        problems += _check_refs(p.contacts, kb.contacts, "contact", f, p.id)
        problems += [
            Problem(f, p.id, f"unknown contact kind '{k}'")
            for k in p.contact_kinds
            if k not in kinds
        ]
        if p.status.successor:
            problems += _check_refs([p.status.successor], kb.programs, "successor", f, p.id)
        if not (p.contacts or p.contact_kinds):
            problems.append(Problem(f, p.id, "program names no contact and no contact kind"))
    for c in kb.contacts.values():
        f = origin[c.id]
        problems += _check_refs(c.landkreise, kb.landkreise, "landkreis", f, c.id)
        if c.parent:
            problems += _check_refs([c.parent], kb.contacts, "parent contact", f, c.id)
    for lk in kb.landkreise.values():
        f = origin[lk.id]
        for ids in lk.contacts.values():
            problems += _check_refs(ids, kb.contacts, "contact", f, lk.id)
    for ev in kb.events.values():
        f = origin[ev.id]
        if ev.organizer:
            problems += _check_refs([ev.organizer], kb.contacts, "organizer", f, ev.id)
        problems += _check_refs(ev.landkreise, kb.landkreise, "landkreis", f, ev.id)
    problems += check_facts(kb, origin)
    records: list[Any] = [
        *kb.programs.values(),
        *kb.contacts.values(),
        *kb.landkreise.values(),
        *kb.events.values(),
        *kb.facts.values(),
    ]
    for rec in records:
        if rec.review_by < today:
            problems.append(
                Problem(
                    origin[rec.id], rec.id, f"review date {rec.review_by} has passed", overdue=True
                )
            )
    return problems


def check_facts(kb: KnowledgeBase, origin: dict[str, str]) -> list[Problem]:
    """A fact names an entry that exists, states no figure its source text lacks, and no
    phrasing of it is a phrasing of another fact."""
    problems: list[Problem] = []
    phrasings: dict[str, str] = {}
    for fact in kb.facts.values():
        f = origin[fact.id]
        if fact.about not in kb.programs:
            problems.append(Problem(f, fact.id, f"unknown program or topic '{fact.about}'"))
        evidence = figures(fact.source_text)
        for name in ("answer", "answer_en", "next_step", "next_step_en"):
            text = getattr(fact, name) or ""
            missing = sorted(figures(text) - evidence)
            if missing:
                problems.append(
                    Problem(
                        f, fact.id, f"{name}: figure(s) {', '.join(missing)} not in source_text"
                    )
                )
        for line in (*fact.figures, *fact.figures_en):
            missing = sorted(figures(line) - evidence)
            if missing:
                problems.append(
                    Problem(f, fact.id, f"figures: {', '.join(missing)} not in source_text")
                )
        for question in (*fact.questions, *fact.questions_en):
            key = normalize(question)
            other = phrasings.setdefault(key, fact.id)
            if other != fact.id:
                problems.append(
                    Problem(f, fact.id, f"phrasing {question!r} is also a phrasing of '{other}'")
                )
    return problems


def _load_synonyms(root: Path, kb: KnowledgeBase, problems: list[Problem]) -> None:
    path = root / SYNONYMS_FILE
    if not path.exists():
        return
    rel = path.relative_to(root.parent).as_posix() if root.parent != root else path.name
    data = _read_yaml(path, rel, problems)
    groups = data.get("synonyms") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        problems.append(Problem(rel, "-", "expected a mapping with a list under 'synonyms'"))
        return
    owner: dict[str, int] = {}
    for i, terms in enumerate(groups):
        try:
            group = SynonymGroup(terms=terms)
        except ValidationError as exc:
            problems.append(Problem(rel, f"#{i}", _format_error(exc)))
            continue
        if len(normalize(group.terms[0]).split()) != 1:
            problems.append(Problem(rel, f"#{i}", "the first term of a group is one word"))
        for term in group.terms:
            key = normalize(term)
            if not key:
                problems.append(Problem(rel, f"#{i}", f"term {term!r} has no letters"))
            elif owner.setdefault(key, i) != i:
                problems.append(
                    Problem(rel, f"#{i}", f"term {term!r} is also in group #{owner[key]}")
                )
        kb.synonyms.append(group)


def load(root: Path = DEFAULT_ROOT, *, today: Callable[[], dt.date] = dt.date.today) -> LoadResult:
    kb = KnowledgeBase()
    problems: list[Problem] = []
    origin: dict[str, str] = {}
    targets: dict[str, dict[str, Any]] = {
        "programs": kb.programs,
        "contacts": kb.contacts,
        "regions": kb.landkreise,
        "events": kb.events,
        "facts": kb.facts,
    }
    for folder, (key, model) in SECTIONS.items():
        _load_section(root, folder, key, model, targets[folder], origin, problems)
    _load_synonyms(root, kb, problems)
    problems += cross_check(kb, origin, today())
    logger.debug("knowledge base loaded from %s: %s", root, kb.counts())
    return LoadResult(kb=kb, problems=problems, origin=origin)


class KnowledgeError(RuntimeError):
    """Raised by ``load_or_raise`` when the knowledge base is invalid."""


def load_or_raise(
    root: Path = DEFAULT_ROOT, *, today: Callable[[], dt.date] = dt.date.today
) -> KnowledgeBase:
    """Load for the running bot: invalid data is fatal, overdue reviews are only logged."""
    result = load(root, today=today)
    errors = [p for p in result.problems if not p.overdue]
    overdue = len(result.problems) - len(errors)
    if overdue:
        logger.warning("%d knowledge entries are past their review date", overdue)
    if errors:
        listing = "\n".join(str(p) for p in errors[:20])
        raise KnowledgeError(f"{len(errors)} problem(s) in the knowledge base:\n{listing}")
    return result.kb
