"""The NLU component that lets a clear fact overrule a service intent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.topics import TOPIC_PROGRAMS
from answering.engine import AnswerEngine
from nlu.question_arbiter import FALLBACK_INTENT, QuestionArbiter, query_of, topic_intent
from tests.answering.conftest import BW, FACTS, SYNONYMS, TH
from tests.factories import make_index, program_data


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> AnswerEngine:
    root: Path = tmp_path_factory.mktemp("kb-arbiter")
    return AnswerEngine(
        make_index(root, programs=[program_data(), BW, TH], facts=FACTS, synonyms=SYNONYMS)
    )


def message(text: str, intent: str, ranking: list[str]) -> Message:
    ranked = [{"name": intent, "confidence": 0.6}] + [
        {"name": n, "confidence": 0.1} for n in ranking
    ]
    return Message(data={TEXT: text, INTENT: ranked[0], INTENT_RANKING_KEY: ranked})


def test_a_clear_question_becomes_the_best_topic_intent(engine: AnswerEngine) -> None:
    msg = message("Wie viel zahlt die Agentur für den Lehrgang?", "request_human",
                  ["greet", "ask_aufstieg", "ask_bildungsgutschein"])  # fmt: skip
    QuestionArbiter(lambda: engine, strong=0.5).process([msg])
    intent: dict[str, Any] = msg.get(INTENT)
    assert intent["name"] == "ask_aufstieg"  # the test entry is in no topic intent: best ranked
    assert intent["confidence"] >= 0.9
    names = [r["name"] for r in msg.get(INTENT_RANKING_KEY)]
    assert names == ["ask_aufstieg", "request_human", "greet", "ask_bildungsgutschein"]


def test_a_real_service_request_is_kept(engine: AnswerEngine) -> None:
    msg = message("Welche Daten speichern Sie?", "ask_privacy", ["ask_aufstieg"])
    QuestionArbiter(lambda: engine, strong=0.5).process([msg])
    assert msg.get(INTENT)["name"] == "ask_privacy"
    assert msg.get(INTENT)["confidence"] == 0.6


def test_other_intents_never_build_the_engine() -> None:
    def factory() -> AnswerEngine:
        raise AssertionError("the engine was built")

    msg = message("Wie viel zahlt die Agentur für den Lehrgang?", "ask_bildungsgutschein", [])
    QuestionArbiter(factory).process([msg, Message(data={TEXT: ""})])
    assert msg.get(INTENT)["name"] == "ask_bildungsgutschein"


def test_topic_intent_prefers_the_intent_that_lists_the_entry() -> None:
    owner = next(i for i, entries in TOPIC_PROGRAMS.items() if "bildungsgutschein" in entries)
    assert topic_intent("bildungsgutschein", [{"name": "ask_aufstieg"}]) == owner
    assert topic_intent("unknown-entry", [{"name": "greet"}, {"name": "ask_aufstieg"}]) == (
        "ask_aufstieg"
    )
    assert topic_intent("unknown-entry", [{"name": "greet"}]) == FALLBACK_INTENT


def test_a_warm_arbiter_has_its_engine_before_the_first_message(engine: AnswerEngine) -> None:
    built: list[AnswerEngine] = []

    def factory() -> AnswerEngine:
        built.append(engine)
        return engine

    arbiter = QuestionArbiter(factory, strong=0.5, warm=True)
    assert built == [engine]  # built when the component is made (Rasa is up only after)
    msg = message("Wie viel zahlt die Agentur für den Lehrgang?", "request_human", ["ask_aufstieg"])
    arbiter.process([msg])
    assert msg.get(INTENT)["name"] == "ask_aufstieg"
    assert built == [engine]


def test_the_query_reads_the_extractors_program_and_language() -> None:
    msg = Message(data={TEXT: "What about Bildungszeit?", ENTITIES: [
        {"entity": "program", "value": "zeit-bw"}, {"entity": "program", "value": "zeit-bw"},
        {"entity": "language", "value": "en"},
    ]})  # fmt: skip
    query = query_of(msg, "What about Bildungszeit?")
    assert (query.named, query.lang) == (("zeit-bw",), "en")
    assert query_of(Message(data={TEXT: "Wie geht das?"}), "Wie geht das?").named == ()
