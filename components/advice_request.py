"""NLU component: « vous pouvez me conseiller une formation ? » is a request for advice, not for a person.

The classifier reads the word « conseiller » and often answers ``request_human``; the
grammar (a verb with « me », no person asked for) is read by ``bot.requests``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.requests import asks_for_advice_not_a_person
from components.intent_override import IntentOverride

HUMAN_INTENT = "request_human"
ADVICE_INTENT = "request_pathway"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AdviceRequest(IntentOverride):
    def corrected(self, text: str, intent: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        if intent.get("name") != HUMAN_INTENT or not asks_for_advice_not_a_person(text):
            return None
        return {"name": ADVICE_INTENT, "confidence": intent.get("confidence", 1.0)}
