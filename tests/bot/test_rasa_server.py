"""The action-failure handling installed into Rasa (bot/rasa_server.py), against a real
``RemoteAction`` talking HTTP to a small aiohttp server (or to nothing)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from rasa.core.actions import action as rasa_action
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.lock_store import InMemoryLockStore, LockError
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_server import (
    ACTIONS_DOWN,
    MARK,
    acquire_or_fail,
    ask_response,
    resilient,
    sooner_lock,
)
from tests.integration.conftest import free_port

ORIGINAL = getattr(rasa_action.RemoteAction.run, "__wrapped__", rasa_action.RemoteAction.run)
ORIGINAL_VALIDATE = rasa_action.RemoteAction._validate_action_result
DOMAIN = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": []}}})


def tracker(text: str = "Hallo", language: str | None = None) -> DialogueStateTracker:
    entities = [{"entity": "language", "value": language}] if language else []
    return DialogueStateTracker.from_events(
        "s1",
        [ActionExecuted("action_listen"), UserUttered(text, entities=entities)],
        slots=DOMAIN.slots,
    )


async def run(
    name: str, url: str, t: DialogueStateTracker, delays: tuple[float, ...] = (0.0, 0.0)
) -> list[Any]:
    wrapped = resilient(ORIGINAL, delays)
    remote = rasa_action.RemoteAction(name, EndpointConfig(url))
    nlg = TemplatedNaturalLanguageGenerator({})
    return await wrapped(remote, CollectingOutputChannel(), nlg, t, DOMAIN)


class ActionServer:
    def __init__(self) -> None:
        self.calls = 0
        self.status = 200

    async def handle(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self.status == 400:
            return web.json_response({"action_name": "x", "error": "rejected"}, status=400)
        if self.status != 200:
            return web.Response(status=self.status, text="boom")
        return web.json_response({"events": [], "responses": [{"text": "Antwort aus dem Wissen"}]})


@pytest.fixture
async def action_server() -> AsyncIterator[tuple[ActionServer, str]]:
    server = ActionServer()
    app = web.Application()
    app.router.add_post("/webhook", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield server, f"http://127.0.0.1:{port}/webhook"
    await runner.cleanup()


async def test_a_working_action_server_is_used_once(action_server: tuple[ActionServer, str]):
    server, url = action_server
    events = await run("action_answer_topic", url, tracker())
    assert [e.text for e in events if isinstance(e, BotUttered)] == ["Antwort aus dem Wissen"]
    assert server.calls == 1


async def test_a_server_error_is_answered_politely_and_not_repeated(
    action_server: tuple[ActionServer, str],
):
    server, url = action_server
    server.status = 500
    events = await run("action_answer_topic", url, tracker())
    assert events == [BotUttered(ACTIONS_DOWN["de"], metadata={MARK: True})]
    assert server.calls == 1  # the request reached the server: it may have had effects


async def test_a_rejection_stays_a_rejection(action_server: tuple[ActionServer, str]):
    server, url = action_server
    server.status = 400
    with pytest.raises(rasa_action.ActionExecutionRejection):
        await run("validate_foerder_check_form", url, tracker())


async def test_a_refused_connection_is_tried_again_then_answered_in_the_users_language(
    caplog: pytest.LogCaptureFixture,
):
    url = f"http://127.0.0.1:{free_port()}/webhook"  # nothing listens here
    events = await run("action_answer_topic", url, tracker("How much?", language="en"))
    assert [e.text for e in events] == [ACTIONS_DOWN["en"]]
    attempts = [r for r in caplog.records if "Couldn't connect" in r.getMessage()]
    assert len(attempts) == 3  # the first try and the two retries


async def test_the_apology_comes_once_a_turn():
    url = f"http://127.0.0.1:{free_port()}/webhook"
    t = tracker()
    t.update(BotUttered(ACTIONS_DOWN["de"], metadata={MARK: True}))
    assert await run("action_answer_topic", url, t) == []
    t.update(UserUttered("noch einmal"))  # a new turn: said again
    assert len(await run("action_answer_topic", url, t)) == 1


async def test_a_failed_session_start_falls_back_to_rasas_own():
    url = f"http://127.0.0.1:{free_port()}/webhook"
    events = await run("action_session_start", url, tracker())
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


async def test_a_hanging_server_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response()

    app = web.Application()
    app.router.add_post("/webhook", hang)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", 0.5)
    try:
        events = await run("action_answer_topic", f"http://127.0.0.1:{port}/webhook", tracker())
    finally:
        await runner.cleanup()
    assert [e.text for e in events] == [ACTIONS_DOWN["de"]]


def test_the_direct_check_accepts_and_refuses_like_rasas_schema() -> None:
    from jsonschema import ValidationError

    from bot.rasa_server import ActionResponseError, validate_action_result

    remote = rasa_action.RemoteAction("x", None)
    good = {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [{"text": "t"}]}
    assert validate_action_result(remote, good) is True
    assert ORIGINAL_VALIDATE(remote, good) is True
    assert validate_action_result(remote, {}) is True  # both may be missing
    for bad in (
        {"events": [{"no_event_key": 1}]},
        {"responses": "not a list"},
        {"events": "x"},
        {"responses": [1]},
    ):
        with pytest.raises(ActionResponseError):
            validate_action_result(remote, bad)
        with pytest.raises(ValidationError):
            ORIGINAL_VALIDATE(remote, bad)


def test_replies_to_a_message_id_come_from_the_conversation() -> None:
    from bot.rasa_server import replies_to

    events = [
        ActionExecuted("action_listen"),
        UserUttered("eins", metadata={"mid": "m1"}),
        BotUttered("Antwort 1a"),
        BotUttered("Antwort 1b", data={"buttons": [{"title": "Ja", "payload": "/affirm"}]}),
        ActionExecuted("action_listen"),
        UserUttered("zwei", metadata={"mid": "m2"}),
        ActionExecuted("action_listen"),
    ]
    first = replies_to(events, "m1")
    assert first is not None
    assert [r["text"] for r in first] == ["Antwort 1a", "Antwort 1b"]
    assert first[1]["buttons"] == [{"title": "Ja", "payload": "/affirm"}]
    assert replies_to(events, "m2") == []  # seen, nothing answered (e.g. an advisor had it)
    assert replies_to(events, "m3") is None  # new: process it


def test_event_types_are_resolved_like_rasa_does() -> None:
    from rasa.shared.core.events import SlotSet

    from bot.rasa_server import resolve_by_type

    assert resolve_by_type("slot") is SlotSet
    assert resolve_by_type("slot") is SlotSet  # from the cache
    assert resolve_by_type("user") is UserUttered
    assert resolve_by_type("topic") is None
    assert resolve_by_type("nonsense", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve_by_type("nonsense")


def rule_states(n: int, seed: int) -> list[dict[str, Any]]:
    """n dialogue states as Rasa's featurizer writes them, from a small alphabet."""
    import random

    rng = random.Random(seed)
    states: list[dict[str, Any]] = []
    for _ in range(n):
        state: dict[str, Any] = {"prev_action": {"action_name": rng.choice(["action_listen", "a"])}}
        if rng.random() < 0.6:
            state["user"] = {"intent": rng.choice(["greet", "ask", "deny"])}
        if rng.random() < 0.3:
            state["slots"] = {"size": (rng.choice([0.0, 1.0]),)}
        states.append(state)
    return states


