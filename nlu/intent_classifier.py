"""Intent classifier: Rasa's logistic regression on the sparse and dense sentence features,
with its regularisation strength as a setting (Rasa's fixes ``C`` at 1.0).

Chosen over DIET for speed (README, "Performance"): it trains in seconds instead of minutes,
answers in well under a millisecond instead of several, and keeps TensorFlow's graph
functions out of the Rasa process.

The fitted model is stored as plain arrays (``numpy.savez`` without pickle) instead of
Rasa's skops file: loading skops first indexes every type of every imported module, which
with TensorFlow in the process cost about 4 s of each start. Arrays without pickle are as
safe to load from an untrusted model file as skops' trusted-type check.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import RANKING_LENGTH  # a plain constants module

# what predict_proba needs from a fitted sklearn LogisticRegression
FITTED = ("coef_", "intercept_", "classes_", "n_iter_")

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.C = float(self.config["C"])
        self._coef_t: tuple[np.ndarray, np.ndarray] | None = None  # (coef_, its transpose)

    def process(self, messages: list[Message]) -> list[Message]:
        """Rasa's ``process`` with the probabilities from ``probabilities``."""
        probas = self.probabilities(self._create_X(messages))
        intents = self.clf.classes_
        for idx, message in enumerate(messages):
            ranking = sorted(
                ({"name": k, "confidence": v} for k, v in zip(intents, probas[idx], strict=True)),
                key=lambda e: -e["confidence"],
            )
            intent = ranking[0]
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def probabilities(self, X: scipy.sparse.csr_matrix) -> np.ndarray:
        """``predict_proba`` of the multinomial model as one product and a softmax: sklearn
        1.1 takes about 0.5 ms per message for its checks and a sparse product with the
        transposed (column-major) coefficients, this 10 µs. Other models: sklearn's own."""
        clf = self.clf
        multinomial = clf.multi_class == "multinomial" or (
            clf.multi_class == "auto" and clf.classes_.size > 2 and clf.solver != "liblinear"
        )
        if not multinomial:
            return np.asarray(clf.predict_proba(X))
        if self._coef_t is None or self._coef_t[0] is not clf.coef_:
            self._coef_t = (clf.coef_, np.ascontiguousarray(clf.coef_.T))
        scores = np.asarray(X @ self._coef_t[1], dtype=float) + clf.intercept_
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def _create_X(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        """Rasa's feature matrix (sparse sentence features of the text in pipeline order, then
        the dense ones), built in one step. Rasa combines the sequence features too, which this
        classifier never reads, and stacks one small scipy matrix at a time: together a fifth
        of the Rasa server's CPU per new text (py-spy). A test compares both."""
        data: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        width = 0
        for row, message in enumerate(messages):
            offset = 0
            sentence = [
                f
                for f in message.features
                if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE
            ]
            for dense in (False, True):  # Rasa: hstack([sparse combined, dense combined])
                for f in sentence:
                    if f.is_dense() != dense:
                        continue
                    if dense:
                        values = np.asarray(f.features).reshape(-1)
                        cols = np.nonzero(values)[0]
                        values = values[cols]
                    else:
                        coo = f.features.tocoo()
                        values, cols = coo.data, coo.col
                    data.append(values)
                    columns.append(cols + offset)
                    rows.append(np.full(len(cols), row))
                    offset += f.features.shape[-1]
            width = max(width, offset)
        if not data:
            return scipy.sparse.csr_matrix((len(messages), width))
        matrix = scipy.sparse.csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(columns))),
            shape=(len(messages), width),
        )
        matrix.sum_duplicates()
        return matrix

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            arrays = {key: np.asarray(getattr(self.clf, key)) for key in FITTED}
            arrays["classes_"] = arrays["classes_"].astype(str)
            np.savez(model_dir / "classifier.npz", **arrays)
            meta = {"n_features_in_": int(self.clf.n_features_in_)}
            (model_dir / "classifier.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TunedLogisticRegressionClassifier:
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / "classifier.npz", allow_pickle=False) as arrays:
                    for key in FITTED:
                        setattr(component.clf, key, arrays[key])
                meta = json.loads((model_dir / "classifier.json").read_text(encoding="utf-8"))
        except (ValueError, OSError, KeyError) as exc:
            # Rasa's own fallback (e.g. a model without intents), but said loudly: a model
            # from before this file format classifies nothing until it is trained again
            logger.warning("Intent classifier not loaded (%s): train the model again", exc)
            return component
        component.clf.n_features_in_ = int(meta["n_features_in_"])
        return component
