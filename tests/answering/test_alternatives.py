"""The other questions an answer may have been: chosen by the decision, offered as buttons,
answered when tapped."""

from __future__ import annotations

import pytest

from answering.decision import Answer, KnownTopic, Thresholds, alternatives
from answering.engine import AnswerEngine
from answering.reply import (
    BUTTON_TITLE,
    FACT_PAYLOAD,
    button_question,
    fact_key,
    question_buttons,
)
from answering.retrieval import Query, Scored
from knowledge.index import KnowledgeIndex
from knowledge.loader import load_or_raise


def scored(kindex: KnowledgeIndex, fact_id: str, score: float) -> Scored:
    return Scored(kindex.kb.facts[fact_id], score, score, frozenset())


def test_alternatives_are_the_next_facts_above_the_floor(kindex: KnowledgeIndex) -> None:
    ranked = [
        scored(kindex, "test-kosten", 0.9),
        scored(kindex, "test-rueckzahlung-arbeitslos", 0.8),
        scored(kindex, "test-rueckzahlung-beschaeftigt", 0.7),
        scored(kindex, "zeit-bw-tage", 0.3),
    ]
    got = alternatives(ranked, ranked[:1], Query("x"), floor=0.5, limit=2)
    assert [s.fact.id for s in got] == [
        "test-rueckzahlung-arbeitslos",
        "test-rueckzahlung-beschaeftigt",
    ]
    one = alternatives(ranked, ranked[:1], Query("x"), floor=0.5, limit=1)
    assert [s.fact.id for s in one] == ["test-rueckzahlung-arbeitslos"]
    # a fact for another asker than the turn's is no alternative
    employee = alternatives(ranked, ranked[:1], Query("x", role="employee"), 0.5, 2)
    assert [s.fact.id for s in employee] == ["test-rueckzahlung-beschaeftigt"]


def test_an_entry_the_message_is_about_comes_first(kindex: KnowledgeIndex) -> None:
    ranked = [
        scored(kindex, "test-kosten", 0.4),
        scored(kindex, "zeit-bw-tage", 0.35),
        scored(kindex, "zeit-th-tage", 0.32),
    ]
    got = alternatives(ranked, (), Query("x"), floor=0.3, limit=2, about="zeit-th")
    assert [s.fact.id for s in got] == ["zeit-th-tage", "test-kosten"]


def test_an_answer_offers_close_facts_as_buttons_that_answer_them(engine: AnswerEngine) -> None:
    # one question (no "und": not cut into parts, see test_parts)
    text = "Wie viel zahlt die Agentur für den Lehrgang, muss ich die Förderung zurückzahlen?"
    query = Query(text, role="unemployed")
    # the repayment fact (second) is offered, not added to the answer
    loose = AnswerEngine(
        engine.kindex,
        thresholds=Thresholds(answer=0.3, alternative=0.3, close=0, second=1.0),
    )
    outcome = loose.answer(query)
    assert isinstance(outcome.decision, Answer)
    shown = {s.fact.id for s in outcome.decision.facts}
    offered = outcome.decision.alternatives
    assert [s.fact.id for s in offered] == ["test-rueckzahlung-arbeitslos"]
    assert not shown & {s.fact.id for s in offered}
    buttons = outcome.messages[0]["buttons"]
    first = offered[0].fact
    assert buttons[0] == {
        "title": button_question(first, "de"),
        "payload": FACT_PAYLOAD.format(fact_key(first.id)),
    }
    assert buttons[-1]["title"].startswith("Mehr dazu: ")
    # tapped: that fact's answer, without searching
    tapped = loose.answer_fact(fact_key(first.id), Query(""))
    assert tapped is not None
    assert tapped.messages[0]["text"].startswith(first.answer)
    assert loose.answer_fact("0000000000", Query("")) is None


def test_what_is_known_offers_the_best_facts_of_its_entry(engine: AnswerEngine) -> None:
    query = Query("Gibt es für die Bildungszeit auch eine Kinderbetreuung?", named=("zeit-bw",))
    outcome = engine.answer(query)
    assert isinstance(outcome.decision, KnownTopic)
    if outcome.decision.alternatives:  # only facts above the topic floor are offered
        assert outcome.decision.alternatives[0].fact.about == "zeit-bw"
    titles = [b["title"] for b in outcome.messages[0]["buttons"]]
    assert titles[-1].startswith("Mehr dazu: ")


def test_the_button_question_reads_as_a_question_and_fits(kindex: KnowledgeIndex) -> None:
    fact = kindex.kb.facts["test-kosten"]
    assert button_question(fact, "de") == "Übernimmt das Amt die Kursgebühren?"  # shortest
    assert button_question(fact, "en") == "How much of the course fees are paid?"
    two = (scored(kindex, "test-kosten", 0.5), scored(kindex, "test-kosten", 0.4))
    assert len(question_buttons(two, "de")) == 1  # one title once


@pytest.fixture(scope="module")
def real_kb():  # type: ignore[no-untyped-def]
    return load_or_raise()


def test_every_fact_of_the_knowledge_base_fits_a_telegram_button(real_kb) -> None:  # type: ignore[no-untyped-def]
    keys = {fact_key(fid) for fid in real_kb.facts}
    assert len(keys) == len(real_kb.facts)  # no two facts share a key
    for fid, fact in real_kb.facts.items():
        assert len(FACT_PAYLOAD.format(fact_key(fid)).encode()) <= 64
        for lang in ("de", "en"):
            title = button_question(fact, lang)
            assert 0 < len(title) <= BUTTON_TITLE, (fid, title)
