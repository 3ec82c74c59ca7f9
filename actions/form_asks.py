"""A form's first question, after the answer to the question that started it.

The NLU sends "Muss ich Fortbildungskosten zurückzahlen, wenn mir betriebsbedingt gekündigt
wird?" to the Förder-Check as often as to a topic: it names a situation. When the message that
starts a form is a specific question and one fact answers it clearly, that answer comes first
and the form's question after it ("Wenn Sie möchten, …"); the form goes on as before. Rasa
calls ``action_ask_<form>_<slot>`` instead of ``utter_ask_<slot>`` where such an action exists.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import KnowledgeAction, latest_text, send
from answering.decision import Answer
from answering.question_type import question_kinds
from knowledge.schema import QuestionKind

# the extra score over the answer threshold a fact needs to come before a form's question
FORM_MARGIN = 0.2
# action name -> (form, the response that asks the slot)
ASKS: dict[str, tuple[str, str]] = {
    "action_ask_foerder_check_form_role": ("foerder_check_form", "utter_ask_role"),
    "action_ask_foerder_check_form_company_size": ("foerder_check_form", "utter_ask_company_size"),
    "action_ask_foerder_check_form_situation": ("foerder_check_form", "utter_ask_situation"),
    "action_ask_contact_form_landkreis": ("contact_form", "utter_ask_landkreis"),
    "action_ask_training_need_form_need_topic": ("training_need_form", "utter_ask_need_topic"),
}


def started_now(tracker: Tracker, form: str) -> bool:
    """The form was activated by the latest user message (not an ask later in the form)."""
    events = tracker.events or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return any(
        e.get("event") == "active_loop" and e.get("name") == form for e in events[last_user + 1 :]
    )


class FormAsk(KnowledgeAction):
    """Base of the ask actions (abstract: no name); one subclass per entry of ``ASKS``."""

    action_name = ""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        form, response = ASKS[self.action_name]
        events: list[EventType] = []
        text = latest_text(tracker)
        if text and started_now(tracker, form) and question_kinds(text) - {QuestionKind.what}:
            query = self.query(tracker, text)
            decision, _ = self.engine.decide(query)
            needed = self.engine.thresholds.answer + FORM_MARGIN
            if isinstance(decision, Answer) and decision.facts[0].score >= needed:
                send(dispatcher, self.engine.messages(decision, query, self.landkreis(tracker)))
                events.append(SlotSet("program", decision.facts[0].fact.about))
        dispatcher.utter_message(response=response)
        return events


def _named(action_name: str) -> type[FormAsk]:
    def name(self: FormAsk) -> str:
        return action_name

    title = "".join(p.title() for p in action_name.split("_"))
    return type(title, (FormAsk,), {"action_name": action_name, "name": name})


# rasa-sdk registers every concrete Action subclass by its name()
for _name in ASKS:
    _cls = _named(_name)
    globals()[_cls.__name__] = _cls
