"""The knowledge-base entity finder on the shipped knowledge base."""

from __future__ import annotations

import pytest

from nlu.entities import EntityFinder, finder_for, knowledge_root


@pytest.fixture(scope="module")
def finder() -> EntityFinder:
    return finder_for(knowledge_root())


def pairs(finder: EntityFinder, text: str) -> list[tuple[str, str]]:
    return [(e.entity, e.value) for e in finder.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Wir sind 45 Leute aus Künzelsau, was zahlt die AA nach QCG?",
            [
                ("company_size", "45"),
                ("landkreis", "hohenlohekreis"),
                ("program", "weiterbildung-beschaeftigte"),
            ],
        ),
        (
            "meister bafög in 98527 suhl",
            [
                ("program", "aufstiegs-bafoeg"),
                ("situation", "aufstieg"),
                ("plz", "98527"),
                ("landkreis", "sk-suhl"),
            ],
        ),
        (
            "Meister-Bafoeg",
            [("program", "aufstiegs-bafoeg")],
        ),  # one token: no situation word inside
        (
            "Ich bin Azubi und mein Betrieb ist pleite",
            [("role", "apprentice"), ("role", "employee"), ("situation", "insolvenz")],
        ),
        ("mein Arbeitgeber will nicht", [("role", "employee")]),
        ("ich bin Arbeitgeber", [("role", "employer")]),
        (
            "I am an HR manager in Heilbronn with 120 employees",
            [("role", "employer"), ("landkreis", "sk-heilbronn"), ("company_size", "120")],
        ),
        ("unsere Mitarbeiter, 12000 MA", [("role", "employer"), ("company_size", "12000")]),
        ("Bildungsurlaub Thüringen", [("program", "bildungsfreistellung-th"), ("land", "TH")]),
        ("Ich bin 45 Jahre alt", []),
        ("", []),
        ("🙂🙂🙂", []),
        ("<script>alert('x')</script>", []),
        ("\x00\x01 binär", []),
    ],
)
def test_find(finder: EntityFinder, text: str, expected: list[tuple[str, str]]) -> None:
    assert pairs(finder, text) == expected


def test_spans_point_into_the_original_text(finder: EntityFinder) -> None:
    text = "Infos zum Meister‑BAföG für Sömmerda bitte"
    for e in finder.find(text):
        assert text[e.start : e.end] == e.text


def test_huge_input_is_handled(finder: EntityFinder) -> None:
    found = finder.find("Weiterbildung " * 5000 + "in Suhl")
    assert ("landkreis", "sk-suhl") in [(e.entity, e.value) for e in found]
