"""Keeps the thread of a conversation: what a follow-up is about.

A follow-up without a subject of its own keeps the last one: "Combien coûte la
formation continue ?" then "et en alternance ?" gives the cost of alternance,
"Combien coûte l'alternance ?" then "et ça dure combien ?" its duration, and
"y a un plafond ?" after the CPF the CPF's ceiling. A question with its own subject
replaces it: "et le cpf ça marche comment ?" explains the CPF (not the financing of
alternance), "et le salaire ?" gives the salary, a new term its definition.

Subjects are routes, financing schemes and e-health terms; the words that tie a
question to one of their facts are the facts' ``cues`` in the knowledge base.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

from bot.answers import (
    KNOWLEDGE_INTENTS, ROUTE_INTENTS, Question, cued, follow_up_intent, route_facts, scheme_facts, term_facts,
)
from bot.cues import match_length, words
from bot.knowledge import KnowledgeBase, Topic
from bot.vocabulary import normalize

# A short message opening like this continues the previous question.
_CONTINUATION = re.compile(r"^(et|pareil|idem|meme chose|meme question|sinon|puis|aussi|pour|du coup|alors)\b")
# Words that point back to the route just discussed ("ça dure combien ?", "quel diplôme à la fin ?").
_BACK_REFERENCE = re.compile(
    r"\b(ca|cela|c|cette formation|cette voie|celle ci|celle la|elle|y|la dedans|pour ca|a la fin|au bout|a l issue|"
    r"ensuite|apres ca|ses|son|sa|leur|leurs)\b"
)
# Pronouns that point back to the subject of the last answer ("ses missions ?").
_POSSESSIVE = re.compile(r"\b(ses|son|sa|leur|leurs|il|elle|ils|elles)\b")
# Words that ask about every route at once: never narrowed to the last one.
_EVERY_ROUTE = re.compile(r"\b(les formations|toutes|tous|chaque|les voies|les differentes|en general|globalement|les parcours)\b")
MAX_ELLIPTIC_WORDS = 9
# Questions about which a named financing scheme is the subject. The schemes whose names are
# also common words ("ma région", "un employeur") are the subject only of these; the others
# (CPF, France Travail, Transitions Pro, VAE) of any question.
_SCHEME_INTENTS = ("ask_financing", "ask_cost", "ask_definition", "ask_followup")
_COMMON_WORD_SCHEMES = ("region", "employer")
# What the NLU could not place, or placed where a follow-up often lands by mistake: the
# context may still tell what it is about (action_follow_context).
UNPLACED_INTENTS = ("nlu_fallback", "ask_followup", "out_of_scope", "bot_challenge", "help", "affirm", "deny")
# A cue of this many words in another topic outweighs the topic the NLU chose.
STRONG_CUE_WORDS = 2


@dataclass(frozen=True)
class Context:
    """What the previous answer was about (slots last_topic, last_facet, formation_type, term, financing_scheme)."""

    topic: Optional[str] = None
    route: Optional[str] = None
    term: Optional[str] = None
    scheme: Optional[str] = None
    facet: Optional[str] = None


def named_topic(kb: KnowledgeBase, text: str) -> Optional[str]:
    """The knowledge topic the words of ``text`` name ("et le salaire ?" -> ask_salary), if exactly one does best."""
    question = words(text, kb.words)
    scores = [(match_length(topic.cues, question), topic_id) for topic_id, topic in kb.topics.items()]
    best = max((score for score, _ in scores), default=0)
    winners = [topic_id for score, topic_id in scores if score == best]
    return winners[0] if best and len(winners) == 1 else None


def _inside(topic: Topic, question: List[str]) -> int:
    """How strongly the question names a facet or a fact of ``topic`` (the longest cue, in words)."""
    lengths = [match_length(f.cues, question) for f in topic.facets]
    lengths += [match_length(fact.cues, question) for f in topic.facets for fact in f.facts]
    return max(lengths, default=0)


def resolve(
    kb: KnowledgeBase,
    intent: str,
    text: str,
    routes: Sequence[str],
    term: Optional[str],
    scheme: Optional[str],
    facet: Optional[str],
    last: Context,
) -> Question:
    """What the visitor is really asking, given the previous answer. A question whose intent is
    not a knowledge intent comes back unchanged when the context says nothing about it."""
    question = words(text, kb.words)
    normalized = normalize(text)
    route = routes[0] if len(routes) == 1 else None
    short = len(normalized.split()) <= MAX_ELLIPTIC_WORDS
    continuation = short and bool(_CONTINUATION.match(normalized))
    placed = intent in KNOWLEDGE_INTENTS and intent != "ask_followup"
    if scheme and intent not in _SCHEME_INTENTS and (scheme in _COMMON_WORD_SCHEMES or intent not in KNOWLEDGE_INTENTS + UNPLACED_INTENTS):
        scheme = None
    named = bool(routes or term or scheme)

    def ask(topic: str, route: Optional[str] = None, term: Optional[str] = None, scheme: Optional[str] = None,
            facet: Optional[str] = facet) -> Question:
        return Question(topic, route, term, scheme, facet, text)

    # 1. A named term whose facts the question asks about ("l'assistant numérique gère le DMP ?").
    if term in kb.terms and not route and cued(term_facts(kb.terms[term]), question):
        return ask("ask_definition", term=term)
    # 2. The last subject goes on ("y a un plafond ?", "et ça marche aussi pour le diplôme d'ARM ?").
    if short and not (term or scheme) and (not routes or continuation) and (placed or intent in UNPLACED_INTENTS):
        kept = _last_subject(kb, intent, question, last, ask)
        if kept is not None:
            return kept
    # 3. Elliptic or unplaced messages.
    if intent == "ask_followup" or (intent in UNPLACED_INTENTS and named):
        return _follow_up(kb, intent, text, route, term, scheme, last, ask)
    if not placed:
        if short and last.topic in kb.topics and _inside(kb.topics[last.topic], question):
            return ask(last.topic, last.route if last.topic in ROUTE_INTENTS else None)
        return ask(intent, route, term, scheme)
    if scheme and not route:
        return ask("ask_financing", scheme=scheme)
    if term and intent != "ask_definition" and (continuation or intent in ("ask_training_paths", "ask_technology_impact")) and short:
        return ask("ask_definition", term=term)
    if not named:
        topic = _topic_in_context(kb, intent, question, short, continuation, bool(_POSSESSIVE.search(normalized)), last)
        if topic is not None:
            if topic == last.topic and continuation and not named_topic(kb, text):
                return ask(topic, last.route if topic in ROUTE_INTENTS else None, facet=facet or last.facet)
            if topic != intent:
                return ask(topic, last.route if topic in ROUTE_INTENTS and topic == last.topic else None)
        if continuation and named_topic(kb, text):
            return _follow_up(kb, intent, text, None, None, None, last, ask)
    # 4. A route question: its topic named in so many words wins ("et la formation privée, elle dure combien ?").
    if route and intent in ROUTE_INTENTS and continuation:
        topic = named_topic(kb, text)
        if topic in ROUTE_INTENTS and topic != intent:
            return ask(topic, route)
    # A route question without a route: the last route, if the words point back to it.
    if continuation and route and len(normalized.split()) <= 4 and last.topic in ROUTE_INTENTS and intent in ROUTE_INTENTS:
        return ask(last.topic, route)
    if (
        intent in ROUTE_INTENTS
        and not named
        and last.route
        and short
        and not _EVERY_ROUTE.search(normalized)
        and (continuation or _BACK_REFERENCE.search(normalized))
    ):
        return ask(intent, last.route)
    return ask(intent, route, term)


def _topic_in_context(kb: KnowledgeBase, intent: str, question: List[str], short: bool, continuation: bool,
                      refers_back: bool, last: Context) -> Optional[str]:
    """Which topic a question without a subject is about, when it is not the NLU's:
    the last topic if the question names one of its facets or facts more strongly than the
    NLU's topic does ("ses missions ?" after the digital assistant), a continuation that names
    no topic at all ("et à partir de 26 ans ?"), or another topic named by a cue of several
    words ("c'est lié à Ma Santé 2022 ?")."""
    own = max(_inside(kb.topics[intent], question), match_length(kb.topics[intent].cues, question)) if intent in kb.topics else 0
    if short and last.topic in kb.topics and last.topic != intent:
        kept = _inside(kb.topics[last.topic], question)
        if kept > own or (kept and kept == own and refers_back):
            return last.topic
    if continuation and last.topic in kb.topics and not own and not named_topic_words(kb, question):
        return last.topic
    best, best_length = None, max(own, STRONG_CUE_WORDS - 1)
    for topic_id, topic in kb.topics.items():
        length = _inside(topic, question)
        if topic_id != intent and length > best_length:
            best, best_length = topic_id, length
    return best


def named_topic_words(kb: KnowledgeBase, question: List[str]) -> bool:
    return any(match_length(topic.cues, question) for topic in kb.topics.values())


def _last_subject(kb: KnowledgeBase, intent: str, question: List[str], last: Context, ask) -> Optional[Question]:  # type: ignore[no-untyped-def]
    """The last route, scheme or term, when the question names one of its facts' cues."""
    if last.scheme in kb.financing and cued(scheme_facts(kb.financing[last.scheme]), question):
        return ask("ask_financing", scheme=last.scheme)
    if last.term in kb.terms and cued(term_facts(kb.terms[last.term]), question):
        return ask("ask_definition", term=last.term)
    if last.route in kb.routes and cued(route_facts(kb.routes[last.route]), question):
        return ask(intent if intent in ROUTE_INTENTS else "ask_training_paths", route=last.route)
    return None


