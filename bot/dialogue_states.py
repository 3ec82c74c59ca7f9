"""The dialogue states of a conversation, computed once per event instead of once per prediction.

For every prediction the rule policy asks for the tracker's ``past_states``: Rasa 3.6 works
out the applied events of the whole conversation again (``applied_events``), replays all of
them into a fresh tracker (``generate_all_prior_trackers``) and builds the state before every
action (about 10 % of the Rasa server's CPU per message, py-spy). Between two predictions only
a few events are appended, so the work is kept with the tracker object: the applied events, the
replayed tracker and the states so far. A call continues from there with the new events, exactly
as Rasa's loop would treat them, and computes only the last state afresh (callers change the
last state in place).

Whenever Rasa's loop would change the past rather than append to it -- a restart or a new
session, a reverted action or user message, a form's happy-path execution (which undoes the
turns since its previous execution), a loop name seen for the first time (which changes how
earlier executions count) -- or the events are not a continuation of what was seen, the
states are computed from the beginning as Rasa does. Only the plain case is handled here
(``ignore_rule_only_turns=False``, as the rule policy asks); everything else is Rasa's own
``past_states``. ``tests/bot/test_dialogue_states.py`` compares both on every prefix of the
project's training conversations and on random event sequences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

PastStates = Callable[..., list[State]]
ATTRIBUTE = "_foerderlotse_states"  # where a tracker object keeps its entry
_RESETTING = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted)


@dataclass
class _Entry:
    domain: Domain
    omit_unset_slots: bool
    seen: int  # events of the tracker consumed
    last: Event | None  # the last of them (to see that the events were only appended to)
    loop_names: set[str]
    applied: list[Event]
    replay: DialogueStateTracker  # the applied events replayed
    states: list[State] = field(default_factory=list)  # the state before each action


def _state(entry: _Entry) -> State:
    domain = entry.domain
    return domain._clean_state(
        domain.get_active_state(entry.replay, omit_unset_slots=entry.omit_unset_slots)
    )


def _loop_names(events: Iterable[Event]) -> set[str]:
    return {e.name for e in events if isinstance(e, ActiveLoop) and e.name}


def _extend(entry: _Entry, tracker: DialogueStateTracker, new: list[Event]) -> bool:
    """Rasa's ``applied_events`` loop over the new events, replaying each and taking the state
    before each action. False where that loop would change the past instead."""
    if not _loop_names(new) <= entry.loop_names:
        return False
    for event in new:
        if isinstance(event, _RESETTING):
            return False
        if (
            isinstance(event, ActionExecuted)
            and event.action_name in entry.loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, entry.applied)
        ):
            return False  # Rasa undoes the turns since the loop's previous execution
        entry.applied.append(event)
        if isinstance(event, ActionExecuted):
            entry.states.append(_state(entry))
        entry.replay.update(event)
    return True


def _fresh(tracker: DialogueStateTracker, domain: Domain, omit_unset_slots: bool) -> _Entry:
    events = list(tracker.events)
    entry = _Entry(
        domain=domain,
        omit_unset_slots=omit_unset_slots,
        seen=len(events),
        last=events[-1] if events else None,
        loop_names=_loop_names(events),
        applied=tracker.applied_events(),
        replay=tracker.init_copy(),
    )
    for event in entry.applied:  # as generate_all_prior_trackers
        if isinstance(event, ActionExecuted):
            entry.states.append(_state(entry))
        entry.replay.update(event)
    return entry


def incremental(past_states: PastStates) -> PastStates:
    """Wrap ``DialogueStateTracker.past_states``."""

    def wrapped(
        self: DialogueStateTracker,
        domain: Domain,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        if ignore_rule_only_turns or self._max_event_history is not None:
            return past_states(
                self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
            )
        entry: _Entry | None = getattr(self, ATTRIBUTE, None)
        events = self.events
        continues = (
            entry is not None
            and entry.domain is domain
            and entry.omit_unset_slots == omit_unset_slots
            and len(events) >= entry.seen
            and (entry.seen == 0 or events[entry.seen - 1] is entry.last)
        )
        if entry is None or not continues:
            entry = _fresh(self, domain, omit_unset_slots)
        elif len(events) > entry.seen:
            new = [events[i] for i in range(entry.seen, len(events))]
            if _extend(entry, self, new):
                entry.seen, entry.last = len(events), new[-1]
            else:
                entry = _fresh(self, domain, omit_unset_slots)
        setattr(self, ATTRIBUTE, entry)
        return [*entry.states, _state(entry)]  # the last one new: callers change it

    wrapped.__wrapped__ = past_states  # type: ignore[attr-defined]
    return wrapped


def install() -> None:
    if not hasattr(DialogueStateTracker.past_states, "__wrapped__"):
        DialogueStateTracker.past_states = incremental(DialogueStateTracker.past_states)
