"""rasa-sdk actions. Thin shells: read the tracker, call the pure logic, emit events."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answers
from actions.runtime import default_index
from knowledge.index import KnowledgeIndex
from nlu.company_size import parse_company_size
from nlu.language import guess_language

logger = logging.getLogger(__name__)


def _entity_values(tracker: Tracker, name: str) -> list[str]:
    return [
        str(e["value"])
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == name
    ]


def message_language(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    previous = tracker.get_slot("language") or "de"
    return guess_language(text, default=previous)


def _send(dispatcher: CollectingDispatcher, messages: list[answers.Message]) -> None:
    for m in messages:
        dispatcher.utter_message(text=m["text"], buttons=m.get("buttons") or [])


class ActionAnswerProgram(Action):
    """Answer a question that names a funding program: facts, rate, source, next step."""

    def __init__(self, index: KnowledgeIndex | None = None) -> None:
        self._index = index

    @property
    def index(self) -> KnowledgeIndex:
        if self._index is None:
            self._index = default_index()
        return self._index

    def name(self) -> str:
        return "action_answer_program"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        lang = message_language(tracker)
        events: list[EventType] = []
        if lang != tracker.get_slot("language"):
            events.append(SlotSet("language", lang))

        programs = [p for i in _entity_values(tracker, "program") if (p := self.index.program(i))]
        programs = programs or self.index.find_programs(text)
        if not programs and tracker.get_slot("program"):
            remembered = self.index.program(tracker.get_slot("program"))
            programs = [remembered] if remembered else []

        size = parse_company_size(text)
        employees = size.employees if size else _as_int(tracker.get_slot("company_size"))
        places = self.index.find_landkreise(text)
        landkreis = places[0] if places else None
        if landkreis is None and tracker.get_slot("landkreis"):
            landkreis = self.index.kb.landkreise.get(tracker.get_slot("landkreis"))

        if not programs:
            _send(dispatcher, answers.no_program_found(self.index, lang))
            return events
        program, others = answers.choose_program(programs, landkreis)
        logger.debug("answering program %s", program.id)
        _send(
            dispatcher,
            answers.program_answer(
                program,
                self.index,
                employees=employees,
                landkreis=landkreis,
                lang=lang,
                others=others,
            ),
        )
        events.append(SlotSet("program", program.id))
        if size:
            events.append(SlotSet("company_size", float(size.employees)))
        if places:
            events.append(SlotSet("landkreis", landkreis.id if landkreis else None))
        return events


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
