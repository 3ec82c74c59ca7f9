"""Messages that ask two things: cut into their questions, each part answered."""

from __future__ import annotations

import doctest

import pytest

import answering.parts
from answering.decision import Answer, KnownTopic
from answering.engine import AnswerEngine
from answering.parts import question_parts
from answering.retrieval import Query


def test_the_examples_in_the_module_hold() -> None:
    assert doctest.testmod(answering.parts).failed == 0


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Wie viele Tage Bildungszeit bekomme ich, und wird mein Lohn weitergezahlt?",
            ["Wie viele Tage Bildungszeit bekomme ich", "wird mein Lohn weitergezahlt?"],
        ),
        (
            "How long is the visa issued for, and can I come first to look for a place?",
            ["How long is the visa issued for", "can I come first to look for a place?"],
        ),
        (  # a statement is the context of the question after it
            "Die Firma schließt. Was tun bei Insolvenz? Kann ich dann zu Hause bleiben?",
            ["Die Firma schließt. Was tun bei Insolvenz?", "Kann ich dann zu Hause bleiben?"],
        ),
        # "und" without a question after it, and short pieces, do not cut
        ("Gibt es Geld für Kurs und Prüfung?", ["Gibt es Geld für Kurs und Prüfung?"]),
        ("Wer zahlt? Wie?", ["Wer zahlt? Wie?"]),
        ("", [""]),
    ],
)
def test_question_parts(text: str, parts: list[str]) -> None:
    assert question_parts(text) == parts


def test_the_part_the_answer_leaves_open_gets_its_fact(engine: AnswerEngine) -> None:
    text = "Wie viel zahlt die Agentur für den Lehrgang, und muss ich die Förderung zurückzahlen?"
    query = Query(text, role="unemployed", named=("test-programm",))
    ranked = engine.facts.rank(query)
    kosten = next(s for s in ranked if s.fact.id == "test-kosten")
    parts = question_parts(text)
    joined = engine.both_parts(Answer((kosten,)), ranked, query, parts)
    assert isinstance(joined, Answer)
    assert [s.fact.id for s in joined.facts] == ["test-kosten", "test-rueckzahlung-arbeitslos"]
    # nothing answered the whole: the parts' facts of the entry the message is about
    known = engine.both_parts(KnownTopic("test-programm"), ranked, query, parts)
    assert isinstance(known, Answer)
    assert [s.fact.id for s in known.facts] == ["test-kosten", "test-rueckzahlung-arbeitslos"]
    # a two-fact answer stays as it is
    both = Answer((kosten, ranked[-1]))
    assert engine.both_parts(both, ranked, query, parts) is both


def test_a_part_about_another_entry_does_not_join(engine: AnswerEngine) -> None:
    text = (
        "Wie viel zahlt die Agentur für den Lehrgang, und wie viele Tage Bildungsurlaub habe ich?"
    )
    decision, _ = engine.decide(Query(text, role="unemployed", named=("test-programm",)))
    assert isinstance(decision, Answer)
    assert all(s.fact.about == "test-programm" for s in decision.facts)
