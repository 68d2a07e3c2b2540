"""A policy that reads the message as an answer first, whatever intent the NLU gave it.

During the interview, « non, j'ai mes indemnités chômage, le salaire c'est pas le sujet »
answers « Avez-vous besoin d'être rémunéré ? » even though the classifier hears a salary
question, and « rien de ma poche, c'est ma patronne qui règle » answers the budget. The rules
and stories send a question or a request in the middle of the form to its own answer; this
policy, above them in priority, gives the turn to the form unless the message asks something,
is a request about the conversation, or speaks of health (bot/interview.Turn.goes_to_the_form).
When the question has waited twice, or the visitor repeats a message, every reading is taken:
the bot never answers the same way a third time. The form's validation reads it the same way.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.feedback import PAYLOAD_ONLY_INTENTS
from bot.interview import history_of, is_stuck, pending_since, read_turn
from bot.knowledge import KnowledgeBase, load_knowledge_base


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class FormAnswerPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Above RulePolicy (6): an answer to the question asked goes to the form first.
        return {"priority": 7, "form": "orientation_form"}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self._kb: Optional[KnowledgeBase] = None

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        # Nothing to learn: the reading is bot/parsing.py's.
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, rule_only_data: Optional[Dict[Text, Any]] = None, **kwargs: Any
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        form = self.config["form"]
        if tracker.active_loop_name == form and tracker.latest_action_name == ACTION_LISTEN_NAME and form in domain.action_names_or_texts:
            if self._kb is None:
                self._kb = load_knowledge_base()
            message = tracker.latest_message
            intent = message.intent or {}
            # A rating of an answer (the widget's payload) answers no question: its rule takes it.
            if intent.get("name") in PAYLOAD_ONLY_INTENTS:
                return self._prediction(probabilities)
            requested = tracker.get_slot("requested_slot")
            text = message.text or ""
            history = history_of([event.as_dict() for event in tracker.events])
            stuck = is_stuck(pending_since(history, requested), text)
            shown = bool(requested) and tracker.get_slot("reasked_slot") == requested
            turn = read_turn(self._kb, text, requested, intent.get("name") or "", float(intent.get("confidence") or 0.0), stuck, shown)
            if turn.goes_to_the_form():
                probabilities[domain.index_for_action(form)] = 1.0
        return self._prediction(probabilities)
