"""NLU component: a clear answer of the answer engine overrules a service intent.

Runs after the intent classifier and the entity extractor (whose program and language
entities it reads), before Rasa's fallback classifier. When the classifier's intent is one of the service intents of
``answering.arbiter`` and the answer engine (the same knowledge base the action server
answers from) has a clear fact for the message, the intent becomes the topic intent of that
fact's entry (``actions.topics``), so the dialogue answers the question; the classifier's
ranking is kept behind it. Only messages the classifier sends to a service intent are
looked at: the others cost nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.topics import TOPIC_PROGRAMS
from answering.arbiter import SERVICE_WORDS, STRONG, overrule
from answering.engine import AnswerEngine
from answering.retrieval import Query
from knowledge.index import KnowledgeIndex
from nlu.entities import finder_for, knowledge_root
from nlu.language import guess_language

logger = logging.getLogger(__name__)
FALLBACK_INTENT = "ask_weiterbildung_foerderung"  # no topic intent lists the entry, none ranked


def topic_intent(entry: str, ranking: list[dict[str, Any]]) -> str:
    """The topic intent that lists ``entry``, the classifier's best such one first."""
    owners = [i for i, entries in TOPIC_PROGRAMS.items() if entry in entries]
    ranked = [r["name"] for r in ranking if r.get("name") in TOPIC_PROGRAMS]
    for name in ranked:
        if name in owners:
            return name
    return owners[0] if owners else (ranked[0] if ranked else FALLBACK_INTENT)


def query_of(message: Message, text: str) -> Query:
    """The engine's query from what the extractor (earlier in the pipeline) found: the
    programs the message names and its language, as the action server will see them."""
    entities = message.get(ENTITIES) or []
    named = tuple(dict.fromkeys(e["value"] for e in entities if e.get("entity") == "program"))
    langs = [e["value"] for e in entities if e.get("entity") == "language"]
    return Query(text=text, lang=langs[0] if langs else guess_language(text), named=named)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionArbiter(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"knowledge_dir": None, "strong": STRONG}

    def __init__(
        self,
        engine_factory: Callable[[], AnswerEngine],
        strong: float = STRONG,
        *,
        warm: bool = False,
    ) -> None:
        self._factory = engine_factory
        self.strong = strong
        self._engine: AnswerEngine | None = None
        self._lock = threading.Lock()
        if warm:  # built before the server says it is up, not on the first service request
            # (in a thread beside the start, the first visitor of a new instance waited for it)
            _ = self.engine

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionArbiter:
        root = knowledge_root(config.get("knowledge_dir"))
        strong = float(config.get("strong", STRONG))
        # the knowledge base the featurizer and extractor loaded already (one per process)
        return cls(lambda: AnswerEngine(KnowledgeIndex(finder_for(root).kb)), strong, warm=True)

    @property
    def engine(self) -> AnswerEngine:
        with self._lock:
            if self._engine is None:
                self._engine = self._factory()
            return self._engine

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            text = message.get(TEXT) or ""
            if intent not in SERVICE_WORDS or not text.strip():
                continue
            query = query_of(message, text)
            verdict = overrule(intent, query, self.engine, self.strong)
            if verdict is None:
                continue
            ranking = list(message.get(INTENT_RANKING_KEY) or [])
            name = topic_intent(verdict.entry, ranking)
            confidence = max(0.9, float((message.get(INTENT) or {}).get("confidence", 0.0)))
            new = {"name": name, "confidence": confidence}
            rest = [r for r in ranking if r.get("name") != name]
            message.set(INTENT, new, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [new, *rest], add_to_output=True)
            logger.debug("service intent %s overruled by a fact of %s", intent, verdict.entry)
        return messages
