"""Rasa tokenizer on the shared German spaCy pipeline, with folded lookup lemmas."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu.german import encodable, german_nlp


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class GermanLemmaTokenizer(Tokenizer):
    """Splits German text with spaCy's rules; each token carries its folded lemma, so the
    count-vector featurizers see "Weiterbildungen" and "weiterbildung" as one word."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GermanLemmaTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = encodable(message.get(attribute) or "")
        doc = german_nlp()(text)
        tokens = [
            Token(t.text, t.idx, lemma=t.lemma_) for t in doc if not (t.is_punct or t.is_space)
        ]
        if not tokens:  # punctuation or emoji only: keep one token so featurizers have input
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)
