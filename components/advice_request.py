"""NLU component: « vous pouvez me conseiller une formation ? » is a request for advice, not for a person;
« où je peux faire la formation ? » is a question about the trainings, not a request for advice.

The classifier reads the word « conseiller » and often answers ``request_human``; the
grammar (a verb with « me », no person asked for) is read by ``bot.requests``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.requests import asks_about_trainings_not_advice, asks_for_advice_not_a_person, wants_experience_recognised
from components.intent_override import IntentOverride

HUMAN_INTENT = "request_human"
# Never taken for a request for advice: health, a person, the conversation's own requests.
NEVER_OVERRIDDEN = ("ask_medical_advice", "request_human", "stop_interview", "restart_interview", "give_feedback")
ADVICE_INTENT = "request_pathway"
TRAININGS_INTENT = "ask_training_paths"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AdviceRequest(IntentOverride):
    def corrected(self, text: str, intent: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        # A wish to have one's experience recognised is a request for advice: the interview finds the route (the VAE).
        if intent.get("name") not in (ADVICE_INTENT, *NEVER_OVERRIDDEN) and wants_experience_recognised(text):
            return {"name": ADVICE_INTENT, "confidence": intent.get("confidence", 1.0)}
        # « où je peux faire la formation ? » asks about the trainings: answered, the interview offered with it.
        if intent.get("name") == ADVICE_INTENT and asks_about_trainings_not_advice(text):
            return {"name": TRAININGS_INTENT, "confidence": intent.get("confidence", 1.0)}
        if intent.get("name") != HUMAN_INTENT or not asks_for_advice_not_a_person(text):
            return None
        return {"name": ADVICE_INTENT, "confidence": intent.get("confidence", 1.0)}
