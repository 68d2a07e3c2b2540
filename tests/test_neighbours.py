"""Questions about a job next to the assistant médical: recognised, answered with the link the
sources make between the two jobs and that job's own page, never as if about the assistant médical."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers import MAX_ANSWER_CHARS, neighbour_answer
from bot.knowledge import KnowledgeBase, load_knowledge_base
from bot.neighbours import asks_about_another_job, neighbour_asked_about
from bot.typography import french

TODAY = dt.date(2026, 12, 5)
KB = load_knowledge_base()
CUES = [(neighbour.id, cue) for neighbour in KB.neighbours.values() for cue in neighbour.cues[:2]]


def test_the_jobs_visitors_ask_about_are_there() -> None:
    names = " ".join(n.name for n in KB.neighbours.values())
    for job in ("aide-soignant", "infirmier", "auxiliaire de puériculture", "secrétaire médical"):
        assert job in names


@pytest.mark.parametrize("neighbour, cue", CUES)
def test_a_question_about_that_job_is_recognised(neighbour: str, cue: str) -> None:
    for question in (f"combien gagne un {cue} ?", f"quelles études pour devenir {cue}", f"{cue.upper()} formation ?"):
        found = neighbour_asked_about(KB, question)
        assert found is not None and found.id == neighbour, question


@pytest.mark.parametrize("neighbour, cue", CUES)
def test_the_assistant_medical_named_or_the_visitor_having_that_job_is_not_a_question_about_it(neighbour: str, cue: str) -> None:
    assert neighbour_asked_about(KB, f"{cue}, je peux devenir assistante médicale ?") is None
    assert neighbour_asked_about(KB, f"je suis {cue}, quelle formation me conseillez-vous ?") is None
    assert neighbour_asked_about(KB, f"{cue} depuis 10 ans, ça m'intéresse") is None


def test_no_job_named() -> None:
    assert neighbour_asked_about(KB, "combien coûte la formation ?") is None


@pytest.mark.parametrize("neighbour", sorted(KB.neighbours))
def test_the_answer_gives_the_link_and_the_page(kb: KnowledgeBase, neighbour: str) -> None:
    job = KB.neighbours[neighbour]
    reply = neighbour_answer(KB, job, TODAY)
    assert french(job.link[0].on(TODAY))[:40] in french(reply.text)
    links = [s["url"] for s in (reply.custom or {})["sources"] if s.get("url")]
    if job.page is not None:
        assert KB.sources[job.page].url in links
    else:
        assert "conseiller" in reply.text
    assert len(reply.text) <= MAX_ANSWER_CHARS, len(reply.text)


def test_the_noun_diplome_does_not_say_who_asks(kb: KnowledgeBase) -> None:
    neighbour = neighbour_asked_about(kb, "quel diplôme pour être secrétaire médicale ?")
    assert neighbour is not None and neighbour.id == "secretaire_medical"


@pytest.mark.parametrize(
    "intent, text, other",
    [
        ("ask_salary", "un ambulancier ça touche combien par mois ?", True),
        ("ask_duration", "les études d'infirmière durent combien de temps ?", True),
        # The other job as a point of reference, or a move towards it: about the assistant médical.
        ("ask_missions", "quelle différence avec une secrétaire médicale ?", False),
        ("ask_salary", "c'est mieux payé qu'aide-soignante ?", False),
        ("ask_career_moves", "après quelques années on peut devenir infirmière ?", False),
        ("ask_training_paths", "aide-soignante, je peux devenir assistante médicale ?", False),
        # Never health, a person or advice, whatever job is named.
        ("ask_medical_advice", "mon infirmière m'a donné un traitement, je le prends comment ?", False),
        ("request_human", "je voudrais parler à une secrétaire médicale", False),
    ],
)
def test_a_question_about_another_jobs_own_facts_is_out_of_scope(intent: str, text: str, other: bool) -> None:
    """The NLU's intent (components/neighbour_job.py): the contract's out_of_scope for another job."""
    assert asks_about_another_job(KB, text, intent) is other
