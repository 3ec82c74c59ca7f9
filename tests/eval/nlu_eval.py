"""Score a trained model on the held-out NLU test set (never in training data).

Intent: macro-F1 of the classifier's best intent (the FallbackClassifier's ``nlu_fallback``
is set aside and reported as a rate: it is a dialogue mechanism, not a class). Entities:
micro-F1 over (entity, value) pairs per message, for the contract's entity types.

usage: python -m tests.eval.nlu_eval MODEL.tar.gz [--data tests/eval/nlu_test.yml] [--out report.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

EVAL_DIR = Path(__file__).resolve().parent
TEST_SET = EVAL_DIR / "nlu_test.yml"
ENTITY_TYPES = ("program", "landkreis", "plz", "company_size", "role")


@dataclass
class NluReport:
    intent_macro_f1: float
    intent_accuracy: float
    fallback_rate: float
    entity_f1: float
    entity_precision: float
    entity_recall: float
    per_entity: dict[str, dict[str, float]]
    examples: int
    errors: list[dict[str, Any]] = field(default_factory=list)


def _pairs(entities: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(e["entity"], str(e.get("value"))) for e in entities if e.get("entity") in ENTITY_TYPES}


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_intent(parsed: dict[str, Any]) -> str:
    for item in parsed.get("intent_ranking") or [parsed.get("intent") or {}]:
        if item.get("name") and item["name"] != "nlu_fallback":
            return str(item["name"])
    return "nlu_fallback"


async def evaluate(model: Path, data: Path = TEST_SET) -> NluReport:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(str(model))
    examples = load_data(str(data)).intent_examples
    gold_intents, pred_intents, errors = [], [], []
    fallbacks = 0
    counts: dict[str, Counter[str]] = {t: Counter() for t in ENTITY_TYPES}
    for ex in examples:
        text = ex.get("text")
        parsed = await agent.parse_message(text)
        gold, pred = ex.get("intent"), best_intent(parsed)
        fallbacks += (parsed.get("intent") or {}).get("name") == "nlu_fallback"
        gold_intents.append(gold)
        pred_intents.append(pred)
        g, p = _pairs(ex.get("entities") or []), _pairs(parsed.get("entities") or [])
        for t in ENTITY_TYPES:
            gt, pt = {x for x in g if x[0] == t}, {x for x in p if x[0] == t}
            counts[t]["tp"] += len(gt & pt)
            counts[t]["fp"] += len(pt - gt)
            counts[t]["fn"] += len(gt - pt)
        if gold != pred or g != p:
            errors.append(
                {
                    "text": text,
                    "gold": gold,
                    "pred": pred,
                    "missing": sorted(g - p),
                    "extra": sorted(p - g),
                }
            )
    total = sum((c for c in counts.values()), Counter())
    precision, recall, ef1 = _f1(total["tp"], total["fp"], total["fn"])
    per_entity = {}
    for t, c in counts.items():
        tp_, rc, f = _f1(c["tp"], c["fp"], c["fn"])
        per_entity[t] = {
            "precision": round(tp_, 3),
            "recall": round(rc, 3),
            "f1": round(f, 3),
            "support": c["tp"] + c["fn"],
        }
    labels = sorted(set(gold_intents))
    return NluReport(
        intent_macro_f1=float(
            f1_score(gold_intents, pred_intents, labels=labels, average="macro", zero_division=0)
        ),
        intent_accuracy=sum(a == b for a, b in zip(gold_intents, pred_intents, strict=True))
        / len(examples),
        fallback_rate=fallbacks / len(examples),
        entity_f1=ef1,
        entity_precision=precision,
        entity_recall=recall,
        per_entity=per_entity,
        examples=len(examples),
        errors=errors,
    )


def summary(report: NluReport) -> str:
    lines = [
        f"examples {report.examples}: intent macro-F1 {report.intent_macro_f1:.3f}, "
        f"accuracy {report.intent_accuracy:.3f}, fallback rate {report.fallback_rate:.3f}; "
        f"entity F1 {report.entity_f1:.3f} (P {report.entity_precision:.3f}, R {report.entity_recall:.3f})"
    ]
    lines += [f"  {t}: {v}" for t, v in report.per_entity.items()]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model", type=Path)
    ap.add_argument("--data", type=Path, default=TEST_SET)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--errors", action="store_true", help="print every wrong example")
    args = ap.parse_args()
    report = asyncio.run(evaluate(args.model, args.data))
    print(summary(report))
    if args.errors:
        for e in report.errors:
            print(json.dumps(e, ensure_ascii=False))
    if args.out:
        args.out.write_text(
            json.dumps(report.__dict__, ensure_ascii=False, indent=1), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
