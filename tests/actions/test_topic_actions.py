"""ActionAnswerTopic / ActionListEvents with a real Tracker, dispatcher and domain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.topic_actions import ActionAnswerTopic, ActionListEvents
from answering.reply import FACT_PAYLOAD, fact_key
from knowledge.index import KnowledgeIndex
from tests.factories import ent, landkreis_data, make_index, make_tracker, program_data


async def run(action, tracker, domain) -> tuple[list, list[dict]]:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return events, dispatcher.messages


def small_index(tmp_path: Path) -> KnowledgeIndex:
    ended = program_data(
        id="alt-programm", name="Altes Programm", aliases=["Altprogramm"], rates=[],
        status={"state": "ended", "date": "2024-12-31", "successor": "test-programm"},
    )  # fmt: skip
    return make_index(tmp_path, programs=[program_data(), ended])


async def test_named_program_with_size_and_town(tmp_path: Path, domain: dict) -> None:
    """A named entry without a fact for the question: its overview, with the rates for the
    company size, the source, one next step and the district's contact."""
    tracker = make_tracker(
        "Testförderung für 30 Mitarbeiter in Neudorf?",
        intent="ask_weiterbildung_foerderung",
        entities=[ent("company_size", "30"), ent("landkreis", "lk-test")],
    )
    events, messages = await run(ActionAnswerTopic(small_index(tmp_path)), tracker, domain)
    assert events == [
        SlotSet("program", "test-programm"),
        SlotSet("land", "BW"),
        SlotSet("topic", "ask_weiterbildung_foerderung"),
    ]
    assert [m["text"] for m in messages] == [
        "**Testprogramm Weiterbildung**\n"
        "Die Agentur für Arbeit bezahlt einen Teil der Kurskosten.\n"
        "Für einen Betrieb mit 30 Beschäftigten (unter 50 Beschäftigten):\n"
        "- Anteil an den Kurskosten: 100 %\n"
        "Quelle: [Beispielquelle](https://www.arbeitsagentur.de/example) · Stand 15.01.2026\n"
        "Nächster Schritt: Vor Kursbeginn bei der Agentur für Arbeit beantragen.\n"
        "Kontakt: **Agentur für Arbeit Testhausen** · Tel. 0800 4 5555 00",
    ]
    assert messages[0]["buttons"] == [
        {"title": "Mehr dazu: Testprogramm Weiterbildung", "payload": '/inform{"program": "test-programm"}'}
    ]  # fmt: skip


async def test_english_message_gets_english_answer(tmp_path: Path, domain: dict) -> None:
    tracker = make_tracker(
        "What is the Testförderung?",
        intent="ask_weiterbildung_foerderung",
        entities=[ent("language", "en")],
    )
    _, messages = await run(ActionAnswerTopic(small_index(tmp_path)), tracker, domain)
    assert messages[0]["text"].splitlines() == [
        "**Test training program**",
        "The agency pays part of the course fees.",
        "Up to 100 % of course fees.",
        "Source: [Beispielquelle](https://www.arbeitsagentur.de/example) · as of 15 Jan 2026",
        "Next step: Apply at the employment agency before the course starts.",
        "Contact: **Test-Hotline der Agentur** · phone 0800 4 5555 20",
    ]
    assert messages[0]["buttons"][0]["title"] == "More: Test training program"


async def test_follow_up_size_reanswers_remembered_program(tmp_path: Path, domain: dict) -> None:
    tracker = make_tracker(
        "und bei 600 Leuten?", intent="inform", entities=[ent("company_size", "600")],
        slots={"program": "test-programm", "topic": "ask_weiterbildung_foerderung"},
    )  # fmt: skip
    events, messages = await run(ActionAnswerTopic(small_index(tmp_path)), tracker, domain)
    assert events == [SlotSet("program", "test-programm")]
    assert "- Anteil an den Kurskosten: 25 %" in messages[0]["text"]


async def test_explicitly_named_ended_program_is_answered_as_ended(
    tmp_path: Path, domain: dict
) -> None:
    tracker = make_tracker("/inform", intent="inform", entities=[ent("program", "alt-programm")])
    events, messages = await run(ActionAnswerTopic(small_index(tmp_path)), tracker, domain)
    assert events == [SlotSet("program", "alt-programm")]
    assert messages[0]["text"].splitlines()[:2] == [
        "**Altes Programm**",
        "⚠ Dieses Programm ist seit 31.12.2024 beendet. Nachfolger: Testprogramm Weiterbildung.",
    ]


