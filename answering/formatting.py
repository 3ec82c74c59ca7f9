"""Formatting shared by every reply: dates, the source line, contact lines, status and
rate lines. Pure functions over knowledge records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from knowledge.index import KnowledgeIndex
from knowledge.rates import format_band, format_value, rate_for
from knowledge.schema import Contact, Program, ProgramState

Message = dict[str, Any]

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_date(day: dt.date, lang: str) -> str:
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")


def pick(de: str, en: str | None, lang: str) -> str:
    return en if lang == "en" and en else de


TITLE_LIMIT = 48  # visible characters of a source's title on a phone (the link has the page)


def short_title(title: str, limit: int = TITLE_LIMIT) -> str:
    """A source title cut at a word before ``limit`` characters, with "…"."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" :–-,;(")
    return cut + "…"


def source_link(title: str, url: str, stand: str, lang: str) -> str:
    if lang == "en":
        return f"Source: [{short_title(title)}]({url}) · as of {stand}"
    return f"Quelle: [{short_title(title)}]({url}) · Stand {stand}"


def source_line(program: Program | Contact, lang: str) -> str:
    src = program.sources[0]
    return source_link(src.title, str(src.url), format_date(program.stand, lang), lang)


def status_line(program: Program, index: KnowledgeIndex, lang: str) -> str | None:
    st = program.status
    if st.state == ProgramState.ended:
        when = format_date(st.date, lang) if st.date else ""
        successor = index.program(st.successor) if st.successor else None
        if lang == "en":
            line = f"⚠ This program ended on {when}."
            if successor:
                line += f" It was replaced by: {pick(successor.name, successor.name_en, lang)}."
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
