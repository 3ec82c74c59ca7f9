"""Förder-Check, contact finder and training-need forms: validation and results."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.demand import DemandStore
from actions.form_actions import (
    ActionFindContact,
    ActionFoerderCheckResult,
    ActionStoreTrainingNeed,
    ValidateFoerderCheckForm,
    ValidateTrainingNeedForm,
)
from actions.recommend import Profile, pick_role, recommend
from knowledge.index import KnowledgeIndex
from tests.factories import ent, make_tracker


@pytest.mark.parametrize(
    ("role", "slots"),
    [
        (None, ["role", "situation"]),
        ("employer", ["role", "company_size", "situation"]),
        ("works_council", ["role", "company_size", "situation"]),
        ("employee", ["role", "situation"]),
        ("apprentice", ["role"]),
        ("unemployed", ["role", "situation"]),
    ],
)
async def test_required_slots_depend_on_role(
    real_index: KnowledgeIndex, domain: dict, role: str | None, slots: list[str]
) -> None:
    form = ValidateFoerderCheckForm(real_index)
    tracker = make_tracker("x", slots={"role": role})
    assert await form.required_slots([], CollectingDispatcher(), tracker, domain) == slots


async def test_known_slots_from_the_first_message_are_not_asked(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker(
        "Ich bin Azubi in Eisenach", intent="ask_foerder_check",
        slots={"role": "apprentice", "landkreis": "wartburgkreis", "requested_slot": None},
    )  # fmt: skip
    events = await ValidateFoerderCheckForm(real_index).run(CollectingDispatcher(), tracker, domain)
    assert events[-1] == SlotSet("requested_slot", None)  # nothing left to ask: the form completes
    tracker = make_tracker("Arbeitnehmer", slots={"role": "employee", "requested_slot": None})
    events = await ValidateFoerderCheckForm(real_index).run(CollectingDispatcher(), tracker, domain)
    assert events[-1] == SlotSet("requested_slot", "situation")


async def test_bare_number_fills_company_size(real_index: KnowledgeIndex, domain: dict) -> None:
    tracker = make_tracker("so 45", slots={"role": "employer", "requested_slot": "company_size"})
    form = ValidateFoerderCheckForm(real_index)
    assert form.extract_company_size(CollectingDispatcher(), tracker, domain) == {
        "company_size": 45.0
    }
    assert form.validate_company_size("0", CollectingDispatcher(), tracker, domain) == {
        "company_size": None
    }


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("98527", [ent("plz", "98527")], {"landkreis": "sk-suhl"}),
        ("10115", [ent("plz", "10115")], {"landkreis": "ausserhalb"}),
        ("woanders", [], {"landkreis": "ausserhalb"}),
        ("Sul", [], {"landkreis": None}),
        ("Suhl", [ent("landkreis", "sk-suhl")], {}),
    ],
)
async def test_landkreis_from_postcode_or_unknown(
    real_index: KnowledgeIndex, domain: dict, text: str, entities: list, expected: dict
) -> None:
    tracker = make_tracker(text, entities=entities, slots={"requested_slot": "landkreis"})
    dispatcher = CollectingDispatcher()
    assert (
        ValidateFoerderCheckForm(real_index).extract_landkreis(dispatcher, tracker, domain)
        == expected
    )
    said = [m["text"] for m in dispatcher.messages]
    assert said == (
        [
            "Diesen Ort kenne ich leider nicht. Nennen Sie bitte die Postleitzahl oder schreiben Sie „anderer Ort“."
        ]
        if text == "Sul"
        else []
    )


def test_pick_role_prefers_the_specific_one() -> None:
    assert pick_role(["employee", "apprentice"]) == "apprentice"
    assert pick_role(["employee", "employer"]) == "employer"
    assert pick_role([]) is None


@pytest.mark.parametrize(
    ("profile", "first"),
    [
        (Profile("employer", 45, "weiterbildung", None), "weiterbildung-beschaeftigte"),
        (Profile("employee", 300, "strukturwandel", None), "weiterbildung-beschaeftigte"),
        (Profile("unemployed", None, "arbeitslos", None), "bildungsgutschein"),
        (Profile("employee", None, "aufstieg", None), "aufstiegs-bafoeg"),
        (Profile("apprentice", None, None, None), "asa-flex"),
        (Profile("employee", 30, "ohne_abschluss", None), "berufsabschluss-nachholen"),
    ],
)
def test_recommend_first_choice(real_index: KnowledgeIndex, profile: Profile, first: str) -> None:
    assert recommend(real_index, profile)[0].id == first


def test_recommend_drops_programs_of_the_other_land(real_index: KnowledgeIndex) -> None:
    suhl = real_index.kb.landkreise["sk-suhl"]
    ids = [
        p.id
        for p in recommend(real_index, Profile("employee", 30, "weiterbildung", suhl), limit=10)
    ]
    assert "esf-fachkurse-bw" not in ids
    assert "weiterbildungsscheck-thueringen" in ids


async def test_check_result_lists_rates_sources_and_contacts(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker(
        "/inform",
        slots={
            "role": "employer",
            "company_size": 45.0,
            "situation": "weiterbildung",
            "landkreis": "hohenlohekreis",
        },
    )
    dispatcher = CollectingDispatcher()
    events = await ActionFoerderCheckResult(real_index).run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("topic", "foerder_check"),
        SlotSet("program", "weiterbildung-beschaeftigte"),
    ]
    facts, step = dispatcher.messages
    assert facts["text"].splitlines()[:2] == [
        "Das passt am ehesten zu Ihnen:",
        "1. **Weiterbildungsförderung für Beschäftigte (§ 82 SGB III)**: Anteil der Agentur für Arbeit an den Lehrgangskosten: 100 %",
    ]
    assert "Quellen (Stand): [1](https://buzer.de/82_SGB_3.htm) 15.01.2026" in facts["text"]
    ags = real_index.kb.contacts["aa-schwaebisch-hall-tauberbischofsheim-ags"]
    assert step["text"].splitlines()[1].startswith(f"- **{ags.name}**")
    assert all(b["payload"].startswith('/inform{"program": ') for b in step["buttons"])


async def test_contact_finder_by_postcode_names_agency_and_chamber(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker(
        "Wer ist in 99817 zuständig?", intent="ask_contact", entities=[ent("plz", "99817")]
    )
    dispatcher = CollectingDispatcher()
    await ActionFindContact(real_index).run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    kb = real_index.kb
    assert text.startswith("Zuständig für Wartburgkreis")
    assert f"**{kb.contacts['aa-thueringen-suedwest'].name}**" in text
    assert "Tel. 0800 4 5555 00" in text


async def test_contact_finder_outside_regions_gives_hotlines(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker("Berlin", intent="ask_contact", slots={"landkreis": "ausserhalb"})
    dispatcher = CollectingDispatcher()
    await ActionFindContact(real_index).run(dispatcher, tracker, domain)
    assert (
        dispatcher.messages[0]["text"]
        .splitlines()[0]
        .startswith("Dieser Ort liegt außerhalb meiner beiden Regionen")
    )


async def test_training_need_is_stored_with_consented_email(
    real_index: KnowledgeIndex, domain: dict, tmp_path: Path
) -> None:
    store = DemandStore(tmp_path / "demand.db")
    form = ValidateTrainingNeedForm(real_index)
    ask_mail = make_tracker("hr@firma.de", slots={"requested_slot": "need_email"})
    assert form.extract_need_email(CollectingDispatcher(), ask_mail, domain) == {
        "need_email": "hr@firma.de"
    }
    no_mail = make_tracker("nein", intent="deny", slots={"requested_slot": "need_email"})
    assert form.extract_need_email(CollectingDispatcher(), no_mail, domain) == {"need_email": "-"}
    tracker = make_tracker(
        "nein", intent="deny",
        slots={"need_topic": "Hochvolttechnik", "need_people": 8.0, "landkreis": "lk-sonneberg", "need_timeframe": "Frühjahr 2027", "need_email": "-"},
    )  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = await ActionStoreTrainingNeed(real_index, store).run(dispatcher, tracker, domain)
    rows = store.all()
    assert [
        (
            r["topic"],
            r["people"],
            r["landkreis"],
            r["region"],
            r["timeframe"],
            r["email"],
            r["channel"],
        )
        for r in rows
    ] == [
        ("Hochvolttechnik", 8, "lk-sonneberg", "suedwestthueringen", "Frühjahr 2027", None, "rest")
    ]
    assert dispatcher.messages[0]["text"].startswith(
        "Danke! Ich habe den Bedarf aufgenommen: Hochvolttechnik, 8 Personen (Landkreis Sonneberg)."
    )
    assert events == [
        SlotSet(s, None) for s in ("need_topic", "need_people", "need_timeframe", "need_email")
    ]


@pytest.mark.parametrize(
    "role",
    [
        "employee",
        "employer",
        "apprentice",
        "works_council",
        "unemployed",
        "self_employed",
        "school_leaver",
        None,
    ],
)
@pytest.mark.parametrize(
    "situation",
    [
        "strukturwandel",
        "kurzarbeit",
        "ohne_abschluss",
        "arbeitslos",
        "aufstieg",
        "ausbildung",
        "insolvenz",
        "weiterbildung",
        None,
    ],
)
def test_every_profile_gets_programs(
    real_index: KnowledgeIndex, role: str | None, situation: str | None
) -> None:
    suhl = real_index.kb.landkreise["sk-suhl"]
    for landkreis in (None, suhl):
        assert recommend(real_index, Profile(role, 50, situation, landkreis)) != []


async def test_check_result_without_place_invites_it(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = make_tracker("/inform", slots={"role": "employee", "situation": "aufstieg"})
    dispatcher = CollectingDispatcher()
    await ActionFoerderCheckResult(real_index).run(dispatcher, tracker, domain)
    assert dispatcher.messages[1]["text"].splitlines()[-1] == (
        "Nennen Sie mir Ihren Ort oder Ihre Postleitzahl, dann nenne ich die zuständige Stelle."
    )


async def test_a_question_that_filled_the_whole_check_gets_its_answer(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    """ "Muss ich … zurückzahlen, wenn mir gekündigt wird?" names role and situation, so the
    form ends at once: the answer to the question, and the list of programs behind a button."""
    text = "Muss ich Fortbildungskosten zurückzahlen, wenn mir betriebsbedingt gekündigt wird?"
    tracker = make_tracker(
        text, intent="ask_foerder_check", slots={"role": "unemployed", "situation": "arbeitslos"}
    )
    tracker.events += [
        {"event": "active_loop", "name": "foerder_check_form"},
        {"event": "active_loop", "name": None},
    ]  # the form started and ended on this message
    dispatcher = CollectingDispatcher()
    events = await ActionFoerderCheckResult(real_index).run(dispatcher, tracker, domain)
    assert events == [SlotSet("topic", "foerder_check"), SlotSet("program", "rueckzahlungsklausel")]
    assert dispatcher.messages[0]["text"].startswith("Nein, in der Regel nicht.")
    offer = dispatcher.messages[-1]
    assert [b["payload"] for b in offer["buttons"]] == ["/ask_foerder_check"]
    # pressing the button (no words) gives the list
    tracker = make_tracker("/ask_foerder_check", intent="ask_foerder_check",
                           slots={"role": "unemployed", "situation": "arbeitslos"})  # fmt: skip
    tracker.events.append({"event": "active_loop", "name": "foerder_check_form"})
    dispatcher = CollectingDispatcher()
    await ActionFoerderCheckResult(real_index).run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("Das passt am ehesten zu Ihnen:")
