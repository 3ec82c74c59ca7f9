"""Ask the assistant the real-question sets and report what a user would see.

For each question (a fresh conversation each) the replies are scored the way
``../shared/tools/answer_eval.py`` scores them — every group of ``must_mention_any`` needs
one phrase in the replies; where the bot asks back with buttons, the button that fits the
asker is pressed (at most two more turns) — and measured:

- answered with every required fact, by language, topic and asker;
- length of the reply to the question (characters a reader sees; Markdown links count as
  their title; a pressed "Mehr dazu" is not counted) and whether the direct answer ends
  within the first 300 characters;
- the figure check: every figure of a reply (%, €, months, hours, employees, §, dates) is in
  the knowledge-base entry the reply cites, or in the question (0 violations is the target).

Two ways to ask: ``--url`` posts to a running bot's REST channel (what users get);
``--offline`` runs the answer engine in-process with the knowledge-base entity finder and
no intent classifier (fast, for development).

usage: python -m scripts.answer_report SET.yml [SET.yml ...] [--url URL | --offline]
       [--out var/bench/answers.json] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from answering.figure_check import check_reply
from answering.reply import visible_length
from bot.privacy import notice
from bot.settings import retention_days
from knowledge.loader import KnowledgeBase, load_or_raise
from nlu.entities import knowledge_root

# the bot's own messages whose figures come from the settings: the privacy notice's days
OWN_TEXTS = tuple(notice.chat_text(lang, retention_days(os.environ)) for lang in ("de", "en"))

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "http://localhost:5005/webhooks/rest/webhook"
# the words answer_eval.py looks for in a button title, by asker
ROLE_WORDS = {
    "employee": ["beschäftigt", "arbeitnehmer", "mitarbeiter", "employee", "ich arbeite", "beschäftigte"],
    "works_council": ["betriebsrat", "beschäftigt", "arbeitnehmer", "employee"],
    "employer": ["arbeitgeber", "unternehmen", "betrieb", "firma", "employer", "company"],
    "apprentice": ["azubi", "auszubildend", "ausbildung", "apprentice"],
    "unemployed": ["arbeitslos", "arbeitsuchend", "jobsuch", "unemployed", "beschäftigt"],
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?](\s|$)")

Replies = list[dict[str, Any]]
Ask = Callable[[str, str], Replies]  # (sender, message) -> replies


def flatten(replies: Replies) -> str:
    parts = []
    for r in replies:
        parts.append(r.get("text") or "")
        parts += [b.get("title") or "" for b in r.get("buttons") or []]
        if r.get("custom"):
            parts.append(json.dumps(r["custom"], ensure_ascii=False))
    text = "\n".join(parts).lower()
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2011", "-")


def groups_met(text: str, groups: list[list[str]]) -> int:
    return sum(1 for g in groups if any(str(p).lower() in text for p in g))


def pick_button(replies: Replies, asker: str) -> str | None:
    buttons = [b for r in replies for b in (r.get("buttons") or [])]
    if not buttons:
        return None
    words = ROLE_WORDS.get(asker, [])
    for b in buttons:
        if any(w in (b.get("title") or "").lower() for w in words):
            return str(b.get("payload") or b.get("title"))
    return str(buttons[0].get("payload") or buttons[0].get("title"))


NOTICE_PREFIXES = ("Hinweis zum Datenschutz:", "Privacy note:")  # once per user, not an answer


def answer_text(replies: Replies) -> str:
    """The text a reader sees of the answer: the turn's messages with text, without the
    privacy notice that comes once with a user's first message."""
    return "\n".join(
        r["text"] for r in replies if r.get("text") and not r["text"].startswith(NOTICE_PREFIXES)
    )


def direct_within(text: str, limit: int = 300) -> bool:
    """The reply's first sentence (the direct answer) ends within ``limit`` characters."""
    first_line = text.split("\n", 1)[0]
    m = _SENTENCE_END.search(first_line)
    end = m.end() if m else len(first_line)
    return visible_length(first_line[:end]) <= limit


