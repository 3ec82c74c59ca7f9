"""Redaction: what must be masked, what must stay, and the measured quality."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.privacy.redaction import redact
from scripts.redaction_eval import evaluate

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail an petra.haug@web.de danke", "mail an [E-MAIL] danke"),
        ("IBAN DE89 3704 0044 0532 0130 00 bitte", "IBAN [IBAN] bitte"),
        ("SV-Nr. 65 170839 J 003", "SV-Nr. [SV-NUMMER]"),
        ("Steuer-ID 12 345 678 901", "Steuer-ID [STEUERNUMMER]"),
        ("Rückruf 0 71 31 / 56 78 90 bitte", "Rückruf [TELEFON] bitte"),
        ("ich wohne Weinsberger Straße 118 in Heilbronn", "ich wohne [ADRESSE] in Heilbronn"),
        ("geboren am 3. März 1979 in Gdańsk", "geboren am [GEBURTSDATUM] in Gdańsk"),
        ("mein chef herr Schulze meint", "mein chef herr [NAME] meint"),
        ("I'm Priya Raman, tester", "I'm [NAME], tester"),
    ],
)
def test_masks_personal_data(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Wir sind 45 Leute in 74613 Öhringen, gibt es Zuschüsse nach § 82 SGB III?",
        "Antrag bis 31.12.2026, Kurs ab 01.09.2026, Kosten 4.500 € bei 60 % Förderung",
        "Agentur für Arbeit Heilbronn, IHK Heilbronn-Franken, IG Metall, Bildungsgutschein",
        "Kurzarbeit seit März 2024, 160 Std. um 14:30 Uhr, Kundennummer 4412",
        "",
        "😀🙏",
    ],
)
def test_keeps_what_the_bot_needs(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("name", "min_recall", "min_precision"),
    [
        ("redaction_set.yml", 0.95, 0.90),  # development set
        ("redaction_heldout.yml", 0.95, 0.90),  # held-out 1: used for development since
        # the held-out set 2, written independently and never tuned on: the honest figure
        ("redaction_heldout2.yml", 0.95, 0.90),
    ],
)
def test_quality_on_labelled_messages(name: str, min_recall: float, min_precision: float) -> None:
    result = evaluate(yaml.safe_load((HERE / name).read_text(encoding="utf-8"))["items"])
    assert result["items"] >= 100
    assert sum(total for _, total in result["per_type"].values()) >= 120
    assert result["recall"] >= min_recall, result["misses"]
    assert result["precision"] >= min_precision, result["false"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Teilnehmer: Olga Fischer, Dominik Haas und Leyla Aydın",
            "Teilnehmer: [NAME], [NAME] und [NAME]",
        ),
        ("lg tanja", "lg [NAME]"),
        (
            "Antragsteller: Weber, Karl-Heinz; Anschrift folgt",
            "Antragsteller: [NAME]; Anschrift folgt",
        ),
        ("Grüße, Thomas Lange", "Grüße, [NAME]"),
        ("Bitte an M. Hofmann schicken", "Bitte an [NAME] schicken"),
        ("mein ausbilder herr kowalczyk sagt", "mein ausbilder herr [NAME] sagt"),
    ],
)
def test_names_without_a_cue_come_from_the_gazetteers(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ich bin Rentnerin, darf ich einen PC-Kurs machen?",
        "Ich bin Facharbeiter, 51, was kann ich tun?",
        "Was macht das Transformationsnetzwerk ANeTT in Sonneberg?",
        "Muss ich mich bei der Agentur für Arbeit Suhl melden?",
        "Gibt es Förderung für KI-Tools (z.B. Copilot)?",
        "I'm British, living in Suhl since 2021",
        "Wer berät uns? Max. 3 Teilnehmer im Mai",
        "Die Maßnahmenummer 962/451/2027 steht auf dem Bildungsgutschein",
    ],
)
def test_ordinary_words_places_and_programs_are_no_names(text: str) -> None:
    assert redact(text) == text
