"""The shared German spaCy pipeline: ``spacy.blank("de")`` + lookup lemmas + folding.

No trained German model can be downloaded here, so tokenisation comes from spaCy's German
rules and lemmas from the lookup table in ``spacy-lookups-data`` (what spaCy's lookup
lemmatizer does, from a plain dict: see ``nlu.lookups``). The one component sets the lemma
and folds both the surface form (``NORM``) and the lemma (``LEMMA``) to lower case with
umlauts spelled out, so "Bafög", "BAföG" and "bafoeg" compare equal.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from knowledge.text import fold
from nlu.lookups import german_lemmas

FOLD_COMPONENT = "foerderlotse_fold"


@Language.component(FOLD_COMPONENT)
def fold_tokens(doc: Doc) -> Doc:
    lemmas = german_lemmas()
    for token in doc:
        token.norm_ = fold(token.text)
        token.lemma_ = fold(lemmas.get(token.text) or token.text)
    return doc


def encodable(text: str) -> str:
    """Lone surrogates (possible in JSON, not encodable as UTF-8, fatal to spaCy) become
    U+FFFD; every other character stays, so character offsets do not move."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


@functools.lru_cache(maxsize=1)
def german_nlp() -> Language:
    """Built on first use and shared by the tokenizer and the entity extractor."""
    nlp = spacy.blank("de")
    nlp.add_pipe(FOLD_COMPONENT)
    german_lemmas()  # read now, not on the first message
    return nlp
