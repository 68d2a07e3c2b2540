"""NLU component: a question about another job's own facts (« une secrétaire médicale, ça gagne
combien ? ») is ``out_of_scope``, as the NLU contract says, whatever topic its words suggest.

The classifier reads « gagne combien » and answers ``ask_salary``; whether the job asked about
is the assistant médical or a neighbouring one is read by ``bot.neighbours``. The bot's answer
is the same either way (the link with the assistant médical and the job's own page): this sets
the intent that the careers service's dashboard and the contract see.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge import KnowledgeBase, load_knowledge_base
from bot.neighbours import OTHER_JOB_INTENT, asks_about_another_job
from components.intent_override import IntentOverride


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NeighbourJob(IntentOverride):
    _kb: KnowledgeBase | None = None

    def process(self, messages: List[Message]) -> List[Message]:
        if NeighbourJob._kb is None:
            NeighbourJob._kb = load_knowledge_base()
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            # A route of the knowledge base named (the ARM diploma is one) is ours to answer.
            routes = [e for e in message.get(ENTITIES) or [] if e.get("entity") == "formation_type"]
            if text.startswith("/") or routes or not asks_about_another_job(NeighbourJob._kb, text, intent.get("name") or ""):
                continue
            corrected = {"name": OTHER_JOB_INTENT, "confidence": intent.get("confidence", 1.0)}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != OTHER_JOB_INTENT]
            message.set(INTENT, corrected, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [corrected] + ranking, add_to_output=True)
        return messages
