"""Text normalisation shared by alias matching, gazetteers and search."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_PARAGRAPH = re.compile(r"§\s*")
_NON_WORD = re.compile(r"[^0-9a-z§+]+")


def normalize(text: str) -> str:
    """Lower-case, fold umlauts, keep letters, digits, '§' and '+'; single spaces.

    >>> normalize("Aufstiegs-BAföG für §82!")
    'aufstiegs bafoeg fuer § 82'
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PARAGRAPH.sub(" § ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whole-word containment of one normalised phrase in another."""
    if not needle:
        return False
    return f" {needle} " in f" {haystack} "
