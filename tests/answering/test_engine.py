"""Retrieval, decision and reply on a small knowledge base: the fact that answers, one
question back where the answer depends on the asker or the Land, follow-ups, and the
reply's shape."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from answering.decision import Answer, Ask, KnownTopic, Nothing, Thresholds
from answering.engine import AnswerEngine
from answering.reply import visible_length
from answering.retrieval import Query
from knowledge.index import KnowledgeIndex
from tests.answering.conftest import BW, FACTS, SYNONYMS, TH
from tests.factories import fact_data, make_index, program_data


def best(engine: AnswerEngine, query: Query) -> str:
    return engine.facts.rank(query)[0].fact.id


def test_the_fact_that_answers_ranks_first(engine: AnswerEngine) -> None:
    assert best(engine, Query("Wie lang ist so eine Zusage eigentlich gültig?")) == "test-fact"
    assert best(engine, Query("Übernimmt die Agentur die Lehrgangsgebühren?")) == "test-kosten"
    assert best(engine, Query("How much of the fees will they pay?", lang="en")) == "test-kosten"


def test_named_program_decides_between_like_facts(engine: AnswerEngine) -> None:
    query = Query("Wie viele Tage gibt es?", named=("zeit-th",))
    assert best(engine, query) == "zeit-th-tage"


def test_role_and_land_priors(engine: AnswerEngine) -> None:
    question = "Muss ich das zurückzahlen, wenn ich durch die Prüfung falle?"
    assert best(engine, Query(question, role="employee")) == "test-rueckzahlung-beschaeftigt"
    assert best(engine, Query(question, role="unemployed")) == "test-rueckzahlung-arbeitslos"
    assert best(engine, Query("Wie viele Tage Bildungsurlaub?", land="BW")) == "zeit-bw-tage"
    assert best(engine, Query("Wie viele Tage Bildungsurlaub?", land="TH")) == "zeit-th-tage"


def test_asks_the_one_question_the_answer_depends_on(engine: AnswerEngine) -> None:
    decision, _ = engine.decide(Query("Muss ich die Förderung zurückzahlen, falls ich durchfalle?"))
    assert isinstance(decision, Ask)
    assert (decision.dimension, decision.options) == ("role", ("unemployed", "employee"))
    decision, _ = engine.decide(Query("Wie viele Tage Bildungsurlaub habe ich im Jahr?"))
    assert isinstance(decision, Ask)
    assert (decision.dimension, decision.options) == ("land", ("BW", "TH"))
    [message] = engine.messages(decision, Query("x"))
    assert [b["payload"] for b in message["buttons"]] == [
        '/inform{"land": "BW"}',
        '/inform{"land": "TH"}',
    ]


def test_a_named_entry_of_one_land_sets_the_land(kindex: KnowledgeIndex) -> None:
    """ "Bildungszeit" names Baden-Württemberg's entry: no question about the Land, even
    where the other Land's fact scores close (a wide margin here makes it close)."""
    engine = AnswerEngine(kindex, thresholds=Thresholds(land_margin=2.0))
    question = "Wie viele Tage Bildungsurlaub habe ich im Jahr?"
    assert engine.with_named_land(Query(question, named=("zeit-bw",))).land == "BW"
    decision, _ = engine.decide(Query(question, named=("zeit-bw",)))
    assert isinstance(decision, Answer)
    assert decision.facts[0].fact.id == "zeit-bw-tage"
    both, _ = engine.decide(Query(question, named=("zeit-bw", "zeit-th")))
    assert isinstance(both, Ask)
    assert both.dimension == "land"


