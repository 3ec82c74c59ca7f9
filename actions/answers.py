"""Compose the bot's answers from knowledge records. Pure functions: no Rasa, no I/O.

A reply is a list of messages (``{"text": ..., "buttons": [...]}``), short enough for a chat
bubble each: first the fact (summary, key figure, source and Stand), then the next step with
a contact.
"""

from __future__ import annotations

from answering.formatting import (
    Message,
    contact_line,
    pick,
    rate_lines,
    source_line,
    status_line,
)
from knowledge.index import KnowledgeIndex
from knowledge.schema import Contact, Landkreis, Program


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
            "title": prefix + pick(p.name, p.name_en, lang),
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
    facts.append(f"**{pick(program.name, program.name_en, lang)}**")
    status = status_line(program, index, lang)
    if status:
        facts.append(status)
    facts.append(pick(program.summary, program.summary_en, lang))
    if employees is not None and program.rates:
        facts.extend(rate_lines(program, employees, lang))
    else:
        facts.append(pick(program.key_figure, program.key_figure_en, lang))
    if details:
        head = "On your question: " if lang == "en" else "Zu Ihrer Frage: "
        facts.extend(head + d for d in details)
    facts.append(source_line(program, lang))

    step = ("Next step: " if lang == "en" else "Nächster Schritt: ") + pick(
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
