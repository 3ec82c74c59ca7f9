"""``python -m bot.privacy retention [--days N]``: delete what is older than the retention period."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.privacy.retention import purge
from bot.settings import Settings


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.privacy")
    sub = parser.add_subparsers(dest="command", required=True)
    retention = sub.add_parser("retention", help="delete conversations older than the period")
    retention.add_argument("--days", type=int, default=settings.retention_days)
    args = parser.parse_args(argv)
    if args.days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    report = purge(settings, args.days)
    print(
        f"deleted {report.conversations} conversations ({report.events} events), "
        f"{report.transcripts} transcripts, {report.chats} Telegram chat ids; "
        f"{report.demand_entries} demand entries reduced to their aggregate"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
