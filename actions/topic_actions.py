"""Answer questions about a topic or a named program, and list events."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answers
from actions.check_replies import events_reply, named_events
from actions.common import (
    KnowledgeAction,
    entity_values,
    language,
    latest_text,
    question_text,
    send,
)
from actions.contact_replies import contact_cards, contact_finder, regional_contacts
from actions.details import relevant_details
from actions.honesty import asks_course_price, asks_statistics, mentioned_contact_kinds
from actions.recommend import rank, topic_programs
from actions.search import KnowledgeSearch
from actions.topics import TOPIC_PROGRAMS
from answering.question_type import is_question, question_kinds
from knowledge.index import KnowledgeIndex
from knowledge.schema import Contact, Landkreis, Program, QuestionKind

logger = logging.getLogger(__name__)

# intents where a named office or network is the answer itself
CONTACT_INTENTS = {"ask_netzwerk", "ask_contact", "inform", "ask_foerder_check", "ask_job_at_risk"}
# question types of a message that asks about a named office itself (who, what, how to reach)
CONTACT_KINDS = frozenset({QuestionKind.what, QuestionKind.who, QuestionKind.contact})


class ActionAnswerTopic(KnowledgeAction):
    """Named program first; otherwise the programs of the question's topic, ranked by the
    user's Land and role; a follow-up ("und bei 600 Leuten?") re-answers the last topic."""

    def __init__(
        self,
        index: KnowledgeIndex | None = None,
        search: KnowledgeSearch | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__(index, search)
        self.today = today

    def name(self) -> str:
        return "action_answer_topic"

    def _extra_contacts(
        self, text: str, landkreis: Landkreis | None, role: str | None, no_figure: bool
    ) -> list[Contact]:
        """Contacts the user named, and for figures we lack, the office that has them."""
        named = self.index.find_contacts(text)[:1]
        if no_figure and not named and landkreis is not None:
            prefer = mentioned_contact_kinds(text) or (
                ["hwk", "ihk"] if asks_course_price(text) else ["agentur_fuer_arbeit"]
            )
            named = regional_contacts(self.index, landkreis, role, limit=1, prefer=prefer)
        return named

    def _named_programs(self, tracker: Tracker) -> list[Program]:
        named = self.index.find_programs(question_text(tracker))
        for pid in entity_values(tracker, "program"):
            program = self.index.program(pid)
            if program and program not in named:
                named.append(program)
        return named

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        offered = self.answer_offered_fact(dispatcher, tracker)
        if offered is not None:
            return offered
        text = question_text(tracker)
        events: list[EventType] = []
        if tracker.get_slot("unclear_text"):
            events.append(SlotSet("unclear_text", None))
        by_payload = bool(entity_values(tracker, "program")) and not text
        own = latest_text(tracker)  # empty after a button: the question is the unclear text
        bare_inform = (
            intent == "inform" and bool(own) and not by_payload
            and not question_kinds(own) and not is_question(own)
        )  # fmt: skip
        no_figure = (
            bool(text)
            and (asks_statistics(text) or asks_course_price(text))
            and not self.clear_answer(
                tracker, text, intent
            )  # "Wie viele Punkte für die Chancenkarte?"
        )
        if text and not by_payload:
            named = self._named_things(dispatcher, tracker, text)
            if named is not None:
                return events + named
        if text and not by_payload and not bare_inform and not no_figure:
            answered = self.answer_question(
                dispatcher, tracker, text, intent, known_topic=intent != "out_of_scope"
            )
            if answered is not None:
                return events + answered
        if intent == "out_of_scope" and not self._named_programs(tracker):
            dispatcher.utter_message(response="utter_out_of_scope")
            return events
        return events + self._answer_entry(dispatcher, tracker, intent, text, no_figure)

    def _named_things(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
    ) -> list[EventType] | None:
        """A message that names an event ("Wann ist die Woche der Ausbildung?") or asks who or
        where a named office is ("Telefonnummer der IG Metall Eisenach?", "Wer steckt hinter
        dem Bündnis für Transformation?") and names no program: that event or office."""
        if self._named_programs(tracker):
            return None
        lang, today = language(tracker), self.today()
        if named_events(self.index, text, today):
            send(dispatcher, events_reply(self.index, self.landkreis(tracker), today, lang, text))
            return []
        contacts = self.index.find_contacts(text)
        if contacts and question_kinds(text) <= CONTACT_KINDS:
            send(dispatcher, contact_cards(contacts[:2], lang))
            return []
        return None

    def _answer_entry(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        intent: str,
        text: str,
        no_figure: bool,
    ) -> list[EventType]:
        """The whole entry ("Mehr dazu", a bare size or place after an answer, a figure the
        knowledge base cannot have): summary, figures, source, next step and contacts."""
        lang = language(tracker)
        landkreis = self.landkreis(tracker)
        role = self.role(tracker)
        events: list[EventType] = []

        programs = self._named_programs(tracker)
        named = bool(programs)
        topic = intent if intent in TOPIC_PROGRAMS else tracker.get_slot("topic")
        if not programs and intent in TOPIC_PROGRAMS:
            programs = topic_programs(self.index, intent)
        elif not programs and tracker.get_slot("program"):
            remembered = self.index.program(tracker.get_slot("program"))
            programs = [remembered] if remembered else []
        elif not programs and topic in TOPIC_PROGRAMS:
            programs = topic_programs(self.index, topic)

        named_contacts = self.index.find_contacts(text)
        if named_contacts and not named and intent in CONTACT_INTENTS:
            send(dispatcher, contact_cards(named_contacts[:2], lang))
            return events
        if not programs:
            if no_figure:
                dispatcher.utter_message(text=answers.no_figure_line(lang))
            if landkreis is not None or named_contacts:
                send(
                    dispatcher,
                    contact_finder(
                        self.index, landkreis, role=role, lang=lang,
                        prefer=mentioned_contact_kinds(text), named=named_contacts[:2],
                    ),
                )  # fmt: skip
            else:
                send(dispatcher, answers.no_program_found(self.index, lang))
            return events

        relevance: dict[str, float] = {}
        by_payload = bool(entity_values(tracker, "program")) and not text
        if text and not by_payload:
            hits = self.search.search(text, limit=5)
            relevance = {p.id: score for p, score in hits}
            if named:  # an alias named a program; a far better match in the words still wins
                best_named = max(relevance.get(p.id, 0.0) for p in programs)
                extra = [p for p, sc in hits if sc >= 10.0 and sc >= 1.5 * best_named]
            else:  # only clearly better matches (2x) than the routing's first choice
                base = relevance.get(programs[0].id, 0.0) if programs else 0.0
                extra = [p for p, sc in hits if sc >= max(5.0, 2.0 * base)]
            programs += [p for p in extra if p not in programs]
        base = relevance.get(programs[0].id, 0.0)
        ranked = rank(
            programs,
            role=role,
            landkreis=landkreis,
            keep_ended=named,
            relevance=relevance,
            min_relevance=max(3.0, 2.0 * base),
        )
        program, others = ranked[0], ranked[1:]
        logger.debug("answering %s for intent %s", program.id, intent)
        shown = f"{program.summary} {program.key_figure}"
        send(
            dispatcher,
            answers.program_answer(
                program,
                self.index,
                employees=self.employees(tracker),
                landkreis=landkreis,
                lang=lang,
                others=others[:3],
                details=relevant_details(program, text, self.search, shown=shown) if text else [],
                preface=answers.no_figure_line(lang) if no_figure else None,
                extra_contacts=self._extra_contacts(text, landkreis, role, no_figure),
            ),
        )
        events.append(SlotSet("program", program.id))
        if topic in TOPIC_PROGRAMS and topic != tracker.get_slot("topic"):
            events.append(SlotSet("topic", topic))
        return events


class ActionListEvents(KnowledgeAction):
    def __init__(
        self, index: KnowledgeIndex | None = None, today: Callable[[], dt.date] = dt.date.today
    ) -> None:
        super().__init__(index)
        self.today = today

    def name(self) -> str:
        return "action_list_events"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send(
            dispatcher,
            events_reply(
                self.index,
                self.landkreis(tracker),
                self.today(),
                language(tracker),
                question_text(tracker),
            ),
        )
        return []
