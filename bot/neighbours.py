"""Jobs next to the assistant médical (neighbours.yml), named in a question about them.

« Combien gagne une infirmière libérale ? » asks about another job: the answer says what the
sources say of its link with the assistant médical and points to that job's own page, instead of
answering with the assistant médical's pay. « Aide-soignante, je peux devenir assistante
médicale ? » names the job too, and « je suis infirmière, … » says who is asking: both are
questions about the assistant médical, answered as such.
"""

from __future__ import annotations

import re
from typing import Optional

from bot.cues import match_length, words
from bot.knowledge import KnowledgeBase, Neighbour
from bot.vocabulary import normalize

# The assistant médical named: the question is about it, whatever other job is named beside.
_THE_JOB = re.compile(r"\b(assistant(e|s|es)? medica(l|le|ux|les)|ce metier|ce job|ce poste|ce travail)\b")
# Who is asking: « je suis aide-soignante », « infirmière depuis 10 ans », « en tant que secrétaire »
# (« diplômée », not the noun of « quel diplôme pour être secrétaire ? »).
_WHO_ASKS = re.compile(
    r"\b(je suis|j suis|jsuis|moi|en tant qu|depuis|diplomees?|(suis|etant|deja) diplomes?|j ai (mon|le|un) (de|diplome)|j exerce|"
    r"je travaille|je bosse|ici)\b"
)


def neighbour_asked_about(kb: KnowledgeBase, text: str) -> Optional[Neighbour]:
    """The neighbouring job a question is about, if it names one and is not about the assistant
    médical nor said by someone who has that job."""
    normalized = normalize(text)
    if _THE_JOB.search(normalized) or _WHO_ASKS.search(normalized):
        return None
    question = words(text, kb.words)
    best, length = None, 0
    for neighbour in kb.neighbours.values():
        found = match_length(neighbour.cues, question)
        if found > length:
            best, length = neighbour, found
    return best


OTHER_JOB_INTENT = "out_of_scope"
# The questions about facts a neighbouring job has too (pay, studies, duration…); never health,
# a request for a person or for advice, nor the conversation's own intents.
_ABOUT_A_JOB = (
    "ask_training_paths",
    "ask_cost",
    "ask_duration",
    "ask_certification",
    "ask_curriculum",
    "ask_skills",
    "ask_missions",
    "ask_workplaces",
    "ask_career_moves",
    "ask_job_outlook",
    "ask_salary",
)


# The other job as a point of reference: a comparison, or a move towards it (« on peut devenir
# infirmière ? »); the question is then about the assistant médical.
_REFERENCE = re.compile(
    r"\b(difference|differe\w*|compar\w*|par rapport|plutot qu\w*|mieux|moins|autant|plus \w+ qu\w*|comme (un|une|les)|"
    r"ou c est|ou bien|au lieu|devenir|evoluer|passer|vers)\b"
)


def asks_about_another_job(kb: KnowledgeBase, text: str, intent: str) -> bool:
    """Whether a question the NLU read as ``intent`` asks about a neighbouring job's own facts,
    not about the assistant médical compared with it."""
    if intent not in _ABOUT_A_JOB or _REFERENCE.search(normalize(text)):
        return False
    return neighbour_asked_about(kb, text) is not None
