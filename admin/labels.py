"""What the dashboard calls things, in French, and the names it looks for in the store.

The interview's questions and their order come from domain.yml, the topics' labels from
the knowledge base (bot/knowledge/topics.yml), so that they stay in one place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_FILE = ROOT / "domain.yml"
TOPICS_FILE = ROOT / "bot" / "knowledge" / "topics.yml"

# The dialogue's names (data/rules/): the action that clarifies a message or answers it as out
# of scope, the intents it does so for, the reply to « stop » in the interview.
CLARIFYING_ACTION = "action_follow_context"
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
STOP_ACTION = "utter_interview_stopped"
# The bot's custom payloads (bot/answers.py, bot/recommender.py).
ANSWER_TYPE = "answer"
RECOMMENDATION_TYPE = "pathway_recommendation"
# The slots the feedback and the hand-off are stored in (issue 12's data contract), and the
# payload intent a rating comes with: a click, not a message the visitor wrote.
FEEDBACK_SLOT = "feedback"
HANDOFF_SLOT = "handoff_request"
FEEDBACK_INTENT = "give_feedback"
INTERVIEW_FORM = "orientation_form"

UNANSWERED_KINDS = {FALLBACK_INTENT: "Incompris", OUT_OF_SCOPE_INTENT: "Hors sujet"}

INBOX_STATUSES: Dict[str, str] = {"a_traiter": "À traiter", "ajoute": "Ajouté aux données", "ignore": "Ignoré"}
HANDOFF_STATUSES: Dict[str, str] = {"nouvelle": "Nouvelle", "traitee": "Traitée"}

REASONS: Dict[str, str] = {
    "pas_ma_question": "Pas ma question",
    "pas_clair": "Pas clair",
    "incomplet": "Incomplet",
    "errone": "Erroné",
}

QUESTIONS: Dict[str, str] = {
    "situation": "Situation",
    "age": "Âge",
    "diploma": "Diplôme",
    "budget_eur": "Budget",
    "max_duration_months": "Durée maximale",
    "must_be_paid": "Besoin d’être rémunéré",
    "financing": "Financement",
    "interest": "Ce qui attire le plus",
}

# Intents that are not knowledge topics (those have their label in topics.yml).
OTHER_TOPICS: Dict[str, str] = {
    "greet": "Salutations",
    "goodbye": "Au revoir",
    "thank": "Remerciements",
    "affirm": "Oui",
    "deny": "Non",
    "bot_challenge": "« Êtes-vous un robot ? »",
    "help": "Ce que sait faire l’assistant",
    "out_of_scope": "Hors sujet",
    "nlu_fallback": "Message non compris",
    "ask_followup": "Question de suite",
    "inform": "Sa situation, donnée spontanément",
    "ask_medical_advice": "Question de santé personnelle",
    "stop_interview": "Arrêt de l’entretien",
    "resume_interview": "Reprise de l’entretien",
    "restart_interview": "Entretien recommencé",
    RECOMMENDATION_TYPE: "Recommandation de parcours",
    FEEDBACK_INTENT: "Avis sur une réponse",
}
# A message the running interview took as the answer to its question.
INTERVIEW_ANSWER = "interview_answer"
OTHER_TOPICS[INTERVIEW_ANSWER] = "Réponse à une question de l’entretien"


@lru_cache(maxsize=1)
def _domain() -> Dict[str, object]:
    loaded = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


@lru_cache(maxsize=1)
def interview() -> Tuple[str, Tuple[str, ...]]:
    """The interview form's name and the questions it asks, in order."""
    forms = _domain().get("forms") or {}
    assert isinstance(forms, dict) and INTERVIEW_FORM in forms, f"domain.yml declares no {INTERVIEW_FORM}"
    return INTERVIEW_FORM, tuple(str(s) for s in (forms[INTERVIEW_FORM] or {}).get("required_slots", []))


@lru_cache(maxsize=1)
def _topic_labels() -> Dict[str, str]:
    loaded = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in (loaded.get("topic_labels") or {}).items()}


def topic_label(topic: str) -> str:
    return _topic_labels().get(topic) or OTHER_TOPICS.get(topic) or topic


def question_label(slot: str) -> str:
    return QUESTIONS.get(slot, slot)


def reason_label(reason: object) -> str:
    return REASONS.get(str(reason), str(reason)) if reason else "—"
