from __future__ import annotations

import pytest

from bot.telegram.formatting import (
    MAX_MESSAGE,
    button_data,
    markdown_to_html,
    render,
    split_message,
)
from bot.telegram.identity import pseudonym


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("**Qualifizierungsgeld**: 60 %", "<b>Qualifizierungsgeld</b>: 60 %"),
        (
            "Quelle: [BA & Co](https://example.org/a?b=1&c=2)",
            'Quelle: <a href="https://example.org/a?b=1&amp;c=2">BA &amp; Co</a>',
        ),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("[klick](javascript:alert(1))", "[klick](javascript:alert(1))"),
        ('[x](https://a.org/"onmouseover=1)', '[x](https://a.org/"onmouseover=1)'),
        ("**<b>fett</b>**", "<b>&lt;b&gt;fett&lt;/b&gt;</b>"),
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ("Tel. 0800 4 5555 20\n- Punkt", "Tel. 0800 4 5555 20\n- Punkt"),
    ],
)
def test_markdown_to_html(markdown: str, html: str) -> None:
    assert markdown_to_html(markdown) == html


def test_split_at_paragraphs_and_lines() -> None:
    paragraphs = [f"Absatz {i} " * 40 for i in range(30)]
    text = "\n\n".join(paragraphs)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(p) <= MAX_MESSAGE for p in parts)
    assert "\n\n".join(parts) == text  # nothing lost, cut only between paragraphs


def test_split_one_huge_line() -> None:
    parts = split_message("x" * 10_000)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_render_puts_buttons_on_the_last_part_and_shortens_callback_data() -> None:
    long_payload = '/inform{"program": "' + "x" * 80 + '"}'
    replies = [
        {"text": "**A**"},
        {
            "text": "Wer sind Sie?",
            "buttons": [
                {"title": "Azubi", "payload": '/inform{"role": "apprentice"}'},
                {"title": "Lang", "payload": long_payload},
            ],
        },
    ]
    out = render(replies)
    assert [m.html for m in out] == ["<b>A</b>", "Wer sind Sie?"]
    assert out[0].buttons == []
    assert out[1].buttons == [("Azubi", '/inform{"role": "apprentice"}'), ("Lang", "/inform")]
    assert button_data("/affirm") == "/affirm"


def test_pseudonym_is_stable_keyed_and_not_the_id() -> None:
    a = pseudonym(123456789, b"key-1")
    assert a == pseudonym(123456789, b"key-1")
    assert a != pseudonym(123456789, b"key-2")
    assert "123456789" not in a
    assert a.startswith("tg-")
    with pytest.raises(ValueError, match="key"):
        pseudonym(1, b"")