def test_a_fact_for_several_askers_answers_them_all(tmp_path: Path) -> None:
    """No question back when the best fact holds for every asker its variants name, or when
    the other asker's fact answers something else (far lower score)."""
    both = fact_data(
        id="anrechnung", kind="duration", roles=["employer", "school_leaver"],
        answer="Ja, die Zeit kann auf die Ausbildung angerechnet werden.",
        answer_en="Yes, the time can count towards the apprenticeship.",
        questions=["Kann die Zeit auf die Ausbildung angerechnet werden?",
                   "wird das angerechnet", "Anrechnung auf die Lehre?"],
        questions_en=["Does the time count towards the apprenticeship?"],
        source_text="Die Zeit kann angerechnet werden.",
    )  # fmt: skip
    other = fact_data(
        id="dauer-azubi", kind="duration", roles=["apprentice"],
        answer="Die Maßnahme dauert vier bis zwölf Monate.",
        answer_en="It lasts four to twelve months.",
        questions=["Wie lange dauert die Maßnahme?", "dauer der massnahme", "wie viele monate"],
        questions_en=["How long does it last?"],
        source_text="Die Dauer beträgt vier bis zwölf Monate.",
    )  # fmt: skip
    index = make_index(
        tmp_path, programs=[program_data(), BW, TH], facts=[*FACTS, both, other], synonyms=SYNONYMS
    )
    decision, ranked = AnswerEngine(index).decide(
        Query("Kann die Zeit auf die Ausbildung angerechnet werden?")
    )
    assert [s.fact.id for s in ranked[:2]] == ["anrechnung", "dauer-azubi"]
    assert isinstance(decision, Answer)
    assert decision.facts[0].fact.id == "anrechnung"


def test_a_phrasing_that_asks_more_than_the_message_steps_back(tmp_path: Path) -> None:
    """Both facts' phrasings hold every word of "Wer bekommt den Zuschuss?"; the one that
    also asks about apprentices from abroad covers less of itself and ranks second."""
    general = fact_data(
        id="zuschuss-wer", kind="who",
        answer="Den Zuschuss bekommen Beschäftigte mit einem Arbeitsvertrag in Deutschland.",
        answer_en="Employees with a contract in Germany get the grant.",
        questions=["Wer bekommt den Zuschuss?", "wer kriegt das", "Wem steht das zu?"],
        questions_en=["Who gets the grant?"],
        source_text="Beschäftigte mit Arbeitsvertrag erhalten den Zuschuss.",
    )  # fmt: skip
    abroad = fact_data(
        id="zuschuss-ausland", kind="who",
        answer="Azubis aus dem Ausland bekommen ihn mit einer Aufenthaltserlaubnis.",
        answer_en="Apprentices from abroad get it with a residence permit.",
        questions=["Wer bekommt den Zuschuss als Azubi aus dem Ausland mit Visum?",
                   "Zuschuss für ausländische Azubis", "Azubi mit Aufenthaltserlaubnis: Anspruch?"],
        questions_en=["Do apprentices from abroad get the grant?"],
        source_text="Mit Aufenthaltserlaubnis besteht Anspruch.",
    )  # fmt: skip
    index = make_index(tmp_path, programs=[program_data()], facts=[abroad, general])
    engine = AnswerEngine(index)
    ranked = engine.facts.rank(Query("Wer bekommt den Zuschuss?"))
    assert [s.fact.id for s in ranked[:2]] == ["zuschuss-wer", "zuschuss-ausland"]
    assert ranked[0].parts["precision"] == 1.0
    assert 0 < ranked[1].parts["precision"] < 0.6
    plain = engine.facts.with_weights(replace(engine.facts.weights, precision=0.0))
    before = plain.rank(Query("Wer bekommt den Zuschuss?"))
    assert ranked[0].score - ranked[1].score > before[0].score - before[1].score + 0.02


def test_follow_up_refers_to_the_last_program(engine: AnswerEngine) -> None:
    decision, _ = engine.decide(Query("Und wie lange gilt die?", remembered="test-programm"))
    assert isinstance(decision, Answer)
    assert decision.facts[0].fact.id == "test-fact"


