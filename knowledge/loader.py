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

from knowledge.schema import Contact, ContactKind, Event, Landkreis, Program

logger = logging.getLogger(__name__)

DEFAULT_ROOT = Path(__file__).resolve().parent

# folder -> (top-level key in each YAML file, record type)
SECTIONS: dict[str, tuple[str, type[BaseModel]]] = {
    "programs": ("programs", Program),
    "contacts": ("contacts", Contact),
    "regions": ("landkreise", Landkreis),
    "events": ("events", Event),
}

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

    def counts(self) -> dict[str, int]:
        return {
            "programs": len(self.programs),
            "contacts": len(self.contacts),
            "landkreise": len(self.landkreise),
            "events": len(self.events),
        }


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
    records: list[Any] = [
        *kb.programs.values(),
        *kb.contacts.values(),
        *kb.landkreise.values(),
        *kb.events.values(),
    ]
    for rec in records:
        if rec.review_by < today:
            problems.append(
                Problem(
                    origin[rec.id], rec.id, f"review date {rec.review_by} has passed", overdue=True
                )
            )
    return problems


def load(root: Path = DEFAULT_ROOT, *, today: Callable[[], dt.date] = dt.date.today) -> LoadResult:
    kb = KnowledgeBase()
    problems: list[Problem] = []
    origin: dict[str, str] = {}
    targets: dict[str, dict[str, Any]] = {
        "programs": kb.programs,
        "contacts": kb.contacts,
        "regions": kb.landkreise,
        "events": kb.events,
    }
    for folder, (key, model) in SECTIONS.items():
        _load_section(root, folder, key, model, targets[folder], origin, problems)
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
