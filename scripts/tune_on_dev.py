"""Choose the answer engine's thresholds and a few priors on the DEVELOPMENT half of the
real-question sets (``tests/eval/dev/``), offline, after ``scripts.tune_retrieval`` has
chosen the ranking weights by cross-validation on the facts' phrasings. Never run it on the
held-out half: its score is only reported (``scripts.answer_report``).

Each setting is scored as a user would see it (``scripts.answer_report``'s offline asker:
every required fact in the replies, buttons pressed as the asker would) minus a penalty for
answering the NLU's small talk and off-topic examples with a fact.

usage: python -m scripts.tune_on_dev tests/eval/dev/*.yml [--out var/bench/dev_tuning.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from answering.decision import Answer, Thresholds
from answering.engine import AnswerEngine
from answering.retrieval import Query
from knowledge.index import KnowledgeIndex
from knowledge.loader import load_or_raise
from scripts.answer_report import load_questions, offline_asker, run_question
from scripts.tune_retrieval import nlu_examples

ROOT = Path(__file__).resolve().parent.parent
GRID: dict[str, Sequence[float]] = {
    "answer": (0.4, 0.45, 0.5),
    "unmentioned": (0.0, 0.1, 0.2, 0.3),
    "intent": (0.15,),
}
THRESHOLDS = ("answer", "overview", "close", "second")
FALSE_COST = 0.5  # a small-talk message answered with a fact, against one question answered


def evaluate(engine: AnswerEngine, questions: list[dict[str, Any]], negatives: list[str]) -> dict:
    ask = offline_asker(engine.kindex.kb, engine)
    results = [run_question(ask, q, engine.kindex.kb, check_figures=False) for q in questions]
    ok = sum(r.ok for r in results)
    false = sum(isinstance(engine.decide(Query(t))[0], Answer) for t in negatives)
    return {"ok": ok, "n": len(results), "false": false, "negatives": len(negatives),
            "objective": ok - FALSE_COST * false}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.tune_on_dev")
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "dev_tuning.json")
    a = ap.parse_args(argv)
    if any("heldout" in str(p) for p in a.sets):
        print("the held-out half is never used for tuning", file=sys.stderr)
        return 2
    kb = load_or_raise()
    base = AnswerEngine(KnowledgeIndex(kb))
    facts = base.facts
    questions = load_questions(a.sets)
    # off-topic questions reach the answer engine (small talk is the NLU's)
    negatives = nlu_examples(("out_of_scope",))
    rows = []
    names = list(GRID)
    for values in itertools.product(*(GRID[n] for n in names)):
        setting = dict(zip(names, values, strict=True))
        t = Thresholds(**{k: v for k, v in setting.items() if k in THRESHOLDS})
        w = dataclasses.replace(
            facts.weights, **{k: v for k, v in setting.items() if k not in THRESHOLDS}
        )
        base.facts, base.thresholds = facts.with_weights(w), t
        rows.append({**setting, **evaluate(base, questions, negatives)})
        print(json.dumps(rows[-1]), flush=True)
    rows.sort(key=lambda r: -r["objective"])
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print("best:", json.dumps(rows[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
