"""Rank the facts of the knowledge base by how well they answer a message.

Every fact is indexed as several documents: each of its question phrasings (German and
English) and its answer in each language. A message is scored against all of them with BM25
(``bm25s``); a fact's lexical score is its best phrasing plus a share of its answer, divided
by the information in the message (the summed idf of its terms, unknown words included), so
that scores compare across messages and one threshold fits all. Priors from the rest of the
turn are added: the question type, the program the message names (or the last one, for a
follow-up), the programs of the NLU intent, and whether the fact holds for the asker's role
and Land.

Each program or topic also gets an overview fact made from its own summary, so "Was ist
AsA flex?" finds the entry even where no fact was written for that question.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TypeVar

import bm25s
import numpy as np
import scipy.sparse

from answering.analysis import Analyzer, words
from answering.question_type import question_kinds
from answering.scope import SCOPE_WORDS
from knowledge.loader import KnowledgeBase
from knowledge.schema import Fact, Program, QuestionKind, Scope
from knowledge.text import fold

OVERVIEW = "--overview"
Part = TypeVar("Part", np.ndarray, float)  # one score part: for all facts, or for one
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])")


@dataclass(frozen=True)
class Query:
    """A message with what the turn knows about it (all optional but the text)."""

    text: str
    lang: str = "de"
    named: tuple[str, ...] = ()  # entries the message names (program entity, aliases)
    remembered: str | None = None  # entry of the previous answer (follow-ups)
    intent_entries: tuple[str, ...] = ()  # entries the NLU intent points to, best first
    role: str | None = None
    land: str | None = None  # "BW" | "TH" when known
    employees: int | None = None
    entity_words: tuple[str, ...] = ()  # places and sizes of the turn's entities: no question


@dataclass(frozen=True)
class Weights:
    """Weights of the score's parts; tuned by cross-validation (``scripts.tune_retrieval``)."""

    answer: float = 0.3  # share of the answer's match beside the best phrasing's
    kind: float = 0.12  # the fact's question type is one the message asks
    kind_miss: float = 0.04  # the message asks a type, the fact is of another
    named: float = 0.3  # the fact is about an entry the message names
    other_named: float = 0.25  # the message names entries, the fact is about none of them
    remembered: float = 0.15  # about the previous answer's entry, nothing named now
    intent: float = 0.15  # about one of the NLU intent's entries (macro-F1 0.91: trusted)
    role: float = 0.35  # the fact holds for other askers than this one
    land: float = 0.4  # the fact (or its entry) holds in the other Land
    overview: float = 0.05  # an overview steps back behind a written fact of equal match
    min_info: float = 12.0  # a message with less information than this scores in proportion
    bag: float = 0.5  # weight of the match against all the fact's words in one document
    parts: float = 0.5  # weight of a compound's parts in the query beside whole words
    related: float = 0.5  # share of ``named`` for an entry whose name contains the named one
    oov: float = 0.3  # share of an unknown word's information (a course name, a town)
    number: float = 0.3  # share of a number's information (a size, a sum: often no match)
    size_term: float = 0.5  # weight of "Beschäftigte" added when the turn gives a company size
    unmentioned: float = 0.1  # nothing named: the fact's entry has none of its words in the message
    name_share: float = 0.6  # weight of a named entry's name words: the rest says what is asked
    precision: float = 0.2  # share of a phrasing's information the message covers
    k1: float = 1.2
    b: float = 0.5


@dataclass(frozen=True)
class Scored:
    fact: Fact
    score: float
    lexical: float
    matched: frozenset[str]  # terms of the message the fact's documents contain
    position: int = -1  # the fact's position in the index
    parts: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def is_overview(self) -> bool:
        return self.fact.id.endswith(OVERVIEW)