async def test_topic_without_named_program_uses_routing(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """No entry named: the NLU's topic leads to its first entry."""
    tracker = make_tracker("wie viel gibts fürn meisterkurs", intent="ask_aufstieg")
    events, messages = await run(ActionAnswerTopic(real_index), tracker, domain)
    assert events == [SlotSet("program", "aufstiegs-bafoeg"), SlotSet("topic", "ask_aufstieg")]
    assert "Aufstiegs-BAföG" in messages[0]["text"]
    assert messages[0]["buttons"][-1]["payload"] == '/inform{"program": "aufstiegs-bafoeg"}'


async def test_land_program_follows_the_district(real_index: KnowledgeIndex, domain: dict) -> None:
    tracker = make_tracker(
        "Bildungsurlaub?", intent="ask_bildungszeit", entities=[ent("landkreis", "sk-suhl")]
    )
    events, messages = await run(ActionAnswerTopic(real_index), tracker, domain)
    assert SlotSet("program", "bildungsfreistellung-th") in events
    assert SlotSet("land", "TH") in events
    assert "Thüringen" in messages[0]["text"].split("\n")[0]
    assert "Baden-Württemberg" not in messages[0]["text"]


async def test_nothing_known_is_said_honestly(tmp_path: Path, domain: dict) -> None:
    events, messages = await run(
        ActionAnswerTopic(small_index(tmp_path)), make_tracker("hmm", intent="inform"), domain
    )
    assert events == []
    assert messages[0]["text"].startswith("Ich konnte kein bestimmtes Förderprogramm erkennen.")


async def test_events_are_filtered_by_expiry_and_district(tmp_path: Path, domain: dict) -> None:
    base = {"kind": "job_fair", "summary": "Eine Messe für Ausbildung.", "sources": [{"url": "https://example.org/messe", "title": "Messe"}], "stand": "2026-01-15", "review_by": "2027-03-31"}  # fmt: skip
    events = [
        {**base, "id": "lokal", "title": "Lokale Messe", "starts": "2027-03-01", "expires": "2027-03-01", "landkreise": ["lk-test"]},
        {**base, "id": "anderswo", "title": "Andere Messe", "expires": "2027-03-01", "landkreise": ["lk-zwei"]},
        {**base, "id": "vorbei", "title": "Alte Messe", "expires": "2026-01-01"},
        {**base, "id": "online", "title": "Webinar", "kind": "webinar", "expires": "2027-06-01"},
    ]  # fmt: skip
    zwei = landkreis_data(
        id="lk-zwei", name="Zweitkreis", aliases=[], towns=[], postcodes=["75000"], contacts={}
    )
    index = make_index(tmp_path, events=events, landkreise=[landkreis_data(), zwei])
    action = ActionListEvents(index, today=lambda: dt.date(2026, 11, 21))
    _, messages = await run(
        action,
        make_tracker("Messen?", intent="ask_events", entities=[ent("landkreis", "lk-test")]),
        domain,
    )
    assert messages[0]["text"].splitlines() == [
        "Veranstaltungen und Angebote:",
        "- **Lokale Messe** (01.03.2027): Eine Messe für Ausbildung.",
        "- **Webinar** (Termin noch nicht veröffentlicht): Eine Messe für Ausbildung.",
        "Stand 15.01.2026",
    ]


async def test_named_event_comes_first(real_index: KnowledgeIndex, domain: dict) -> None:
    action = ActionListEvents(real_index, today=lambda: dt.date(2026, 11, 21))
    tracker = make_tracker("Wann ist die Woche der Ausbildung dieses Jahr?", intent="ask_events")
    _, messages = await run(action, tracker, domain)
    lines = messages[0]["text"].splitlines()
    assert lines[1].startswith("- **Woche der Ausbildung der Bundesagentur für Arbeit**")
    assert "März" in lines[1]


async def test_routing_wins_over_weak_word_matches(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """The course name is unknown ("CNC-Fachmann"); what is asked is the share for a
    company of 45."""
    tracker = make_tracker(
        "Wir sind 45 Leute, wie viel zahlt die Arbeitsagentur bei einer Weiterbildung zum CNC-Fachmann?",
        intent="ask_weiterbildung_foerderung",
        entities=[ent("company_size", "45")],
    )
    events, messages = await run(ActionAnswerTopic(real_index), tracker, domain)
    assert SlotSet("program", "weiterbildung-beschaeftigte") in events
    assert "100 %" in messages[0]["text"].split("Quelle:")[0]


async def test_a_far_better_match_beats_an_alias(real_index: KnowledgeIndex, domain: dict) -> None:
    """ "Umschulung" names the Bildungsgutschein; the question is about the exam bonus."""
    tracker = make_tracker(
        "Gibt es eine Prämie, wenn man die Umschulung besteht? Hab was von 1500 Euro gehört.",
        intent="ask_berufsabschluss",
    )
    events, messages = await run(ActionAnswerTopic(real_index), tracker, domain)
    assert events[0] == SlotSet("program", "weiterbildungspraemie")
    assert "1.500 €" in messages[0]["text"].splitlines()[0]


async def test_off_topic_is_not_answered_with_a_loose_fact(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """Tax returns share words with the Kurzarbeitergeld's tax fact; the NLU's "off-topic"
    stands unless a fact matches clearly."""
    tracker = make_tracker("wie mache ich meine steuererklärung", intent="out_of_scope")
    events, messages = await run(ActionAnswerTopic(real_index), tracker, domain)
    assert events == []
    assert messages == [
        {"text": None, "buttons": [], "elements": [], "custom": {}, "template": "utter_out_of_scope",
         "response": "utter_out_of_scope", "image": None, "attachment": None}
    ]  # fmt: skip


async def test_off_topic_by_the_nlu_but_known_here(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker(
        "Wer bezahlt den Berufssprachkurs, wenn ich arbeite?", intent="out_of_scope"
    )
    events, messages = await run(ActionAnswerTopic(real_index), tracker, domain)
    assert SlotSet("program", "berufssprachkurse") in events
    assert "Berufssprachkurs" in messages[0]["text"] or "BAMF" in messages[0]["text"]


async def test_a_role_button_answers_the_question_it_was_offered_for(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """The question had no question word the types know ("Kann … angerechnet werden?"): the
    button's payload still answers it, not with the entry's brochure."""
    question = (
        "Kann eine Einstiegsqualifizierung auf die anschließende Ausbildung angerechnet werden?"
    )
    tracker = make_tracker(
        '/inform{"role": "employer"}', intent="inform", entities=[ent("role", "employer")],
        slots={"unclear_text": question, "program": "einstiegsqualifizierung", "role": "employer"},
    )  # fmt: skip
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic(real_index).run(dispatcher, tracker, domain)
    first = dispatcher.messages[0]["text"]
    assert first.startswith("Ja, das ist möglich")
    assert "angerechnet" in first


async def test_a_named_office_or_event_is_the_answer(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """ "Phone number of IG Metall Eisenach?" gets that office's card even when the NLU takes
    it for off-topic; "Wann ist die Woche der Ausbildung?" gets that event."""
    tracker = make_tracker("What's the phone number of IG Metall Eisenach?", intent="out_of_scope",
                           entities=[ent("language", "en")])  # fmt: skip
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic(real_index).run(dispatcher, tracker, domain)
    igm = real_index.kb.contacts["igm-eisenach"]
    assert dispatcher.messages[0]["text"].startswith(f"**{igm.name}**")
    assert igm.phone in dispatcher.messages[0]["text"]

    event = real_index.kb.events["woche-der-ausbildung"]
    tracker = make_tracker(
        "Wann ist die Woche der Ausbildung dieses Jahr?", intent="ask_ausbildung_insolvenz"
    )
    dispatcher = CollectingDispatcher()
    action = ActionAnswerTopic(real_index, today=lambda: event.stand)
    await action.run(dispatcher, tracker, domain)
    assert f"**{event.title}**" in dispatcher.messages[0]["text"]


async def test_off_topic_guess_yields_to_a_word_of_the_field(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """The NLU's off-topic guess: an apprenticeship question gets its fact, a tax question
    stays off-topic although a fact shares its word."""
    tracker = make_tracker(
        "Mit 30 aufwärts noch eine Ausbildung anfangen – darf mich ein Betrieb wegen meines Alters ablehnen?",
        intent="out_of_scope",
    )
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic(real_index).run(dispatcher, tracker, domain)
    assert "Alter" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0].get("response") != "utter_out_of_scope"

    tracker = make_tracker("Wie mache ich meine Steuererklärung?", intent="out_of_scope")
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic(real_index).run(dispatcher, tracker, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_out_of_scope"]


async def test_a_clear_fact_answers_a_how_many_question(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """ "Wie viele …" sounds like a statistic the knowledge base cannot have; a fact that
    clearly answers it wins."""
    tracker = make_tracker(
        "Wie viele Mitarbeiter müssen betroffen sein, damit wir Kurzarbeit anmelden können?",
        intent="ask_kurzarbeit",
    )
    events, messages = await run(ActionAnswerTopic(real_index), tracker, domain)
    assert SlotSet("program", "kurzarbeitergeld") in events
    assert "Drittel" in messages[0]["text"].splitlines()[0]


async def test_a_tapped_question_button_answers_that_fact(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """The "Meinten Sie …?" button of an answer: its payload names a fact by key, and the
    answer is that fact's, whatever the words of the question before."""
    fact = next(f for f in real_index.kb.facts.values() if f.about == "aufstiegs-bafoeg")
    payload = FACT_PAYLOAD.format(fact_key(fact.id))
    tracker = make_tracker(
        payload, intent="inform", entities=[ent("fact", fact_key(fact.id))],
        slots={"unclear_text": "Wie viel kostet ein Kurs?"},
    )  # fmt: skip
    events, messages = await run(ActionAnswerTopic(real_index), tracker, domain)
    assert messages[0]["text"].startswith(fact.answer)
    assert events == [SlotSet("program", "aufstiegs-bafoeg"), SlotSet("unclear_text", None)]
    # a key no fact has (a button from before the knowledge base changed): answered as before
    stale = make_tracker(
        FACT_PAYLOAD.format("0000000000"), intent="inform", entities=[ent("fact", "0000000000")]
    )
    _, messages = await run(ActionAnswerTopic(real_index), stale, domain)
    assert messages
    assert not messages[0].get("text", "").startswith(fact.answer)
