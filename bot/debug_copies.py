"""Rasa 3.6 deep-copies the arguments of its debug log calls even when debug logging is off.

``rasa.core.processor`` copies every action's events, the parse data of every message and
the slot-extraction events for ``structlogger.debug(...)``; the rule policy and the form
action do the same. The copies are thrown away unless the module logs at DEBUG: about 5 %
of the Rasa server's CPU per message (py-spy). In those modules ``copy`` is used for nothing
else (``tests/bot/test_debug_copies.py`` checks the source), so their ``copy`` module is
replaced by a stand-in that copies only while the module's logger is enabled for DEBUG.
"""

from __future__ import annotations

import copy
import logging
from types import ModuleType
from typing import Any

# modules whose every use of ``copy`` is an argument of a debug log call
MODULES = ("rasa.core.processor", "rasa.core.policies.rule_policy", "rasa.core.actions.forms")


class DebugOnlyCopy:
    """The part of the ``copy`` module those modules use, copying only when it is logged."""

    def __init__(self, logger_name: str) -> None:
        self._logger = logging.getLogger(logger_name)

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if self._logger.isEnabledFor(logging.DEBUG):
            return copy.deepcopy(value, memo)
        return value  # the debug call drops it: nothing keeps or changes it


def install(modules: dict[str, ModuleType]) -> None:
    for name, module in modules.items():
        if isinstance(getattr(module, "copy", None), ModuleType):
            module.copy = DebugOnlyCopy(name)  # type: ignore[attr-defined]
