"""The incremental dialogue states (bot/dialogue_states.py) against Rasa's own ``past_states``:
on every prefix of the project's test stories and rules (forms, loops, slots), on random
event sequences with restarts, new sessions and reverts, and through a real rule policy."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue_states import ATTRIBUTE, incremental
from tests.factories import project_domain as domain
from tests.factories import training_conversations as conversations

ORIGINAL = getattr(
    DialogueStateTracker.past_states, "__wrapped__", DialogueStateTracker.past_states
)
FAST = incremental(ORIGINAL)


def grown(events: list[Event]) -> int:
    """Compare both after each appended event, for one tracker that grows as in Rasa;
    returns the number of comparisons."""
    d = domain()
    tracker = DialogueStateTracker("s", d.slots)
    for event in events:
        tracker.update(event)
        fast = FAST(tracker, d)
        assert fast == ORIGINAL(tracker, d)
        # callers change the last state in place (Rasa's featurizer): the next call must
        # not see that
        fast[-1].clear()
    return len(events)


def test_training_conversations_give_the_same_states_at_every_step() -> None:
    convs = conversations()
    assert len(convs) > 100  # the project's rules and test stories
    steps = 0
    with_forms = 0
    for _name, events in convs:
        with_forms += any(isinstance(e, ActiveLoop) and e.name for e in events)
        steps += grown(events)
    assert steps > 1000
    assert with_forms > 5


def test_the_last_state_is_new_each_call_and_the_result_equal() -> None:
    d = domain()
    tracker = DialogueStateTracker("s", d.slots)
    for event in [
        ActionExecuted("action_listen"),
        UserUttered("Hallo", intent={"name": "greet", "confidence": 1.0}),
    ]:
        tracker.update(event)
    first = FAST(tracker, d)
    assert first == ORIGINAL(tracker, d)
    first[-1]["user"].pop("intent")  # as Rasa's featurizer does with use_text_for_last_user_input
    second = FAST(tracker, d)
    assert second == ORIGINAL(tracker, d)
    assert second[-1] is not first[-1]
    assert getattr(tracker, ATTRIBUTE).seen == 2


def test_a_copy_or_other_parameters_start_afresh() -> None:
    d = domain()
    tracker = DialogueStateTracker("s", d.slots)
    tracker.update(ActionExecuted("action_listen"))
    FAST(tracker, d)
    twin = tracker.copy()
    assert not hasattr(twin, ATTRIBUTE)
    assert FAST(twin, d) == ORIGINAL(twin, d)
    assert FAST(tracker, d, omit_unset_slots=True) == ORIGINAL(tracker, d, omit_unset_slots=True)
    assert getattr(tracker, ATTRIBUTE).omit_unset_slots is True


def test_rule_only_turns_are_left_to_rasa() -> None:
    d = domain()
    tracker = DialogueStateTracker("s", d.slots)
    tracker.update(ActionExecuted("action_listen"))
    FAST(tracker, d, ignore_rule_only_turns=True, rule_only_data={})
    assert not hasattr(tracker, ATTRIBUTE)


FORM = "foerder_check_form"
_events = st.one_of(
    st.sampled_from(["action_listen", FORM, "action_answer_topic", "utter_greet"]).map(
        ActionExecuted
    ),
    st.sampled_from(["greet", "inform", "ask_topic", "affirm"]).map(
        lambda i: UserUttered("x", intent={"name": i, "confidence": 1.0})
    ),
    st.sampled_from([("role", "employer"), ("role", None), ("requested_slot", "role")]).map(
        lambda kv: SlotSet(*kv)
    ),
    st.sampled_from([FORM, None]).map(ActiveLoop),
    st.just(ActionExecutionRejected(FORM)),
    st.just(BotUttered("Hallo")),
    st.sampled_from([Restarted, SessionStarted, ActionReverted, UserUtteranceReverted]).map(
        lambda cls: cls()
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_events, min_size=1, max_size=25))
def test_random_event_sequences_give_the_same_states(events: list[Event]) -> None:
    grown(copy.deepcopy(events))


@pytest.mark.parametrize("use_text", [True, False])
def test_rule_policy_featurizer_sees_the_same_states(use_text: bool) -> None:
    """Through Rasa's featurizer, which changes the states it gets."""
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer

    featurizer = MaxHistoryTrackerFeaturizer(max_history=None)
    d = domain()
    for _name, events in conversations()[:60]:
        tracker = DialogueStateTracker("s", d.slots)
        for event in events:
            tracker.update(event)
            DialogueStateTracker.past_states = FAST  # type: ignore[method-assign]
            try:
                fast = featurizer.prediction_states([tracker], d, use_text)
            finally:
                DialogueStateTracker.past_states = ORIGINAL  # type: ignore[method-assign]
            slow = featurizer.prediction_states([tracker], d, use_text)
            assert fast == slow
