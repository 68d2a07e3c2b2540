"""NLU component: a personal health question or an emergency always reads as ``ask_medical_advice``.

The classifier learns the job's vocabulary, and can read "mon père fait un malaise, je
fais quoi ?" as something else; the bot must then still point to a doctor, 15 and 112.
The words that make a message a personal health question are in ``bot.safety``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import is_personal_health_question

MEDICAL_INTENT = "ask_medical_advice"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MedicalSafety(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MedicalSafety":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not is_personal_health_question(text):
                continue
            medical = {"name": MEDICAL_INTENT, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != MEDICAL_INTENT]
            message.set(INTENT, medical, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [medical] + ranking, add_to_output=True)
        return messages
