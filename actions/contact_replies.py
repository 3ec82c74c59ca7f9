"""Replies about people to talk to: the contact finder and the handoff to a human."""

from __future__ import annotations

from actions.answers import HOTLINES
from answering.formatting import Message, contact_line
from knowledge.index import KnowledgeIndex
from knowledge.schema import Contact, Landkreis

# which kinds to show, in order, by the asker's role
KINDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    "employer": ("arbeitgeber_service", "ihk", "hwk", "network", "funding_agency"),
    "apprentice": ("agentur_fuer_arbeit", "ihk", "hwk", "union"),
    "school_leaver": ("agentur_fuer_arbeit", "ihk", "hwk"),
    "works_council": ("union", "agentur_fuer_arbeit", "network"),
    "unemployed": ("agentur_fuer_arbeit", "weiterbildungsberatung"),
    "employee": ("agentur_fuer_arbeit", "union", "weiterbildungsberatung", "network"),
}
DEFAULT_KINDS = ("agentur_fuer_arbeit", "arbeitgeber_service", "ihk", "hwk", "union", "network")


def contact_cards(contacts: list[Contact], lang: str) -> list[Message]:
    """What a named office or network does, and how to reach it."""
    lines: list[str] = []
    for c in contacts:
        role = c.role_en if lang == "en" and c.role_en else c.role
        lines += [f"**{c.name}**: {role}", f"- {contact_line(c, lang)}"]
    stand = max(c.stand for c in contacts)
    lines.append(f"As of {stand:%d %b %Y}" if lang == "en" else f"Stand {stand:%d.%m.%Y}")
    return [{"text": "\n".join(lines)}]


def regional_contacts(
    index: KnowledgeIndex,
    landkreis: Landkreis,
    role: str | None,
    limit: int = 4,
    prefer: tuple[str, ...] | list[str] = (),
) -> list[Contact]:
    """One contact per kind: the kinds the user named first, then those for the role."""
    out: list[Contact] = []
    for kind in [*prefer, *KINDS_BY_ROLE.get(role or "", DEFAULT_KINDS)]:
        for contact in index.regional_contacts(landkreis, kind)[:1]:
            if contact not in out:
                out.append(contact)
    return out[:limit]


def hotlines(index: KnowledgeIndex) -> list[Contact]:
    return [c for c in (index.contact(i) for i in HOTLINES) if c is not None]


def contact_finder(
    index: KnowledgeIndex,
    landkreis: Landkreis | None,
    *,
    role: str | None,
    lang: str,
    also: list[Landkreis] | None = None,
    prefer: list[str] | None = None,
    named: list[Contact] | None = None,
) -> list[Message]:
    named = named or []
    if landkreis is None and named:
        lines = [f"- {contact_line(c, lang)}" for c in named]
        return [{"text": "\n".join(lines)}]
    if landkreis is None:
        head = (
            "This place is outside my two regions (Heilbronn-Franken, Thuringia). Nationwide you can reach:"
            if lang == "en"
            else "Dieser Ort liegt außerhalb meiner beiden Regionen (Heilbronn-Franken, Thüringen). Bundesweit erreichen Sie:"
        )
        return [
            {"text": "\n".join([head, *(f"- {contact_line(c, lang)}" for c in hotlines(index))])}
        ]
    head = (
        f"Responsible for {landkreis.name}:" if lang == "en" else f"Zuständig für {landkreis.name}:"
    )
    contacts = named + [
        c for c in regional_contacts(index, landkreis, role, prefer=prefer or ()) if c not in named
    ]
    contacts = contacts[: max(4, len(named))]
    lines = [head, *(f"- {contact_line(c, lang)}" for c in contacts)]
    if also:
        names = ", ".join(lk.name for lk in also)
        lines.append(
            f"(This postcode also covers parts of {names}.)"
            if lang == "en"
            else f"(Die Postleitzahl gehört teilweise auch zu {names}.)"
        )
    stand = max(c.stand for c in contacts) if contacts else None
    if stand:
        lines.append(f"Stand {stand:%d.%m.%Y}" if lang != "en" else f"As of {stand:%d %b %Y}")
    return [{"text": "\n".join(lines)}]


def handoff(
    index: KnowledgeIndex, landkreis: Landkreis | None, *, role: str | None, lang: str
) -> list[Message]:
    contacts = regional_contacts(index, landkreis, role, limit=2) if landkreis else []
    contacts = contacts or hotlines(index)
    if lang == "en":
        head = (
            "I am a bot, and I have noted that you would like to talk to a person. An advisor can "
            "take over this chat when available. You can also reach advice directly:"
        )
    else:
        head = (
            "Ich bin ein Bot und habe notiert, dass Sie mit einem Menschen sprechen möchten. Eine "
            "Beraterin oder ein Berater kann dieses Gespräch übernehmen, sobald jemand frei ist. "
            "Direkt erreichen Sie:"
        )
    return [{"text": "\n".join([head, *(f"- {contact_line(c, lang)}" for c in contacts)])}]
