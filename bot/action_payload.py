"""What Rasa sends to the action server: the current turn's events instead of the whole
conversation.

Rasa 3.6 sends every event of the conversation with every action call (``EventVerbosity.ALL``):
about 40 KB after five messages, 160 KB after twenty, serialised by the Rasa server and parsed
by the action server again for each of the two or three calls per message (py-spy: the largest
part of an action call's cost). The actions read the slots, the latest message, the active form
and the latest action, which Rasa sends as fields of their own, and from the events only the
current turn: the slot candidates a form validates (``slots_to_validate``: the slot events at
the end) and the input channel of the latest user message. So the events sent are those from
the ``action_listen`` before the latest user message to the end; every event while there is no
user message yet. Everything else in the request is Rasa's own, unchanged (a test compares
it with Rasa's).

``ACTION_EVENTS=all`` sends the whole conversation again, for an action that needs history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

_ORIGINAL = RemoteAction._action_call_format


def turn_events(events: Sequence[Event]) -> list[Event]:
    """From the ``action_listen`` before the latest user message (or that message) to the end."""
    for i in range(len(events) - 1, -1, -1):
        if isinstance(events[i], UserUttered):
            before = events[i - 1] if i > 0 else None
            listened = isinstance(before, ActionExecuted) and (
                before.action_name == ACTION_LISTEN_NAME
            )
            return [events[j] for j in range(i - 1 if listened else i, len(events))]
    return list(events)


def turn_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    """``RemoteAction._action_call_format`` with the current turn's events only."""
    tracker_state = tracker.current_state(EventVerbosity.NONE)
    tracker_state["events"] = [e.as_dict() for e in turn_events(tracker.events)]
    result: dict[str, Any] = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": tracker_state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
        self.name()
    ):
        result["domain"] = domain.as_dict()
    return result


def install(mode: str) -> None:
    """``mode``: ``turn`` (default) or ``all`` (Rasa's own)."""
    RemoteAction._action_call_format = _ORIGINAL if mode == "all" else turn_call_format
