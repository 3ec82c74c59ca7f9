"""Session start, fallback chain, handoff and erasure actions."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.office_hours import OfficeHours
from actions.search import KnowledgeSearch
from actions.service_actions import (
    ActionDeleteConversation,
    ActionDisambiguate,
    ActionPrivacy,
    ActionRequestHuman,
    ActionSearchKnowledge,
    ActionSessionStart,
)
from knowledge.index import KnowledgeIndex
from tests.factories import ent, make_tracker


async def test_session_start_shows_privacy_notice_once_and_carries_slots(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", slots={"role": "employer", "landkreis": "sk-suhl"})
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_privacy_notice"
    assert events[0] == SessionStarted()
    assert SlotSet("role", "employer") in events
    assert SlotSet("privacy_notice_shown", True) in events
    assert events[-1] == ActionExecuted("action_listen")

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", slots={"privacy_notice_shown": True})
    await ActionSessionStart().run(dispatcher, tracker, domain)
    assert dispatcher.messages == []

    # an English first message (its channel says so): the notice in English
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", slots={"session_started_metadata": {"language": "en"}})
    await ActionSessionStart().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_privacy_notice_en"


async def test_disambiguation_offers_two_readings_and_something_else(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker(
        "hm ja also das mit den 30 leuten",
        intent="nlu_fallback",
        entities=[ent("company_size", "30")],
        ranking=[
            ("nlu_fallback", 0.45),
            ("ask_weiterbildung_foerderung", 0.4),
            ("inform", 0.3),
            ("ask_bildungsgutschein", 0.2),
        ],
    )
    dispatcher = CollectingDispatcher()
    events = await ActionDisambiguate(real_index).run(dispatcher, tracker, domain)
    assert events == [SlotSet("unclear_text", "hm ja also das mit den 30 leuten")]
    assert (
        dispatcher.messages[0]["text"]
        == "Ich bin nicht sicher, was Sie meinen. Geht es um eines davon?"
    )
    assert dispatcher.messages[0]["buttons"] == [
        {
            "title": "Weiterbildung von Beschäftigten (§ 82)",
            "payload": '/ask_weiterbildung_foerderung{"company_size": "30"}',
        },
        {
            "title": "Bildungsgutschein, Umschulung",
            "payload": '/ask_bildungsgutschein{"company_size": "30"}',
        },
        {"title": "Etwas anderes", "payload": "/something_else"},
    ]


async def test_disambiguation_answers_a_named_program_directly(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker(
        "meister bafög??", intent="nlu_fallback", ranking=[("nlu_fallback", 0.45)]
    )
    dispatcher = CollectingDispatcher()
    events = await ActionDisambiguate(real_index).run(dispatcher, tracker, domain)
    assert events == [SlotSet("program", "aufstiegs-bafoeg")]
    assert dispatcher.messages[0]["text"].startswith("**Aufstiegs-BAföG")


async def test_search_offers_entries_then_a_human(real_index: KnowledgeIndex, domain: dict) -> None:
    search = KnowledgeSearch(real_index.kb)
    tracker = make_tracker(
        "/something_else",
        intent="something_else",
        slots={"unclear_text": "Azubi Betrieb pleite was nun"},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionSearchKnowledge(real_index, search).run(dispatcher, tracker, domain)
    assert events == [SlotSet("unclear_text", None)]
    buttons = dispatcher.messages[0]["buttons"]
    assert buttons[0]["payload"] == '/inform{"program": "ausbildung-bei-insolvenz"}'
    assert buttons[-1] == {"title": "Mit einem Menschen sprechen", "payload": "/request_human"}


async def test_search_without_hits_says_so_and_offers_human(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    search = KnowledgeSearch(real_index.kb)
    tracker = make_tracker(
        "/something_else", intent="something_else", slots={"unclear_text": "Wetter morgen in Paris"}
    )
    dispatcher = CollectingDispatcher()
    await ActionSearchKnowledge(real_index, search).run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Dazu habe ich in meinem Wissen leider nichts gefunden.")
    assert "0800 4 5555 00" in text
    assert dispatcher.messages[0]["buttons"] == [
        {"title": "Mit einem Menschen sprechen", "payload": "/request_human"}
    ]


async def test_request_human_marks_handoff_and_names_regional_contacts(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker(
        "kann ich mit nem menschen reden",
        intent="request_human",
        slots={"landkreis": "sk-suhl", "role": "employee"},
    )
    dispatcher = CollectingDispatcher()
    always = OfficeHours.parse("Mo-So 00:00-24:00")
    events = await ActionRequestHuman(real_index, hours=always).run(dispatcher, tracker, domain)
    assert events == [SlotSet("handoff_requested", True)]
    text = dispatcher.messages[0]["text"]
    assert text.startswith(
        "Ich bin ein Bot und habe notiert, dass Sie mit einem Menschen sprechen möchten."
    )
    assert f"**{real_index.kb.contacts['aa-thueringen-suedwest'].name}**" in text
    assert dispatcher.messages[-1]["custom"] == {"control": "handoff"}


async def test_delete_conversation_requests_erasure(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionDeleteConversation().run(
        dispatcher, make_tracker("ja", intent="affirm"), domain
    )
    assert events == [SlotSet("erase_requested", True)]
    assert (
        dispatcher.messages[0]["text"]
        == "Ihr Gesprächsverlauf ist gelöscht. Wenn Sie wieder schreiben, beginnen wir neu."
    )
    assert dispatcher.messages[-1]["custom"] == {"control": "erased"}


async def test_outside_office_hours_says_when_and_offers_email(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    import datetime as dt

    from rasa_sdk.events import FollowupAction

    saturday = dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.timezone.utc)
    action = ActionRequestHuman(
        real_index, hours=OfficeHours.parse("Mo-Fr 09:00-16:00"), clock=lambda: saturday
    )
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ich will nen menschen", intent="request_human")
    events = await action.run(dispatcher, tracker, domain)
    assert events == [SlotSet("handoff_requested", True), FollowupAction("handoff_contact_form")]
    assert dispatcher.messages[-1]["text"] == (
        "Gerade ist niemand aus der Beratung im Dienst. Ihre Anfrage ist notiert; "
        "eine Antwort kommt am Montag, 23.11., um 09:00 Uhr."
    )


async def test_handoff_email_is_taken_only_when_it_is_one(domain: dict) -> None:
    from actions.service_actions import ValidateHandoffContactForm

    form = ValidateHandoffContactForm()
    for text, expected in (("klar: anna@example.org", "anna@example.org"), ("morgen", None)):
        tracker = make_tracker(text, intent="inform", slots={"requested_slot": "handoff_email"})
        dispatcher = CollectingDispatcher()
        assert await form.extract_handoff_email(dispatcher, tracker, domain) == {
            "handoff_email": expected
        }
        assert bool(dispatcher.messages) is (expected is None)


async def test_privacy_answer_states_the_configured_retention(
    domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "45")
    for lang, words in (
        (
            "de",
            ["**Gespeichert:**", "**Wozu:**", "45 Tage", "**Wer es sieht:**", "„Daten löschen“"],
        ),
        ("en", ["**Stored:**", "**Why:**", "45 days", "**Who sees it:**", '"delete my data"']),
    ):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker("privacy?", intent="ask_privacy", slots={"language": lang})
        assert await ActionPrivacy().run(dispatcher, tracker, domain) == []
        (message,) = dispatcher.messages
        for w in words:
            assert w in message["text"]


def test_knowledge_texts_are_analysed_once(real_index: KnowledgeIndex) -> None:
    from actions.search import lemma_terms

    calls: list[str] = []

    def counting(text: str) -> list[str]:
        calls.append(text)
        return lemma_terms(text)

    search = KnowledgeSearch(real_index.kb, counting)
    calls.clear()
    sentence = "Der Kurs muss mehr als 120 Stunden dauern."
    first = search.known_terms(sentence)
    assert search.known_terms(sentence) == first == frozenset(lemma_terms(sentence))
    assert calls == [sentence]