@dataclass(frozen=True)
class Features:
    """The parts of the score for one message, one value per fact."""

    terms: frozenset[str]
    info: float  # the summed idf of the message's terms
    phrasing: np.ndarray  # best phrasing's BM25 / information of the message
    answer: np.ndarray  # the answer's BM25 / information
    bag: np.ndarray  # all the fact's words as one document: BM25 / information
    precision: np.ndarray  # best share of a phrasing's information that the message has
    asked: bool  # a question type was recognised
    kind_hit: np.ndarray
    named: np.ndarray | None  # 1 named entry, a share for related ones (None: names none)
    remembered: np.ndarray
    unmentioned: np.ndarray  # nothing named or remembered: the fact's entry has no word here
    intent: np.ndarray
    role_miss: np.ndarray
    land_miss: np.ndarray


def first_sentences(text: str, limit: int = 260) -> str:
    """The leading sentences of ``text`` that fit in ``limit`` characters (at least one)."""
    sentences = _SENTENCE.split(text.strip())
    out = sentences[0]
    for sentence in sentences[1:]:
        if len(out) + 1 + len(sentence) > limit:
            break
        out += " " + sentence
    return out


def overview_fact(entry: Program) -> Fact:
    """The fact "what is it?" of an entry, from its own summary (its figures are its own)."""
    names = [entry.name, *(entry.aliases[:6])]
    questions = [f"Was ist {n}?" for n in names[:4]] + names[:4]
    questions_en = [f"What is {n}?" for n in [entry.name_en or entry.name, *entry.aliases[:2]]]
    return Fact.construct(
        id=entry.id + OVERVIEW,
        about=entry.id,
        kind=QuestionKind.what,
        answer=first_sentences(entry.summary),
        answer_en=first_sentences(entry.summary_en or entry.summary),
        questions=questions,
        questions_en=questions_en,
        roles=[],
        land=None,
        figures=[],
        figures_en=[],
        next_step=None,
        next_step_en=None,
        source_text=entry.summary,
        sources=entry.sources,
        stand=entry.stand,
        review_by=entry.review_by,
        uncertain=None,
    )


def fact_land(fact: Fact, entry: Program | None) -> str | None:
    if fact.land is not None:
        return fact.land.value
    if entry is not None and entry.scope != Scope.DE:
        return entry.scope.value
    return None


