"""Load and soak test on loopback: many concurrent conversations through the REST channel,
then a check of the tracker store: every message stored once, in the order it was sent.

Each conversation is a user who waits for the answer before writing the next message. The
messages are realistic questions (``tests/eval/questions.yml``), each tagged with its number
in the conversation ("(3)"), so that the store can be checked exactly. While the load runs,
the resident memory (RSS) of every server process is sampled.

    python -m scripts.soak                      # 10,000 messages over 500 conversations,
                                                # continued to a 10-minute soak
    python -m scripts.soak --messages 500 --conversations 50 --soak 0   # the CI version

Writes ``var/bench/soak.md`` and ``var/bench/soak.json`` and prints the summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import aiohttp
import yaml

from bot.model import ensure_model
from bot.privacy.redaction import redact
from bot.services import Stack, build_services, write_endpoints
from bot.settings import PROJECT_ROOT, Settings
from tests.integration.conftest import free_port

OUT = PROJECT_ROOT / "var" / "bench"


def questions() -> list[str]:
    data = yaml.safe_load((PROJECT_ROOT / "tests/eval/questions.yml").read_text(encoding="utf-8"))
    items = data["questions"] if isinstance(data, dict) else data
    return [q["text"] for q in items if len(q["text"]) < 1900]


@dataclass
class LoadResult:
    sent: dict[str, list[str]] = field(default_factory=dict)  # sender -> texts, in order
    answered: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # "HTTP 500", "timeout" …
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def messages(self) -> int:
        return sum(len(v) for v in self.sent.values())


@dataclass
class Integrity:
    conversations: int
    messages: int
    lost: int
    duplicated: int
    out_of_order: int


def rss_kb(pids: list[int]) -> int:
    """Resident memory of these processes and all their descendants, in KB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    total, todo, seen = 0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


async def _conversation(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    texts: list[str],
    result: LoadResult,
    stop: Callable[[], bool],
) -> None:
    sent = result.sent.setdefault(sender, [])
    for text in texts:
        if stop():
            return
        message = f"{text} ({len(sent) + 1})"
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": message}) as resp:
                body = await resp.json(content_type=None)
                status = resp.status
        except asyncio.TimeoutError:
            sent.append(message)  # it may have arrived; the store check tells
            result.errors["timeout"] = result.errors.get("timeout", 0) + 1
            continue
        except aiohttp.ClientError as exc:
            result.errors[type(exc).__name__] = result.errors.get(type(exc).__name__, 0) + 1
            continue
        sent.append(message)
        result.latencies.append(time.perf_counter() - started)
        if status == 200 and isinstance(body, list) and body:
            result.answered += 1
        else:
            key = f"HTTP {status}" if status != 200 else "empty answer"
            result.errors[key] = result.errors.get(key, 0) + 1


async def run_load(
    settings: Settings,
    conversations: int,
    messages: int,
    *,
    soak_seconds: float = 0.0,
    on_sample: Callable[[float], None] | None = None,
) -> LoadResult:
    """``conversations`` users at once, at least ``messages`` in all; new conversations follow
    finished ones until both that many messages were sent and ``soak_seconds`` have passed."""
    texts = questions()
    per = max(1, messages // conversations)
    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    result = LoadResult()
    started = time.monotonic()
    deadline = started + soak_seconds

    def stop() -> bool:
        return False  # a started conversation is finished

    planned = 0

    def more() -> bool:
        return planned < messages or time.monotonic() < deadline

    async def sampler() -> None:
        while True:
            if on_sample:
                on_sample(time.monotonic() - started)
            await asyncio.sleep(10)

    async def user(n: int) -> None:
        nonlocal planned
        round_ = 0
        while more():
            planned += per
            picked = [texts[(n * 7 + round_ * 3 + i) % len(texts)] for i in range(per)]
            await _conversation(session, url, f"soak-{uuid.uuid4().hex[:12]}", picked, result, stop)
            round_ += 1

    timeout = aiohttp.ClientTimeout(total=300)
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        sampling = asyncio.ensure_future(sampler())
        await asyncio.gather(*(user(n) for n in range(conversations)))
        sampling.cancel()
    result.seconds = time.monotonic() - started
    return result


def check_store(tracker_db: Path, sent: dict[str, list[str]]) -> Integrity:
    """Compare what each sender sent with the user messages in the tracker store (which
    holds them with personal data masked)."""
    lost = duplicated = out_of_order = 0
    with sqlite3.connect(tracker_db) as db:
        for sender, texts in sent.items():
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                (sender,),
            ).fetchall()
            stored = [json.loads(r[0]).get("text") for r in rows]
            expected = [redact(t) for t in texts]
            for text in set(expected):
                n_stored, n_sent = stored.count(text), expected.count(text)
                lost += max(0, n_sent - n_stored)
                duplicated += max(0, n_stored - n_sent)
            if stored != expected and sorted(stored) == sorted(expected):
                out_of_order += 1
    return Integrity(len(sent), sum(len(v) for v in sent.values()), lost, duplicated, out_of_order)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else 0.0


