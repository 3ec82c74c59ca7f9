"""Tune the answer engine's weights and thresholds by cross-validation on its training data.

Training data are the facts' own question phrasings (each asked with that phrasing left out
of the index, so it must be found through the fact's other phrasings and its answer) and,
as questions the engine must *not* answer, the NLU examples of small talk and off-topic
intents. The held-out evaluation sets are never used here.

Five folds over the questions: weights are chosen on four, scored on the fifth; the report
gives the cross-validated scores and the weights chosen on all folds.

usage: python -m scripts.tune_retrieval [--lemmatizer lookup|simplemma] [--no-compounds]
       [--no-synonyms] [--quick]  -> prints the report (and writes var/bench/tuning.json)
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from answering.analysis import LEMMATIZERS, Analyzer
from answering.decision import Thresholds
from answering.retrieval import FactIndex, Features, Query, Weights, lexical
from knowledge.index import KnowledgeIndex
from knowledge.loader import DEFAULT_ROOT, KnowledgeBase, load_or_raise

ROOT = Path(__file__).resolve().parent.parent
NEGATIVE_INTENTS = ("greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge",
                    "feedback", "out_of_scope", "something_else", "ask_privacy",
                    "request_deletion", "ask_capabilities")  # fmt: skip

GRID: dict[str, Sequence[float]] = {
    "min_info": (0.0, 8.0, 14.0, 20.0),
    "answer": (0.2, 0.4),
    "bag": (0.0, 0.3, 0.6),
    "kind": (0.05, 0.12, 0.2),
    "kind_miss": (0.0, 0.06),
    "named": (0.05, 0.12, 0.2, 0.3),
    "other_named": (0.05, 0.15, 0.3),
    "overview": (0.0, 0.05, 0.15),
}
QUICK_GRID: dict[str, Sequence[float]] = {
    "answer": (0.2, 0.35),
    "bag": (0.0, 0.5),
    "named": (0.1, 0.3),
    "other_named": (0.1, 0.25),
}


@dataclass(frozen=True)
class Case:
    text: str
    lang: str
    fact: int | None  # index of the fact that answers it (None: must not answer)
    features: Features | None
    fold: int = 0


def nlu_examples(intents: Iterable[str]) -> list[str]:
    wanted = set(intents)
    out: list[str] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            if block.get("intent") in wanted:
                for line in str(block.get("examples", "")).splitlines():
                    line = line.strip().removeprefix("- ").strip()
                    if line and "[" not in line:
                        out.append(line)
    return out


def without_phrasings(kb: KnowledgeBase, drop: dict[str, set[int]]) -> KnowledgeBase:
    """The knowledge base with some phrasings of its facts left out (by position in
    questions + questions_en)."""
    facts = {}
    for fid, fact in kb.facts.items():
        gone = drop.get(fid, set())
        de = [q for n, q in enumerate(fact.questions) if n not in gone]
        en = [q for n, q in enumerate(fact.questions_en) if n + len(fact.questions) not in gone]
        facts[fid] = fact.copy(update={"questions": de, "questions_en": en})
    return dataclasses.replace(kb, facts=facts)


def build_cases(
    kb: KnowledgeBase, kindex: KnowledgeIndex, make: Callable[[KnowledgeBase], FactIndex],
    folds: int = 5,
) -> tuple[FactIndex, list[Case]]:  # fmt: skip
    """Every phrasing as a question, scored against an index built without its fold's
    phrasings (so neither its own document nor the fact's bag of words contains it)."""
    rng = random.Random(42)
    assign: dict[tuple[str, int], int] = {}
    for fid, fact in sorted(kb.facts.items()):
        start = rng.randrange(folds)
        for n in range(len(fact.questions) + len(fact.questions_en)):
            assign[(fid, n)] = (start + n) % folds
    full = make(kb)
    cases: list[Case] = []
    for k in range(folds):
        drop: dict[str, set[int]] = {}
        for (fid, n), fold in assign.items():
            if fold == k:
                drop.setdefault(fid, set()).add(n)
        index = make(without_phrasings(kb, drop))
        position = {f.id: i for i, f in enumerate(index.facts)}
        for fid, gone in sorted(drop.items()):
            fact = kb.facts[fid]
            phrasings = [(q, "de") for q in fact.questions] + [(q, "en") for q in fact.questions_en]
            for n in sorted(gone):
                text, lang = phrasings[n]
                named = tuple(p.id for p in kindex.find_programs(text))
                feats = index.features(Query(text=text, lang=lang, named=named))
                cases.append(Case(text, lang, position[fid], feats, k))
    for text in nlu_examples(NEGATIVE_INTENTS):
        named = tuple(p.id for p in kindex.find_programs(text))
        feats = full.features(Query(text=text, named=named))
        cases.append(Case(text, "de", None, feats, rng.randrange(folds)))
    return full, cases


@dataclass(frozen=True)
class Score:
    right: int  # answerable, answered with the right fact
    wrong: int  # answerable, answered with another fact
    silent: int  # answerable, not answered
    false: int  # not answerable, answered anyway
    negatives: int
    positives: int
    top1: float  # right fact ranked first, whatever the threshold

    @property
    def objective(self) -> float:
        """A wrong fact of the right program costs less than a reply to small talk with a
        fact; staying silent costs the answer (the reply says what is known instead)."""
        return self.right - 0.5 * self.wrong - 2.0 * self.false

    def as_dict(self) -> dict[str, float]:
        out = dataclasses.asdict(self)
        out["answered_right_pct"] = round(100 * self.right / max(1, self.positives), 1)
        out["false_answer_pct"] = round(100 * self.false / max(1, self.negatives), 1)
        out["precision_pct"] = round(100 * self.right / max(1, self.right + self.wrong), 1)
        return out


class Stacked:
    """The features of many cases as matrices (cases x facts), to score a weight setting
    for all of them at once (``FactIndex.combine`` does one case)."""

    def __init__(self, index: FactIndex, cases: Sequence[Case]) -> None:
        n = len(index.facts)
        rows = [c.features for c in cases]
        self.valid = np.array([f is not None for f in rows])
        zero = np.zeros(n, dtype=np.float32)

        def stack(get: Callable[[Features], np.ndarray]) -> np.ndarray:
            return np.stack([get(f) if f is not None else zero for f in rows]).astype(np.float32)

        self.info = np.array([f.info if f is not None else 0.0 for f in rows])[:, None]
        self.phrasing = stack(lambda f: f.phrasing)
        self.answer = stack(lambda f: f.answer)
        self.bag = stack(lambda f: f.bag)
        self.precision = stack(lambda f: f.precision)
        self.asked = np.array([bool(f and f.asked) for f in rows])[:, None]
        self.kind_hit = stack(lambda f: f.kind_hit) > 0
        self.has_named = np.array([bool(f and f.named is not None) for f in rows])[:, None]
        self.named = stack(lambda f: f.named if f.named is not None else zero)
        self.remembered = stack(lambda f: f.remembered)
        self.intent = stack(lambda f: f.intent)
        self.unmentioned = stack(lambda f: f.unmentioned)
        self.role_miss = stack(lambda f: f.role_miss)
        self.land_miss = stack(lambda f: f.land_miss)
        self.is_overview = index.is_overview

    def combine(self, w: Weights) -> np.ndarray:
        scale = np.minimum(1.0, self.info / w.min_info) if w.min_info > 0 else 1.0
        total = lexical(self.phrasing, self.answer, self.bag, self.precision, w) * scale
        total += np.where(self.asked, np.where(self.kind_hit, w.kind, -w.kind_miss), 0.0)
        named = np.where(self.named > 0, w.named * self.named, -w.other_named)
        total += np.where(self.has_named, named, w.remembered * self.remembered)
        total += w.intent * self.intent - w.role * self.role_miss - w.land * self.land_miss
        total -= w.unmentioned * self.unmentioned
        return total - w.overview * self.is_overview


def best_of(
    index: FactIndex, stacked: Stacked, weights: Weights
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case: the best fact, its score, and whether it is an overview."""
    total = stacked.combine(weights)
    best = np.argmax(total, axis=1)
    score = np.where(stacked.valid, total[np.arange(len(best)), best], -np.inf)
    best = np.where(stacked.valid, best, -1)
    return best, score, index.is_overview[np.maximum(best, 0)] & (best >= 0)


def score_at(
    cases: Sequence[Case], best: np.ndarray, score: np.ndarray, overview: np.ndarray,
    index: FactIndex, t: Thresholds,
) -> Score:  # fmt: skip
    want = np.array([-1 if c.fact is None else c.fact for c in cases])
    needed = np.where(overview, t.overview, t.answer)
    answered = score >= needed
    negative = want < 0
    safe_best, safe_want = np.maximum(best, 0), np.maximum(want, 0)
    hit = (best == want) | (overview & (index.about[safe_best] == index.about[safe_want]))
    positive = ~negative
    return Score(
        right=int((positive & answered & hit).sum()),
        wrong=int((positive & answered & ~hit).sum()),
        silent=int((positive & ~answered).sum()),
        false=int((negative & answered).sum()),
        negatives=int(negative.sum()),
        positives=int(positive.sum()),
        top1=float(((best == want) & positive).sum() / max(1, positive.sum())),
    )


def choose(
    index: FactIndex, cases: Sequence[Case], grid: dict[str, Sequence[float]]
) -> tuple[Weights, Thresholds, Score]:
    base = index.weights
    best: tuple[Weights, Thresholds, Score] | None = None
    names = list(grid)
    stacked = Stacked(index, cases)
    for values in itertools.product(*(grid[n] for n in names)):
        weights = dataclasses.replace(base, **dict(zip(names, values, strict=True)))
        top, score, overview = best_of(index, stacked, weights)
        for answer in np.arange(0.1, 0.9, 0.05):
            for extra in (0.0, 0.1, 0.2):
                t = Thresholds(answer=float(answer), overview=float(answer + extra))
                s = score_at(cases, top, score, overview, index, t)
                if best is None or s.objective > best[2].objective:
                    best = (weights, t, s)
    assert best is not None
    return best


def cross_validate(
    index: FactIndex, cases: list[Case], grid: dict[str, Sequence[float]], folds: int = 5
) -> tuple[Score, list[dict[str, float]]]:
    parts = [[i for i, c in enumerate(cases) if c.fold == k] for k in range(folds)]
    totals = np.zeros(6)
    top1 = []
    chosen = []
    for k in range(folds):
        train = [cases[i] for j, p in enumerate(parts) if j != k for i in p]
        test = [cases[i] for i in parts[k]]
        weights, t, _ = choose(index, train, grid)
        top, score, overview = best_of(index, Stacked(index, test), weights)
        s = score_at(test, top, score, overview, index, t)
        totals += [s.right, s.wrong, s.silent, s.false, s.negatives, s.positives]
        top1.append(s.top1 * s.positives)
        chosen.append(
            {**dataclasses.asdict(weights), "threshold": t.answer, "overview_threshold": t.overview}
        )
    r, w, si, f, neg, pos = (int(x) for x in totals)
    return Score(r, w, si, f, neg, pos, sum(top1) / max(1, pos)), chosen


def index_maker(
    lemmatizer: str, compounds: bool, synonyms: bool, weights: Weights | None = None
) -> Callable[[KnowledgeBase], FactIndex]:
    def make(kb: KnowledgeBase) -> FactIndex:
        analyzer = Analyzer(
            kb.synonyms if synonyms else (), lemmatizer=LEMMATIZERS[lemmatizer],
            compounds=compounds,
        )  # fmt: skip
        return FactIndex(kb, analyzer, weights)

    return make


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.tune_retrieval")
    ap.add_argument("--lemmatizer", choices=sorted(LEMMATIZERS), default="lookup")
    ap.add_argument("--no-compounds", action="store_true")
    ap.add_argument("--no-synonyms", action="store_true")
    ap.add_argument("--quick", action="store_true", help="a small grid (for a first look)")
    ap.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "tuning.json")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    kb = load_or_raise(DEFAULT_ROOT)
    kindex = KnowledgeIndex(kb)
    make = index_maker(a.lemmatizer, not a.no_compounds, not a.no_synonyms)
    index, cases = build_cases(kb, kindex, make)
    grid = QUICK_GRID if a.quick else GRID
    cv, per_fold = cross_validate(index, cases, grid)
    weights, thresholds, fitted = choose(index, cases, grid)
    report = {
        "setup": {"lemmatizer": a.lemmatizer, "compounds": not a.no_compounds,
                  "synonyms": not a.no_synonyms, "facts": len(kb.facts),
                  "questions": sum(c.fact is not None for c in cases),
                  "negatives": sum(c.fact is None for c in cases)},
        "cross_validated": cv.as_dict(),
        "fitted_on_all": fitted.as_dict(),
        "weights": dataclasses.asdict(weights),
        "thresholds": dataclasses.asdict(thresholds),
        "folds": per_fold,
        "seconds": round(time.perf_counter() - t0, 1),
    }  # fmt: skip
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