class FactIndex:
    """BM25 over the facts' phrasings and answers, with the priors of ``Weights``."""

    def __init__(
        self, kb: KnowledgeBase, analyzer: Analyzer, weights: Weights | None = None
    ) -> None:
        self.kb = kb
        self.weights = weights or Weights()
        entries = sorted(kb.programs.values(), key=lambda p: p.id)
        facts = sorted(kb.facts.values(), key=lambda f: f.id)
        facts += [overview_fact(p) for p in entries]
        self.facts: list[Fact] = facts

        # documents: every phrasing of every fact (contiguous per fact), then the answers
        texts: list[tuple[str, str]] = []  # (text, lang) of every document
        self.phrasing_ranges: list[tuple[int, int]] = []
        for fact in facts:
            start = len(texts)
            texts += [(q, "de") for q in fact.questions] + [(q, "en") for q in fact.questions_en]
            self.phrasing_ranges.append((start, len(texts)))
        self.n_phrasings = len(texts)
        self.answer_docs: list[tuple[int, int]] = []
        for fact in facts:
            texts.append((f"{fact.answer} {' '.join(fact.figures)}", "de"))
            texts.append((f"{fact.answer_en} {' '.join(fact.figures_en)}", "en"))
            self.answer_docs.append((len(texts) - 2, len(texts) - 1))
        # and one document per fact and language with all its words: phrasings and answer
        self.bag_docs: list[tuple[int, int]] = []
        for fact in facts:
            texts.append((" ".join([*fact.questions, fact.answer, *fact.figures]), "de"))
            texts.append((" ".join([*fact.questions_en, fact.answer_en, *fact.figures_en]), "en"))
            self.bag_docs.append((len(texts) - 2, len(texts) - 1))

        # the splitter knows the words of the whole knowledge base (names, summaries, facts)
        vocabulary: set[str] = set()
        for text, lang in texts:
            vocabulary.update(analyzer.base_terms(text, lang))
        for entry in entries:
            for text in (entry.name, *entry.aliases, entry.summary, *entry.conditions):
                vocabulary.update(analyzer.base_terms(text, "de"))
        self.analyzer = analyzer.with_splitter(vocabulary)
        self.size_terms = self.analyzer.terms("Beschäftigte", "de")

        self.doc_terms = [self.analyzer.terms(text, lang) for text, lang in texts]
        self.doc_sets = [frozenset(t) for t in self.doc_terms]
        self.bm25 = bm25s.BM25(k1=self.weights.k1, b=self.weights.b)
        self.bm25.index([t or ["∅"] for t in self.doc_terms], show_progress=False)
        df: Counter[str] = Counter()
        for terms in self.doc_sets:
            df.update(terms)
        n = len(self.doc_terms)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.max_idf = math.log(1 + (n - 0.5) / 1.5)
        self.vocab = set(self.bm25.vocab_dict)
        self._phrasing_matrix()
        self.entry_ids = sorted({f.about for f in facts})
        entry_pos = {e: i for i, e in enumerate(self.entry_ids)}
        self.about = np.array([entry_pos[f.about] for f in facts], dtype=np.int32)
        kinds = list(QuestionKind)
        self.kind_ids = np.array([kinds.index(f.kind) for f in facts], dtype=np.int32)
        self.roles = [frozenset(r.value for r in fact.roles) for fact in facts]
        self.lands = [fact_land(fact, kb.programs.get(fact.about)) for fact in facts]
        self.is_overview = np.array([f.id.endswith(OVERVIEW) for f in facts])
        self.phrasing_starts = np.array([s for s, _ in self.phrasing_ranges])
        self.de_answers = np.array([d for d, _ in self.answer_docs])
        self.en_answers = np.array([e for _, e in self.answer_docs])
        self.de_bags = np.array([d for d, _ in self.bag_docs])
        self.en_bags = np.array([e for _, e in self.bag_docs])
        self.related = related_entries(entries)
        self._entry_lands = {
            e.id: (None if e.scope == Scope.DE else e.scope.value) for e in entries
        }
        self._role_cache: dict[str | None, np.ndarray] = {}
        self._name_terms: dict[str, list[frozenset[str]]] = {}
        self._entry_words: dict[str, frozenset[str]] = {}
        self._scope: frozenset[str] | None = None
        self._land_cache: dict[str | None, np.ndarray] = {}

    def _phrasing_matrix(self) -> None:
        """Phrasings x terms (1 where the phrasing has the term) and each phrasing's
        information, for the share of a phrasing that a message covers."""
        terms = sorted(self.idf)
        self.term_ids = {t: i for i, t in enumerate(terms)}
        rows, cols = [], []
        for d in range(self.n_phrasings):
            for t in self.doc_sets[d]:
                rows.append(d)
                cols.append(self.term_ids[t])
        self.phrasing_terms = scipy.sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(self.n_phrasings, len(self.term_ids)),
        )
        idf = np.array([self.idf[t] for t in terms], dtype=np.float32)
        self.phrasing_info = np.maximum(self.phrasing_terms @ idf, 1e-6)

    def rest_information(self, query: Query, entry: str) -> float:
        """What a message says beyond naming ``entry``: the information of its words that are
        not the entry's name or aliases (numbers, places and the company-size words left out:
        the turn's entities carry them). An unknown word counts in full: it asks something
        the facts do not know."""
        if entry not in self.kb.programs:
            return self.information(self.analyzer.terms(query.text, query.lang))
        terms = self.analyzer.terms(query.text, query.lang)
        skip = self.name_terms(entry, terms) | set(self.size_terms) | self.entity_terms(query)
        rest = {t for t in terms if t not in skip and not t.isdigit()}
        return sum(self.idf.get(t, self.max_idf) for t in rest)

    def name_terms(self, entry: str, present: Iterable[str]) -> frozenset[str]:
        """The terms of those of an entry's names (name, English name, aliases) whose terms
        all occur in ``present``: the words by which the message names the entry."""
        if entry not in self._name_terms:
            program = self.kb.programs.get(entry)
            names = [program.name, program.name_en or "", *program.aliases] if program else []
            self._name_terms[entry] = [
                frozenset(self.analyzer.terms(n, "de")) for n in names if n
            ] + [frozenset(self.analyzer.terms(n, "en")) for n in names if n]
        have = set(present)
        return frozenset().union(*(n for n in self._name_terms[entry] if n and n <= have))

    def mentioned(self, terms: frozenset[str]) -> set[str]:
        """Entries one of whose name words (name, English name, aliases, their compound
        parts) the message contains: "Gutschein" is a word of the Bildungsgutschein."""
        if not self._entry_words:
            for entry in self.kb.programs.values():
                names = " ".join([entry.name, entry.name_en or "", *entry.aliases])
                words_ = {t for t, _ in self.analyzer.weighted_terms(names, "de", 1.0)}
                words_ |= {t for t, _ in self.analyzer.weighted_terms(names, "en", 1.0)}
                self._entry_words[entry.id] = frozenset(words_)
        return {e for e, w in self._entry_words.items() if w & terms}

    def in_scope(self, terms: frozenset[str]) -> bool:
        """The message has a word of the assistant's field (``answering.scope``)."""
        if self._scope is None:
            words = " ".join(SCOPE_WORDS)  # whole words only: "Insolvenzgeld", not "Geld"
            self._scope = frozenset(
                t for lang in ("de", "en") for t in self.analyzer.base_terms(words, lang)
            )
        return bool(self._scope & terms)

    def entity_terms(self, query: Query) -> set[str]:
        return {t for w in query.entity_words for t in self.analyzer.terms(w, query.lang)}

    def entry_land(self, entry: str) -> str | None:
        """The Land an entry holds in (None: the whole of Germany)."""
        return self._entry_lands.get(entry)

    def _entry_mask(self, entries: Iterable[str]) -> np.ndarray:
        wanted = {e for e in entries}
        ids = [i for i, e in enumerate(self.entry_ids) if e in wanted]
        return np.isin(self.about, ids)

    # -- scoring -----------------------------------------------------------------------------
    @staticmethod
    def _weights(terms: Iterable[str] | Iterable[tuple[str, float]]) -> dict[str, float]:
        """Each distinct term with its highest weight (plain terms weigh 1)."""
        out: dict[str, float] = {}
        for item in terms:
            term, weight = (item, 1.0) if isinstance(item, str) else item
            out[term] = max(out.get(term, 0.0), weight)
        return out

    def information(
        self, terms: Iterable[str] | Iterable[tuple[str, float]], w: Weights | None = None
    ) -> float:
        """The summed idf of a message's terms: unknown words (no fact can match them) and
        numbers count with a share only, so that "CNC-Fachmann" or "45" in a question do not
        drown the words that say what is asked."""
        w = w or self.weights
        total = 0.0
        for term, weight in self._weights(terms).items():
            idf = self.idf.get(term)
            share = w.oov if idf is None else (w.number if term.isdigit() else 1.0)
            total += weight * share * (self.max_idf if idf is None else idf)
        return total

    def doc_scores(self, terms: Iterable[str] | Iterable[tuple[str, float]]) -> np.ndarray:
        """BM25 of every document for the terms, each term's score times its weight."""
        scores = np.zeros(len(self.doc_terms), dtype=np.float32)
        by_weight: dict[float, list[str]] = {}
        for term, weight in self._weights(terms).items():
            if term in self.vocab:
                by_weight.setdefault(weight, []).append(term)
        for weight, group in by_weight.items():
            scores += weight * np.asarray(self.bm25.get_scores(group), dtype=np.float32)
        return scores

    def features(self, query: Query, exclude_docs: frozenset[int] = frozenset()) -> Features | None:
        """Everything the score needs from one message; None for a message without terms."""
        weighted = self.analyzer.weighted_terms(query.text, query.lang, self.weights.parts)
        if query.entity_words:  # places and the company size are priors, not words to match
            skip = self.entity_terms(query)
            weighted = [(t, x) for t, x in weighted if t not in skip]
        if query.named and self.weights.name_share < 1:  # the name is a prior already
            present = [t for t, _ in weighted]
            names = set().union(*(self.name_terms(e, present) for e in query.named))
            share = self.weights.name_share
            weighted = [(t, x * share if t in names else x) for t, x in weighted]
        if query.employees is not None and self.weights.size_term > 0:
            weighted += [(t, self.weights.size_term) for t in self.size_terms]
        terms = [t for t, _ in weighted]
        info = self.information(weighted)
        if info <= 0:
            return None
        scores = self.doc_scores(weighted)
        if exclude_docs:
            scores = scores.copy()
            scores[list(exclude_docs)] = 0.0
        phrasing = np.maximum.reduceat(scores[: self.n_phrasings], self.phrasing_starts) / info
        answer = np.maximum(scores[self.de_answers], scores[self.en_answers]) / info
        bag = np.maximum(scores[self.de_bags], scores[self.en_bags]) / info
        vector = np.zeros(len(self.term_ids), dtype=np.float32)
        for term, weight in self._weights(weighted).items():
            if term in self.term_ids:
                vector[self.term_ids[term]] = min(1.0, weight) * self.idf[term]
        covered = (self.phrasing_terms @ vector) / self.phrasing_info
        if exclude_docs:
            covered[[d for d in exclude_docs if d < self.n_phrasings]] = 0.0
        precision = np.maximum.reduceat(covered, self.phrasing_starts)
        asked = question_kinds(query.text)
        kinds = list(QuestionKind)
        none = np.zeros(len(self.facts), dtype=bool)
        return Features(
            terms=frozenset(terms),
            info=info,
            phrasing=phrasing,
            answer=answer,
            bag=bag,
            precision=precision,
            asked=bool(asked),
            kind_hit=np.isin(self.kind_ids, [kinds.index(k) for k in asked]) if asked else none,
            named=self._named(query.named) if query.named else None,
            remembered=self._entry_mask([query.remembered]) if query.remembered else none,
            intent=self._entry_mask(query.intent_entries) if query.intent_entries else none,
            unmentioned=(
                ~self._entry_mask(self.mentioned(frozenset(terms)))
                if not query.named and not query.remembered
                else none
            ),
            role_miss=self._role_miss(query.role),
            land_miss=self._land_miss(query.land),
        )

    def _named(self, named: tuple[str, ...]) -> np.ndarray:
        """1 for facts about a named entry, ``related`` for entries whose names contain a
        name of a named one ("Kurzarbeit" -> "Kurzarbeit und Weiterbildung"), else 0."""
        related = {r for e in named for r in self.related.get(e, ())} - set(named)
        mask = self._entry_mask(named).astype(np.float32)
        if related:
            mask = np.maximum(mask, self.weights.related * self._entry_mask(related))
        return mask

    def _role_miss(self, role: str | None) -> np.ndarray:
        if role not in self._role_cache:
            self._role_cache[role] = np.array(
                [bool(r) and role is not None and role not in r for r in self.roles]
            )
        return self._role_cache[role]

    def _land_miss(self, land: str | None) -> np.ndarray:
        if land not in self._land_cache:
            self._land_cache[land] = np.array(
                [bool(x) and land is not None and x != land for x in self.lands]
            )
        return self._land_cache[land]

    def combine(self, f: Features, w: Weights) -> np.ndarray:
        total = lexical(f.phrasing, f.answer, f.bag, f.precision, w) * evidence(f.info, w)
        if f.asked:
            total = total + np.where(f.kind_hit, w.kind, -w.kind_miss)
        if f.named is not None:
            total = total + np.where(f.named > 0, w.named * f.named, -w.other_named)
        else:
            total = total + w.remembered * f.remembered
        total = total + w.intent * f.intent - w.role * f.role_miss - w.land * f.land_miss
        total = total - w.unmentioned * f.unmentioned
        return total - w.overview * self.is_overview

    def rank(
        self,
        query: Query,
        *,
        limit: int = 8,
        exclude_docs: frozenset[int] = frozenset(),
        weights: Weights | None = None,
    ) -> list[Scored]:
        """The best ``limit`` facts for a message, best first."""
        f = self.features(query, exclude_docs)
        if f is None:
            return []
        w = weights or self.weights
        total = self.combine(f, w)
        order = np.argsort(-total, kind="stable")[:limit]
        return [self._scored(int(i), f, total, w) for i in order]

    def _scored(self, i: int, f: Features, total: np.ndarray, w: Weights) -> Scored:
        start, end = self.phrasing_ranges[i]
        de, en = self.answer_docs[i]
        matched = frozenset().union(
            *(self.doc_sets[d] & f.terms for d in range(start, end)),
            self.doc_sets[de] & f.terms,
            self.doc_sets[en] & f.terms,
        )
        return Scored(
            fact=self.facts[i],
            score=float(total[i]),
            lexical=float(
                lexical(f.phrasing[i], f.answer[i], f.bag[i], f.precision[i], w)
                * evidence(f.info, w)
            ),
            matched=matched,
            position=i,
            parts={
                "phrasing": float(f.phrasing[i]),
                "answer": float(f.answer[i]),
                "bag": float(f.bag[i]),
                "precision": float(f.precision[i]),
            },
        )

    def with_weights(self, weights: Weights) -> FactIndex:
        """The same index scored with other priors (k1 and b need a new index)."""
        clone = FactIndex.__new__(FactIndex)
        clone.__dict__.update(self.__dict__)
        clone.weights = replace(weights, k1=self.weights.k1, b=self.weights.b)
        return clone

    def term_weight(self, terms: Iterable[str]) -> float:
        return sum(self.idf.get(t, 0.0) for t in terms)


