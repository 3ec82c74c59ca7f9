"""The reply as a phone shows it: the direct answer first, then at most three lines of key
figures, the source with its Stand, one next step or contact, and a "Mehr dazu" button for
the whole entry. One chat message; the same text in Telegram, the widget and REST.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from answering.decision import Answer, Ask
from answering.formatting import (
    Message,
    contact_line,
    format_date,
    pick,
    rate_lines,
    source_line,
    source_link,
    status_line,
)
from answering.retrieval import Scored, first_sentences
from knowledge.index import KnowledgeIndex
from knowledge.schema import Contact, Fact, Landkreis, Program, ProgramState, QuestionKind

MORE_PAYLOAD = '/inform{{"program": "{}"}}'
FACT_PAYLOAD = '/inform{{"fact": "{}"}}'  # a short key: Telegram's callback data holds 64 bytes
BUTTON_TITLE = 60
ROLE_BUTTONS: dict[str, tuple[str, str]] = {
    "unemployed": ("Ich bin arbeitslos / arbeitsuchend", "I am unemployed / looking for work"),
    "employee": ("Ich bin beschäftigt", "I am employed"),
    "employer": ("Arbeitgeber / Betrieb", "Employer / company"),
    "works_council": ("Betriebsrat", "Works council"),
    "apprentice": ("Azubi", "Apprentice"),
    "self_employed": ("Selbstständig", "Self-employed"),
    "school_leaver": ("Schüler/in", "School student"),
}
LAND_BUTTONS: dict[str, tuple[str, str]] = {
    "BW": ("Baden-Württemberg", "Baden-Württemberg"),
    "TH": ("Thüringen", "Thuringia"),
}
# which contact kind an asker needs first
ROLE_CONTACT_KINDS: dict[str, tuple[str, ...]] = {
    "employer": ("arbeitgeber_service", "ihk", "hwk", "funding_agency"),
    "works_council": ("union", "arbeitgeber_service"),
    "apprentice": ("agentur_fuer_arbeit", "hwk", "ihk"),
}
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
LONG_REPLY = 380  # visible characters before the next step: beyond, the contact is left out


def visible_length(text: str) -> int:
    """Characters a reader sees: a Markdown link counts as its title (Telegram and the
    widget show the title; the address is behind it)."""
    return len(_LINK.sub(lambda m: m.group(1), text).replace("**", ""))


def more_button(entry: Program, lang: str) -> dict[str, str]:
    title = ("More: " if lang == "en" else "Mehr dazu: ") + pick(entry.name, entry.name_en, lang)
    if len(title) > 60:
        title = title[:57].rstrip() + "…"
    return {"title": title, "payload": MORE_PAYLOAD.format(entry.id)}


def _contact(
    entry: Program, kindex: KnowledgeIndex, landkreis: Landkreis | None, role: str | None
) -> Contact | None:
    found = kindex.contacts_for_program(entry, landkreis)
    if landkreis is not None and role in ROLE_CONTACT_KINDS:
        for kind in ROLE_CONTACT_KINDS[role]:
            regional = kindex.regional_contacts(landkreis, kind)
            if regional and kind in entry.contact_kinds:
                return regional[0]
    if role in ("employee", "unemployed", "apprentice"):
        for c in found:
            if c.kind.value not in ("arbeitgeber_service",):
                return c
    return found[0] if found else None


def short_contact(contact: Contact, lang: str) -> str:
    """Name and one way to reach it (phone, else e-mail, else web)."""
    reach = contact.phone and (("phone " if lang == "en" else "Tel. ") + contact.phone)
    reach = reach or contact.email or (str(contact.web) if contact.web else "")
    return f"**{contact.name}**" + (f" · {reach}" if reach else "")


def _step(fact: Fact, entry: Program, lang: str) -> str | None:
    if fact.kind in (QuestionKind.apply, QuestionKind.contact):
        return None
    text = pick(fact.next_step or "", fact.next_step_en, lang) if fact.next_step else ""
    text = text or pick(entry.how_to_apply, entry.how_to_apply_en, lang)
    step = first_sentences(text, 150)
    return ("Next step: " if lang == "en" else "Nächster Schritt: ") + step


def _status(entry: Program, answer: str, lang: str) -> str | None:
    if entry.status.state != ProgramState.ended or not entry.status.date:
        return None
    when = format_date(entry.status.date, lang)
    if when in answer:
        return None
    return f"⚠ Ended on {when}." if lang == "en" else f"⚠ Beendet seit {when}."


def _figure_lines(fact: Fact, entry: Program, lang: str, employees: int | None) -> list[str]:
    if (
        employees is not None
        and entry.rates
        and fact.kind in (QuestionKind.amount, QuestionKind.what)
    ):
        return rate_lines(entry, employees, lang)[:4]
    lines = fact.figures_en if lang == "en" else fact.figures
    return [f"- {line}" for line in lines[:3]]


def _contact_text(contact: Contact | None, lang: str) -> str | None:
    if contact is None:
        return None
    return ("Contact: " if lang == "en" else "Kontakt: ") + short_contact(contact, lang)


def fact_key(fact_id: str) -> str:
    """The short key of a fact in a button's payload (stable while the fact's id is)."""
    return hashlib.sha1(fact_id.encode()).hexdigest()[:10]


def button_question(fact: Fact, lang: str) -> str:
    """The question a button offers for ``fact``: the shortest of its first written
    phrasings in the language that reads as a question (capital letter, question mark)."""
    own = list(fact.questions_en if lang == "en" else fact.questions) or list(fact.questions)
    tidy = [q.strip() for q in own[:4] if q.strip()[:1].isupper() and q.strip().endswith("?")]
    title = min(tidy, key=len) if tidy else (own[0].strip() if own else fact.id)
    if len(title) > BUTTON_TITLE:
        title = title[: BUTTON_TITLE - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return title


def question_buttons(offered: tuple[Scored, ...], lang: str) -> list[dict[str, str]]:
    """Buttons for the facts nearly as good as the answer: tap one, get that answer."""
    out: list[dict[str, str]] = []
    for scored in offered:
        title = button_question(scored.fact, lang)
        if all(b["title"] != title for b in out):
            out.append({"title": title, "payload": FACT_PAYLOAD.format(fact_key(scored.fact.id))})
    return out


def _message(
    lines: list[str], entry: Program, lang: str, offered: tuple[Scored, ...] = ()
) -> list[Message]:
    """One chat message with the other questions it may have been, then the "Mehr dazu"
    button for the whole entry."""
    buttons = [*question_buttons(offered, lang), more_button(entry, lang)]
    return [{"text": "\n".join(lines), "buttons": buttons}]


@dataclass(frozen=True)
class Asker:
    """Who the reply is for: language, district, role and company size (all but the
    language optional); the replies pick rates, contacts and words by it."""

    lang: str = "de"
    landkreis: Landkreis | None = None
    role: str | None = None
    employees: int | None = None


def fact_reply(decision: Answer, kindex: KnowledgeIndex, *, asker: Asker) -> list[Message]:
    lang, employees = asker.lang, asker.employees
    best = decision.facts[0].fact
    entry = kindex.program(best.about)
    assert entry is not None  # facts are validated to name an entry
    answer = pick(best.answer, best.answer_en, lang)
    lines = [answer]
    status = _status(entry, answer, lang)
    if status:
        lines.append(status)
    lines += _figure_lines(best, entry, lang, employees)
    cited = [best]
    for extra in decision.facts[1:]:
        lines.append(
            ("Also: " if lang == "en" else "Außerdem: ")
            + pick(extra.fact.answer, extra.fact.answer_en, lang)
        )
        cited.append(extra.fact)
    seen_sources: set[str] = set()
    if all(f.about == best.about for f in cited):
        cited = [best]  # one entry: its best fact's source stands for both
    for fact in cited:
        owner = kindex.program(fact.about) or entry
        src = fact.sources[0] if fact.sources else owner.sources[0]
        if str(src.url) in seen_sources:
            continue
        seen_sources.add(str(src.url))
        stand = format_date(fact.stand, lang)
        lines.append(source_link(src.title, str(src.url), stand, lang))
    step = _step(best, entry, lang)
    contact = _contact_text(_contact(entry, kindex, asker.landkreis, asker.role), lang)
    way_on = contact or step
    if len(decision.facts) > 1 and way_on:
        lines.append(way_on)  # two answers: one way on, the shorter
    elif step and contact and visible_length("\n".join(lines)) > LONG_REPLY:
        lines.append(step)  # a long answer: one way on, not two
    else:
        lines += [x for x in (step, contact) if x]
    return _message(lines, entry, lang, decision.alternatives)


def ask_reply(ask: Ask, lang: str) -> list[Message]:
    if ask.dimension == "role":
        text = (
            "The answer depends on your situation. Which applies to you?"
            if lang == "en"
            else "Die Antwort hängt von Ihrer Lage ab. Was trifft auf Sie zu?"
        )
        buttons = [
            {"title": pick(*ROLE_BUTTONS[r], lang), "payload": f'/inform{{"role": "{r}"}}'}
            for r in ask.options
            if r in ROLE_BUTTONS
        ]
    else:
        text = (
            "That is a matter for each Land. Where do you work?"
            if lang == "en"
            else "Das regelt jedes Bundesland selbst. In welchem Land arbeiten Sie?"
        )
        buttons = [
            {"title": pick(*LAND_BUTTONS[x], lang), "payload": f'/inform{{"land": "{x}"}}'}
            for x in ask.options
        ]
    return [{"text": text, "buttons": buttons}]


def known_topic_reply(
    entry: Program,
    kindex: KnowledgeIndex,
    *,
    asker: Asker,
    offered: tuple[Scored, ...] = (),
) -> list[Message]:
    """Nothing answers the question: say so, say in one sentence what the bot knows about the
    topic, and offer the contact that can answer."""
    lang = asker.lang
    known = first_sentences(pick(entry.summary, entry.summary_en, lang), 200)
    name = pick(entry.name, entry.name_en, lang)
    if lang == "en":
        lines = [
            f"I have no reliable answer to that exact question. What I know about {name}: {known}"
        ]
    else:
        lines = [f"Darauf habe ich keine genaue Antwort. Was ich zu {name} weiß: {known}"]
    contact = _contact(entry, kindex, asker.landkreis, asker.role)
    if contact is not None:
        lines.append(
            ("They can answer your question: " if lang == "en" else "Ihre Frage beantwortet: ")
            + contact_line(contact, lang)
        )
    return _message(lines, entry, lang, offered)


def overview_reply(entry: Program, kindex: KnowledgeIndex, *, asker: Asker) -> list[Message]:
    """A message that names an entry and asks nothing specific: what it is in two sentences,
    its status, its key figure (the rates for the asker's company size when known), the
    source, one next step and the contact. "Mehr dazu" shows the whole entry."""
    lang, employees = asker.lang, asker.employees
    lines = [f"**{pick(entry.name, entry.name_en, lang)}**"]
    lines.append(first_sentences(pick(entry.summary, entry.summary_en, lang), 260))
    status = status_line(entry, kindex, lang)
    if status:
        lines.append(status)
    if employees is not None and entry.rates:
        lines += rate_lines(entry, employees, lang)[:4]
    else:
        figure = pick(entry.key_figure, entry.key_figure_en, lang)
        if figure:
            lines.append(first_sentences(figure, 200))
    lines.append(source_line(entry, lang))
    step = first_sentences(pick(entry.how_to_apply, entry.how_to_apply_en, lang), 150)
    if step:
        lines.append(("Next step: " if lang == "en" else "Nächster Schritt: ") + step)
    contact = _contact_text(_contact(entry, kindex, asker.landkreis, asker.role), lang)
    if contact:
        lines.append(contact)
    return _message(lines, entry, lang)
