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
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

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
