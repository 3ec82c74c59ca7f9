"""Text normalisation shared by alias matching, gazetteers and search."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_PARAGRAPH = re.compile(r"§\s*")
_PARAGRAPH_WORD = re.compile(
    r"\b(?:section|sect|sec|paragraph|paragraf|paragraphen|para|par)\.?\s*(?=\d)"
)
_NON_WORD = re.compile(r"[^0-9a-z§+]+")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "ix": "9"}
_SGB_BOOK = re.compile(r"\bsgb (iii|ii|iv|vii|vi|ix|v|i)\b")


def fold(text: str) -> str:
    """Lower-case with umlauts spelled out and other accents removed: 'Bafög' -> 'bafoeg'."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Lower-case, fold umlauts, keep letters, digits, '§' and '+'; single spaces.

    >>> normalize("Aufstiegs-BAföG für §82 SGB III!")
    'aufstiegs bafoeg fuer § 82 sgb 3'
    """
    text = _PARAGRAPH_WORD.sub("§", fold(text))
    text = _PARAGRAPH.sub(" § ", text)
    text = " ".join(_NON_WORD.sub(" ", text).split())
    return _SGB_BOOK.sub(lambda m: f"sgb {_ROMAN[m.group(1)]}", text)


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whole-word containment of one normalised phrase in another."""
    if not needle:
        return False
    return f" {needle} " in f" {haystack} "
