"""The figure check over replies, against the project's knowledge base."""

from __future__ import annotations

from answering.figure_check import check_reply
from knowledge.loader import load_or_raise

KB = load_or_raise()
EVENT = KB.events["berufemarkt-wartburgkreis"]


def event_reply(extra: str = "") -> list[dict]:
    return [{"text": f"- **{EVENT.title}**: {EVENT.summary}{extra} · {EVENT.url}"}]


def test_an_event_lists_figures_cite_the_event() -> None:
    assert check_reply(event_reply(), "Gibt es Berufsmessen?", KB) is None


def test_a_figure_no_cited_entry_has_is_a_violation() -> None:
    violation = check_reply(event_reply(" Eintritt 17 €."), "Gibt es Berufsmessen?", KB)
    assert violation is not None
    assert violation.figures == ("17",)


def test_without_a_link_the_event_does_not_count_as_cited() -> None:
    reply = [{"text": f"{EVENT.title}: am 25. Oktober 2025 in Eisenach."}]
    assert check_reply(reply, "Gibt es Berufsmessen?", KB) is not None
    linked = [{"text": f"{EVENT.title}: am 25. Oktober 2025 in Eisenach. · {EVENT.url}"}]
    assert check_reply(linked, "Gibt es Berufsmessen?", KB) is None


def test_a_contact_lists_stand_date_cites_the_contacts() -> None:
    contact = next(c for c in KB.contacts.values() if c.web and c.stand)
    stand = f"Stand {contact.stand:%d.%m.%Y}"
    assert check_reply([{"text": f"**{contact.name}** · {contact.web}\n{stand}"}], "", KB) is None
    # neither linked nor named as a card: the date is nobody's
    assert check_reply([{"text": f"Eine Stelle\n{stand}"}], "", KB) is not None


def test_a_contact_card_cites_what_the_office_does() -> None:
    """A card names the office in bold and says what it does; figures of that text (a year,
    a count) are the contact entry's own."""
    contact = next(c for c in KB.contacts.values() if any(ch.isdigit() for ch in c.role))
    card = [{"text": f"**{contact.name}**: {contact.role}\nStand {contact.stand:%d.%m.%Y}"}]
    assert check_reply(card, "", KB) is None
    other = [{"text": f"Ein Büro: {contact.role}\nStand {contact.stand:%d.%m.%Y}"}]
    assert check_reply(other, "", KB) is not None


def test_a_date_in_a_links_address_is_no_stated_figure() -> None:
    reply = [
        {"text": "Quelle: [Gesetzestext](https://example.org/act/1996-04-23/AFBG) · Eintritt 17 €"}
    ]
    violation = check_reply(reply, "", KB)
    assert violation is not None
    assert violation.figures == ("17",)  # the price, not the date in the address


def test_the_bots_own_privacy_notice_is_left_out() -> None:
    from bot.privacy import notice

    own = notice.chat_text("de", 90)
    assert check_reply([{"text": own}], "", KB) is not None  # 90 days: in no entry
    assert check_reply([{"text": own}], "", KB, own_texts=[own]) is None
    violation = check_reply([{"text": own + "\nEintritt 17 €"}], "", KB, own_texts=[own])
    assert violation is not None
    assert violation.figures == ("17",)