def test_rule_matching_looks_back_no_further_than_the_longest_rule(tmp_path: Any) -> None:
    import json

    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.rasa_server import cached_rule_keys

    policy = RulePolicy(
        RulePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("rules"),
        ExecutionContext(GraphSchema({}), node_name="rules"),
    )
    original = getattr(RulePolicy._get_possible_keys, "__wrapped__", RulePolicy._get_possible_keys)
    # rules of one to three states, some of them tails of the conversations below
    lookup = {json.dumps(rule_states(1 + i % 3, i)): f"action_{i}" for i in range(60)}
    wrapped = cached_rule_keys(original, size=1_000)
    matched = 0
    for seed in range(300):
        states = rule_states(1 + seed % 9, 1_000 + seed)
        expected = original(policy, lookup, states)
        assert wrapped(policy, lookup, states) == expected
        assert wrapped(policy, lookup, states) == expected  # from the cache
        matched += bool(expected)
    assert matched > 30  # the comparison is not between empty sets
    # two long conversations that end in the same three states share one entry
    tail = rule_states(3, 7)
    before = len(wrapped.cache)  # type: ignore[attr-defined]
    first = wrapped(policy, lookup, rule_states(6, 8) + tail)
    second = wrapped(policy, lookup, rule_states(5, 9) + tail)
    assert first == second == original(policy, lookup, rule_states(4, 10) + tail)
    assert len(wrapped.cache) - before <= 1  # type: ignore[attr-defined]


