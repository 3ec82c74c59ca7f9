"""Fuzzing the text functions every message passes through: redaction, entity extraction,
the parsers (company size, postcodes, language, office hours, settings), input cleaning and
Telegram's HTML rendering. Properties, not just "no exception"."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.office_hours import OfficeHours
from bot.channels.texts import clean_text
from bot.privacy.redaction import LABELS, find, redact
from bot.settings import Settings
from bot.telegram.formatting import markdown_to_html, split_message
from knowledge.loader import DEFAULT_ROOT
from nlu.company_size import parse_company_size
from nlu.entities import finder_for
from nlu.german import encodable
from nlu.language import guess_language
from tests.fuzz.conftest import count, examples, messages


@settings(max_examples=examples(2500))
@given(messages())
def test_redaction_spans_are_ordered_disjoint_and_inside_the_text(text: str) -> None:
    count("redaction")
    spans = find(text)
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert s.kind in LABELS
    masked = redact(text)
    # what is left between the labels is exactly the original text outside the spans
    outside = "".join(
        text[a:b]
        for a, b in zip(
            [0, *(s.end for s in spans)], [*(s.start for s in spans), len(text)], strict=True
        )
    )
    assert re.sub(r"\[[A-ZÄÖÜ-]+\]", "", masked) == re.sub(r"\[[A-ZÄÖÜ-]+\]", "", outside)


LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=12).filter(
    lambda s: s[0] not in "._" and s[-1] not in "._" and ".." not in s
)


@settings(max_examples=examples(1000))
@given(
    before=st.sampled_from(["Bitte an", "Mail:", "meine Adresse ist", "contact me at", ""]),
    local=LOCAL,
    domain=st.sampled_from(["web.de", "gmx.net", "firma-ohg.de", "mail.example.co.uk"]),
    iban_digits=st.text(alphabet="0123456789", min_size=18, max_size=18),
    phone=st.from_regex(r"\A0[1-9]\d{2,4}[ /-]?\d{5,8}\Z"),
    after=st.sampled_from(["danke", "LG", ", wir sind 45 Leute in 74613 Öhringen", "?"]),
)
def test_generated_contact_data_is_always_masked(
    before: str, local: str, domain: str, iban_digits: str, phone: str, after: str
) -> None:
    count("redaction-recall")
    email = f"{local}@{domain}"
    iban = "DE" + iban_digits[:2] + " " + " ".join(re.findall(".{1,4}", iban_digits[2:]))
    text = f"{before} {email} oder Tel. {phone}, IBAN {iban} {after}"
    masked = redact(text)
    assert email not in masked
    assert phone not in masked
    assert iban not in masked
    assert "74613 Öhringen" in masked or "74613" not in text  # what the bot needs stays


@pytest.fixture(scope="module")
def finder():  # the knowledge base's finder, loaded once
    return finder_for(DEFAULT_ROOT)


@settings(max_examples=examples(1500))
@given(messages())
def test_entities_point_into_the_text_and_have_known_types(finder, text: str) -> None:
    count("entities")
    safe = encodable(text)  # lone surrogates become U+FFFD, offsets unchanged
    for e in finder.find(text):
        assert 0 <= e.start < e.end <= len(text)
        assert safe[e.start : e.end] == e.text
        assert e.entity in {
            "program",
            "landkreis",
            "plz",
            "company_size",
            "role",
            "situation",
            "land",
        }
        if e.entity == "land":
            assert e.value in {"BW", "TH"}
        if e.entity == "plz":
            assert re.fullmatch(r"\d{5}", e.value)
        if e.entity == "company_size":
            assert int(e.value) > 0


@settings(max_examples=examples(1500))
@given(messages())
def test_company_size_and_language_parsers(text: str) -> None:
    count("parsers")
    size = parse_company_size(text)
    if size is not None:
        assert size.employees > 0
        assert text[size.start : size.end] == size.text
    assert guess_language(text) in ("de", "en")


@settings(max_examples=examples(800))
@given(
    st.one_of(
        messages(), st.from_regex(r"\A(Mo|Di|Mi|Do|Fr|Sa|So)-(Mo|Fr|So) \d\d:\d\d-\d\d:\d\d\Z")
    )
)
def test_office_hours_spec_parses_or_says_why(spec: str) -> None:
    count("office-hours")
    import datetime as dt

    try:
        hours = OfficeHours.parse(spec)
    except ValueError as exc:
        message = str(exc)
        assert message.startswith("OFFICE_HOURS")
        return
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert hours.slots
    assert hours.next_opening(now) > now


@settings(max_examples=examples(800))
@given(
    name=st.sampled_from(
        [
            "RASA_PORT",
            "RETENTION_DAYS",
            "TELEGRAM_TYPING_DELAY",
            "ACTION_TIMEOUT",
            "RATE_LIMIT_BURST",
            "RATE_LIMIT_PER_MINUTE",
            "TELEGRAM_MODE",
        ]
    ),
    value=st.one_of(st.text(max_size=20), st.integers().map(str), st.floats().map(str)),
)
def test_settings_accept_a_value_or_name_the_variable(name: str, value: str) -> None:
    count("settings")
    try:
        Settings.from_env({name: value})
    except ValueError as exc:
        message = str(exc)
        assert name in message


@settings(max_examples=examples(1000))
@given(messages())
def test_clean_text_keeps_no_control_characters(text: str) -> None:
    count("clean-text")
    clean = clean_text(text)
    assert clean == clean.strip()
    assert not any(ord(c) < 32 and c not in "\n\t" for c in clean)
    assert not any(c in clean for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x7f")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


@settings(max_examples=examples(1000))
@given(messages())
def test_telegram_html_has_only_bold_and_safe_links(text: str) -> None:
    count("telegram-html")
    html = markdown_to_html(text)
    parser = _Tags()
    parser.feed(html)
    assert set(parser.tags) <= {"b", "a"}
    assert all(h.startswith(("http://", "https://")) for h in parser.hrefs)
    parts = split_message(html)
    assert all(len(p) <= 4096 for p in parts)


def test_clean_text_drops_exactly_what_kept_rejects_at_every_code_point() -> None:
    """The character class of ``clean_text`` against the per-character rule it replaces."""
    from bot.channels.texts import _DROPPED, _kept

    differ = [
        hex(cp) for cp in range(0x110000) if (_DROPPED.fullmatch(chr(cp)) is None) != _kept(chr(cp))
    ]
    assert differ == []
    assert clean_text(" a\x00b\u202ec\ud800\n\td\x9f ") == "abc\n\td"
