"""A small knowledge base with facts, built by the factories, shared by the engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from answering.engine import AnswerEngine
from knowledge.index import KnowledgeIndex
from tests.factories import fact_data, make_index, program_data

BW = program_data(
    id="zeit-bw", name="Bildungszeit Baden-Württemberg", aliases=["Bildungszeit"], scope="BW",
    rates=[], summary="Beschäftigte in Baden-Württemberg haben Anspruch auf bezahlte Freistellung.",
)  # fmt: skip
TH = program_data(
    id="zeit-th", name="Bildungsfreistellung Thüringen", aliases=["Bildungsfreistellung"],
    scope="TH", rates=[],
    summary="Beschäftigte in Thüringen haben Anspruch auf bezahlte Freistellung für Kurse.",
)  # fmt: skip

FACTS = [
    fact_data(),
    fact_data(
        id="test-kosten", kind="amount",
        answer="Die Agentur zahlt bis zu 100 % der Lehrgangskosten, je nach Betriebsgröße.",
        answer_en="The agency pays up to 100 % of the course fees, depending on company size.",
        questions=["Wie viel zahlt die Agentur für den Lehrgang?", "Übernimmt das Amt die Kursgebühren?",
                   "wieviel kriegt man da"],
        questions_en=["How much of the course fees are paid?"],
        figures=["Betriebe unter 50 Beschäftigten: bis zu 100 %"],
        figures_en=["Firms under 50 employees: up to 100 %"],
        source_text="Unter 50 Beschäftigten übernimmt die Agentur bis zu 100 % der Lehrgangskosten.",
    ),
    fact_data(
        id="test-rueckzahlung-arbeitslos", kind="obligation", roles=["unemployed"],
        answer="Nein. Als Arbeitslose/r zahlen Sie nichts zurück, auch wenn Sie die Prüfung nicht bestehen.",
        answer_en="No. As an unemployed person you repay nothing, even if you fail the exam.",
        questions=["Muss ich die Förderung zurückzahlen, wenn ich durchfalle?",
                   "Rückzahlung nach nicht bestandener Prüfung?", "muss ich was zurück zahlen"],
        questions_en=["Do I have to repay the grant if I fail?"],
        source_text="Eine Rückzahlung ist nicht vorgesehen.",
    ),
    fact_data(
        id="test-rueckzahlung-beschaeftigt", kind="obligation", roles=["employee"],
        answer="Nein, an die Agentur nicht. Ihr Arbeitgeber kann aber eine Rückzahlungsklausel vereinbaren.",
        answer_en="Not to the agency. Your employer may, however, agree a repayment clause with you.",
        questions=["Muss ich als Angestellter Geld zurückgeben, wenn ich die Prüfung nicht schaffe?",
                   "Zurückzahlen bei Durchfallen als Beschäftigter?", "Rückzahlungsklausel vom Chef?"],
        questions_en=["As an employee, must I pay it back if I fail the exam?"],
        source_text="Der Arbeitgeber kann eine Rückzahlung vereinbaren.",
    ),
    fact_data(
        id="zeit-bw-tage", about="zeit-bw", kind="duration", land="BW",
        answer="In Baden-Württemberg haben Sie fünf Tage Bildungszeit im Jahr.",
        answer_en="In Baden-Württemberg you have five days of educational leave a year.",
        questions=["Wie viele Tage Bildungsurlaub habe ich?", "wieviel tage bildungszeit stehen mir zu",
                   "Anzahl Tage Bildungsurlaub pro Jahr"],
        questions_en=["How many days of educational leave do I get?"],
        source_text="Beschäftigte haben Anspruch auf fünf Arbeitstage Bildungszeit im Jahr.",
    ),
    fact_data(
        id="zeit-th-tage", about="zeit-th", kind="duration", land="TH",
        answer="In Thüringen haben Sie fünf Tage Bildungsfreistellung im Jahr.",
        answer_en="In Thuringia you have five days of educational leave a year.",
        questions=["Wieviele Tage Bildungsurlaub gibt es?", "wie viele tage bildungsfreistellung im jahr",
                   "Tage Bildungsurlaub pro Jahr in Thüringen"],
        questions_en=["How many days of educational leave are there per year?"],
        source_text="Beschäftigte haben Anspruch auf fünf Arbeitstage im Kalenderjahr.",
    ),
]  # fmt: skip
SYNONYMS = [
    ["bildungsurlaub", "bildungszeit", "bildungsfreistellung"],
    ["kurs", "lehrgang", "kursgebühr"],
    ["zurückzahlen", "zurückgeben", "rückzahlung", "zurück zahlen"],
]


@pytest.fixture(scope="session")
def kindex(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeIndex:
    root: Path = tmp_path_factory.mktemp("kb-facts")
    return make_index(root, programs=[program_data(), BW, TH], facts=FACTS, synonyms=SYNONYMS)


@pytest.fixture(scope="session")
def engine(kindex: KnowledgeIndex) -> AnswerEngine:
    return AnswerEngine(kindex)
