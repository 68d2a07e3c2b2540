"""Base of the trainable components whose training result is one JSON document in the model."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData


class LearntComponent(GraphComponent):
    LEARNT_FILE = "learnt.json"

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, learnt: Optional[Any] = None) -> None:
        self._config, self._storage, self._resource = config, model_storage, resource
        self.use(learnt)

    def use(self, learnt: Optional[Any]) -> None:
        """Takes what training learnt (None before training, or when the model lacks it)."""
        raise NotImplementedError

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "LearntComponent":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext, **kwargs: Any
    ) -> "LearntComponent":
        try:
            with model_storage.read_from(resource) as directory:
                learnt = json.loads((directory / cls.LEARNT_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            learnt = None
        return cls(config, model_storage, resource, learnt)

    def keep(self, learnt: Any) -> Resource:
        """Stores what training learnt in the model, and uses it."""
        with self._storage.write_to(self._resource) as directory:
            (directory / self.LEARNT_FILE).write_text(json.dumps(learnt, ensure_ascii=False), encoding="utf-8")
        self.use(learnt)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
