"""Helpers shared by the action shells: reading the tracker, sending replies."""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import Message
from actions.recommend import pick_role
from actions.runtime import default_index, default_search
from actions.search import KnowledgeSearch
from knowledge.index import KnowledgeIndex
from knowledge.schema import Landkreis
from nlu.company_size import parse_company_size

OUTSIDE = "ausserhalb"  # landkreis slot value for places outside both regions


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

    @property
    def index(self) -> KnowledgeIndex:
        if self._index is None:
            self._index = default_index()
        return self._index

    @property
    def search(self) -> KnowledgeSearch:
        if self._search is None:
            self._search = (
                default_search() if self._index is None else KnowledgeSearch(self._index.kb)
            )
        return self._search

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
