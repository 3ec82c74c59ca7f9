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


def _random_message(rng: Any, widths: list[tuple[str, int, bool]]) -> Message:
    """A message with sparse and dense, sentence and sequence features of several origins."""
    import scipy.sparse
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
    from rasa.shared.nlu.training_data.features import Features

    features = []
    tokens = int(rng.integers(1, 6))
    for origin, width, dense in widths:
        for kind, height in ((FEATURE_TYPE_SEQUENCE, tokens), (FEATURE_TYPE_SENTENCE, 1)):
            values = rng.integers(0, 3, size=(height, width)) * (rng.random((height, width)) < 0.3)
            matrix = values.astype(float) if dense else scipy.sparse.coo_matrix(values)
            features.append(Features(matrix, kind, TEXT, origin))
    rng.shuffle(features)  # Rasa keeps the order the featurizers added them in
    return Message(data={TEXT: "x"}, features=features)


@pytest.mark.parametrize("seed", range(20))
def test_intent_features_are_rasas_matrix(context: tuple, seed: int) -> None:
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    from nlu.intent_classifier import TunedLogisticRegressionClassifier

    rng = np.random.default_rng(seed)
    widths = [
        ("cvf-words", int(rng.integers(1, 40)), False),
        ("cvf-chars", int(rng.integers(1, 80)), False),
        ("kb", int(rng.integers(1, 10)), False),
        *([("dense", int(rng.integers(1, 8)), True)] if seed % 2 else []),
    ]
    messages = [_random_message(rng, widths) for _ in range(int(rng.integers(1, 6)))]
    # every message lists its features in the same order (as one pipeline makes them)
    order = [(f.origin, f.type, f.is_dense()) for f in messages[0].features]
    for m in messages[1:]:
        m.features.sort(key=lambda f: order.index((f.origin, f.type, f.is_dense())))
    component = TunedLogisticRegressionClassifier.create(
        TunedLogisticRegressionClassifier.get_default_config(), *context
    )
    ours = component._create_X(messages)
    theirs = LogisticRegressionClassifier._create_X(component, messages)
    assert ours.shape == theirs.shape
    assert (ours != theirs).nnz == 0


@pytest.mark.parametrize("classes", [2, 3, 12])
def test_intent_probabilities_are_sklearns(context: tuple, classes: int) -> None:
    import numpy as np
    import scipy.sparse

    from nlu.intent_classifier import TunedLogisticRegressionClassifier

    rng = np.random.default_rng(classes)
    X = scipy.sparse.random(120, 300, density=0.05, format="csr", random_state=classes)
    y = np.array([f"intent_{i % classes}" for i in range(120)])
    component = TunedLogisticRegressionClassifier.create(
        TunedLogisticRegressionClassifier.get_default_config(), *context
    )
    component.clf.fit(X, y)
    probe = scipy.sparse.random(7, 300, density=0.05, format="csr", random_state=99)
    ours = component.probabilities(probe)
    assert ours.shape == (7, classes)
    assert np.allclose(ours, component.clf.predict_proba(probe), rtol=1e-10, atol=1e-12)
    assert np.allclose(ours.sum(axis=1), 1.0)
    component.clf.fit(X, rng.permutation(y))  # trained again: new coefficients are used
    assert np.allclose(component.probabilities(probe), component.clf.predict_proba(probe))


def test_intent_process_ranks_like_rasa(context: tuple) -> None:
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import INTENT

    from nlu.intent_classifier import TunedLogisticRegressionClassifier

    rng = np.random.default_rng(5)
    widths = [("a", 30, False), ("b", 50, False)]
    train = [_random_message(rng, widths) for _ in range(60)]
    component = TunedLogisticRegressionClassifier.create(
        {**TunedLogisticRegressionClassifier.get_default_config(), "ranking_length": 4}, *context
    )
    X = component._create_X(train)
    component.clf.fit(X, [f"i{k % 6}" for k in range(60)])
    probe = [_random_message(rng, widths) for _ in range(5)]
    twins = [Message(data=dict(m.data), features=list(m.features)) for m in probe]
    component.process(probe)
    LogisticRegressionClassifier.process(component, twins)
    for ours, theirs in zip(probe, twins, strict=True):
        assert ours.get(INTENT)["name"] == theirs.get(INTENT)["name"]
        assert [r["name"] for r in ours.get("intent_ranking")] == [
            r["name"] for r in theirs.get("intent_ranking")
        ]
        assert len(ours.get("intent_ranking")) == 4
        assert np.allclose(
            [r["confidence"] for r in ours.get("intent_ranking")],
            [r["confidence"] for r in theirs.get("intent_ranking")],
        )


@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
def test_count_vectors_make_rasas_sentence_rows_and_no_token_rows(
    context: tuple, analyzer: str
) -> None:
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
        CountVectorsFeaturizer,
    )
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.count_vectors import SentenceCountVectorsFeaturizer

    texts = [
        ("Wer bezahlt meine Weiterbildung?", "ask_topic"),
        ("Gibt es Geld für den Meister?", "ask_topic"),
        ("Hallo zusammen", "greet"),
        ("Guten Morgen, ich habe eine Frage", "greet"),
        ("Wir sind 45 Leute in Öhringen", "inform"),
    ]
    config = {**CountVectorsFeaturizer.get_default_config(), "analyzer": analyzer}
    if analyzer == "char_wb":
        config.update(min_ngram=2, max_ngram=4)

    def featurized(cls: type, probe: str) -> Message:
        examples = []
        for text, intent in texts:
            m = tokenize(text, context)
            m.set(INTENT, intent)
            examples.append(m)
        featurizer = cls.create(config, *context)
        featurizer.train(TrainingData(examples))
        message = tokenize(probe, context)
        featurizer.process([message])
        return message

    for probe in ("Wer bezahlt den Meisterkurs in Öhringen?", "Hallo", "xyz"):
        ours = featurized(SentenceCountVectorsFeaturizer, probe)
        theirs = featurized(CountVectorsFeaturizer, probe)
        assert [f.type for f in ours.features] == [FEATURE_TYPE_SENTENCE]
        assert {f.type for f in theirs.features} == {FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE}
        (mine,) = ours.features
        (rasas,) = [f for f in theirs.features if f.type == FEATURE_TYPE_SENTENCE]
        assert mine.features.shape == rasas.features.shape
        assert (mine.features.tocsr() != rasas.features.tocsr()).nnz == 0
        assert (mine.features.nnz > 0) == (probe != "xyz")
