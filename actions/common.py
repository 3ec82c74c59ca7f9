"""Helpers shared by the action shells: reading the tracker, sending replies."""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.recommend import pick_role
from actions.runtime import default_engine, default_index, default_search
from actions.search import KnowledgeSearch
from actions.topics import TOPIC_PROGRAMS
from answering.arbiter import STRONG
from answering.decision import Answer, Ask, KnownTopic, Nothing
from answering.engine import AnswerEngine
from answering.formatting import Message
from answering.retrieval import Query
from knowledge.index import KnowledgeIndex
from knowledge.schema import Landkreis
from nlu.company_size import parse_company_size

OUTSIDE = "ausserhalb"
OFF_TOPIC_MARGIN = 0.25  # extra score a fact needs to answer what the NLU calls off-topic
PLACE_ENTITIES = (
    "landkreis",
    "plz",
    "land",
    "company_size",
)  # landkreis slot value for places outside both regions


def entity_values(tracker: Tracker, name: str) -> list[str]:
    return [
        str(e["value"])
        for e in tracker.latest_message.get("entities", []) or []
        if e.get("entity") == name and e.get("value") is not None
    ]


def latest_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text  # button payloads carry no words


def question_text(tracker: Tracker) -> str:
    """The words of the question: the latest message, or after a disambiguation button
    (a payload without words) the unclear message the buttons were offered for."""
    return latest_text(tracker) or (tracker.get_slot("unclear_text") or "")


def language(tracker: Tracker) -> str:
    values = entity_values(tracker, "language")
    if values:
        return values[-1]
    return "en" if tracker.get_slot("language") == "en" else "de"


def as_int(value: Any) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def send(dispatcher: CollectingDispatcher, messages: list[Message]) -> None:
    for m in messages:
        dispatcher.utter_message(text=m["text"], buttons=m.get("buttons") or [])