def test_nothing_good_enough_says_what_is_known(engine: AnswerEngine) -> None:
    query = Query("Gibt es dafür auch eine Kinderbetreuung?", named=("test-programm",))
    outcome = engine.answer(query)
    assert isinstance(outcome.decision, KnownTopic)
    text = outcome.messages[0]["text"]
    assert text.startswith(
        "Darauf habe ich keine genaue Antwort. Was ich zu Testprogramm Weiterbildung weiß: "
    )
    assert "Test-Hotline der Agentur" in text


def test_a_named_entry_without_a_question_gets_its_overview(engine: AnswerEngine) -> None:
    """ "Testförderung?" asks nothing specific: the entry's overview answers, with the rates
    for the company size the turn gives; the size and the town are not words to match."""
    query = Query(
        "Testförderung für 30 Mitarbeiter in Neudorf?",
        named=("test-programm",),
        employees=30,
        entity_words=("30 Mitarbeiter", "Neudorf"),
    )
    outcome = engine.answer(query)
    assert isinstance(outcome.decision, KnownTopic)
    assert outcome.decision.overview
    lines = outcome.messages[0]["text"].splitlines()
    assert lines[:2] == [
        "**Testprogramm Weiterbildung**",
        "Die Agentur für Arbeit bezahlt einen Teil der Kurskosten.",
    ]
    assert "30 Beschäftigten" in lines[2]
    assert "neudorf" not in engine.facts.features(query).terms  # type: ignore[union-attr]


def test_a_question_the_facts_do_not_know_is_not_an_overview(engine: AnswerEngine) -> None:
    decision, _ = engine.decide(
        Query("Testförderung und Kinderbetreuung?", named=("test-programm",))
    )
    assert isinstance(decision, KnownTopic)
    assert not decision.overview


def test_off_topic_gets_nothing(engine: AnswerEngine) -> None:
    for text in ("Wie wird das Wetter morgen?", "Erzähl mir einen Witz", "😀😀", ""):
        decision, _ = engine.decide(Query(text))
        assert isinstance(decision, Nothing), text


def test_reply_leads_with_the_answer(engine: AnswerEngine) -> None:
    outcome = engine.answer(Query("Wie viel zahlt die Agentur für den Kurs?"))
    [message] = outcome.messages
    lines = message["text"].splitlines()
    assert lines[0] == "Die Agentur zahlt bis zu 100 % der Lehrgangskosten, je nach Betriebsgröße."
    assert lines[1] == "- Betriebe unter 50 Beschäftigten: bis zu 100 %"
    assert (
        lines[2]
        == "Quelle: [Beispielquelle](https://www.arbeitsagentur.de/example) · Stand 15.01.2026"
    )
    assert lines[3].startswith("Nächster Schritt: Vor Kursbeginn")
    assert lines[4] == "Kontakt: **Test-Hotline der Agentur** · Tel. 0800 4 5555 20"
    assert message["buttons"] == [
        {
            "title": "Mehr dazu: Testprogramm Weiterbildung",
            "payload": '/inform{"program": "test-programm"}',
        }
    ]
    assert visible_length(message["text"]) <= 700


def test_reply_computes_the_rate_for_the_company_size(engine: AnswerEngine) -> None:
    outcome = engine.answer(Query("Wie viel zahlt die Agentur für den Kurs?", employees=120))
    lines = outcome.messages[0]["text"].splitlines()
    assert lines[1:3] == [
        "Für einen Betrieb mit 120 Beschäftigten (50 bis 499 Beschäftigte):",
        "- Anteil an den Kurskosten: 50 %",
    ]


def test_english_reply(engine: AnswerEngine) -> None:
    outcome = engine.answer(Query("How long is the approval valid?", lang="en"))
    text = outcome.messages[0]["text"]
    assert text.startswith("The grant is valid for three months from approval.\nSource: ")
    assert outcome.messages[0]["buttons"][0]["title"] == "More: Test training program"
