"""Recall and precision of bot.privacy.redaction on the labelled sets in tests/privacy/.

A labelled value counts as found when every character of it is inside a redacted span; a
redacted span counts as correct when it overlaps a labelled value. Types are reported but not
required to match (a tax id masked as a phone number is still masked).
    python -m scripts.redaction_eval [SET.yml ...] [--misses]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot.privacy.redaction import find

SETS = Path(__file__).resolve().parent.parent / "tests" / "privacy"
NAMES = ("redaction_set.yml", "redaction_heldout.yml", "redaction_heldout2.yml")


def labelled(item: dict[str, Any]) -> list[tuple[int, int, str]]:
    out, used = [], set()
    for p in item["pii"]:
        start = item["text"].find(p["value"])
        while (start, p["value"]) in used:
            start = item["text"].find(p["value"], start + 1)
        used.add((start, p["value"]))
        out.append((start, start + len(p["value"]), p["type"]))
    return out


def evaluate(items: list[dict[str, Any]]) -> dict[str, Any]:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    spans = correct = 0
    misses: list[tuple[str, str, str]] = []
    false: list[tuple[str, str, str]] = []
    for item in items:
        gold = labelled(item)
        predicted = find(item["text"])
        for start, end, kind in gold:
            total[kind] += 1
            covered = all(any(s.start <= i < s.end for s in predicted) for i in range(start, end))
            if covered:
                found[kind] += 1
            else:
                misses.append((kind, item["text"][start:end], item["id"]))
        for s in predicted:
            spans += 1
            if any(s.start < e and st < s.end for st, e, _ in gold):
                correct += 1
            else:
                false.append((s.kind, item["text"][s.start : s.end], item["id"]))
    return {
        "recall": sum(found.values()) / max(sum(total.values()), 1),
        "precision": correct / max(spans, 1),
        "per_type": {k: (found[k], total[k]) for k in sorted(total)},
        "misses": misses,
        "false": false,
        "items": len(items),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", default=list(NAMES), help="files in tests/privacy/")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    for name in args.sets:
        items = yaml.safe_load((SETS / name).read_text(encoding="utf-8"))["items"]
        r = evaluate(items)
        print(
            f"{name}: {r['items']} messages: recall {r['recall']:.3f}, precision {r['precision']:.3f}"
        )
        for kind, (f, t) in r["per_type"].items():
            print(f"  {kind:16} {f}/{t}")
        if args.misses:
            for m in r["misses"]:
                print("MISS ", m)
            for m in r["false"]:
                print("FALSE", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
