"""NLU component: a personal health question or an emergency always reads as ``ask_medical_advice``.

The classifier learns the job's vocabulary, and can read "mon père fait un malaise, je
fais quoi ?" as something else; the bot must then still point to a doctor, 15 and 112.
The words that make a message a personal health question are in ``bot.safety``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.safety import is_personal_health_question
from components.intent_override import IntentOverride

MEDICAL_INTENT = "ask_medical_advice"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MedicalSafety(IntentOverride):
    def corrected(self, text: str, intent: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        return {"name": MEDICAL_INTENT, "confidence": 1.0} if is_personal_health_question(text) else None
