"""What every channel says about bad input and faults, in German and English (one place)."""

from __future__ import annotations

import re
import unicodedata

MAX_MESSAGE = 2000  # characters of one user message, on every channel

TOO_LONG = {
    "de": f"Ihre Nachricht ist zu lang (höchstens {MAX_MESSAGE:,} Zeichen). Bitte fassen Sie "
    "sich kürzer oder teilen Sie die Frage auf.".replace(",", "."),
    "en": f"Your message is too long (at most {MAX_MESSAGE:,} characters). Please shorten it "
    "or split your question.",
}
EMPTY = {
    "de": "Ihre Nachricht war leer. Bitte schreiben Sie Ihre Frage als Text.",
    "en": "Your message was empty. Please type your question as text.",
}
TOO_FAST = {
    "de": "Sie schreiben gerade sehr schnell. Bitte warten Sie einen Moment und senden Sie "
    "Ihre Nachricht dann noch einmal.",
    "en": "You are writing very fast. Please wait a moment, then send your message again.",
}
UNAVAILABLE = {
    "de": "Der Förderlotse ist gerade nicht erreichbar. Bitte versuchen Sie es in ein paar "
    "Minuten noch einmal.",
    "en": "Förderlotse is not reachable right now. Please try again in a few minutes.",
}
FAILED = {
    "de": "Entschuldigung, bei Ihrer Nachricht ist ein Fehler aufgetreten. Bitte versuchen Sie "
    "es noch einmal oder formulieren Sie die Frage anders.",
    "en": "Sorry, something went wrong with your message. Please try again or rephrase it.",
}


def lang(value: object) -> str:
    return "en" if value == "en" else "de"


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _kept(ch: str) -> bool:
    if ch in "\n\t":
        return True
    if ch in _BIDI_CONTROLS:  # could make a text read differently than it is stored
        return False
    # control characters and lone surrogates go; format characters such as the zero-width
    # joiner of emoji sequences stay, as do code points newer than Python's Unicode tables
    return unicodedata.category(ch) not in ("Cc", "Cs")


# what ``_kept`` drops, as one character class: control characters (Cc) but line breaks and
# tabs, lone surrogates (Cs) and the bidi controls (a test checks every code point)
_DROPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Drop control characters (keep line breaks and tabs) and surrounding space."""
    return _DROPPED.sub("", text).strip()
