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
from actions.check_replies import events_reply
from actions.common import KnowledgeAction, entity_values, language, latest_text, send
from actions.contact_replies import contact_finder, regional_contacts
from actions.details import relevant_details
from actions.honesty import asks_course_price, asks_statistics, mentioned_contact_kinds
from actions.recommend import rank, topic_programs
from actions.runtime import default_search
from actions.search import KnowledgeSearch
from actions.topics import TOPIC_PROGRAMS
from knowledge.index import KnowledgeIndex
from knowledge.schema import Contact, Landkreis, Program

logger = logging.getLogger(__name__)


class ActionAnswerTopic(KnowledgeAction):
    """Named program first; otherwise the programs of the question's topic, ranked by the
    user's Land and role; a follow-up ("und bei 600 Leuten?") re-answers the last topic."""

    def __init__(
        self, index: KnowledgeIndex | None = None, search: KnowledgeSearch | None = None
    ) -> None:
        super().__init__(index)
        self._search = search

    @property
    def search(self) -> KnowledgeSearch:
        if self._search is None:
            self._search = default_search()
        return self._search

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
        named = self.index.find_programs(latest_text(tracker))
        for pid in entity_values(tracker, "program"):
            program = self.index.program(pid)
            if program and program not in named:
                named.append(program)
        return named

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
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

        text = latest_text(tracker)
        if not programs:
            if landkreis is not None or self.index.find_contacts(text):
                send(
                    dispatcher,
                    contact_finder(
                        self.index, landkreis, role=role, lang=lang,
                        prefer=mentioned_contact_kinds(text), named=self.index.find_contacts(text)[:2],
                    ),
                )  # fmt: skip
            else:
                send(dispatcher, answers.no_program_found(self.index, lang))
            return events

        relevance: dict[str, float] = {}
        if not named and text:
            hits = self.search.search(text, limit=5)
            relevance = {p.id: score for p, score in hits}
            programs += [p for p, score in hits if score >= 5.0 and p not in programs]
        ranked = rank(
            programs, role=role, landkreis=landkreis, keep_ended=named, relevance=relevance
        )
        program, others = ranked[0], ranked[1:]
        logger.debug("answering %s for intent %s", program.id, intent)
        no_figure = bool(text) and (asks_statistics(text) or asks_course_price(text))
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
            events_reply(self.index, self.landkreis(tracker), self.today(), language(tracker)),
        )
        return []