@dataclass
class Result:
    question: dict[str, Any]
    replies: Replies = field(default_factory=list)  # the last turn's replies
    first: Replies = field(default_factory=list)  # the first turn's replies
    seen: str = ""
    turns: int = 0
    met: int = 0
    error: str | None = None
    violation: tuple[str, ...] = ()
    ms: float = 0.0

    @property
    def groups(self) -> int:
        return len(self.question.get("must_mention_any") or [])

    @property
    def ok(self) -> bool:
        return self.groups > 0 and self.met == self.groups


def run_question(
    ask: Ask, q: dict[str, Any], kb: KnowledgeBase, *, check_figures: bool = True
) -> Result:
    res = Result(q)
    groups = q.get("must_mention_any") or []
    sender = f"report-{uuid.uuid4().hex[:12]}"
    t0 = time.perf_counter()
    try:
        replies = ask(sender, q["text"])
        res.first = replies
        res.seen, res.turns = flatten(replies), 1
        while groups and groups_met(res.seen, groups) < len(groups) and res.turns < 3:
            nxt = pick_button(replies, q.get("asker", "unknown"))
            if not nxt:
                break
            replies = ask(sender, nxt)
            res.seen += "\n" + flatten(replies)
            res.turns += 1
        res.replies = replies
    except Exception as exc:  # a failed request counts against the bot
        res.error = f"{type(exc).__name__}: {exc}"
    res.ms = (time.perf_counter() - t0) * 1000
    res.met = groups_met(res.seen, groups)
    violation = (
        check_reply(res.replies, q["text"], kb, OWN_TEXTS)
        if res.replies and check_figures
        else None
    )
    res.violation = violation.figures if violation else ()
    return res


