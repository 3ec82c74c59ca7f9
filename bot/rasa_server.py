"""Run Rasa with the project's fault handling: ``python -m bot.rasa_server run …`` takes
exactly ``rasa``'s arguments.

Rasa 3.6 has no hook for a failing action server: when a custom action cannot be run (server
down, killed mid-request, timeout, 5xx), the processor logs "the actions events are lost" and
the user gets no answer at all, and a hanging action server holds the conversation for 5
minutes. Installed here, before Rasa's own ``main``:

- a connection that could not be made is tried again shortly (a restarting action server);
  a request that reached the server is not repeated (an action may have had effects);
- an action call times out after ``ACTION_TIMEOUT`` seconds (default 20);
- the action server's answer is checked for the shape Rasa needs, directly (Rasa 3.6 calls
  ``jsonschema.validate``, which checks the schema itself on every call: more than half of
  the Rasa server's CPU time per message, measured with py-spy);
- HTTP connections to the action server are kept alive (Rasa opens one per call);
- the NLU result of a text without personal data is cached (``NLU_CACHE_SIZE``, 5,000), and
  so is which rules match the last dialogue states (as many as the longest rule has); event
  classes are looked up once; the prediction graph runs without dask's scheduler; the
  dialogue states are extended with each new event instead of replayed from the start
  (``bot/dialogue_states.py``); debug-log arguments are copied only when debug is logged
  (``bot/debug_copies.py``); an action call carries the current turn's events, not the
  whole conversation (``bot/action_payload.py``);
- a message whose client id (``metadata.mid``) is in the conversation already is not
  processed again: the answer given then is sent again. Checked inside Rasa's conversation
  lock, so with the Redis lock store it holds across instances — a client, the entry point
  or a reconnecting widget may resend a message that got no answer, and it counts once;
- a message waiting for its conversation's lock (another message of the same conversation
  is being answered) looks again every ``LOCK_WAIT`` seconds (default 0.2; Rasa: 1 s, so a
  quick second message waited up to a second for nothing), and a waiting message whose
  ticket expired gets a ``LockError`` at once (Rasa waits forever for a ticket that no
  longer exists: with several messages queued longer than ``TICKET_LOCK_LIFETIME``);
- when the action still fails, the user gets one polite "gerade nicht erreichbar" message
  (German or English), recorded in the conversation like any bot message; the conversation
  goes on, and the next message works as soon as the action server is back. A failed
  custom ``action_session_start`` falls back to Rasa's plain session start.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import importlib
import json
import logging
import os
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from rasa.core import processor as rasa_processor
from rasa.core.actions import action as rasa_action
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot import action_payload, debug_copies, dialogue_states
from bot.privacy.redaction import redact

logger = logging.getLogger(__name__)

ACTIONS_DOWN = {
    "de": "Entschuldigung, ein Teil des Förderlotsen ist gerade nicht erreichbar. Bitte "
    "versuchen Sie es in einer Minute noch einmal – Ihre bisherigen Angaben bleiben erhalten.",
    "en": "Sorry, part of Förderlotse is not reachable right now. Please try again in a "
    "minute – what you told me so far is kept.",
}
MARK = "actions_unavailable"  # in the BotUttered metadata, so the message comes once a turn
RETRY_DELAYS: Sequence[float] = (0.5, 1.5)

Run = Callable[..., Awaitable[list[Event]]]


def _connect_failed(exc: BaseException) -> bool:
    """True when the request never reached the action server (safe to send again)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, aiohttp.ClientConnectorError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _language(tracker: Any) -> str:
    """The language of the latest message (as the extractor saw it), else the slot's."""
    latest = tracker.latest_message
    for entity in (latest.entities if latest is not None else None) or []:
        if entity.get("entity") == "language" and entity.get("value") in ("de", "en"):
            return str(entity["value"])
    return "en" if tracker.get_slot("language") == "en" else "de"


def _said_this_turn(tracker: Any) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(MARK):
            return True
    return False


def unavailable_events(name: str, tracker: Any) -> list[Event]:
    """What the user gets instead of the failed action's answer (once a turn)."""
    if name == ACTION_SESSION_START_NAME:
        # Rasa's own session start instead; the message is not known yet, so the action
        # that fails next (if any) tells the user, in the message's language
        return [SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]
    if _said_this_turn(tracker):
        return []
    return [BotUttered(ACTIONS_DOWN[_language(tracker)], metadata={MARK: True})]


