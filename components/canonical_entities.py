"""NLU component: canonical entity values, robust to accents and typos.

Runs after the intent classifier and EntitySynonymMapper. It is the entity
extractor: it finds every known surface form (or a close misspelling) in the
text and gives the canonical value of the NLU contract; an entity set by an
earlier extractor, if the pipeline has one, is mapped to its canonical value.
The surface forms are learnt from the training data (synonyms and annotated
examples), so they live in one place: ``data/nlu/``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.vocabulary import EntityVocabulary, normalize, vocabulary_from_pairs
from components.learnt import LearntComponent

# Entity scanning is linear in the text; longer texts are scanned on their start only.
MAX_SCANNED_CHARACTERS = 600


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class CanonicalEntities(LearntComponent):
    LEARNT_FILE = "vocabulary.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"entities": ["formation_type", "term", "situation", "financing"]}

    def use(self, learnt: Optional[Dict[str, Any]]) -> None:
        learnt = learnt or {"pairs": [], "known_words": []}
        self._vocabulary: EntityVocabulary = vocabulary_from_pairs([tuple(p) for p in learnt["pairs"]], learnt["known_words"])

    def train(self, training_data: TrainingData) -> Resource:
        wanted = set(self._config["entities"])
        pairs = set()
        values: Dict[str, set] = {entity: set() for entity in wanted}
        for example in training_data.entity_examples:
            for entity in example.get(ENTITIES, []):
                if entity[ENTITY_ATTRIBUTE_TYPE] in wanted:
                    values[entity[ENTITY_ATTRIBUTE_TYPE]].add(entity[ENTITY_ATTRIBUTE_VALUE])
                    text = example.get(TEXT)[entity["start"] : entity["end"]]
                    pairs.add((entity[ENTITY_ATTRIBUTE_TYPE], text, entity[ENTITY_ATTRIBUTE_VALUE]))
        # Synonyms do not say which entity they belong to: attach each to the entity that uses its value.
        for surface, value in training_data.entity_synonyms.items():
            for entity, known in values.items():
                if value in known:
                    pairs.add((entity, surface, value))
        known_words = {word for example in training_data.training_examples for word in normalize(example.get(TEXT) or "").split()}
        return self.keep({"pairs": sorted([list(p) for p in pairs]), "known_words": sorted(known_words)})

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._canonicalize(message)
        return messages

    def _canonicalize(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        wanted = set(self._config["entities"])
        kept = []
        for entity in message.get(ENTITIES, []):
            if entity[ENTITY_ATTRIBUTE_TYPE] in wanted:
                value = self._vocabulary.canonical(entity[ENTITY_ATTRIBUTE_TYPE], str(entity[ENTITY_ATTRIBUTE_VALUE]))
                if value is None and entity[ENTITY_ATTRIBUTE_VALUE] not in self._vocabulary.values(entity[ENTITY_ATTRIBUTE_TYPE]):
                    continue  # a span that is no known form of this entity: a false positive
                entity = {**entity, ENTITY_ATTRIBUTE_VALUE: value or entity[ENTITY_ATTRIBUTE_VALUE]}
            kept.append(entity)
        for found in self._vocabulary.find(text[:MAX_SCANNED_CHARACTERS]):
            overlaps = any(e["start"] < found.end and found.start < e["end"] and e[ENTITY_ATTRIBUTE_TYPE] == found.entity for e in kept)
            same = any(e[ENTITY_ATTRIBUTE_TYPE] == found.entity and e[ENTITY_ATTRIBUTE_VALUE] == found.value for e in kept)
            if not overlaps and not same:
                kept.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: found.entity,
                        ENTITY_ATTRIBUTE_VALUE: found.value,
                        "start": found.start,
                        "end": found.end,
                        "confidence_entity": 1.0,
                        "extractor": self.__class__.__name__,
                    }
                )
        message.set(ENTITIES, sorted(kept, key=lambda e: e.get("start", 0)), add_to_output=True)