def rest_asker(url: str, timeout: float = 30.0) -> Ask:
    def ask(sender: str, message: str) -> Replies:
        req = urllib.request.Request(
            url,
            data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = json.loads(r.read() or b"[]")
        return [m for m in data if isinstance(m, dict)]

    return ask


def offline_asker(kb: KnowledgeBase, engine: Any = None) -> Ask:
    """The answer engine with what the NLU's knowledge-base extractor finds (no intent)."""
    from actions.answers import program_answer
    from actions.common import PLACE_ENTITIES
    from answering.engine import AnswerEngine
    from answering.retrieval import Query
    from knowledge.index import KnowledgeIndex
    from nlu.entities import EntityFinder
    from nlu.language import guess_language

    kindex = engine.kindex if engine is not None else KnowledgeIndex(kb)
    engine = engine or AnswerEngine(kindex)
    finder = EntityFinder(kb)
    pending: dict[str, str] = {}
    state: dict[str, dict[str, Any]] = defaultdict(dict)

    def ask(sender: str, message: str) -> Replies:
        conv = state[sender]
        if message.startswith("/inform"):
            payload = json.loads(message[len("/inform") :] or "{}")
            key = payload.pop("fact", None)
            conv.update(payload)
            if key:  # a "Meinten Sie …?" button: that fact's answer
                tapped = engine.answer_fact(key, Query(text="", lang=conv.get("lang", "de")))
                if tapped is not None:
                    conv["program"] = tapped.entry
                    return [dict(m) for m in tapped.messages]
            message = pending.pop(sender, "")
            entry = kindex.program(payload.get("program", ""))
            if not message and entry is not None:  # "Mehr dazu": the whole entry
                lang = conv.get("lang", "de")
                return [dict(m) for m in program_answer(entry, kindex, lang=lang)]
        found = finder.find(message)
        values = {e.entity: e.value for e in found}
        named = tuple(dict.fromkeys(e.value for e in found if e.entity == "program"))
        lk = kb.landkreise.get(values.get("landkreis", ""))
        land = conv.get("land") or values.get("land") or (lk.state.value if lk else None)
        lang = conv.setdefault("lang", guess_language(message, default="de") or "de")
        size = values.get("company_size")
        places = tuple(e.text for e in found if e.entity in PLACE_ENTITIES)
        if lk is not None:
            places += (lk.name, lk.seat, *lk.aliases, *(t.name for t in lk.towns))
        role = conv.get("role") or values.get("role") or ("employer" if size else None)
        query = Query(
            text=message, lang=lang, named=named, remembered=conv.get("program"),
            role=role, land=land, employees=int(size) if size else None, entity_words=places,
        )  # fmt: skip
        outcome = engine.answer(query, lk)
        if outcome.entry:
            conv["program"] = outcome.entry
        if outcome.messages and outcome.messages[0].get("buttons") and not outcome.entry:
            pending[sender] = message
        return [dict(m) for m in outcome.messages]

    return ask


def first_reply_ok(r: Result) -> bool:
    groups = r.question.get("must_mention_any") or []
    text = flatten([{"text": m.get("text") or ""} for m in r.first])
    return bool(groups) and groups_met(text, groups) == len(groups)


def summarise(results: list[Result]) -> dict[str, Any]:
    scored = [r for r in results if r.groups]

    def rate(rs: list[Result]) -> dict[str, Any]:
        ok = sum(r.ok for r in rs)
        return {"ok": ok, "n": len(rs), "pct": round(100 * ok / max(1, len(rs)), 1)}

    def first_text(rs: list[Result]) -> dict[str, Any]:
        """The strict reading: the first reply's text alone holds every required fact (no
        button pressed, button titles not counted)."""
        ok = sum(first_reply_ok(r) for r in rs)
        return {"ok": ok, "n": len(rs), "pct": round(100 * ok / max(1, len(rs)), 1)}

    by: dict[str, dict[str, list[Result]]] = {"lang": {}, "topic": {}, "asker": {}}
    for r in scored:
        for key in by:
            by[key].setdefault(str(r.question.get(key, "?")), []).append(r)
    # the reply to the question itself (a pressed "Mehr dazu" shows the whole entry on purpose)
    lengths = [visible_length(answer_text(r.first)) for r in results if r.first]
    raw = [len(answer_text(r.first)) for r in results if r.first]
    direct = [direct_within(answer_text(r.first)) for r in results if r.first]
    violations = [r for r in results if r.violation]
    return {
        "all": rate(scored),
        "first_reply_text": first_text(scored),
        "first_reply_text_by_lang": {
            lang: first_text(rs) for lang, rs in sorted(by["lang"].items())
        },
        **{f"by_{k}": {v: rate(rs) for v, rs in sorted(groups.items())} for k, groups in by.items()},
        "partial": sum(0 < r.met < r.groups for r in scored),
        "errors": sum(r.error is not None for r in results),
        "no_reply": sum(not r.replies and r.error is None for r in results),
        "length": {
            "median": statistics.median(lengths) if lengths else 0,
            "p90": sorted(lengths)[int(0.9 * (len(lengths) - 1))] if lengths else 0,
            "max": max(lengths, default=0),
            "median_raw": statistics.median(raw) if raw else 0,
            "over_700": sum(n > 700 for n in lengths),
            "histogram": {f"{lo}-{lo + 199}": sum(lo <= n < lo + 200 for n in lengths) for lo in range(0, 1400, 200)},
        },
        "direct_within_300_pct": round(100 * sum(direct) / max(1, len(direct)), 1),
        "figure_violations": len(violations),
        "latency_ms_median": round(statistics.median([r.ms for r in results]), 1) if results else 0,
    }  # fmt: skip


def load_questions(paths: list[Path]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in paths:
        out += yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.answer_report")
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--url", default=DEFAULT_URL)
    ap.add_argument("--offline", action="store_true")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--quiet", action="store_true", help="only the summary, no failing questions")
    a = ap.parse_args(argv)
    kb = load_or_raise(knowledge_root())  # the knowledge base the bot runs with
    ask = offline_asker(kb) if a.offline else rest_asker(a.url)
    results = [run_question(ask, q, kb) for q in load_questions(a.sets)]
    summary = summarise(results)
    if not a.quiet:
        for r in results:
            if r.groups and not r.ok:
                q = r.question
                print(
                    f"FAIL {q.get('id')} [{q.get('topic')}/{q.get('asker')}] {r.met}/{r.groups}: {q['text'][:100]}"
                )
            if r.violation:
                print(f"FIGURES {r.question.get('id')}: {', '.join(r.violation)}")
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        detail = [
            {"id": r.question.get("id"), "ok": r.ok, "met": r.met, "groups": r.groups,
             "turns": r.turns, "violation": list(r.violation), "error": r.error,
             "first": answer_text(r.first)[:2000], "reply": answer_text(r.replies)[:2000]}
            for r in results
        ]  # fmt: skip
        payload = {"summary": summary, "results": detail}
        a.out.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