def ask_response(name: str, domain: Any) -> str | None:
    """The form's own response for a failed custom ask action ``action_ask_<form>_<slot>``:
    ``utter_ask_<form>_<slot>`` or ``utter_ask_<slot>``, whichever the domain has."""
    responses = getattr(domain, "responses", None) or {}
    for form in getattr(domain, "form_names", None) or []:
        prefix = f"action_ask_{form}_"
        if name.startswith(prefix):
            slot = name[len(prefix) :]
            for candidate in (f"utter_ask_{form}_{slot}", f"utter_ask_{slot}"):
                if candidate in responses:
                    return candidate
    return None


async def fallback_ask(
    name: str, output_channel: Any, nlg: Any, tracker: Any, domain: Any
) -> list[Event]:
    """A form keeps asking while the action server is down: Rasa sends the slot's response."""
    response = ask_response(name, domain)
    if response is None:
        return []
    try:
        ask = rasa_action.ActionBotResponse(response)
        return list(await ask.run(output_channel, nlg, tracker, domain))
    except Exception as exc:  # never worse than the apology alone
        logger.error("fallback ask %s failed (%s)", response, type(exc).__name__)
        return []


def resilient(run: Run, delays: Sequence[float] = RETRY_DELAYS) -> Run:
    """Wrap ``RemoteAction.run``: retry refused connections, answer politely on failure."""

    async def wrapped(
        self: rasa_action.RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> list[Event]:
        for attempt in range(len(delays) + 1):
            try:
                return await run(self, output_channel, nlg, tracker, domain)
            except rasa_action.ActionExecutionRejection:
                raise  # part of the dialogue (a form rejecting a value), not a fault
            except Exception as exc:  # server down, 5xx, timeout, or an answer we cannot use
                if attempt < len(delays) and _connect_failed(exc):
                    await asyncio.sleep(delays[attempt])
                    continue
                logger.error(
                    "action %s failed (%s); the user is told it is unavailable",
                    self.name(),
                    type(exc).__name__,
                )
                break
        events = unavailable_events(self.name(), tracker)
        return events + await fallback_ask(self.name(), output_channel, nlg, tracker, domain)

    wrapped.__wrapped__ = run  # type: ignore[attr-defined]
    return wrapped


def validate_action_result(self: rasa_action.RemoteAction, result: Any) -> bool:
    """The shape Rasa needs from an action server's answer (``events``: objects with an
    ``event`` name, ``responses``: objects), checked directly. Rasa 3.6 runs
    ``jsonschema.validate`` on every call, which also checks the schema itself: more than half
    of the Rasa server's CPU time per message (py-spy). Anything else wrong in an event fails
    its deserialisation and is answered like any action failure."""
    if not isinstance(result, dict):
        raise ActionResponseError("the action server's answer is not an object")
    events, responses = result.get("events", []), result.get("responses", [])
    if not isinstance(events, list) or not all(
        isinstance(e, dict) and isinstance(e.get("event"), str) for e in events
    ):
        raise ActionResponseError("'events' must be a list of events")
    if not isinstance(responses, list) or not all(isinstance(r, dict) for r in responses):
        raise ActionResponseError("'responses' must be a list of objects")
    return True


class ActionResponseError(RasaException):
    """The action server answered something that is not an action result."""


class _Borrowed:
    """``async with`` a shared session without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: object) -> bool:
        return False


_SESSIONS: dict[tuple[int, str], aiohttp.ClientSession] = {}
KEEPALIVE = 2.0  # seconds; below the action server's (Sanic: 5 s), so it never closes first


def pooled_session(self: EndpointConfig) -> Any:
    """Rasa opens a new HTTP session (and TCP connection) for every action call; here one
    session per event loop and endpoint configuration keeps connections alive."""
    key = (id(asyncio.get_running_loop()), repr((self.headers, self.basic_auth)))
    session = _SESSIONS.get(key)
    if session is None or session.closed:
        auth = (
            aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            if self.basic_auth
            else None
        )
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=300),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE, limit=200),
        )
        _SESSIONS[key] = session
    return _Borrowed(session)


def replies_to(events: list[Event], mid: str) -> list[dict[str, Any]] | None:
    """The bot messages that answered the user message with this client id, or None when
    the conversation has no such message."""
    for i, event in enumerate(events):
        if isinstance(event, UserUttered) and (event.metadata or {}).get("mid") == mid:
            replies = []
            for later in events[i + 1 :]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    replies.append(later.message())
            return replies
    return None


Handle = Callable[..., Awaitable[Any]]


def once_per_message_id(handle: Handle) -> Handle:
    """Wrap ``MessageProcessor.handle_message`` (it runs inside the conversation lock)."""

    async def wrapped(self: Any, message: UserMessage) -> Any:
        mid = (message.metadata or {}).get("mid")
        if isinstance(mid, str) and mid:
            tracker = await self.tracker_store.retrieve(message.sender_id)
            replies = replies_to(list(tracker.events), mid) if tracker is not None else None
            if replies is not None:
                logger.info("a message was delivered again; answered from the conversation")
                for reply in replies:
                    await message.output_channel.send_response(message.sender_id, reply)
                return None
        return await handle(self, message)

    wrapped.__wrapped__ = handle  # type: ignore[attr-defined]
    return wrapped


Parse = Callable[..., dict[str, Any]]


def cached_parse(parse: Parse, size: int) -> Parse:
    """Wrap ``MessageProcessor._parse_message_with_graph``: the NLU result of a text is fixed
    for a model, so the same text is parsed once ("Hallo", button payloads, the common
    questions). Texts with personal data in them are never kept (the cache would hold them
    beyond the turn); callers get a copy, since Rasa and the tracker store modify it."""
    cache: OrderedDict[tuple[int, str, bool], dict[str, Any]] = OrderedDict()

    def wrapped(self: Any, message: UserMessage, tracker: Any, only_output: bool = True) -> Any:
        text = message.text or ""
        key = (id(self.graph_runner), text, only_output)  # a new model: new keys
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return copy.deepcopy(hit)
        result = parse(self, message, tracker, only_output)
        if size > 0 and len(text) <= 500 and redact(text) == text:
            cache[key] = copy.deepcopy(result)
            while len(cache) > size:
                cache.popitem(last=False)
        return result

    wrapped.__wrapped__ = parse  # type: ignore[attr-defined]
    wrapped.cache = cache  # type: ignore[attr-defined]
    return wrapped


Keys = Callable[[Any, dict[str, str], list[Any]], set[str]]


def cached_rule_keys(find: Keys, size: int = 20_000) -> Keys:
    """Wrap ``RulePolicy._get_possible_keys``: which rules match a sequence of dialogue
    states is fixed for a trained policy, and Rasa checks every rule against every state for
    every prediction (the largest part of the Rasa server's CPU time after the fixes above).

    A rule longer than ``n`` states cannot look further back than ``n`` states (Rasa counts
    a rule as applicable once the turn index passes its length), so only the last ``n``
    states of the conversation go into the key and into the check, where ``n`` is the
    length of the longest rule: the same answer, and conversations share cache entries."""
    cache: OrderedDict[tuple[int, str], frozenset[str]] = OrderedDict()
    longest: dict[int, tuple[dict[str, str], int]] = {}  # id(lookup) -> (lookup, n)

    def wrapped(self: Any, lookup: dict[str, str], states: list[Any]) -> set[str]:
        known = longest.get(id(lookup))
        if known is None or known[0] is not lookup:
            n = max((len(json.loads(k)) for k in lookup), default=0)
            known = longest[id(lookup)] = (lookup, n)
        recent = states[max(0, len(states) - known[1]) :] if known[1] else []
        key = (id(lookup), json.dumps(recent, sort_keys=True, default=str))
        hit = cache.get(key)
        if hit is None:
            hit = frozenset(find(self, lookup, recent))
            cache[key] = hit
            while len(cache) > size:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return set(hit)

    wrapped.__wrapped__ = find  # type: ignore[attr-defined]
    wrapped.cache = cache  # type: ignore[attr-defined]
    return wrapped


class SequentialGraphRunner(DaskGraphRunner):
    """Rasa's prediction graph run in plain Python instead of through ``dask.get``.

    Rasa runs its prediction graph (NLU for each new text, policies for each action) through
    dask's scheduler, builds the minimal sub-graph for the targets again on every run, and
    formats every input into a debug message that is not logged; together about 8 % of the
    Rasa server's CPU per message. The same nodes are called with the same arguments as
    dask calls them: each need's ``(name, value)`` result, an input as ``(name, value)``,
    and a name that is neither as the plain string (dask passes unknown keys literally)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._minimal: dict[tuple[str, ...], GraphSchema] = {}

    def run(
        self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = list(targets) if targets else list(self._graph_schema.target_names)
        schema = self._minimal.get(tuple(run_targets))
        if schema is None:
            schema = self._graph_schema.minimal_graph_schema(run_targets)
            self._minimal[tuple(run_targets)] = schema
        results: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of "
                    "the input names passed to the `run` method are the same as node names "
                    "in the graph schema."
                )
            results[name] = (name, value)

        def compute(name: str) -> Any:
            if name in results:
                return results[name]
            node = schema.nodes.get(name)
            if node is None:
                return name
            args = [compute(need) for need in node.needs.values()]
            results[name] = self._instantiated_nodes[name](*args)
            return results[name]

        try:
            return dict(compute(target) for target in run_targets)
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e


_EVENT_TYPES: dict[str, type[Event] | None] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Rasa's ``Event.resolve_by_type`` walks every subclass of ``Event`` for every event it
    reads from the tracker store; the classes do not change while the server runs."""
    if type_name not in _EVENT_TYPES:
        try:
            _EVENT_TYPES[type_name] = _ORIGINAL_RESOLVE(type_name)
        except ValueError:
            _EVENT_TYPES[type_name] = None
    found = _EVENT_TYPES[type_name]
    if found is None and type_name != "topic":
        if default is not None:
            return default
        raise ValueError(f"Unknown event name '{type_name}'.")
    return found


_ORIGINAL_RESOLVE = Event.resolve_by_type
_ORIGINAL_IS_EMPTY = Domain.is_empty


def domain_is_empty(self: Domain) -> bool:
    """Rasa's processor asks for every message whether the domain is empty, which Rasa answers
    by building the whole domain as a dict, and an empty one, and comparing them. A loaded
    domain does not change; the answer is kept with the object."""
    known = self.__dict__.get("_foerderlotse_is_empty")
    if known is None:
        known = self.__dict__["_foerderlotse_is_empty"] = _ORIGINAL_IS_EMPTY(self)
    return bool(known)


def sooner_lock(lock: Any, wait: float) -> Any:
    """``LockStore.lock`` that looks for its turn every ``wait`` seconds."""

    @functools.wraps(lock)
    def wrapped(
        self: LockStore, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, **kw: Any
    ) -> Any:
        kw.setdefault("wait_time_in_seconds", wait)
        return lock(self, conversation_id, lock_lifetime, **kw)

    wrapped.sooner = True  # type: ignore[attr-defined]
    return wrapped


async def acquire_or_fail(
    self: LockStore, conversation_id: str, ticket: int, wait_time_in_seconds: float
) -> Any:
    """Rasa's ``_acquire_lock``, but a ticket that expired while it waited fails at once."""
    while True:
        lock = self.get_lock(conversation_id)
        if not lock:
            break
        if not lock.is_locked(ticket):
            return lock
        if all(t.number != ticket for t in lock.tickets):  # expired: its turn never comes
            break
        await asyncio.sleep(wait_time_in_seconds)
        self.update_lock(conversation_id)
    raise LockError(f"the lock ticket of a conversation expired while it waited ({ticket})")


def install(env: dict[str, str] | None = None) -> None:
    env = dict(os.environ) if env is None else env
    remote = rasa_action.RemoteAction
    if not hasattr(remote.run, "__wrapped__"):
        remote.run = resilient(remote.run)
    remote._validate_action_result = validate_action_result
    EndpointConfig.session = pooled_session
    if not hasattr(MessageProcessor.handle_message, "__wrapped__"):
        MessageProcessor.handle_message = once_per_message_id(MessageProcessor.handle_message)
    Event.resolve_by_type = staticmethod(resolve_by_type)
    Domain.is_empty = domain_is_empty
    if not hasattr(RulePolicy._get_possible_keys, "__wrapped__"):
        RulePolicy._get_possible_keys = cached_rule_keys(RulePolicy._get_possible_keys)
    parse = MessageProcessor._parse_message_with_graph
    if not hasattr(parse, "__wrapped__"):
        size = int(env.get("NLU_CACHE_SIZE", "5000"))
        MessageProcessor._parse_message_with_graph = cached_parse(parse, size)
    if not getattr(LockStore.lock, "sooner", False):  # (asynccontextmanager sets __wrapped__)
        LockStore.lock = sooner_lock(LockStore.lock, float(env.get("LOCK_WAIT", "0.2")))
    LockStore._acquire_lock = acquire_or_fail
    rasa_action.DEFAULT_REQUEST_TIMEOUT = float(env.get("ACTION_TIMEOUT", "20"))
    rasa_processor.DaskGraphRunner = SequentialGraphRunner
    dialogue_states.install()
    action_payload.install(env.get("ACTION_EVENTS", "turn"))
    debug_copies.install({name: importlib.import_module(name) for name in debug_copies.MODULES})


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
