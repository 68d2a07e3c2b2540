"""NLU component: a message of words that mean nothing goes to the clarification.

The intent classifier gives every message one of its intents, even
"qsdlkfj pouet zzzz" (read as a greeting with confidence 0.66). When most words
of a message are unknown to the training data, have no meaning in spaCy's French
model and are not a misspelling of a training word (``bot.vocabulary.looks_random``),
the intent becomes ``nlu_fallback``, as Rasa's FallbackClassifier would set it, so
that the bot asks the visitor to rephrase.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.vocabulary import looks_random, normalize
from components.learnt import LearntComponent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RandomTextFallback(LearntComponent):
    LEARNT_FILE = "known_words.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"confidence": 1.0}

    def use(self, learnt: Optional[List[str]]) -> None:
        self._known = frozenset(learnt or ())

    def train(self, training_data: TrainingData) -> Resource:
        return self.keep(sorted({w for ex in training_data.training_examples for w in normalize(ex.get(TEXT) or "").split()}))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            doc = message.get(SPACY_DOCS[TEXT])
            if not text or text.startswith("/") or doc is None:
                continue
            words = [token.text for token in doc]
            has_meaning = {token.text: bool(token.has_vector) for token in doc}
            if looks_random(words, self._known, has_meaning):
                fallback = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": self._config["confidence"]}
                message.set(INTENT, fallback, add_to_output=True)
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != fallback["name"]]
                message.set(INTENT_RANKING_KEY, [fallback] + ranking, add_to_output=True)
        return messages
