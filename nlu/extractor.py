"""Rasa entity extractor generated from the knowledge base (see ``nlu.entities``)."""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.entities import EntityFinder, finder_for, found_in, knowledge_root
from nlu.language import guess_language

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class KnowledgeEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds program, landkreis, plz, company_size, role, situation and language entities.

    Not trainable: the gazetteers are rebuilt from the knowledge base whenever the model is
    loaded, so a knowledge-base edit needs no retraining.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"knowledge_dir": None, "detect_language": True}

    def __init__(self, config: dict[str, Any], finder: EntityFinder) -> None:
        self._config = config
        self.finder = finder

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeEntityExtractor:
        root = knowledge_root(config.get("knowledge_dir"))
        finder = finder_for(root)
        logger.info("entity gazetteers built from %s: %s", root, finder.kb.counts())
        return cls(config, finder)

    def entities_for(self, text: str, message: Message | None = None) -> list[dict[str, Any]]:
        found = found_in(message, self.finder) if message is not None else self.finder.find(text)
        entities = [e.as_rasa() for e in found]
        if self._config.get("detect_language", True):
            lang = guess_language(text, default="")
            if lang:
                entities.append({"entity": "language", "value": lang, "confidence_entity": 1.0})
        return entities

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            extracted = self.add_extractor_name(self.entities_for(text, message))
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
