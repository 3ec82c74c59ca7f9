"""The form's first question after the answer to the specific question that started it."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.form_asks import ASKS, FormAsk
from knowledge.index import KnowledgeIndex
from tests.factories import make_tracker

ROLE_ASK = "action_ask_foerder_check_form_role"


def ask_action(name: str, index: KnowledgeIndex) -> FormAsk:
    [cls] = [c for c in FormAsk.__subclasses__() if c.action_name == name]
    return cls(index)


def started(text: str, form: str = "foerder_check_form") -> object:
    tracker = make_tracker(text, intent="ask_job_at_risk", active_loop=form)
    tracker.events.append({"event": "active_loop", "name": form})  # activated by this message
    return tracker


def test_every_ask_is_an_action_of_its_own(real_index: KnowledgeIndex) -> None:
    names = {c(real_index).name() for c in FormAsk.__subclasses__()}
    assert names == set(ASKS)


async def test_a_clear_answer_comes_before_the_forms_question(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = started("Muss ich als Arbeitnehmer das Kurzarbeitergeld selbst beantragen?")
    dispatcher = CollectingDispatcher()
    events = await ask_action(ROLE_ASK, real_index).run(dispatcher, tracker, domain)
    assert events == [SlotSet("program", "kurzarbeitergeld")]
    assert dispatcher.messages[0]["text"].startswith("Nein.")
    assert dispatcher.messages[-1]["response"] == "utter_ask_role"


async def test_no_specific_question_only_the_forms_question(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    for tracker in (started("Welche Förderung passt zu mir?"), make_tracker("wir sind 30")):
        dispatcher = CollectingDispatcher()
        events = await ask_action(ROLE_ASK, real_index).run(dispatcher, tracker, domain)
        assert events == []
        assert [m["response"] for m in dispatcher.messages] == ["utter_ask_role"]


async def test_a_clear_answer_without_a_question_mark_comes_first(
    real_index: KnowledgeIndex, domain: dict
) -> None:
    tracker = started("abbruch weiterbildung wegen job sperrzeit")
    dispatcher = CollectingDispatcher()
    events = await ask_action(ROLE_ASK, real_index).run(dispatcher, tracker, domain)
    assert [e.get("name") for e in events] == ["program"]
    assert "Sperrzeit" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[-1]["response"] == "utter_ask_role"