def _follow_up(kb: KnowledgeBase, intent: str, text: str, route: Optional[str], term: Optional[str],
               scheme: Optional[str], last: Context, ask) -> Question:  # type: ignore[no-untyped-def]
    """An elliptic follow-up ("et en alternance ?", "et le DPI ?", "et le salaire ?")."""
    if scheme:
        return ask("ask_financing", route=route, scheme=scheme)
    if term and not route:
        return ask("ask_definition", term=term)
    if route:
        return ask(follow_up_intent(last.topic, route, None), route=route)
    topic = named_topic(kb, text)
    if topic:
        # A new topic on the same route ("et la durée ?" after the cost of alternance), unless the
        # words name a facet of that topic, a subject of its own ("et le CQP ?").
        names_facet = any(match_length(f.cues, words(text, kb.words)) for f in kb.topics[topic].facets)
        keep_route = topic in ROUTE_INTENTS and not names_facet
        return ask(topic, route=last.route if keep_route else None)
    if intent in KNOWLEDGE_INTENTS and intent != "ask_followup":
        return ask(intent, route=last.route if intent in ROUTE_INTENTS else None)
    # Nothing new named: the same question again, on the same subject.
    topic = last.topic if last.topic in KNOWLEDGE_INTENTS else "ask_training_paths"
    return ask(topic, route=last.route, term=last.term if topic == "ask_definition" else None,
               scheme=last.scheme if topic == "ask_financing" else None, facet=last.facet)
