"""Text -> index terms: words, lemmas, synonyms of the knowledge base, compound parts.

The same analysis runs over the facts (once, when the index is built) and over each
message, so both meet on the same terms:

1. words of letters and digits ("§ 82" keeps "82"; "Aufstiegs-BAföG" gives both parts);
2. the lemma of each word in the message's language (German: spaCy's lookup table or
   simplemma; English: simplemma), folded (lower case, umlauts spelled out);
3. function words dropped;
4. synonyms of ``knowledge/synonyms.yml`` replaced by the first term of their group
   (also phrases: "agentur für arbeit" -> "arbeitsagentur");
5. German compounds split into the parts the index knows, kept beside the whole word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

import simplemma

from answering.compounds import CompoundSplitter
from answering.stopwords import STOP_WORDS
from knowledge.schema import SynonymGroup
from knowledge.text import fold
from nlu.lookups import german_lemmas

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

Lemmatizer = Callable[[str, str], str]  # (word as written, "de" | "en") -> lemma


@functools.lru_cache(maxsize=50_000)
def simplemma_lemma(word: str, lang: str) -> str:
    return str(simplemma.lemmatize(word, lang="en" if lang == "en" else "de"))


def lookup_lemma(word: str, lang: str) -> str:
    """German: spaCy's lookup table (as written, then capitalised for nouns typed in lower
    case); English: simplemma."""
    if lang == "en":
        return simplemma_lemma(word, "en")
    table = german_lemmas()
    return table.get(word) or table.get(word.capitalize()) or table.get(word.lower()) or word


LEMMATIZERS: dict[str, Lemmatizer] = {"lookup": lookup_lemma, "simplemma": simplemma_lemma}


def words(text: str) -> list[str]:
    return _WORD.findall(text)


_CLAUSE_BREAK = re.compile(r"[.!?;:,]+(?:\s+|$)")


class SynonymTable:
    """Phrases -> the group's first term, longest phrase first. A phrase is matched on the
    folded words as written and on their lemmas, so "Meister-BAföG" is found even where the
    lemma table knows "Meister" only as a form of "meist"."""

    def __init__(self, groups: Iterable[SynonymGroup], lemma: Callable[[str], str]) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}
        for group in groups:
            canonical = fold(group.terms[0]).replace(" ", "")
            for term in group.terms:
                written = [w for w in (fold(x) for x in words(term)) if w not in STOP_WORDS]
                lemmas = [t for t in (fold(lemma(x)) for x in words(term)) if t not in STOP_WORDS]
                for key in (tuple(written), tuple(lemmas)):
                    if key:
                        self.phrases.setdefault(key, canonical)
        self.longest = max((len(k) for k in self.phrases), default=0)

    def apply(self, terms: Sequence[str], alternatives: Sequence[str] | None = None) -> list[str]:
        """Replace phrases of ``terms`` (or, position by position, of ``alternatives``: the
        same words in another form) by their canonical term."""
        out: list[str] = []
        i = 0
        while i < len(terms):
            for size in range(min(self.longest, len(terms) - i), 0, -1):
                canonical = self.phrases.get(tuple(terms[i : i + size]))
                if canonical is None and alternatives is not None:
                    canonical = self.phrases.get(tuple(alternatives[i : i + size]))
                if canonical is not None:
                    out.append(canonical)
                    i += size
                    break
            else:
                out.append(terms[i])
                i += 1
        return out


class Analyzer:
    """Index terms of a text in a language; built once per knowledge base."""

    def __init__(
        self,
        synonyms: Iterable[SynonymGroup] = (),
        *,
        lemmatizer: Lemmatizer = lookup_lemma,
        splitter: CompoundSplitter | None = None,
        compounds: bool = True,
    ) -> None:
        self.lemmatizer = lemmatizer
        self.compounds = compounds
        self.synonyms = SynonymTable(synonyms, lambda w: fold(lemmatizer(w, "de")))
        self.synonyms_en = SynonymTable(synonyms, lambda w: fold(lemmatizer(w, "en")))
        self.splitter = splitter

    def base_terms(self, text: str, lang: str = "de") -> list[str]:
        """Lemmas without function words, synonyms replaced; no compound parts. A synonym
        phrase does not reach over a sentence or clause break ("my training. If I leave"
        is no "training leave")."""
        table = self.synonyms_en if lang == "en" else self.synonyms
        out: list[str] = []
        for clause in _CLAUSE_BREAK.split(text):
            pairs = [(fold(w), fold(self.lemmatizer(w, lang))) for w in words(clause)]
            pairs = [
                (w, t)
                for w, t in pairs
                if w not in STOP_WORDS and t not in STOP_WORDS and (len(t) > 1 or t.isdigit())
            ]
            out += table.apply([t for _, t in pairs], [w for w, _ in pairs])
        return out

    def terms(self, text: str, lang: str = "de") -> list[str]:
        return [t for t, _ in self.weighted_terms(text, lang)]

    def weighted_terms(
        self, text: str, lang: str = "de", part_weight: float = 1.0
    ) -> list[tuple[str, float]]:
        """The terms with their weight in a query: a word 1, a compound's parts
        ``part_weight`` each (they say less than the whole word)."""
        terms = self.base_terms(text, lang)
        if self.splitter is None:
            return [(t, 1.0) for t in terms]
        out: list[tuple[str, float]] = []
        for term in terms:
            out.append((term, 1.0))
            parts = self.splitter.parts(term)
            if parts:
                out.extend((p, part_weight) for p in self.synonyms.apply(list(parts)))
        return out

    def with_splitter(self, vocabulary: Iterable[str]) -> Analyzer:
        """The same analysis, splitting compounds into words of ``vocabulary``."""
        if not self.compounds:
            return self
        clone = Analyzer.__new__(Analyzer)
        clone.__dict__.update(self.__dict__)
        clone.splitter = CompoundSplitter(vocabulary)
        return clone
