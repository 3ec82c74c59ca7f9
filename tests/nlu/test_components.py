"""The Rasa components: tokenizer, knowledge featurizer and entity extractor."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.extractor import KnowledgeEntityExtractor
from nlu.kb_featurizer import FEATURES, INDEX, KnowledgeFeaturizer
from nlu.tokenizer import GermanLemmaTokenizer


@pytest.fixture
def context(tmp_path: Any) -> tuple[LocalModelStorage, Resource, ExecutionContext]:
    storage = LocalModelStorage(tmp_path)
    return storage, Resource("test"), ExecutionContext(GraphSchema({}), node_name="test")


def tokenize(text: str, context: tuple) -> Message:
    tokenizer = GermanLemmaTokenizer.create(GermanLemmaTokenizer.get_default_config(), *context)
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    return message


def test_tokenizer_drops_punctuation_and_folds_lemmas(context: tuple) -> None:
    tokens = tokenize("Weiterbildungen für Azubis? Ja!", context).get(TOKENS_NAMES[TEXT])
    assert [(t.text, t.lemma, t.start) for t in tokens] == [
        ("Weiterbildungen", "weiterbildung", 0),
        ("für", "fuer", 16),
        ("Azubis", "azubis", 20),
        ("Ja", "ja", 28),
    ]


@pytest.mark.parametrize("text", ["?!", "🙂"])
def test_tokenizer_keeps_one_token_for_symbols_only(context: tuple, text: str) -> None:
    tokens = tokenize(text, context).get(TOKENS_NAMES[TEXT])
    assert [t.text for t in tokens] == [text]


def test_featurizer_marks_topics_roles_and_places(context: tuple) -> None:
    featurizer = KnowledgeFeaturizer.create(KnowledgeFeaturizer.get_default_config(), *context)
    message = tokenize("Azubi in Suhl, Meister-BAföG?", context)
    sequence, sentence = featurizer.features(message)
    active = {FEATURES[i] for i in sentence.toarray()[0].nonzero()[0]}
    assert active == {
        "role:apprentice",
        "place",
        "program",
        "topic:aufstieg",
        "topic:weiterbildung",
    }
    dense = sequence.toarray()
    assert dense.shape == (len(message.get(TOKENS_NAMES[TEXT])), len(FEATURES))
    assert dense[0, INDEX["role:apprentice"]] == 1.0  # the token "Azubi"
    assert dense[0, INDEX["place"]] == 0.0


def test_extractor_adds_to_existing_entities(context: tuple) -> None:
    extractor = KnowledgeEntityExtractor.create(
        KnowledgeEntityExtractor.get_default_config(), *context
    )
    existing = {"entity": "other", "value": "x", "start": 0, "end": 1}
    message = Message(
        data={TEXT: "How much Qualifizierungsgeld for 300 employees?", ENTITIES: [existing]}
    )
    extractor.process([message])
    entities = message.get(ENTITIES)
    assert entities[0] == existing
    assert [(e["entity"], e["value"], e["extractor"]) for e in entities[1:]] == [
        ("program", "qualifizierungsgeld", "KnowledgeEntityExtractor"),
        ("company_size", "300", "KnowledgeEntityExtractor"),
        ("language", "en", "KnowledgeEntityExtractor"),
    ]


def test_intent_classifier_round_trips_through_its_files(context: tuple) -> None:
    import numpy as np
    import scipy.sparse
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.intent_classifier import TunedLogisticRegressionClassifier

    def message(vector: list[float], intent: str | None = None) -> Message:
        data = {TEXT: "x", **({INTENT: intent} if intent else {})}
        features = Features(scipy.sparse.coo_matrix([vector]), FEATURE_TYPE_SENTENCE, TEXT, "test")
        return Message(data=data, features=[features])

    rows = [([1.0, 0.0, 0.0], "a"), ([0.0, 1.0, 0.0], "b"), ([0.0, 0.0, 1.0], "c")] * 4
    config = {**TunedLogisticRegressionClassifier.get_default_config(), "C": 10.0}
    trained = TunedLogisticRegressionClassifier.create(config, *context)
    trained.train(TrainingData([message(v, i) for v, i in rows]))
    trained.persist()
    loaded = TunedLogisticRegressionClassifier.load(config, *context)

    probe = [message([0.2, 0.9, 0.1]), message([0.0, 0.1, 0.8])]
    loaded.process(probe)
    assert [m.get(INTENT)["name"] for m in probe] == ["b", "c"]
    assert loaded.clf.C == 10.0
    x = np.array([[0.2, 0.9, 0.1]])
    assert np.allclose(loaded.clf.predict_proba(x), trained.clf.predict_proba(x))


def test_intent_classifier_without_files_loads_untrained(context: tuple) -> None:
    from nlu.intent_classifier import TunedLogisticRegressionClassifier

    config = TunedLogisticRegressionClassifier.get_default_config()
    loaded = TunedLogisticRegressionClassifier.load(config, *context)
    assert not hasattr(loaded.clf, "coef_")