class Add:
    """A graph component: its input plus the configured number."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.n = config["n"]

    @classmethod
    def create(cls, config: dict[str, Any], *args: Any, **kwargs: Any) -> Add:
        return cls(config)

    def run(self, x: int) -> int:
        return x + self.n


class Pair:
    def __init__(self) -> None:
        pass

    @classmethod
    def create(cls, *args: Any, **kwargs: Any) -> Pair:
        return cls()

    def run(self, left: int, right: int) -> tuple[int, int]:
        return (left, right)


def test_the_sequential_runner_gives_what_dask_gives(tmp_path: Any) -> None:
    from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    from bot.rasa_server import SequentialGraphRunner

    add = type("AddComponent", (Add, GraphComponent), {})
    pair = type("PairComponent", (Pair, GraphComponent), {})

    def node(uses: type, needs: dict[str, str], **config: Any) -> SchemaNode:
        return SchemaNode(
            needs=needs,
            uses=uses,
            constructor_name="create",
            fn="run",
            config=config,
            is_target=False,
        )

    schema = GraphSchema(
        {
            "one": node(add, {"x": "__x__"}, n=1),
            "ten": node(add, {"x": "one"}, n=10),
            "hundred": node(add, {"x": "__x__"}, n=100),
            "both": node(pair, {"left": "ten", "right": "hundred"}),
            "unused": node(add, {"x": "missing"}, n=5),
        }
    )
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(schema, node_name=None)
    dask = DaskGraphRunner(schema, storage, context)
    ours = SequentialGraphRunner(schema, storage, context)
    for x in (0, 7):
        for targets in (["both"], ["ten", "hundred"], ["one"]):
            expected = dask.run(inputs={"__x__": x}, targets=targets)
            assert ours.run(inputs={"__x__": x}, targets=targets) == expected
    assert ours.run(inputs={"__x__": 1}, targets=["both"]) == {"both": (12, 101)}


def test_domain_emptiness_is_rasas_answer_kept_with_the_domain() -> None:
    from bot.rasa_server import _ORIGINAL_IS_EMPTY, domain_is_empty

    empty, full = Domain.empty(), DOMAIN
    assert domain_is_empty(empty) is True
    assert domain_is_empty(full) is False
    assert domain_is_empty(full) is _ORIGINAL_IS_EMPTY(full)
    assert full.__dict__["_foerderlotse_is_empty"] is False


FORM_DOMAIN = Domain.from_dict(
    {
        "slots": {
            "language": {"type": "text", "mappings": []},
            "company_size": {"type": "text", "mappings": []},
        },
        "forms": {"foerder_check_form": {"required_slots": ["company_size"]}},
        "responses": {"utter_ask_company_size": [{"text": "Wie viele Beschäftigte?"}]},
    }
)


async def test_a_failed_ask_action_still_asks_the_forms_question():
    url = f"http://127.0.0.1:{free_port()}/webhook"
    remote = rasa_action.RemoteAction(
        "action_ask_foerder_check_form_company_size", EndpointConfig(url)
    )
    nlg = TemplatedNaturalLanguageGenerator(FORM_DOMAIN.responses)
    events = await resilient(ORIGINAL, (0.0, 0.0))(
        remote, CollectingOutputChannel(), nlg, tracker(), FORM_DOMAIN
    )
    assert [e.text for e in events] == [ACTIONS_DOWN["de"], "Wie viele Beschäftigte?"]


def test_only_ask_actions_of_known_forms_have_a_fallback():
    assert ask_response("action_ask_foerder_check_form_company_size", FORM_DOMAIN) == (
        "utter_ask_company_size"
    )
    assert ask_response("action_ask_other_form_company_size", FORM_DOMAIN) is None
    assert ask_response("action_answer_topic", FORM_DOMAIN) is None


class QuickLockStore(InMemoryLockStore):
    """Rasa's in-memory lock store with the patched waiting (as ``install`` does)."""

    lock = sooner_lock(InMemoryLockStore.lock, 0.01)
    _acquire_lock = acquire_or_fail


async def test_a_queued_message_gets_its_turn_soon_after_the_one_before() -> None:

    store, order, waited = QuickLockStore(), [], []

    async def message(n: int) -> None:
        start = time.monotonic()
        async with store.lock("c1", lock_lifetime=10):
            waited.append(time.monotonic() - start)
            order.append(n)
            await asyncio.sleep(0.02)

    await asyncio.gather(*(message(n) for n in range(5)))
    assert order == [0, 1, 2, 3, 4]
    # Rasa's 1 s look-again would make the last one wait 4 s
    assert max(waited) < 1.0


async def test_a_ticket_that_expired_while_waiting_fails_instead_of_hanging() -> None:

    store = QuickLockStore()
    failed_at: list[float] = []

    async def first() -> str:
        async with store.lock("c2", lock_lifetime=10):
            await asyncio.sleep(0.6)  # longer than the second one's ticket lives
        return "answered"

    async def second() -> str:
        await asyncio.sleep(0.05)
        start = time.monotonic()
        try:
            async with store.lock("c2", lock_lifetime=0.2):
                return "answered"
        finally:
            failed_at.append(time.monotonic() - start)

    async def third() -> str:
        await asyncio.sleep(0.1)
        async with store.lock("c2", lock_lifetime=10):
            return "answered"

    results = await asyncio.wait_for(
        asyncio.gather(first(), second(), third(), return_exceptions=True), timeout=5
    )
    assert results[0] == results[2] == "answered"
    assert isinstance(results[1], LockError)
    assert failed_at[0] < 0.5  # at its ticket's expiry, not when the queue ahead is done
