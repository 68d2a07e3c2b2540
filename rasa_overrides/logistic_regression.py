"""NLU component: Rasa's LogisticRegressionClassifier with its weights stored column-major.

scikit-learn scores a message as ``X @ coef_.T``. Its fitted ``coef_`` is row-major
(one row per intent), so ``coef_.T`` is column-major, and SciPy copies the whole
matrix into row-major order before multiplying a sparse row by it: the copy of
every weight, at every message, was most of the classifier's time. Holding the
same numbers column-major makes ``coef_.T`` row-major and the copy disappears.
Same weights, same arithmetic, bitwise the same probabilities
(``tests/test_overrides.py``); figures in ``bench/choices.md``.
"""

from __future__ import annotations

from typing import Any, Dict, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier


def store_weights_column_major(classifier: Any) -> None:
    """Lay a fitted linear model's ``coef_`` out so that ``coef_.T`` is row-major."""
    if hasattr(classifier, "coef_"):
        classifier.coef_ = np.asfortranarray(classifier.coef_)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class ColumnMajorLogisticRegressionClassifier(LogisticRegressionClassifier):
    def persist(self) -> None:
        # Rasa's train() persists once fitted: the stored model has the layout too (skops keeps it).
        store_weights_column_major(self.clf)
        super().persist()

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ColumnMajorLogisticRegressionClassifier":
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        store_weights_column_major(component.clf)
        return component  # type: ignore[return-value]
