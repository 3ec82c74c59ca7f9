"""Forms: the Förder-Check, the contact finder and the training-need capture."""

from __future__ import annotations

import os
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.check_replies import check_result
from actions.common import (
    OUTSIDE,
    KnowledgeAction,
    as_int,
    entity_values,
    language,
    latest_text,
    send,
)
from actions.contact_replies import contact_finder
from actions.demand import DemandStore, TrainingNeed
from actions.form_asks import opening_answer
from actions.honesty import mentioned_contact_kinds
from actions.recommend import Profile, recommend
from actions.runtime import var_dir
from answering.formatting import Message
from knowledge.index import KnowledgeIndex

_NUMBER = re.compile(r"(?<![\d.])(\d{1,6})(?![\d.])")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}")
_ELSEWHERE = re.compile(
    r"\b(anderswo|woanders|anderer ort|außerhalb|ausserhalb|elsewhere|other place)\b", re.I
)
_ANSWER_INTENTS = {"inform", "nlu_fallback", "out_of_scope", "ask_contact"}
SIZE_ROLES = {"employer", "works_council"}
NO_SITUATION_ROLES = {"apprentice", "school_leaver"}


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def _say(dispatcher: CollectingDispatcher, tracker: Tracker, de: str, en: str) -> None:
    dispatcher.utter_message(text=en if language(tracker) == "en" else de)


def _count_slot(
    slot: str,
    value: Any,
    limit: int,
    example: int,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
) -> dict[str, Any]:
    """A head count between 1 and ``limit``; otherwise ask again with an example."""
    number = as_int(value)
    if number is None or number > limit:
        _say(
            dispatcher,
            tracker,
            f"Bitte nennen Sie eine Zahl, z. B. {example}.",
            f"Please give a number, e.g. {example}.",
        )
        return {slot: None}
    return {slot: float(number)}


