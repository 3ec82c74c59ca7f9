"""Replies for the Förder-Check result and for events."""

from __future__ import annotations

import datetime as dt

from actions.answers import more_buttons
from actions.contact_replies import regional_contacts
from answering.formatting import Message, contact_line, format_date, pick
from knowledge.index import KnowledgeIndex
from knowledge.rates import format_value, rate_for
from knowledge.schema import Event, Landkreis, Program
from knowledge.text import normalize


def program_line(program: Program, employees: int | None, lang: str) -> str:
    name = pick(program.name, program.name_en, lang)
    if employees is not None and program.rates:
        table = program.rates[0]
        result = rate_for(table, employees)
        qualifier = ("up to " if lang == "en" else f"{table.qualifier} ") if table.qualifier else ""
        label = pick(table.label, table.label_en, lang)
        figure = f"{label}: {qualifier}{format_value(result.value, table.unit)}"
    else:
        figure = pick(program.key_figure, program.key_figure_en, lang)
    return f"**{name}**: {figure}"


def check_result(
    index: KnowledgeIndex,
    programs: list[Program],
    *,
    employees: int | None,
    landkreis: Landkreis | None,
    role: str | None,
    lang: str,
) -> list[Message]:
    if not programs:
        text = (
            "I found no program that clearly fits. Personal advice helps best here:"
            if lang == "en"
            else "Ich habe kein Programm gefunden, das eindeutig passt. Hier hilft eine persönliche Beratung am besten:"
        )
        contacts = regional_contacts(index, landkreis, role, limit=2) if landkreis else []
        return [{"text": "\n".join([text, *(f"- {contact_line(c, lang)}" for c in contacts)])}]
    head = "These fit you best:" if lang == "en" else "Das passt am ehesten zu Ihnen:"
    lines = [head]
    lines += [f"{i}. {program_line(p, employees, lang)}" for i, p in enumerate(programs, 1)]
    sources = " · ".join(
        f"[{i}]({p.sources[0].url}) {format_date(p.stand, lang)}" for i, p in enumerate(programs, 1)
    )
    lines.append(("Sources: " if lang == "en" else "Quellen (Stand): ") + sources)
    facts: Message = {"text": "\n".join(lines)}
    step_lines = [
        "Next step: get advice before you start anything:"
        if lang == "en"
        else "Nächster Schritt: Lassen Sie sich vor dem Start beraten:"
    ]
    prefer = (
        ["network"] if any(p.id == "transformationsnetzwerke-automobil" for p in programs) else []
    )
    contacts = (
        regional_contacts(index, landkreis, role, limit=2 + len(prefer), prefer=prefer)
        if landkreis
        else []
    )
    contacts = contacts or index.contacts_for_program(programs[0], landkreis)[:2]
    step_lines += [f"- {contact_line(c, lang)}" for c in contacts]
    if landkreis is None:
        step_lines.append(
            "Tell me your town or postcode and I will name the office responsible for you."
            if lang == "en"
            else "Nennen Sie mir Ihren Ort oder Ihre Postleitzahl, dann nenne ich die zuständige Stelle."
        )
    step: Message = {"text": "\n".join(step_lines), "buttons": more_buttons(programs, lang)}
    return [facts, step]


def named_events(index: KnowledgeIndex, text: str, today: dt.date) -> list[Event]:
    """Current events whose title the user wrote ("Woche der Ausbildung")."""
    padded = f" {normalize(text)} "

    def names(e: Event) -> set[str]:  # the title, its part before "(", and the id's words
        return {normalize(e.title), normalize(e.title.split("(")[0]), e.id.replace("-", " ")}

    return [
        e
        for e in index.kb.events.values()
        if e.expires >= today and any(f" {n} " in padded for n in names(e) if n)
    ]


def upcoming_events(
    index: KnowledgeIndex,
    landkreis: Landkreis | None,
    today: dt.date,
    limit: int = 4,
    named: list[Event] | None = None,
) -> list[Event]:
    events = [e for e in index.kb.events.values() if e.expires >= today]
    if landkreis is not None:
        local = [e for e in events if not e.landkreise or landkreis.id in e.landkreise]
        events = local
    named = named or []
    rest = sorted(
        (e for e in events if e not in named), key=lambda e: (e.starts or dt.date.max, e.title)
    )
    return (named + rest)[: max(limit, len(named))]


def events_reply(
    index: KnowledgeIndex, landkreis: Landkreis | None, today: dt.date, lang: str, text: str = ""
) -> list[Message]:
    events = upcoming_events(index, landkreis, today, named=named_events(index, text, today))
    if not events:
        text = (
            "I know of no upcoming events right now. Your chamber (IHK/HWK) and employment agency publish their dates."
            if lang == "en"
            else "Aktuell kenne ich keine anstehenden Veranstaltungen. Termine veröffentlichen IHK, HWK und Agentur für Arbeit."
        )
        return [{"text": text}]
    lines = ["Events and offers:" if lang == "en" else "Veranstaltungen und Angebote:"]
    for e in events:
        when = (
            format_date(e.starts, lang)
            if e.starts
            else ("date not yet published" if lang == "en" else "Termin noch nicht veröffentlicht")
        )
        link = f" · {e.url}" if e.url else ""
        lines.append(f"- **{e.title}** ({when}): {e.summary}{link}")
    stand = max(e.stand for e in events)
    lines.append(
        f"As of {format_date(stand, lang)}" if lang == "en" else f"Stand {format_date(stand, lang)}"
    )
    return [{"text": "\n".join(lines)}]
