"""Compose the bot's answers from knowledge records. Pure functions: no Rasa, no I/O.

A reply is a list of messages (``{"text": ..., "buttons": [...]}``), short enough for a chat
bubble each: first the fact (summary, key figure, source and Stand), then the next step with
a contact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from knowledge.index import KnowledgeIndex
from knowledge.rates import format_band, format_value, rate_for
from knowledge.schema import Contact, Landkreis, Program, ProgramState

Message = dict[str, Any]

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_date(day: dt.date, lang: str) -> str:
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")


def _pick(de: str, en: str | None, lang: str) -> str:
    return en if lang == "en" and en else de


def source_line(program: Program | Contact, lang: str) -> str:
    src = program.sources[0]
    stand = format_date(program.stand, lang)
    if lang == "en":
        return f"Source: [{src.title}]({src.url}) · as of {stand}"
    return f"Quelle: [{src.title}]({src.url}) · Stand {stand}"


def status_line(program: Program, index: KnowledgeIndex, lang: str) -> str | None:
    st = program.status
    if st.state == ProgramState.ended:
        when = format_date(st.date, lang) if st.date else ""
        successor = index.program(st.successor) if st.successor else None
        if lang == "en":
            line = f"⚠ This program ended on {when}."
            if successor:
                line += f" It was replaced by: {_pick(successor.name, successor.name_en, lang)}."
        else:
            line = f"⚠ Dieses Programm ist seit {when} beendet."
            if successor:
                line += f" Nachfolger: {successor.name}."
        return line
    if st.state == ProgramState.changed and st.note and lang != "en":
        return f"Hinweis: {st.note}"
    if st.state == ProgramState.changed and lang == "en" and st.date:
        return f"Note: the rules changed on {format_date(st.date, lang)}; older figures on the web are outdated."
    if st.state == ProgramState.planned:
        return (
            "Note: this program has not started yet."
            if lang == "en"
            else "Hinweis: Dieses Programm ist noch nicht gestartet."
        )
    return None


def rate_lines(program: Program, employees: int, lang: str) -> list[str]:
    lines = []
    for table in program.rates:
        result = rate_for(table, employees)
        value = format_value(result.value, table.unit)
        qualifier = f"{table.qualifier} " if table.qualifier else ""
        if lang == "en":
            qualifier = "up to " if table.qualifier else ""
            label = table.label_en or table.label
            lines.append(f"{label}: {qualifier}{value}")
        else:
            lines.append(f"{table.label}: {qualifier}{value}")
    if not lines:
        return []
    if lang == "en":
        head = f"For a company with {employees} employees:"
    else:
        head = f"Für einen Betrieb mit {employees} Beschäftigten ({format_band(rate_for(program.rates[0], employees).band)}):"
    return [head, *(f"- {line}" for line in lines)]


def contact_line(contact: Contact, lang: str) -> str:
    parts = [f"**{contact.name}**"]
    if contact.phone:
        parts.append(("phone " if lang == "en" else "Tel. ") + contact.phone)
    if contact.email:
        parts.append(contact.email)
    if contact.web:
        parts.append(str(contact.web))
    if contact.address:
        a = contact.address
        parts.append(", ".join(x for x in (a.street, f"{a.postcode or ''} {a.city}".strip()) if x))
    return " · ".join(parts)


def choose_program(
    candidates: list[Program], landkreis: Landkreis | None
) -> tuple[Program, list[Program]]:
    """The program to answer and the others to offer. With a known district, programs of
    another Land step back (e.g. "Bildungsurlaub" in Suhl means Thüringen's)."""
    if landkreis is not None:
        local = [p for p in candidates if p.scope.value in ("DE", landkreis.state.value)]
        if local:
            candidates = local + [p for p in candidates if p not in local]
    return candidates[0], candidates[1:]


def more_buttons(programs: list[Program], lang: str, limit: int = 3) -> list[dict[str, str]]:
    prefix = "More on: " if lang == "en" else "Mehr zu: "
    return [
        {
            "title": prefix + _pick(p.name, p.name_en, lang),
            "payload": f'/inform{{"program": "{p.id}"}}',
        }
        for p in programs[:limit]
    ]


def program_answer(
    program: Program,
    index: KnowledgeIndex,
    *,
    employees: int | None = None,
    landkreis: Landkreis | None = None,
    lang: str = "de",
    max_contacts: int = 2,
    others: list[Program] | None = None,
    details: list[str] | None = None,
    preface: str | None = None,
    extra_contacts: list[Contact] | None = None,
) -> list[Message]:
    facts = [preface] if preface else []
    facts.append(f"**{_pick(program.name, program.name_en, lang)}**")
    status = status_line(program, index, lang)
    if status:
        facts.append(status)
    facts.append(_pick(program.summary, program.summary_en, lang))
    if employees is not None and program.rates:
        facts.extend(rate_lines(program, employees, lang))
    else:
        facts.append(_pick(program.key_figure, program.key_figure_en, lang))
    if details:
        head = "On your question: " if lang == "en" else "Zu Ihrer Frage: "
        facts.extend(head + d for d in details)
    facts.append(source_line(program, lang))

    step = ("Next step: " if lang == "en" else "Nächster Schritt: ") + _pick(
        program.how_to_apply, program.how_to_apply_en, lang
    )
    extra = extra_contacts or []
    contacts = extra + [c for c in index.contacts_for_program(program, landkreis) if c not in extra]
    contacts = contacts[: max(max_contacts, len(extra))]
    lines = [step]
    if contacts:
        lines.append("Contact:" if lang == "en" else "Kontakt:")
        lines.extend(f"- {contact_line(c, lang)}" for c in contacts)
    reply: list[Message] = [{"text": "\n".join(facts)}, {"text": "\n".join(lines)}]
    if others:
        reply[-1]["buttons"] = more_buttons(others, lang)
    return reply


HOTLINES = ("ba-service-arbeitnehmer", "ba-arbeitgeber-service-hotline")


def no_figure_line(lang: str) -> str:
    return (
        "I don't have a figure for that in my knowledge base. The office below can tell you."
        if lang == "en"
        else "Eine Zahl dazu habe ich leider nicht. Die unten genannte Stelle kann Ihnen das sagen."
    )


def no_program_found(index: KnowledgeIndex, lang: str) -> list[Message]:
    """Honest answer when no program was recognised, with the nationwide hotlines."""
    if lang == "en":
        text = (
            "I could not tell which funding program you mean. Could you name it or describe "
            "your situation (employee, company, apprentice)?"
        )
        head = "Free personal advice:"
    else:
        text = (
            "Ich konnte kein bestimmtes Förderprogramm erkennen. Nennen Sie bitte den Namen "
            "oder beschreiben Sie Ihre Lage (Beschäftigte, Betrieb, Azubi)."
        )
        head = "Kostenlose persönliche Beratung:"
    contacts = [c for c in (index.contact(i) for i in HOTLINES) if c is not None]
    if contacts:
        text += "\n" + head + "\n" + "\n".join(f"- {contact_line(c, lang)}" for c in contacts)
    return [{"text": text}]
