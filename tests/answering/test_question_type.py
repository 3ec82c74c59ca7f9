"""Question types read from German and English messages (a new case is a new row)."""

from __future__ import annotations

import pytest

from answering.engine import AnswerEngine
from answering.question_type import is_question, question_kinds
from knowledge.schema import QuestionKind as K


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wie lange ist der Bildungsgutschein gültig?", {K.duration}),
        ("und wielange gilt der?", {K.duration}),  # the follow-up "gilt der" carries it
        ("Wie viel zahlt die Agentur bei 45 Mitarbeitern?", {K.amount}),
        ("Muss ich das zurückzahlen?", {K.obligation}),
        ("Was passiert, wenn ich durch die Prüfung falle und abbreche?", {K.dropout}),
        ("Kann ich das mit Arbeitslosengeld kombinieren?", {K.combine}),
        ("Wo beantrage ich das?", {K.apply}),
        ("Bis wann muss der Antrag gestellt sein?", {K.apply, K.deadline}),
        ("Habe ich einen Rechtsanspruch darauf?", {K.right}),
        ("Welche Kurse sind zugelassen?", {K.courses}),
        ("Wer ist in Suhl zuständig?", {K.who, K.contact}),
        ("Was ist AsA flex?", {K.what}),
        ("How long is the voucher valid?", {K.duration}),
        ("Do I have to repay it?", {K.obligation}),
        ("Can I combine it with unemployment benefit at the same time?", {K.combine}),
        ("Hallo", set()),
    ],
)
def test_question_kinds(text: str, expected: set[K]) -> None:
    assert set(question_kinds(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kann eine EQ auf die Ausbildung angerechnet werden", True),  # no question mark
        ("is there a bonus for passing", True),
        ("Gibts da was für Azubis", True),
        ("Förderung für Schweißkurs?", True),
        ("in Heilbronn", False),
        ("wir sind 40 Leute", False),
        ("Arbeitgeber", False),
    ],
)
def test_is_question(text: str, expected: bool) -> None:
    assert is_question(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ausbildung mit 30 – gibt es ein Höchstalter?", True),
        ("Hat der Betriebsrat da mitzureden?", True),
        ("Wann bekommen Azubis Geld vom Staat?", True),
        ("Is there an apprenticeship for me?", True),
        ("Wie mache ich meine Steuererklärung?", False),
        ("Wie beantrage ich Elterngeld?", False),  # "Geld" alone is no word of the field
        ("Wo kann ich mein Auto anmelden?", False),
    ],
)
def test_in_scope(engine: AnswerEngine, text: str, expected: bool) -> None:
    facts = engine.facts
    assert facts.in_scope(frozenset(facts.analyzer.terms(text, "de"))) is expected