def entry_words(entry: Program) -> set[str]:
    return {fold(w) for text in (entry.name, *entry.aliases) for w in words(text)}


def lexical(phrasing: Part, answer: Part, bag: Part, precision: Part, w: Weights) -> Part:
    """The lexical part of the score from its parts (arrays of any shape, or numbers)."""
    return phrasing + w.answer * answer + w.bag * bag + w.precision * precision


def evidence(info: float, w: Weights) -> float:
    """How far a message's words can carry a match: "abbrechen" alone matches a fact's
    phrasing fully, but says too little to answer with it."""
    return min(1.0, info / w.min_info) if w.min_info > 0 else 1.0


def related_entries(entries: Iterable[Program]) -> dict[str, frozenset[str]]:
    """For each entry, the entries one of whose names contains one of its names as whole
    words: "Kurzarbeit" (Kurzarbeitergeld) is inside "Kurzarbeit und Weiterbildung"."""
    names = {
        e.id: {" ".join(fold(w) for w in words(n)) for n in (e.name, *e.aliases)} for e in entries
    }
    out: dict[str, frozenset[str]] = {}
    for eid, own in names.items():
        found = {
            other
            for other, theirs in names.items()
            if other != eid
            and any(f" {a} " in f" {b} " for a in own if len(a) >= 4 for b in theirs)
        }
        out[eid] = frozenset(found)
    return out
