"""Session start, the fallback chain (disambiguate -> search -> human), handoff, erasure."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, EventType, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers
from actions.common import KnowledgeAction, entity_values, language, latest_text, send
from actions.contact_replies import handoff, hotlines
from actions.form_actions import EMAIL
from actions.office_hours import OfficeHours, when
from actions.topics import intent_title
from answering.formatting import contact_line
from bot.privacy import notice
from bot.settings import retention_days

NOT_OFFERED = {"nlu_fallback", "inform", "affirm", "deny", "something_else"}
CARRIED_ENTITIES = ("program", "company_size", "landkreis", "plz", "role")


class ActionSessionStart(Action):
    """Carry slots over and show the privacy notice once per user."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        for key, value in tracker.slots.items():
            if value is not None and key not in (
                "requested_slot",
                "session_started_metadata",
                "feedback",
            ):
                events.append(SlotSet(key, value))
        if not tracker.get_slot("privacy_notice_shown"):
            # the first message is not parsed yet: its channel tells the language (widget
            # page, Telegram user, or guessed from the text by the REST channel)
            metadata = tracker.get_slot("session_started_metadata") or {}
            lang = metadata.get("language") if isinstance(metadata, dict) else None
            if lang not in ("de", "en"):
                lang = "en" if tracker.get_slot("language") == "en" else "de"
            dispatcher.utter_message(
                response="utter_privacy_notice_en" if lang == "en" else "utter_privacy_notice"
            )
            events.append(SlotSet("privacy_notice_shown", True))
        events.append(ActionExecuted("action_listen"))
        return events


def _payload(intent: str, tracker: Tracker) -> str:
    carried = {k: v[0] for k in CARRIED_ENTITIES if (v := entity_values(tracker, k))}
    return f"/{intent}{json.dumps(carried, ensure_ascii=False)}" if carried else f"/{intent}"


class ActionDisambiguate(KnowledgeAction):
    """Low confidence: a named program is answered right away; otherwise the two likeliest
    readings are offered as buttons, plus "something else"."""

    def name(self) -> str:
        return "action_disambiguate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language(tracker)
        text = latest_text(tracker)
        ranking = tracker.latest_message.get("intent_ranking") or []
        likeliest = next((r["name"] for r in ranking if r.get("name") != "nlu_fallback"), "")
        if text:
            answered = self.answer_question(dispatcher, tracker, text, likeliest, known_topic=False)
            if answered is not None:
                return answered
        named = self.index.find_programs(text)
        if named:
            landkreis = self.landkreis(tracker)
            program, others = answers.choose_program(named, landkreis)
            send(
                dispatcher,
                answers.program_answer(
                    program, self.index, employees=self.employees(tracker), landkreis=landkreis,
                    lang=lang, others=others,
                ),
            )  # fmt: skip
            return [SlotSet("program", program.id)]
        ranking = tracker.latest_message.get("intent_ranking") or []
        options = [r["name"] for r in ranking if r.get("name") not in NOT_OFFERED][:2]
        buttons = [
            {"title": intent_title(i, lang), "payload": _payload(i, tracker)} for i in options
        ]
        buttons.append(
            {
                "title": "Something else" if lang == "en" else "Etwas anderes",
                "payload": "/something_else",
            }
        )
        dispatcher.utter_message(
            text="I am not sure what you mean. Is it one of these?"
            if lang == "en"
            else "Ich bin nicht sicher, was Sie meinen. Geht es um eines davon?",
            buttons=buttons,
        )
        return [SlotSet("unclear_text", text[:500] or None)]