def report(
    args: argparse.Namespace, load: LoadResult, integrity: Integrity, rss: list[tuple[float, int]]
) -> str:
    start_rss = rss[1][1] if len(rss) > 1 else rss[0][1]  # after the first 10 s of load
    lines = [
        "# Load and soak test (REST channel, loopback)",
        "",
        f"{args.conversations} concurrent conversations, {load.messages} messages in "
        f"{load.seconds:.0f} s ({load.messages / max(load.seconds, 1e-9):.1f} messages/s); "
        f"embedded default (SQLite tracker store), one Rasa server, one action server.",
        "",
        "| measure | result |",
        "|---|---|",
        f"| messages sent / answered | {load.messages} / {load.answered} |",
        f"| errors | {dict(load.errors) or 'none'} |",
        f"| lost / duplicated / out of order (tracker store) | {integrity.lost} / "
        f"{integrity.duplicated} / {integrity.out_of_order} |",
        f"| latency p50 / p95 / p99 | {percentile(load.latencies, 50):.2f} s / "
        f"{percentile(load.latencies, 95):.2f} s / {percentile(load.latencies, 99):.2f} s |",
        f"| RSS of all servers: start / end / max | {start_rss / 1024:.0f} MB / "
        f"{rss[-1][1] / 1024:.0f} MB / {max(r for _, r in rss) / 1024:.0f} MB |",
        "",
        "RSS over time (s: MB): " + ", ".join(f"{t:.0f}: {r / 1024:.0f}" for t, r in rss),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.soak")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--soak", type=float, default=600.0, help="seconds in all (0: no soak)")
    parser.add_argument("--out", type=Path, default=OUT / "soak.md")
    args = parser.parse_args(argv)

    model = ensure_model(PROJECT_ROOT, PROJECT_ROOT / "models")
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(
            Settings.from_env({}),
            rasa_port=free_port(),
            actions_port=free_port(),
            web_port=free_port(),
            var_dir=Path(tmp),
            rasa_token="soak",
            log_level="WARNING",
        )
        write_endpoints(settings)
        services = [
            s for s in build_services(settings, model, log_dir=Path(tmp)) if s.name != "web"
        ]
        with Stack(settings, services, timeout=240) as stack:
            pids = [s.process.pid for s in stack.services if s.process is not None]
            rss: list[tuple[float, int]] = []
            load = asyncio.run(
                run_load(
                    settings,
                    args.conversations,
                    args.messages,
                    soak_seconds=args.soak,
                    on_sample=lambda t: rss.append((t, rss_kb(pids))),
                )
            )
            rss.append((load.seconds, rss_kb(pids)))
            integrity = check_store(settings.tracker_db, load.sent)
    text = report(args, load, integrity, rss)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps(
            {
                "integrity": asdict(integrity),
                "errors": load.errors,
                "seconds": load.seconds,
                "answered": load.answered,
                "rss_kb": rss,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(text)
    ok = not (integrity.lost or integrity.duplicated or integrity.out_of_order or load.errors)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
