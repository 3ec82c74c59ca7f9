from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.rates import format_band, format_value, rate_for
from knowledge.text import normalize
from tests.factories import landkreis_data, make_index, make_program, program_data


@pytest.mark.parametrize(
    ("employees", "expected"),
    [(0, 100), (1, 100), (30, 100), (49, 100), (50, 50), (499, 50), (500, 25), (100_000, 25)],
)
def test_rate_for_company_size(employees: int, expected: float) -> None:
    table = make_program().rates[0]
    assert rate_for(table, employees).value == expected


def test_rate_rejects_negative_size() -> None:
    with pytest.raises(ValueError, match="negative"):
        rate_for(make_program().rates[0], -1)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (100, "percent", "100 %"),
        (12.5, "percent", "12,5 %"),
        (150, "eur_per_month", "150 € im Monat"),
    ],
)
def test_format_value(value: float, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_format_band() -> None:
    bands = make_program().rates[0].by_company_size
    assert [format_band(b) for b in bands] == [
        "unter 50 Beschäftigten",
        "50 bis 499 Beschäftigte",
        "ab 500 Beschäftigten",
    ]


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("Aufstiegs-BAföG", "aufstiegs bafoeg"),
        ("§82 SGB III", "§ 82 sgb 3"),
        ("SGB II und SGB IX", "sgb 2 und sgb 9"),
        ("Größe: 45 Leute!", "groesse 45 leute"),
        ("Meister‑BAföG", "meister bafoeg"),  # non-breaking hyphen
        ("Section 82 SGB III", "§ 82 sgb 3"),
        ("paragraph 82 sgb 3", "§ 82 sgb 3"),
        ("Para. 81", "§ 81"),
        ("Paragrafen", "paragrafen"),
    ],
)
def test_normalize(raw: str, norm: str) -> None:
    assert normalize(raw) == norm


def test_find_programs_by_alias_name_and_longest_match(tmp_path: Path) -> None:
    other = program_data(id="zweites", name="Testförderung Plus", aliases=["TF Plus"])
    index = make_index(tmp_path, programs=[program_data(), other])
    assert [p.id for p in index.find_programs("was ist die testförderung plus?")] == ["zweites"]
    assert [p.id for p in index.find_programs("Infos zur Testförderung")] == ["test-programm"]
    assert [p.id for p in index.find_programs("TP und TF Plus bitte")] == [
        "test-programm",
        "zweites",
    ]
    assert index.find_programs("TPX ist kein Programm") == []


def test_find_programs_with_a_german_ending(tmp_path: Path) -> None:
    """ "bei den Fachkursen", "des Gutscheins": the last word may carry a case or plural
    ending; a short abbreviation must match as written ("TPs" is no "TP")."""
    course = program_data(id="kurse", name="Fachkurse", aliases=["Bildungsgutschein"])
    index = make_index(tmp_path, programs=[program_data(), course])
    assert [p.id for p in index.find_programs("Wer wird bei den Fachkursen gefördert?")] == [
        "kurse"
    ]
    assert [p.id for p in index.find_programs("Gültigkeit des Bildungsgutscheins")] == ["kurse"]
    assert index.find_programs("Fachkursentwicklung") == []
    assert index.find_programs("Sind TPs gemeint?") == []


def test_find_landkreise_by_plz_town_and_alias(tmp_path: Path) -> None:
    second = landkreis_data(
        id="lk-zwei",
        name="Zweitkreis",
        aliases=[],
        towns=[{"name": "Zweistadt", "postcodes": []}],
        postcodes=["74002"],
        contacts={},
    )
    index = make_index(tmp_path, landkreise=[landkreis_data(), second])
    assert [lk.id for lk in index.find_landkreise("Ich wohne in 74001")] == ["lk-test"]
    assert [lk.id for lk in index.find_landkreise("PLZ 74002")] == ["lk-test", "lk-zwei"]
    assert [lk.id for lk in index.find_landkreise("bei Neudorf")] == ["lk-test"]
    assert [lk.id for lk in index.find_landkreise("aus zweistadt")] == ["lk-zwei"]
    assert index.find_landkreise("12345 Berlin") == []


def test_contacts_for_program_regional_first(tmp_path: Path) -> None:
    index = make_index(tmp_path)
    program = index.kb.programs["test-programm"]
    lk = index.kb.landkreise["lk-test"]
    assert [c.id for c in index.contacts_for_program(program, lk)] == [
        "test-agentur",
        "test-hotline",
    ]
    assert [c.id for c in index.contacts_for_program(program, None)] == ["test-hotline"]
