"""NLU component: Rasa's SpacyNLP without the spaCy pipes nothing here reads.

Rasa loads ``fr_core_news_md`` with only the parser disabled, so every message
also goes through spaCy's named-entity recogniser, whose output no component of
``config.yml`` uses (entities come from ``CanonicalEntities``). Leaving
it out halves spaCy's time per message (bench/choices.md) and changes no
feature: tokens, lemmas and vectors stay the same.

The class keeps the name ``SpacyNLP`` on purpose: Rasa's recipe wires
SpacyTokenizer and SpacyFeaturizer to the node whose class is named so.
"""

from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils

UNUSED_PIPES: List[Text] = ["parser", "ner"]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    def load_model(spacy_model_name: Text) -> spacy_utils.SpacyModel:
        loaded = spacy_utils.SpacyNLP.load_model(spacy_model_name)
        for pipe in UNUSED_PIPES:
            if pipe in loaded.model.pipe_names:
                loaded.model.disable_pipe(pipe)
        # The name is the model's fingerprint: it must change with the pipes.
        return spacy_utils.SpacyModel(model=loaded.model, model_name=f"{spacy_model_name} without {'+'.join(UNUSED_PIPES)}")
