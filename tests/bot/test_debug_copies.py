"""The debug-only stand-in for ``copy`` in Rasa's processor, rule policy and form action."""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
from types import ModuleType

import pytest

from bot import debug_copies
from bot.debug_copies import MODULES, DebugOnlyCopy


def _is_debug_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "debug"
    )


@pytest.mark.parametrize("name", MODULES)
def test_copy_is_used_only_in_debug_log_calls(name: str) -> None:
    """If a Rasa upgrade copies something for real in one of these modules, this fails."""
    tree = ast.parse(inspect.getsource(importlib.import_module(name)))
    inside_debug: set[int] = set()
    for node in ast.walk(tree):
        if _is_debug_call(node):
            inside_debug.update(id(n) for n in ast.walk(node))
    uses = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "copy"
    ]
    assert uses, f"{name} no longer uses copy: drop it from MODULES"
    outside = [(u.lineno, u.attr) for u in uses if id(u) not in inside_debug]
    assert outside == []
    assert {u.attr for u in uses} == {"deepcopy"}


def test_copies_only_when_the_module_logs_debug() -> None:
    logger = logging.getLogger("tests.debug_copies")
    stand_in = DebugOnlyCopy("tests.debug_copies")
    value = {"events": [{"event": "slot", "value": [1, 2]}]}
    old = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert stand_in.deepcopy(value) is value
        logger.setLevel(logging.DEBUG)
        copied = stand_in.deepcopy(value)
        assert copied == value
        assert copied is not value
        assert copied["events"][0] is not value["events"][0]
    finally:
        logger.setLevel(old)


def test_install_replaces_the_copy_module_once() -> None:
    import copy as copy_module

    module = ModuleType("fake_rasa_module")
    module.copy = copy_module  # type: ignore[attr-defined]
    debug_copies.install({"fake_rasa_module": module})
    assert isinstance(module.copy, DebugOnlyCopy)  # type: ignore[attr-defined]
    first = module.copy  # type: ignore[attr-defined]
    debug_copies.install({"fake_rasa_module": module})  # already replaced: left alone
    assert module.copy is first  # type: ignore[attr-defined]