class KnowledgeAction(Action, abc.ABC):
    """Base for actions that read the knowledge base; tests inject their own index.
    Abstract, so that rasa-sdk does not register it as an action itself."""

    def __init__(
        self, index: KnowledgeIndex | None = None, search: KnowledgeSearch | None = None
    ) -> None:
        self._index = index
        self._search = search
        self._engine: AnswerEngine | None = None
        self._injected = index is not None  # else the process's shared index, search, engine

    @property
    def index(self) -> KnowledgeIndex:
        if self._index is None:
            self._index = default_index()
        return self._index

    @property
    def search(self) -> KnowledgeSearch:
        if self._search is None:
            self._search = (
                default_search() if not self._injected else KnowledgeSearch(self.index.kb)
            )
        return self._search

    @property
    def engine(self) -> AnswerEngine:
        if self._engine is None:
            self._engine = AnswerEngine(self.index) if self._injected else default_engine()
        return self._engine

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    # -- tracker readings resolved against the knowledge base ------------------------------
    def role(self, tracker: Tracker) -> str | None:
        return pick_role(entity_values(tracker, "role")) or tracker.get_slot("role")

    def employees(self, tracker: Tracker) -> int | None:
        sizes = entity_values(tracker, "company_size")
        if sizes:
            return as_int(sizes[0])
        parsed = parse_company_size(latest_text(tracker))
        return parsed.employees if parsed else as_int(tracker.get_slot("company_size"))

    def landkreise(self, tracker: Tracker) -> list[Landkreis]:
        """Districts named now (town, district, postcode), else the remembered one."""
        kb = self.index.kb
        named = [
            kb.landkreise[i] for i in entity_values(tracker, "landkreis") if i in kb.landkreise
        ]
        for plz in entity_values(tracker, "plz"):
            named += [lk for lk in self.index.landkreise_for_plz(plz) if lk not in named]
        if named:
            return named
        remembered = tracker.get_slot("landkreis")
        if remembered in kb.landkreise:
            return [kb.landkreise[remembered]]
        plz = tracker.get_slot("plz")
        return self.index.landkreise_for_plz(plz) if plz else []

    def landkreis(self, tracker: Tracker) -> Landkreis | None:
        found = self.landkreise(tracker)
        return found[0] if found else None

    def place_words(self, tracker: Tracker) -> tuple[str, ...]:
        """The words of the places and the company size the turn names (entity spans, the
        districts' names and towns, the size), which say where and how big, not what."""
        text = tracker.latest_message.get("text") or ""
        found: list[str] = []
        for e in tracker.latest_message.get("entities", []) or []:
            if e.get("entity") in PLACE_ENTITIES and "start" in e and "end" in e:
                found.append(text[e["start"] : e["end"]])
        found += entity_values(tracker, "company_size")
        for lk in self.landkreise(tracker):
            found += [lk.name, lk.seat, *lk.aliases, *(t.name for t in lk.towns)]
        return tuple(found)

    def land(self, tracker: Tracker, landkreis: Landkreis | None) -> str | None:
        """The Land the asker is in: named now, a district's, or remembered."""
        named = entity_values(tracker, "land")
        if named:
            return named[-1]
        if landkreis is not None:
            return landkreis.state.value
        remembered = tracker.get_slot("land")
        return remembered if remembered in ("BW", "TH") else None

    def query(self, tracker: Tracker, text: str, intent_entries: tuple[str, ...] = ()) -> Query:
        """The message and what the conversation knows, for the answer engine."""
        named = [p.id for p in self.index.find_programs(text)]
        named += [v for v in entity_values(tracker, "program") if v not in named]
        landkreis = self.landkreis(tracker)
        employees = self.employees(tracker)
        # a company size in the turn ("wir sind 45 Leute") speaks for the company
        role = self.role(tracker) or ("employer" if employees is not None else None)
        return Query(
            text=text,
            lang=language(tracker),
            named=tuple(named),
            remembered=tracker.get_slot("program"),
            intent_entries=intent_entries,
            role=role,
            land=self.land(tracker, landkreis),
            employees=employees,
            entity_words=self.place_words(tracker),
        )

    def clear_answer(self, tracker: Tracker, text: str, intent: str) -> bool:
        """The engine answers ``text`` with a clear fact (``answering.arbiter.STRONG``): it
        wins over a guess from the words alone (a figure the knowledge base cannot have)."""
        decision, ranked = self.engine.decide(
            self.query(tracker, text, TOPIC_PROGRAMS.get(intent, ()))
        )
        return isinstance(decision, Answer) and ranked[0].score >= STRONG

    def answer_offered_fact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType] | None:
        """A tapped "Meinten Sie …?" button (``/inform{"fact": key}``): that fact's answer.
        None when the turn has no such key, or the key names no fact (a button from before
        the knowledge base changed): the caller answers its own way."""
        keys = entity_values(tracker, "fact")
        if not keys or latest_text(tracker):
            return None
        query = self.query(tracker, "")
        outcome = self.engine.answer_fact(keys[0], query, self.landkreis(tracker))
        if outcome is None or outcome.entry is None:
            return None
        send(dispatcher, outcome.messages)
        return [SlotSet("program", outcome.entry), SlotSet("unclear_text", None)]

    def answer_question(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        text: str,
        intent: str,
        *,
        known_topic: bool = True,
    ) -> list[EventType] | None:
        """Reply with the answer engine: the answering fact, one question back, or (with
        ``known_topic``) what is known about the topic. None when it has nothing to say, so
        that the caller answers its own way."""
        query = self.query(tracker, text, TOPIC_PROGRAMS.get(intent, ()))
        decision, _ = self.engine.decide(query)
        if isinstance(decision, Nothing) or (isinstance(decision, KnownTopic) and not known_topic):
            return None
        if intent == "out_of_scope" and isinstance(decision, Answer):
            # the NLU takes it for off-topic: only a clear match about an entry the message
            # mentions overrules it ("Berufssprachkurs", not "Steuererklärung")
            # — or a message with a word of the assistant's field ("Ausbildung mit 30?")
            best = decision.facts[0]
            facts = self.engine.facts
            terms = frozenset(facts.analyzer.terms(text, query.lang))
            mentioned = set(query.named) | facts.mentioned(terms)
            clear = best.score >= self.engine.thresholds.answer + OFF_TOPIC_MARGIN
            if not (facts.in_scope(terms) or (best.fact.about in mentioned and clear)):
                return None
        messages = self.engine.messages(decision, query, self.landkreis(tracker))
        if not messages:
            return None
        send(dispatcher, messages)
        if isinstance(decision, Ask):
            return [SlotSet("unclear_text", text[:500])]
        entry = decision.facts[0].fact.about if isinstance(decision, Answer) else decision.entry
        events: list[EventType] = [SlotSet("program", entry)]
        if query.land and query.land != tracker.get_slot("land"):
            events.append(SlotSet("land", query.land))
        if intent in TOPIC_PROGRAMS and intent != tracker.get_slot("topic"):
            events.append(SlotSet("topic", intent))
        return events
