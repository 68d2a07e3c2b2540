"""NLU component: an intent that only payloads carry (``give_feedback``) is never the reading of a
typed message.

The classifier knows the intent from its payload example; a typed message it would read so
(« feedback », « give ») gets the classifier's next intent instead, which the FallbackClassifier
after this component then judges as usual. Payloads (« /give_feedback{...} ») are Rasa's own.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.feedback import PAYLOAD_ONLY_INTENTS
from components.intent_override import IntentOverride


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PayloadOnlyIntents(IntentOverride):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in PAYLOAD_ONLY_INTENTS]
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) in PAYLOAD_ONLY_INTENTS:
                # No other reading at all: a confidence of 0, which the FallbackClassifier turns into a fallback.
                intent = ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
                message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
