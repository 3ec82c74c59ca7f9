"""BM25 search over the knowledge base's programs, on folded lemmas (last step of the
fallback chain: when neither the intent nor a program name is clear)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from spacy.lang.de.stop_words import STOP_WORDS as DE_STOP
from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP

from knowledge.loader import KnowledgeBase
from knowledge.schema import Program
from knowledge.text import fold
from nlu.german import german_nlp

_STOP = {fold(w) for w in DE_STOP | EN_STOP} | {"gibt", "geben", "bekommen", "frage", "bitte"}


def lemma_terms(text: str) -> list[str]:
    doc = german_nlp()(text)
    return [
        t.lemma_
        for t in doc
        if not (t.is_punct or t.is_space)
        and t.lemma_ not in _STOP
        and (len(t.lemma_) > 2 or t.like_num)
    ]


def program_document(p: Program) -> str:
    # the name and aliases count more than the running text
    parts = [p.name] * 3 + [p.name_en or ""] + list(p.aliases) * 2
    parts += [p.summary, p.summary_en or "", p.key_figure, *p.conditions]
    return " ".join(parts)


class KnowledgeSearch:
    def __init__(
        self,
        kb: KnowledgeBase,
        analyzer: Callable[[str], list[str]] = lemma_terms,
        *,
        k1: float = 1.5,
        b: float = 0.75,
    ) -> None:
        self.analyzer = analyzer
        self.k1, self.b = k1, b
        self.programs = list(kb.programs.values())
        self.docs = [Counter(analyzer(program_document(p))) for p in self.programs]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg_len = sum(self.lengths) / max(1, len(self.lengths))
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._known: dict[str, frozenset[str]] = {}

    def known_terms(self, text: str) -> frozenset[str]:
        """The terms of a text of the knowledge base, analysed once (the knowledge base does
        not change while it is loaded; a user's text goes through ``analyzer`` instead)."""
        terms = self._known.get(text)
        if terms is None:
            terms = self._known[text] = frozenset(self.analyzer(text))
        return terms

    def score(self, query_terms: list[str], i: int) -> float:
        doc, length = self.docs[i], self.lengths[i]
        total = 0.0
        for term in set(query_terms):
            tf = doc.get(term, 0)
            if tf:
                norm = tf + self.k1 * (1 - self.b + self.b * length / self.avg_len)
                total += self.idf[term] * tf * (self.k1 + 1) / norm
        return total

    def search(
        self, text: str, limit: int = 3, min_score: float = 1.5
    ) -> list[tuple[Program, float]]:
        terms = self.analyzer(text)
        if not terms:
            return []
        scored = [(self.programs[i], self.score(terms, i)) for i in range(len(self.programs))]
        hits = [(p, s) for p, s in scored if s >= min_score]
        return sorted(hits, key=lambda x: -x[1])[:limit]