class _LandkreisMixin(KnowledgeAction):
    """Fills ``landkreis`` from a postcode or says that a place is unknown."""

    def extract_landkreis(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if entity_values(tracker, "landkreis"):
            return {}
        if tracker.get_slot("requested_slot") != "landkreis":
            # a postcode in any message (e.g. the one that started the form) names the district
            for plz in entity_values(tracker, "plz"):
                found = self.index.landkreise_for_plz(plz)
                return {"landkreis": found[0].id if found else OUTSIDE}
            return {}
        if _intent(tracker) not in _ANSWER_INTENTS:
            return {}
        text = latest_text(tracker)
        for plz in entity_values(tracker, "plz"):
            found = self.index.landkreise_for_plz(plz)
            return {"landkreis": found[0].id if found else OUTSIDE}
        if _ELSEWHERE.search(text):
            return {"landkreis": OUTSIDE}
        _say(
            dispatcher,
            tracker,
            "Diesen Ort kenne ich leider nicht. Nennen Sie bitte die Postleitzahl oder schreiben Sie „anderer Ort“.",
            'I don\'t know this place. Please give the postcode or type "other place".',
        )
        return {"landkreis": None}

    def validate_landkreis(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == OUTSIDE or value in self.index.kb.landkreise:
            return {"landkreis": value}
        return {"landkreis": None}


class ValidateFoerderCheckForm(_LandkreisMixin, FormValidationAction):
    def __init__(self, index: KnowledgeIndex | None = None) -> None:
        _LandkreisMixin.__init__(self, index)

    def name(self) -> str:
        return "validate_foerder_check_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Only what changes the answer: the role; the situation (not for apprentices);
        the company size for employers and works councils (rates depend on it). The place
        refines the result when known but is not asked, so the answer comes quickly."""
        role = tracker.slots.get("role")
        slots = ["role"]
        if role in SIZE_ROLES:
            slots.append("company_size")
        if role not in NO_SITUATION_ROLES:
            slots.append("situation")
        return slots

    def extract_company_size(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "company_size" or entity_values(
            tracker, "company_size"
        ):
            return {}
        match = _NUMBER.search(latest_text(tracker))
        if match and _intent(tracker) in _ANSWER_INTENTS:
            return {"company_size": float(match.group(1))}
        return {}

    def validate_company_size(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _count_slot("company_size", value, 1_000_000, 45, dispatcher, tracker)


def _check_offer(lang: str) -> Message:
    if lang == "en":
        text, title = "Would you like to see all funding that fits you?", "Show funding that fits"
    else:
        text, title = (
            "Möchten Sie alle Förderungen sehen, die zu Ihnen passen?",
            "Passende Förderung zeigen",
        )
    return {"text": text, "buttons": [{"title": title, "payload": "/ask_foerder_check"}]}


class ActionFoerderCheckResult(KnowledgeAction):
    def name(self) -> str:
        return "action_foerder_check_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # one message filled the whole form ("Muss ich Fortbildungskosten zurückzahlen, wenn
        # mir gekündigt wird?" names role and situation): answer what it asks, and offer the
        # list of programs behind a button instead of sending it unasked
        opening = opening_answer(self, tracker, "foerder_check_form")
        if opening is not None:
            send(dispatcher, [*opening[0], _check_offer(language(tracker))])
            return [SlotSet("topic", "foerder_check"), SlotSet("program", opening[1])]
        landkreis = self.landkreis(tracker)
        profile = Profile(
            role=tracker.get_slot("role"),
            employees=as_int(tracker.get_slot("company_size")),
            situation=tracker.get_slot("situation"),
            landkreis=landkreis,
        )
        programs = recommend(self.index, profile)
        send(
            dispatcher,
            check_result(
                self.index,
                programs,
                employees=profile.employees,
                landkreis=landkreis,
                role=profile.role,
                lang=language(tracker),
            ),
        )
        return [SlotSet("topic", "foerder_check")] + (
            [SlotSet("program", programs[0].id)] if programs else []
        )


class ValidateContactForm(_LandkreisMixin, FormValidationAction):
    def __init__(self, index: KnowledgeIndex | None = None) -> None:
        _LandkreisMixin.__init__(self, index)

    def name(self) -> str:
        return "validate_contact_form"


class ActionFindContact(KnowledgeAction):
    def name(self) -> str:
        return "action_find_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        found = self.landkreise(tracker)
        landkreis = found[0] if found else None
        text = latest_text(tracker)
        send(
            dispatcher,
            contact_finder(
                self.index,
                landkreis,
                role=self.role(tracker),
                lang=language(tracker),
                also=found[1:],
                prefer=mentioned_contact_kinds(text),
                named=self.index.find_contacts(text)[:2],
            ),
        )
        return []


class ValidateTrainingNeedForm(_LandkreisMixin, FormValidationAction):
    def __init__(self, index: KnowledgeIndex | None = None) -> None:
        _LandkreisMixin.__init__(self, index)

    def name(self) -> str:
        return "validate_training_need_form"

    def extract_need_people(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "need_people":
            return {}
        match = _NUMBER.search(latest_text(tracker))
        return {"need_people": float(match.group(1))} if match else {"need_people": None}

    def validate_need_people(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _count_slot("need_people", value, 100_000, 8, dispatcher, tracker)

    def validate_need_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if not text or text.startswith("/") or len(text) > 300:
            _say(
                dispatcher,
                tracker,
                "Bitte beschreiben Sie das Thema kurz.",
                "Please describe the topic briefly.",
            )
            return {"need_topic": None}
        return {"need_topic": text}

    def validate_need_timeframe(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        return {"need_timeframe": text[:120] if text and not text.startswith("/") else None}

    def extract_need_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "need_email":
            return {}
        match = EMAIL.search(latest_text(tracker))
        if match:
            return {"need_email": match.group(0)}
        if _intent(tracker) == "deny" or latest_text(tracker).strip().lower() in {
            "nein",
            "no",
            "-",
        }:
            return {"need_email": "-"}
        _say(
            dispatcher,
            tracker,
            "Das sieht nicht wie eine E-Mail-Adresse aus. Schreiben Sie die Adresse oder „nein“.",
            'That does not look like an e-mail address. Type the address or "no".',
        )
        return {"need_email": None}


class ActionStoreTrainingNeed(KnowledgeAction):
    def __init__(
        self, index: KnowledgeIndex | None = None, store: DemandStore | None = None
    ) -> None:
        super().__init__(index)
        self._store = store

    @property
    def store(self) -> DemandStore:
        if self._store is None:
            self._store = DemandStore(os.environ.get("DATABASE_URL") or var_dir() / "demand.db")
        return self._store

    def name(self) -> str:
        return "action_store_training_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        landkreis = self.landkreis(tracker)
        email = tracker.get_slot("need_email")
        need = TrainingNeed(
            topic=str(tracker.get_slot("need_topic") or ""),
            people=as_int(tracker.get_slot("need_people")),
            landkreis=landkreis.id if landkreis else None,
            region=landkreis.region if landkreis else None,
            timeframe=tracker.get_slot("need_timeframe"),
            email=email if email and email != "-" else None,
            channel=(tracker.get_latest_input_channel() or None),
        )
        self.store.add(need)
        place = f" ({landkreis.name})" if landkreis else ""
        _say(
            dispatcher,
            tracker,
            f"Danke! Ich habe den Bedarf aufgenommen: {need.topic}, {need.people or '?'} Personen{place}. "
            "Die Beraterinnen und Berater des Netzwerks sehen ihn in ihrer Übersicht und bündeln gleiche Bedarfe "
            "zu gemeinsamen Kursen.",
            f"Thank you! I have recorded the need: {need.topic}, {need.people or '?'} people{place}. "
            "The network's advisors see it in their overview and bundle similar needs into joint courses.",
        )
        return [
            SlotSet("need_topic", None),
            SlotSet("need_people", None),
            SlotSet("need_timeframe", None),
            SlotSet("need_email", None),
        ]
