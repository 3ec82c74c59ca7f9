"""Benchmark the Telegram bridge against the REST channel it sits on.

Starts the real stack (Rasa, actions) on free ports, the fake Bot API server and the Telegram
runner (long polling, as in production by default), then asks realistic questions from
``tests/eval/questions.yml``:

1. latency: one question at a time, each from a new user; the same question once directly
   over REST and once through Telegram (queued update -> last sendMessage of the answer);
2. throughput: ``--chats`` users at once, each asking ``--per-chat`` questions in order,
   over REST and through Telegram.

Writes a Markdown report (default ``var/bench/telegram.md``) and prints it.
    python -m scripts.bench_telegram [--questions 60] [--chats 20] [--per-chat 5]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import yaml

from bot.model import ensure_model
from bot.services import Stack, build_services, write_endpoints
from bot.settings import PROJECT_ROOT, Settings
from bot.telegram.formatting import render
from tests.integration.conftest import free_port
from tests.telegram.fake_bot_api import FakeBotApiServer
from tests.telegram.test_bridge import make_update


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def questions(n: int) -> list[str]:
    data = yaml.safe_load((PROJECT_ROOT / "tests/eval/questions.yml").read_text(encoding="utf-8"))
    items = data["questions"] if isinstance(data, dict) else data
    return [q["text"] for q in items][:n]


def rest(settings: Settings, sender: str, text: str) -> tuple[float, int]:
    """(seconds, number of Telegram messages the replies become)"""
    req = urllib.request.Request(
        f"{settings.rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.monotonic()
    with urllib.request.urlopen(req, timeout=60) as resp:
        replies = json.loads(resp.read())
    return time.monotonic() - started, len(render(replies))


@contextlib.contextmanager
def runner(settings: Settings, server: FakeBotApiServer) -> Iterator[None]:
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": "123:BENCH",
        "TELEGRAM_API_BASE_URL": server.base_url,
        "TELEGRAM_PSEUDONYM_KEY": "bench-key",
        "RASA_PORT": str(settings.rasa_port),
        "FOERDERLOTSE_VAR": str(settings.var_dir),
        "FOERDERLOTSE_INTERNAL_TOKEN": "bench",
        "TELEGRAM_OUTBOUND_PORT": str(free_port()),
        "LOG_LEVEL": "WARNING",
    }
    log = (settings.var_dir / "telegram-bench.out").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.telegram"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(server.api.called("setMyCommands")) < 2:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the Telegram runner did not start")
            time.sleep(0.1)
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()


class Telegram:
    """Queue updates and wait for the answers on the fake server."""

    def __init__(self, server: FakeBotApiServer) -> None:
        self.api = server.api
        self._update = 1

    def send(self, chat: int, text: str) -> float:
        self._update += 1
        at = time.monotonic()
        self.api.queue(make_update(text, user_id=chat, update_id=self._update))
        return at

    def messages(self, chat: int) -> list[float]:
        return [
            c.at
            for c in list(self.api.calls)
            if c.method == "sendMessage" and int(c.params.get("chat_id", 0)) == chat
        ]

    def wait(self, chat: int, count: int, timeout: float = 120) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            times = self.messages(chat)
            if len(times) >= count:
                return times[count - 1]
            time.sleep(0.002)
        raise TimeoutError(f"chat {chat}: {len(self.messages(chat))} of {count} messages")


def latency(
    settings: Settings, tg: Telegram, texts: list[str], first: int = 0
) -> dict[str, list[float]]:
    rest_s, tg_s, added = [], [], []
    for i, text in enumerate(texts, start=first):
        seconds, count = rest(settings, f"bench-rest-{i}", text)
        chat = 500_000 + i
        sent = tg.send(chat, text)
        done = tg.wait(chat, count)
        rest_s.append(seconds)
        tg_s.append(done - sent)
        added.append(done - sent - seconds)
    return {"rest": rest_s, "telegram": tg_s, "added": added}


def throughput(
    settings: Settings, tg: Telegram, texts: list[str], chats: int, per_chat: int
) -> dict[str, float]:
    plan = [[texts[(c * per_chat + k) % len(texts)] for k in range(per_chat)] for c in range(chats)]

    def rest_user(c: int) -> list[int]:
        return [rest(settings, f"bench-tp-{c}", t)[1] for t in plan[c]]

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(chats) as pool:
        counts = list(pool.map(rest_user, range(chats)))
    rest_elapsed = time.monotonic() - started

    started = time.monotonic()
    for k in range(per_chat):  # every chat's k-th message, as users would type
        for c in range(chats):
            tg.send(700_000 + c, plan[c][k])
    last = max(tg.wait(700_000 + c, sum(counts[c])) for c in range(chats))
    tg_elapsed = last - started
    calls = [
        c.at
        for c in tg.api.calls
        if c.method in ("sendMessage", "sendChatAction") and c.at >= started
    ]
    busiest = max(sum(1 for t in calls if s <= t < s + 1.0) for s in calls)
    n = chats * per_chat
    return {
        "messages": n,
        "rest_per_s": n / rest_elapsed,
        "telegram_per_s": n / tg_elapsed,
        "telegram_calls_per_s": len(calls) / tg_elapsed,
        "busiest_second": busiest,
        "telegram_messages": sum(map(sum, counts)),
    }


def report(lat: dict[str, list[float]], tp: dict[str, float], args: argparse.Namespace) -> str:
    def row(name: str, values: list[float]) -> str:
        ms = [v * 1000 for v in values]
        return (
            f"| {name} | {statistics.median(ms):.0f} | {percentile(ms, 95):.0f} "
            f"| {percentile(ms, 99):.0f} | {max(ms):.0f} |"
        )

    return "\n".join(
        [
            "# Telegram bridge benchmark",
            "",
            f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores; real Rasa + actions, "
            "fake Bot API on loopback, long polling.",
            "",
            f"## Latency, one user at a time ({len(lat['rest'])} questions, ms)",
            "",
            "| path | p50 | p95 | p99 | max |",
            "|---|---|---|---|---|",
            row("REST channel", lat["rest"]),
            row("Telegram (update -> last message)", lat["telegram"]),
            row("added by the bridge (per question)", lat["added"]),
            "",
            f"## Throughput, {args.chats} users x {args.per_chat} questions at once",
            "",
            f"- REST channel: {tp['rest_per_s']:.1f} answers/s",
            f"- Telegram: {tp['telegram_per_s']:.1f} answers/s "
            f"({tp['telegram_messages']:.0f} messages, {tp['telegram_calls_per_s']:.1f} Bot API "
            f"calls/s, busiest second {tp['busiest_second']:.0f} calls; Telegram allows 30/s)",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--per-chat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var/bench/telegram.md")
    args = parser.parse_args()

    model = ensure_model(PROJECT_ROOT, PROJECT_ROOT / "models")
    texts = questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(
            Settings.from_env({}),
            rasa_port=free_port(),
            actions_port=free_port(),
            web_port=free_port(),
            var_dir=Path(tmp),
            rasa_token="bench",
            log_level="WARNING",
        )
        write_endpoints(settings)
        services = [s for s in build_services(settings, model) if s.name != "web"]
        with (
            Stack(settings, services, timeout=240),
            FakeBotApiServer() as server,
            runner(settings, server),
        ):
            tg = Telegram(server)
            latency(settings, tg, texts[:3], first=10_000)  # warm-up
            lat = latency(settings, tg, texts)
            tp = throughput(settings, tg, texts, args.chats, args.per_chat)
    text = report(lat, tp, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
