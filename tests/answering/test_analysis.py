"""Index terms: lemmas, function words, synonyms (phrases, as written and as lemmas),
compound parts; the same analysis for both lemmatizers where they agree."""

from __future__ import annotations

import pytest

from answering.analysis import LEMMATIZERS, Analyzer
from answering.compounds import CompoundSplitter
from knowledge.schema import SynonymGroup

GROUPS = [
    SynonymGroup(terms=["arbeitsagentur", "agentur für arbeit", "arbeitsamt", "employment agency"]),
    SynonymGroup(terms=["kurs", "lehrgang", "schulung", "course"]),
    SynonymGroup(terms=["aufstiegsbafög", "meister-bafög", "aufstiegs-bafög"]),
]


@pytest.fixture(scope="module", params=sorted(LEMMATIZERS))
def analyzer(request: pytest.FixtureRequest) -> Analyzer:
    plain = Analyzer(GROUPS, lemmatizer=LEMMATIZERS[request.param])
    return plain.with_splitter(
        ["weiterbildung", "massnahme", "kosten", "lehrgang", "zeit", "bildung"]
    )


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Zahlt die Agentur für Arbeit das?", "de", ["zahlen", "arbeitsagentur"]),
        ("Zahlt das Arbeitsamt?", "de", ["zahlen", "arbeitsagentur"]),
        ("Muss ich das Meister-BAföG zurückzahlen?", "de", ["aufstiegsbafoeg", "zurueckzahlen"]),
        ("Does the employment agency pay?", "en", ["arbeitsagentur", "pay"]),
        ("§ 82 SGB III", "de", ["82", "sgb", "iii"]),
    ],
)
def test_terms(analyzer: Analyzer, text: str, lang: str, expected: list[str]) -> None:
    assert analyzer.terms(text, lang) == expected


def test_words_that_carry_the_question_are_kept(analyzer: Analyzer) -> None:
    """spaCy's stop list would drop "lange", "kleine", "Jahren"; ours keeps them."""
    terms = analyzer.terms("wie lange dauert es in kleinen Betrieben seit zwei Jahren")
    assert [t[:4] for t in terms] == ["lang", "daue", "klei", "betr", "zwei", "jahr"]


def test_compound_parts_stand_beside_the_word(analyzer: Analyzer) -> None:
    assert analyzer.terms("Weiterbildungsmaßnahmen")[-2:] == ["weiterbildung", "massnahme"]
    # a part that is a synonym is read as its group's term
    assert analyzer.terms("Lehrgangskosten") == ["lehrgangskosten", "kurs", "kosten"]


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("weiterbildungsmassnahme", ("weiterbildung", "massnahme")),
        ("weiterbildungsmassnahmen", ("weiterbildung", "massnahme")),
        ("bildungszeit", ("bildung", "zeit")),
        ("lehrgangskosten", ("lehrgang", "kosten")),
        ("bildung", ()),  # too short to be a compound
        ("berater", ()),  # no split into known words
        ("kostenzeitbildung", ("kosten", "zeit", "bildung")),
    ],
)
def test_compound_splitter(word: str, parts: tuple[str, ...]) -> None:
    splitter = CompoundSplitter(
        ["weiterbildung", "massnahme", "bildung", "zeit", "kosten", "lehrgang"]
    )
    assert splitter.parts(word) == parts


def test_splitter_prefers_fewest_parts() -> None:
    splitter = CompoundSplitter(["weiter", "bildung", "weiterbildung", "kurs"])
    assert splitter.parts("weiterbildungskurs") == ("weiterbildung", "kurs")


def test_no_compounds_when_switched_off() -> None:
    plain = Analyzer(GROUPS, compounds=False).with_splitter(["weiterbildung", "massnahme"])
    assert plain.terms("Weiterbildungsmaßnahme") == ["weiterbildungsmassnahme"]
