"""Rasa's count-vectors featurizer without the sequence features of texts.

For every text Rasa's ``CountVectorsFeaturizer`` makes two matrices: one row per token
(sequence features, for DIET's transformer and the entity taggers) and one row for the whole
text (sentence features). The only reader of these features in this pipeline is the
logistic-regression intent classifier, and it reads the sentence row; the entities come from
the knowledge base. So for texts (and responses, action texts) only the sentence row is made:
half of the featurizer's work per message, the same intent features (a test compares them).
Attributes without a sentence row (intent and action names) keep Rasa's sequence features.
"""

from __future__ import annotations

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)

Rows = list[scipy.sparse.spmatrix | None]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    def _create_features(self, attribute: str, all_tokens: list[list[str]]) -> tuple[Rows, Rows]:
        if attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
            return super()._create_features(attribute, all_tokens)
        vectorizer = self.vectorizers.get(attribute)
        if not vectorizer:
            return [None], [None]
        sentence: Rows = []
        for tokens in all_tokens:
            if not tokens:
                sentence.append(None)
                continue
            row = vectorizer.transform([" ".join(tokens)])
            row.sort_indices()
            sentence.append(row.tocoo())
        return [None] * len(all_tokens), sentence
