"""On the real knowledge base: no example of a service intent is overruled by a fact.

The examples are the NLU training data of the service intents and those of the held-out
NLU set (``tests/eval/nlu_test.yml``): each is a real request for the privacy notice, a
human, deletion, events … and must keep its intent. This is what ``answering.arbiter.STRONG``
was set on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from answering.arbiter import SERVICE_WORDS, overrule
from answering.engine import AnswerEngine
from answering.retrieval import Query
from knowledge.index import KnowledgeIndex
from knowledge.loader import DEFAULT_ROOT, load_or_raise
from nlu.language import guess_language

ROOT = Path(__file__).resolve().parents[2]
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def service_examples() -> list[tuple[str, str]]:
    files = [*sorted((ROOT / "data" / "nlu").glob("*.yml")), ROOT / "tests/eval/nlu_test.yml"]
    out: list[tuple[str, str]] = []
    for path in files:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if block.get("intent") not in SERVICE_WORDS:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
                if text:
                    out.append((block["intent"], text))
    return out


@pytest.fixture(scope="module")
def real_engine() -> AnswerEngine:
    return AnswerEngine(KnowledgeIndex(load_or_raise(DEFAULT_ROOT)))


def test_no_service_example_is_overruled(real_engine: AnswerEngine) -> None:
    examples = service_examples()
    assert len(examples) > 500
    kindex = real_engine.kindex
    overruled = [
        (intent, text)
        for intent, text in examples
        if overrule(
            intent,
            Query(text, guess_language(text), tuple(p.id for p in kindex.find_programs(text))),
            real_engine,
        )
    ]
    assert overruled == []


def test_misrouted_questions_are_overruled(real_engine: AnswerEngine) -> None:
    """Questions the classifier sent to a service intent (found over REST)."""
    cases = [
        ("request_human", "Kann ich jeden Unternehmensberater nehmen oder muss der beim BAFA gelistet sein?"),
        ("ask_privacy", "Do my certificates have to be translated into German for recognition?"),
        ("ask_events", "Wann darf ich meine Ausbildung fristlos kündigen?"),
    ]  # fmt: skip
    for intent, text in cases:
        query = Query(text, guess_language(text))
        assert overrule(intent, query, real_engine) is not None, text
