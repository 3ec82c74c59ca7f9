"""Validator CLI: ``python -m knowledge validate [--root DIR] [--today YYYY-MM-DD]``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from knowledge.loader import DEFAULT_ROOT, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check every file of the knowledge base")
    val.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    val.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)

    result = load(args.root, today=lambda: args.today)
    for problem in result.problems:
        print(f"ERROR {problem}")
    counts = ", ".join(f"{v} {k}" for k, v in result.kb.counts().items())
    sources = sum(
        len(r.sources)
        for group in (
            result.kb.programs,
            result.kb.contacts,
            result.kb.landkreise,
            result.kb.events,
        )
        for r in group.values()
    )
    print(f"knowledge base: {counts}; {sources} source references")
    if result.problems:
        print(f"{len(result.problems)} problem(s) found", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
