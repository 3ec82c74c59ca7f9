"""Routing tables and rules stay consistent with the knowledge base and the domain."""

from __future__ import annotations

from pathlib import Path

from actions.dialogue import FORMS, answer_for
from actions.topics import INTENT_TITLES, SITUATION_PROGRAMS, TOPIC_PROGRAMS
from knowledge.index import KnowledgeIndex
from scripts.generate_form_rules import TARGET, render

ROOT = Path(__file__).resolve().parents[2]


def test_routing_ids_exist(real_index: KnowledgeIndex) -> None:
    ids = {
        i for table in (TOPIC_PROGRAMS, SITUATION_PROGRAMS) for ids in table.values() for i in ids
    }
    assert sorted(i for i in ids if i not in real_index.kb.programs) == []


def test_every_intent_has_an_answer_and_a_title(domain: dict) -> None:
    starters = {i for s, _ in FORMS.values() for i in s}
    special = {"nlu_fallback", "inform", "affirm", "deny"}
    unanswered = [
        i for i in domain["intents"] if i not in special | starters and answer_for(i) is None
    ]
    assert unanswered == []
    untitled = [
        i
        for i in domain["intents"]
        if i not in special | {"something_else"} and i not in INTENT_TITLES
    ]
    assert untitled == []


def test_every_action_and_form_is_in_the_domain(domain: dict) -> None:
    for intent in domain["intents"]:
        action = answer_for(intent)
        if action and action.startswith("action_"):
            assert action in domain["actions"], action
        elif action:
            assert action in domain["responses"], action
    for form, (_, after) in FORMS.items():
        assert form in domain["forms"]
        assert after in domain["actions"]


def test_generated_form_rules_are_up_to_date() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "run: python scripts/generate_form_rules.py"
    )


def test_action_server_registers_exactly_the_domain_actions(domain: dict) -> None:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert sorted(executor.actions) == sorted(domain["actions"])