class ActionSearchKnowledge(KnowledgeAction):
    """Second step: search the knowledge base for the unclear question; then offer a human."""

    def name(self) -> str:
        return "action_search_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lang = language(tracker)
        text = tracker.get_slot("unclear_text") or latest_text(tracker)
        hits = self.search.search(text) if text else []
        human = {
            "title": "Talk to a person" if lang == "en" else "Mit einem Menschen sprechen",
            "payload": "/request_human",
        }
        if hits:
            buttons = [
                {
                    "title": answers.pick(p.name, p.name_en, lang),
                    "payload": f'/inform{{"program": "{p.id}"}}',
                }
                for p, _ in hits
            ]
            dispatcher.utter_message(
                text="These entries from my knowledge base might fit:"
                if lang == "en"
                else "Diese Einträge aus meinem Wissen könnten passen:",
                buttons=[*buttons, human],
            )
        else:
            lines = [
                "I found nothing on this in my knowledge base. Personal advice:"
                if lang == "en"
                else "Dazu habe ich in meinem Wissen leider nichts gefunden. Persönliche Beratung:"
            ]
            lines += [f"- {contact_line(c, lang)}" for c in hotlines(self.index)]
            dispatcher.utter_message(text="\n".join(lines), buttons=[human])
        return [SlotSet("unclear_text", None)]


class ActionRequestHuman(KnowledgeAction):
    def __init__(
        self,
        index: Any = None,
        hours: OfficeHours | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(index)
        self._hours = hours
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    def name(self) -> str:
        return "action_request_human"

    @property
    def hours(self) -> OfficeHours:
        if self._hours is None:
            self._hours = OfficeHours.from_env()
        return self._hours

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send(
            dispatcher,
            handoff(
                self.index, self.landkreis(tracker), role=self.role(tracker), lang=language(tracker)
            ),
        )
        # tells the channel to keep the way back to this user for an advisor's reply
        dispatcher.utter_message(json_message={"control": "handoff"})
        events: list[EventType] = [SlotSet("handoff_requested", True)]
        now = self._clock()
        if not self.hours.is_open(now):
            lang = language(tracker)
            at = when(self.hours.next_opening(now), now, lang)
            dispatcher.utter_message(
                text=f"Right now no advisor is on duty. Your request is recorded; someone will "
                f"answer {at}."
                if lang == "en"
                else f"Gerade ist niemand aus der Beratung im Dienst. Ihre Anfrage ist notiert; "
                f"eine Antwort kommt {at}."
            )
            events.append(FollowupAction("handoff_contact_form"))
        return events


class ValidateHandoffContactForm(FormValidationAction):
    """Outside office hours: an e-mail address for the answer, only if the user wants."""

    def name(self) -> str:
        return "validate_handoff_contact_form"

    async def extract_handoff_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "handoff_email":
            return {}
        match = EMAIL.search(latest_text(tracker))
        if match:
            return {"handoff_email": match.group(0)}
        en = language(tracker) == "en"
        dispatcher.utter_message(
            text='That does not look like an e-mail address. Type the address or "no".'
            if en
            else "Das sieht nicht wie eine E-Mail-Adresse aus. Schreiben Sie die Adresse oder „nein“."
        )
        return {"handoff_email": None}


class ActionStoreHandoffContact(Action):
    def name(self) -> str:
        return "action_store_handoff_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        email = tracker.get_slot("handoff_email")
        dispatcher.utter_message(
            text=f"Thank you. The advisors will also answer by e-mail to {email}."
            if language(tracker) == "en"
            else f"Danke. Die Beratung antwortet auch per E-Mail an {email}."
        )
        return []


class ActionPrivacy(Action):
    """The privacy notice, with the retention period the deletion job really uses."""

    def name(self) -> str:
        return "action_privacy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        days = retention_days(os.environ)
        dispatcher.utter_message(text=notice.chat_text(language(tracker), days))
        return []


class ActionDeleteConversation(Action):
    """Erase the conversation: the tracker store deletes every event of this sender when it
    sees ``erase_requested`` (see ``bot.tracker_store``)."""

    def name(self) -> str:
        return "action_delete_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(
            text="Your conversation has been erased. If you write again, we start afresh."
            if language(tracker) == "en"
            else "Ihr Gesprächsverlauf ist gelöscht. Wenn Sie wieder schreiben, beginnen wir neu."
        )
        # tells the channel to forget its own data about this user too
        dispatcher.utter_message(json_message={"control": "erased"})
        return [SlotSet("erase_requested", True)]
