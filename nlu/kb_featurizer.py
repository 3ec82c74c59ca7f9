"""Sparse features from the knowledge base for the intent classifier.

A message that names "Meister-BAföG" gets the feature ``topic:aufstieg``; "Azubi" gives
``role:apprentice``; "pleite" gives ``situation:insolvenz``. DIET thereby learns topics
rather than single aliases, and aliases that never occur in the training data still point
to the right intent. The feature vocabulary is fixed by the schema's enums, so a
knowledge-base edit changes which words fire, never the feature dimensions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.schema import ProgramState, Topic
from nlu.entities import EntityFinder, FoundEntity, finder_for, found_in, knowledge_root
from nlu.vocabulary import ROLE_PHRASES, SITUATION_PHRASES

FEATURES: tuple[str, ...] = (
    *(f"topic:{t.value}" for t in Topic),
    *(f"role:{r}" for r in ROLE_PHRASES),
    *(f"situation:{s}" for s in SITUATION_PHRASES),
    "place",
    "plz",
    "company_size",
    "program",
    "program_ended",
)
INDEX = {name: i for i, name in enumerate(FEATURES)}


def feature_names(entity: FoundEntity, finder: EntityFinder) -> list[str]:
    if entity.entity == "program":
        program = finder.kb.programs.get(entity.value)
        names = ["program"]
        if program is not None:
            names += [f"topic:{t.value}" for t in program.topics]
            if program.status.state == ProgramState.ended:
                names.append("program_ended")
        return names
    if entity.entity in ("role", "situation"):
        return [f"{entity.entity}:{entity.value}"]
    if entity.entity == "landkreis":
        return ["place"]
    if entity.entity in ("plz", "company_size"):
        return [entity.entity]
    return []


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class KnowledgeFeaturizer(SparseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**SparseFeaturizer.get_default_config(), "knowledge_dir": None}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to validate beyond the defaults."""

    def __init__(self, config: dict[str, Any], name: str, finder: EntityFinder) -> None:
        super().__init__(name, config)
        self.finder = finder

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeFeaturizer:
        finder = finder_for(knowledge_root(config.get("knowledge_dir")))
        return cls(config, execution_context.node_name, finder)

    def features(
        self, message: Message, share: bool = False
    ) -> tuple[scipy.sparse.coo_matrix, scipy.sparse.coo_matrix]:
        """``share``: keep the entities on the message for the extractor (not in training,
        where Rasa caches the messages)."""
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        sequence = np.zeros((len(tokens), len(FEATURES)))
        sentence = np.zeros((1, len(FEATURES)))
        text = message.get(TEXT) or ""
        found = found_in(message, self.finder) if share else self.finder.find(text)
        for entity in found:
            for name in feature_names(entity, self.finder):
                column = INDEX[name]
                sentence[0, column] = 1.0
                for row, token in enumerate(tokens):
                    if token.start < entity.end and token.end > entity.start:
                        sequence[row, column] = 1.0
        return scipy.sparse.coo_matrix(sequence), scipy.sparse.coo_matrix(sentence)

    def _featurize(self, message: Message, share: bool = False) -> None:
        if message.get(TEXT) and message.get(TOKENS_NAMES[TEXT]):
            sequence, sentence = self.features(message, share)
            self.add_features_to_message(sequence, sentence, TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._featurize(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._featurize(message, share=True)
        return messages
