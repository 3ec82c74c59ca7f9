"""The figure check: every figure a reply states is in the knowledge-base entry it cites.

A reply cites an entry by its "Mehr dazu" button (``/inform{"program": "<id>"}``) and by
the source links it shows. The figures of an entry are those of its own text (summary, key
figure, conditions, amounts, rate tables, how to apply, status), of its facts and of the
facts' source texts, the sources' titles, and the Stand dates. Figures the user wrote (a
company size, a year) may come back in the reply. Phone numbers and postcodes are no such
figures: only numbers with a unit (%, €, months, hours, employees …), dates and paragraphs
are checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.figures import figures, unit_figures
from knowledge.loader import KnowledgeBase
from knowledge.schema import Program

_PAYLOAD = re.compile(r"^/\w+(\{.*\})$")
_URL = re.compile(r"https?://[^\s)\]]+")


def entry_texts(entry: Program, kb: KnowledgeBase) -> list[str]:
    texts = [entry.name, entry.summary, entry.summary_en or "", entry.key_figure,
             entry.key_figure_en or "", entry.how_to_apply, entry.how_to_apply_en or "",
             entry.legal_basis or "", entry.status.note or "", *entry.conditions]  # fmt: skip
    texts += [f"{a.label} {a.value} {a.value_en or ''}" for a in entry.amounts]
    texts += [s.title for s in entry.sources]  # a source's title may carry its date
    for table in entry.rates:
        texts.append(table.note or "")
        for band in table.by_company_size:
            bounds = [band.min_employees, band.value]
            if band.max_employees is not None:
                bounds += [band.max_employees, band.max_employees + 1]
            texts.append(" ".join(str(b) for b in bounds))
    dates = [entry.stand, entry.status.date] if entry.status.date else [entry.stand]
    for fact in kb.facts_about(entry.id):
        texts += [fact.answer, fact.answer_en, fact.source_text, *fact.figures, *fact.figures_en]
        texts += [s.title for s in fact.sources]
        dates.append(fact.stand)
    texts += [d.isoformat() for d in dates if d]
    return texts


def entry_figures(entry: Program, kb: KnowledgeBase) -> set[str]:
    out: set[str] = set()
    for text in entry_texts(entry, kb):
        out |= figures(text)
    return out


def cited_entries(replies: Iterable[dict], kb: KnowledgeBase) -> list[str]:
    """Entries a reply cites: its buttons' program payloads and the entries (or facts) whose
    source it links."""
    ids: list[str] = []
    urls: set[str] = set()
    for reply in replies:
        for button in reply.get("buttons") or []:
            m = _PAYLOAD.match(button.get("payload") or "")
            if m:
                try:
                    value = json.loads(m.group(1)).get("program")
                except (ValueError, AttributeError):
                    value = None
                if isinstance(value, str) and value in kb.programs and value not in ids:
                    ids.append(value)
        urls.update(_URL.findall(reply.get("text") or ""))
    for entry in kb.programs.values():
        sources = {str(s.url) for s in entry.sources}
        sources |= {str(s.url) for f in kb.facts_about(entry.id) for s in f.sources}
        if sources & urls and entry.id not in ids:
            ids.append(entry.id)
    return ids


def cited_event_figures(replies: Iterable[dict], kb: KnowledgeBase) -> set[str]:
    """Figures of the events whose page or source a reply links, and of the contacts it
    links or names in bold (an event list, a contact list or card cites them): their texts
    and Stand dates."""
    urls: set[str] = set()
    texts = [reply.get("text") or "" for reply in replies]
    for text in texts:
        urls.update(u.rstrip(".,;") for u in _URL.findall(text))
    out: set[str] = set()
    for contact in kb.contacts.values():
        pages = {str(s.url) for s in contact.sources}
        pages |= {str(contact.web)} if contact.web else set()
        named = any(f"**{contact.name}**" in text for text in texts)
        if pages & urls or named:  # a contact card: what the office does, and its Stand
            for text in (contact.role, contact.role_en or "", contact.stand.isoformat()):
                out |= figures(text)
    for event in kb.events.values():
        pages = {str(s.url) for s in event.sources} | ({str(event.url)} if event.url else set())
        if pages & urls:
            dates = [d.isoformat() for d in (event.starts, event.ends, event.stand) if d]
            for text in (event.title, event.summary, event.location or "", *dates):
                out |= figures(text)
    return out


@dataclass(frozen=True)
class Violation:
    figures: tuple[str, ...]
    cited: tuple[str, ...]


def check_reply(
    replies: list[dict], question: str, kb: KnowledgeBase, own_texts: Iterable[str] = ()
) -> Violation | None:
    """None when every stated figure of the reply is in a cited entry or the question.
    ``own_texts`` are the bot's own messages whose figures come from its settings, not from
    the knowledge base (the privacy notice's retention days): left out of the check."""
    texts = [r.get("text") or "" for r in replies]
    for own in own_texts:
        texts = [t.replace(own, " ") for t in texts]
    text = "\n".join(texts)
    stated = unit_figures(_URL.sub(" ", text))  # a link's address is not read as a figure
    if not stated:
        return None
    cited = cited_entries(replies, kb)
    allowed = figures(question) | cited_event_figures(replies, kb)
    for entry_id in cited:
        allowed |= entry_figures(kb.programs[entry_id], kb)
    missing = tuple(sorted(stated - allowed))
    return Violation(missing, tuple(cited)) if missing else None
