"""The action call with the current turn's events (bot/action_payload.py): the same request
as Rasa's apart from the events, and the project's actions answer it exactly as they answer
Rasa's full request, on every action call of the test stories and rules."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import action_payload
from bot.action_payload import turn_call_format, turn_events
from tests.factories import project_domain as domain
from tests.factories import training_conversations as conversations

ORIGINAL = action_payload._ORIGINAL


def user(text: str, intent: str = "greet") -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 1.0}, input_channel="rest")


def test_turn_events_start_at_the_listen_before_the_latest_user_message() -> None:
    listen = ActionExecuted("action_listen")
    first, second = user("Hallo"), user("Bildungsgutschein?")
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        listen,
        first,
        ActionExecuted("utter_greet"),
        BotUttered("Guten Tag"),
        ActionExecuted("action_listen"),
        second,
        ActionExecuted("action_answer_topic"),
        SlotSet("topic", "x"),
    ]
    assert turn_events(events) == events[6:]
    assert turn_events(events[:4]) == events[2:4]
    assert turn_events(events[:2]) == events[:2]  # no user message yet: everything
    assert turn_events([first, SlotSet("a", 1)]) == [first, SlotSet("a", 1)]
    assert turn_events([]) == []


def _tracker(events: list[Any]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("s1", events, slots=domain().slots)


def _remote(name: str) -> RemoteAction:
    return RemoteAction(name, EndpointConfig("http://localhost:1", enable_selective_domain=True))


def test_everything_but_the_events_is_rasas_own() -> None:
    events = [
        ActionExecuted("action_listen"),
        user("Hallo"),
        ActionExecuted("utter_greet"),
        BotUttered("Guten Tag"),
        ActionExecuted("action_listen"),
        user("Förder-Check", "ask_foerder_check"),
        SlotSet("role", "employer"),
    ]
    tracker = _tracker(events)
    for name in ("action_answer_topic", "validate_foerder_check_form"):
        ours = turn_call_format(_remote(name), tracker, domain())
        theirs = ORIGINAL(_remote(name), tracker, domain())
        assert len(theirs["tracker"]["events"]) == len(events)
        assert ours["tracker"]["events"] == theirs["tracker"]["events"][4:]
        ours["tracker"].pop("events"), theirs["tracker"].pop("events")
        assert ours == theirs
        assert ("domain" in ours) == name.startswith("validate_")


def test_install_switches_between_turn_and_all() -> None:
    try:
        action_payload.install("all")
        assert RemoteAction._action_call_format is ORIGINAL
        action_payload.install("turn")
        assert RemoteAction._action_call_format is turn_call_format
    finally:
        action_payload.install("turn")


@pytest.fixture(scope="module")
def executor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from rasa_sdk.executor import ActionExecutor

    with pytest.MonkeyPatch.context() as env:  # the actions' stores in a temporary folder
        env.setenv("FOERDERLOTSE_VAR", str(tmp_path_factory.mktemp("var")))
        ex = ActionExecutor()
        ex.register_package("actions")
        yield ex


async def test_the_actions_answer_the_turn_as_they_answer_the_whole_conversation(
    executor: Any,
) -> None:
    calls = 0
    names = set()
    forms = set(domain().form_names)
    for _sender, events in conversations():
        for i, event in enumerate(events):
            if not isinstance(event, ActionExecuted):
                continue
            name, prefix = event.action_name, events[:i]
            if name in forms:  # Rasa's form asks validate_<form> with the slot candidates
                name, prefix = f"validate_{name}", prefix + _candidates(prefix)
            if name not in executor.actions:
                continue
            tracker = _tracker(prefix)
            remote = _remote(name)
            full = json.loads(json.dumps(ORIGINAL(remote, tracker, domain())))
            turn = json.loads(json.dumps(turn_call_format(remote, tracker, domain())))
            assert len(turn["tracker"]["events"]) <= len(full["tracker"]["events"])
            a = await executor.run(copy.deepcopy(full))
            b = await executor.run(copy.deepcopy(turn))
            assert _stable(a) == _stable(b), event.action_name
            calls += 1
            names.add(name)
    assert calls > 100
    assert {"validate_foerder_check_form", "action_answer_topic"} <= names


def _candidates(events: list[Any]) -> list[SlotSet]:
    """What Rasa's form appends before validating: the latest message's entities for slots."""
    users = [e for e in events if isinstance(e, UserUttered)]
    slots = {s.name for s in domain().slots}
    if not users:
        return []
    return [
        SlotSet(e["entity"], e.get("value")) for e in users[-1].entities if e.get("entity") in slots
    ]


def _stable(response: Any) -> Any:
    """Event timestamps are the time of the call."""
    data = json.loads(json.dumps(response, default=str))
    for e in data.get("events", []):
        e.pop("timestamp", None)
    return data


def test_conversations_are_real(executor: Any) -> None:
    """The stories hold custom action calls well into conversations (history to drop)."""
    longest = max(
        i
        for _s, events in conversations()
        for i, e in enumerate(events)
        if isinstance(e, ActionExecuted) and e.action_name in executor.actions
    )
    assert longest > 15
