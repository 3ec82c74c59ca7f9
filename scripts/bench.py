"""Benchmark: this project's assistant against a stock ``rasa init`` assistant, in one run on
the same machine.

For both: training time (a fresh model in a temporary folder), time from start to ready,
REST throughput and p50/p95/p99 latency at 1 and 10 concurrent users, and the resident
memory (RSS) of every server process. Both run side by side and take turns under load
(``--rounds`` per level), so a slow minute of a shared machine does not favour either. The load is the same for both: realistic questions
from ``tests/eval/questions.yml``, each user asking a few of them in one conversation and
waiting for each answer; the project answers through its actions and knowledge base, the
stock assistant with its own (mood bot) responses.

    python -m scripts.bench [--seconds 30] [--rounds 3] [--out docs/bench/performance.md]

Writes a Markdown report with the ratios and a plot (``performance.png``) and prints it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import aiohttp

from bot.model import ensure_model
from bot.services import Service, Stack, build_services, write_endpoints
from bot.settings import PROJECT_ROOT, Settings
from scripts.soak import percentile, questions, rss_kb
from tests.integration.conftest import free_port

OUT = PROJECT_ROOT / "docs" / "bench" / "performance.md"
PER_CONVERSATION = 5  # questions a user asks in one conversation


@dataclass
class Load:
    users: int
    seconds: float
    answered: int = 0  # HTTP 200 with a list of replies, also an empty one
    empty: int = 0  # of those, no reply at all (stock: its policies chose to listen)
    errors: int = 0  # HTTP errors and timeouts
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, float]:
        lat = self.latencies_ms
        return {
            "users": self.users,
            "messages_per_s": round(self.throughput, 1),
            "p50_ms": round(percentile(lat, 50), 1),
            "p95_ms": round(percentile(lat, 95), 1),
            "p99_ms": round(percentile(lat, 99), 1),
            "empty": self.empty,
            "errors": self.errors,
        }


@dataclass
class Result:
    name: str
    training_s: float
    ready_s: float
    rss_mb: dict[str, float]
    loads: list[dict[str, float]]

    @property
    def rss_total(self) -> float:
        return sum(self.rss_mb.values())


async def load(url: str, users: int, seconds: float, texts: list[str]) -> Load:
    result = Load(users, 0.0)
    deadline = time.monotonic() + seconds

    async def user(n: int, session: aiohttp.ClientSession) -> None:
        i = n * 11
        while time.monotonic() < deadline:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for _ in range(PER_CONVERSATION):
                if time.monotonic() >= deadline:
                    return
                text = texts[i % len(texts)]
                i += 1
                started = time.perf_counter()
                try:
                    async with session.post(url, json={"sender": sender, "message": text}) as r:
                        body = await r.json(content_type=None)
                        ok = r.status == 200 and isinstance(body, list)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    ok = False
                if ok:
                    result.answered += 1
                    result.empty += not body
                    result.latencies_ms.append((time.perf_counter() - started) * 1000)
                else:
                    result.errors += 1

    started = time.monotonic()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(user(n, session) for n in range(users)))
    result.seconds = time.monotonic() - started
    return result


@dataclass
class Running:
    """One started assistant: where to send messages, and its server processes."""

    url: str
    pids: dict[str, int]
    ready_s: float


def merge(parts: list[Load]) -> Load:
    total = Load(parts[0].users, sum(p.seconds for p in parts))
    for p in parts:
        total.answered += p.answered
        total.empty += p.empty
        total.errors += p.errors
        total.latencies_ms += p.latencies_ms
    return total


def measure(
    systems: dict[str, Running], seconds: float, rounds: int
) -> dict[str, list[dict[str, float]]]:
    """Every load level in ``rounds`` short rounds, the systems taking turns, so a slower or
    faster minute of a shared machine falls on all of them alike."""
    texts = questions()
    for running in systems.values():
        asyncio.run(load(running.url, 2, 5, texts))  # warm-up
    out: dict[str, list[dict[str, float]]] = {name: [] for name in systems}
    for users in (1, 10):
        parts: dict[str, list[Load]] = {name: [] for name in systems}
        for _ in range(rounds):
            for name, running in systems.items():
                parts[name].append(asyncio.run(load(running.url, users, seconds / rounds, texts)))
        for name in systems:
            out[name].append(merge(parts[name]).summary())
    return out


def rss_of(running: Running) -> dict[str, float]:
    return {name: round(rss_kb([pid]) / 1024, 1) for name, pid in running.pids.items()}


def wait_ready(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready")


def train_project(tmp: Path) -> tuple[Path, float]:
    models = tmp / "project-models"
    os.environ["RASA_CACHE_DIRECTORY"] = str(tmp / "project-cache")  # nothing from before
    started = time.monotonic()
    model = ensure_model(PROJECT_ROOT, models)  # a fresh folder: always trains
    training = time.monotonic() - started
    del os.environ["RASA_CACHE_DIRECTORY"]
    return model, training


@contextlib.contextmanager
def project(tmp: Path, model: Path, nlu_cache: bool) -> Iterator[Running]:
    settings = replace(
        Settings.from_env({}),
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=free_port(),
        var_dir=tmp / f"project-var-{int(nlu_cache)}",
        rasa_token="bench",
        log_level="WARNING",
        rate_limit_burst=10_000,
        rate_limit_per_minute=100_000,
    )
    write_endpoints(settings)
    services = build_services(settings, model, log_dir=settings.var_dir)
    if not nlu_cache:  # every message parsed as if it were new
        next(s for s in services if s.name == "rasa").env["NLU_CACHE_SIZE"] = "0"
    stack = Stack(settings, services, timeout=300)
    started = time.monotonic()
    with stack:
        ready = time.monotonic() - started
        pids = {s.name: s.process.pid for s in services if s.process is not None}
        yield Running(f"{settings.rasa_url}/webhooks/rest/webhook", pids, round(ready, 1))


def train_stock(tmp: Path) -> tuple[Path, Path, float]:
    folder = tmp / "stock"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    py = sys.executable
    folder.mkdir()
    env["RASA_CACHE_DIRECTORY"] = str(tmp / "stock-cache")  # no training results from before
    started = time.monotonic()  # rasa init copies the scaffold (instant) and trains
    subprocess.run(
        [py, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)],
        env=env,
        cwd=tmp,
        check=True,
        capture_output=True,
    )
    training = time.monotonic() - started
    (model,) = (folder / "models").glob("*.tar.gz")
    return folder, model, training


@contextlib.contextmanager
def stock(tmp: Path, folder: Path, model: Path) -> Iterator[Running]:
    py = sys.executable
    port = free_port()
    rasa = Service(
        "rasa",
        [
            py,
            "-m",
            "rasa",
            "run",
            "--model",
            str(model),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
        ],
        None,
        env={"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
        log_file=tmp / "stock-rasa.out",
    )
    started = time.monotonic()
    rasa.start(folder)
    try:
        wait_ready(f"http://127.0.0.1:{port}/")
        ready = time.monotonic() - started
        assert rasa.process is not None
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        yield Running(url, {"rasa": rasa.process.pid}, round(ready, 1))
    finally:
        rasa.stop()


def plot(ours: Result, theirs: Result, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    names = [ours.name, theirs.name]
    colours = ["#1f6f8b", "#b0b0b0"]
    tp = [[r.loads[i]["messages_per_s"] for r in (ours, theirs)] for i in (0, 1)]
    for ax, values, title in (
        (axes[0], [v for pair in zip(*tp, strict=True) for v in pair], "messages/s (1 | 10 users)"),
    ):
        xs = [0, 1, 3, 4]
        ax.bar(xs, values, color=[colours[0], colours[0], colours[1], colours[1]])
        ax.set_xticks(xs, ["ours 1", "ours 10", "stock 1", "stock 10"])
        ax.set_title(title)
    p95 = [[r.loads[i]["p95_ms"] for r in (ours, theirs)] for i in (0, 1)]
    xs = [0, 1, 3, 4]
    axes[1].bar(
        xs, [p95[0][0], p95[1][0], p95[0][1], p95[1][1]], color=[colours[0]] * 2 + [colours[1]] * 2
    )
    axes[1].set_xticks(xs, ["ours 1", "ours 10", "stock 1", "stock 10"])
    axes[1].set_title("p95 latency, ms (1 | 10 users)")
    axes[2].bar(names, [ours.rss_total, theirs.rss_total], color=colours)
    axes[2].set_title("RSS of all server processes, MB")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def report(
    ours: Result, theirs: Result, png: Path, uncached: Result | None = None, rounds: int = 1
) -> str:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}×" if b else "–"

    def row(label: str, o: dict[str, float], s: dict[str, float]) -> str:
        return (
            f"| {label} | {o['messages_per_s']} | {s['messages_per_s']} | "
            f"**{ratio(o['messages_per_s'], s['messages_per_s'])}** | "
            f"{o['p50_ms']} / {o['p95_ms']} / {o['p99_ms']} | "
            f"{s['p50_ms']} / {s['p95_ms']} / {s['p99_ms']} | "
            f"{o['errors']} / {s['errors']} | {o['empty']} / {s['empty']} |"
        )

    rows = [row(str(u), ours.loads[i], theirs.loads[i]) for i, u in enumerate((1, 10))]
    if uncached is not None:
        rows += [
            row(f"{u}, NLU cache off", uncached.loads[i], theirs.loads[i])
            for i, u in enumerate((1, 10))
        ]
    rss_ours = ", ".join(f"{k} {v:.0f}" for k, v in ours.rss_mb.items())
    return "\n".join(
        [
            "# Performance: Förderlotse against a stock `rasa init` assistant",
            "",
            f"Measured by `make bench` on {os.cpu_count()} cores ({time.strftime('%Y-%m-%d')}): "
            "both assistants trained and started in one run, then loaded in turns (each "
            f"load level in {rounds} rounds, the systems alternating, so a slower minute of "
            "the machine falls on both). Load: realistic questions from "
            "`tests/eval/questions.yml`, each user asking "
            f"{PER_CONVERSATION} in one conversation and waiting for each answer; "
            f"{len(questions())} questions in turn, so texts repeat during a run. Förderlotse "
            'caches the NLU result of a text without personal data; the rows "NLU cache '
            'off" parse every message as if it were new (the stock assistant has no cache). '
            "Förderlotse stores every conversation in SQLite and answers through its action "
            "server and knowledge base; the stock assistant keeps conversations in memory "
            "and answers with its own responses.",
            "",
            "| users | ours msg/s | stock msg/s | ratio | ours p50 / p95 / p99 ms | "
            "stock p50 / p95 / p99 ms | errors ours / stock | empty replies ours / stock |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "| | ours | stock | ratio |",
            "|---|---|---|---|",
            f"| training | {ours.training_s} s | {theirs.training_s} s | "
            f"{ratio(ours.training_s, theirs.training_s)} |",
            f"| start to ready | {ours.ready_s} s | {theirs.ready_s} s | "
            f"{ratio(ours.ready_s, theirs.ready_s)} |",
            f"| RSS, Rasa server | {ours.rss_mb.get('rasa', 0):.0f} MB | "
            f"{theirs.rss_mb.get('rasa', 0):.0f} MB | |",
            f"| RSS, all processes | {ours.rss_total:.0f} MB ({rss_ours}) | "
            f"{theirs.rss_total:.0f} MB | |",
            "",
            "Throughput counts every answered request (HTTP 200), also one with no reply: "
            "the stock assistant answers some questions with nothing, and it did the work.",
            "",
            "## Targets",
            "",
            "| target | measured | met |",
            "|---|---|---|",
            *(
                f"| {name} | {value} | {'yes' if ok else '**no**'} |"
                for name, value, ok in targets(ours, theirs)
            ),
            "",
            f"![throughput, latency and memory]({png.name})",
            "",
        ]
    )


def targets(ours: Result, theirs: Result) -> list[tuple[str, str, bool]]:
    """Issue 8's targets, checked on this run's figures."""
    one, ten = ours.loads
    ratios = [
        o["messages_per_s"] / s["messages_per_s"] if s["messages_per_s"] else 0.0
        for o, s in zip(ours.loads, theirs.loads, strict=True)
    ]
    rasa = ours.rss_mb.get("rasa", 0)
    return [
        (
            "throughput ≥ 3× stock (1 and 10 users)",
            " / ".join(f"{r:.1f}×" for r in ratios),
            min(ratios) >= 3,
        ),
        ("p95 ≤ 30 ms at 1 user", f"{one['p95_ms']} ms", one["p95_ms"] <= 30),
        ("p95 ≤ 150 ms at 10 users", f"{ten['p95_ms']} ms", ten["p95_ms"] <= 150),
        ("Rasa server RSS ≤ 1.0 GB", f"{rasa:.0f} MB", rasa <= 1024),
        ("whole stack RSS ≤ 1.5 GB", f"{ours.rss_total:.0f} MB", ours.rss_total <= 1536),
        ("training ≤ 90 s", f"{ours.training_s} s", ours.training_s <= 90),
        ("start to ready ≤ 20 s", f"{ours.ready_s} s", ours.ready_s <= 20),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench")
    parser.add_argument("--seconds", type=float, default=30.0, help="per load level")
    parser.add_argument("--rounds", type=int, default=3, help="turns per load level")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        model, training = train_project(tmp)
        folder, stock_model, stock_training = train_stock(tmp)
        with contextlib.ExitStack() as running:
            # started one after the other (start to ready on a quiet machine), then loaded
            # in turns while all three are up
            systems = {
                "Förderlotse": running.enter_context(project(tmp, model, True)),
                "Förderlotse, NLU cache off": running.enter_context(project(tmp, model, False)),
                "stock rasa init": running.enter_context(stock(tmp, folder, stock_model)),
            }
            loads = measure(systems, args.seconds, args.rounds)
            results = [
                Result(
                    name,
                    round(stock_training if name.startswith("stock") else training, 1),
                    r.ready_s,
                    rss_of(r),
                    loads[name],
                )
                for name, r in systems.items()
            ]
    ours, uncached, theirs = results
    args.out.parent.mkdir(parents=True, exist_ok=True)
    png = args.out.with_suffix(".png")
    plot(ours, theirs, png)
    text = report(ours, theirs, png, uncached, args.rounds)
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps([asdict(ours), asdict(uncached), asdict(theirs)], indent=2), encoding="utf-8"
    )
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
