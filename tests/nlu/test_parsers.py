from __future__ import annotations

import pytest

from nlu.company_size import parse_company_size
from nlu.language import guess_language


@pytest.mark.parametrize(
    ("text", "employees"),
    [
        ("Wir sind 45 Leute, wie viel zahlt die Arbeitsagentur?", 45),
        ("KMU mit 120 Beschäftigten", 120),
        ("Firma mit 30 Mitarbeitern in Heilbronn", 30),
        ("unser Betrieb hat ca. 1.200 Mitarbeiterinnen", 1200),
        ("30 MA", 30),
        ("Belegschaft von 2.500", 2500),
        ("wir sind 8", 8),
        ("We are a company with 12 employees", 12),
        ("about 300 staff", 300),
    ],
)
def test_company_size_found(text: str, employees: int) -> None:
    found = parse_company_size(text)
    assert found is not None
    assert found.employees == employees


@pytest.mark.parametrize(
    "text",
    [
        "Ich bin 45 Jahre alt",
        "Wir sind 45 Jahre im Geschäft",
        "§ 82 SGB III",
        "PLZ 74072",
        "",
        "0 Leute",
    ],
)
def test_company_size_not_found(text: str) -> None:
    assert parse_company_size(text) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Kann ich eine Weiterbildung bezahlt bekommen?", "de"),
        ("How much does the employment agency pay for training?", "en"),
        ("Is there funding for my staff?", "en"),
        ("Hallo", "de"),
        ("QCG", "de"),
        ("🙂🙂", "de"),
    ],
)
def test_guess_language(text: str, lang: str) -> None:
    assert guess_language(text) == lang


def test_guess_language_keeps_previous_when_unclear() -> None:
    assert guess_language("QCG?", default="en") == "en"
