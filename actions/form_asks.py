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
from answering.arbiter import STRONG
from answering.decision import Answer
from answering.formatting import Message
from answering.question_type import is_question

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


def opening_answer(
    action: KnowledgeAction, tracker: Tracker, form: str
) -> tuple[list[Message], str] | None:
    """The answer to the message that started ``form`` now, when it is a question and a fact
    answers it (the engine's own threshold, as for any other question): the messages and the
    entry they are about. None otherwise (a bare "Förder-Check bitte", a later turn)."""
    text = latest_text(tracker)
    if not (text and started_now(tracker, form)):
        return None
    query = action.query(tracker, text)
    decision, ranked = action.engine.decide(query)
    if not isinstance(decision, Answer):
        return None
    if not (is_question(text) or ranked[0].score >= STRONG):  # "abbruch weiterbildung sperrzeit"
        return None
    messages = action.engine.messages(decision, query, action.landkreis(tracker))
    return messages, decision.facts[0].fact.about


class FormAsk(KnowledgeAction):
    """Base of the ask actions (abstract: no name); one subclass per entry of ``ASKS``."""

    action_name = ""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        form, response = ASKS[self.action_name]
        events: list[EventType] = []
        opening = opening_answer(self, tracker, form)
        if opening is not None:
            send(dispatcher, opening[0])
            events.append(SlotSet("program", opening[1]))
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
