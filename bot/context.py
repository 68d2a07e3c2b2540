"""Keeps the thread of a conversation: what a follow-up is about.

A follow-up without a subject of its own keeps the last one: "Combien coûte la
formation continue ?" then "et en alternance ?" gives the cost of alternance,
"Combien coûte l'alternance ?" then "et ça dure combien ?" its duration, and
"y a un plafond ?" after the CPF the CPF's ceiling. A question with its own subject
replaces it: "et le cpf ça marche comment ?" explains the CPF (not the financing of
alternance), "et le salaire ?" gives the salary, a new term its definition.

Subjects are routes, financing schemes and e-health terms; the words that tie a
question to one of their facts, or to a facet of a topic, are the ``cues`` of the
knowledge base. The resolution goes from the most specific to the least:

1. a subject the question names (an entity), with the fact its words point to;
2. the last subject, when the words name one of its facts ("y a un plafond ?");
3. what the NLU could not place, in the light of the last answer;
4. the topic the NLU chose, unless the words name another topic's facet or fact far
   more precisely ("c'est lié à Ma Santé 2022 ?", "et les comptes rendus ?");
5. for a route question without a route, the last route when the words point back to it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence, Tuple

from bot.answers import (
    KNOWLEDGE_INTENTS,
    ROUTE_INTENTS,
    Question,
    cued,
    follow_up_intent,
    route_facts,
    scheme_facts,
    term_facts,
)
from bot.cues import Words, match_length, words
from bot.knowledge import KnowledgeBase, Topic
from bot.measures import Measure, measures_of, states
from bot.reading import Reading, read
from bot.vocabulary import normalize

# A short message opening like this continues the previous question.
_CONTINUATION = re.compile(r"^(et|pareil|idem|meme chose|meme question|sinon|puis|aussi|pour|du coup|alors)\b")
# Words that point back to the subject just discussed ("ça dure combien ?", "quel diplôme à la fin ?").
_BACK_REFERENCE = re.compile(
    r"\b(ca|sa|cela|c|cest|cette formation|cette voie|celle ci|celle la|elle|il|y|la dedans|pour ca|avec ca|"
    r"a la fin|au bout|a l issue|ensuite|apres ca|ses|son|leur|leurs|le faire|la faire|le passer|le preparer|l avoir)\b"
)
# Pronouns that point back to the subject of the last answer ("ses missions ?").
# « faut-il », « y a-t-il », « il faut »: an impersonal « il » points back to nothing.
_IMPERSONAL_IL = re.compile(r"\b((faut|y a|peut|est|doit|suffit|existe|vaut) (t )?il|il (faut|y a|existe|suffit|vaut))\b")
# The job itself named: a subject of its own, never the last route's.
_THE_JOB = re.compile(r"\bassistant(e|s|es)? medica(l|le|ux|les)\b")


def refers_back(normalized: str) -> bool:
    """Whether the words point back to the last subject (« ça », « elle », « ses »…), « faut-il » aside."""
    return bool(_BACK_REFERENCE.search(_IMPERSONAL_IL.sub(" ", normalized)))


def names_the_last_route(kb: KnowledgeBase, normalized: str, last_route: Optional[str]) -> bool:
    """« le diplôme est obligatoire ? » after the ARM diploma: the route's own noun, with a definite
    article or a demonstrative, points back to it (the noun is the head of the route's ``the``)."""
    route = kb.routes.get(last_route or "")
    if route is None:
        return False
    head = normalize(route.the).split()[1:2]
    return bool(head) and re.search(rf"\b(le|la|l|les|ce|cet|cette|ces) {re.escape(head[0])}s?\b", normalized) is not None


def has_own_subject(kb: KnowledgeBase, reading: Reading, last_route: Optional[str], topic_named: Optional[str]) -> bool:
    """A question that names its own subject (the job, or a topic's word: ``topic_named``) and points
    back to nothing: « quel est le salaire ? » after the alternance asks the job's pay, not the apprentice's."""
    normalized = reading.normalized
    if _THE_JOB.search(normalized):
        return True  # « et un assistant médical diplômé, il gagne combien ? »: the pronoun is the job
    if refers_back(normalized) or _CONTINUATION.match(normalized) or names_the_last_route(kb, normalized, last_route):
        return False
    return topic_named is not None


_POSSESSIVE = re.compile(r"\b(ses|son|sa|leur|leurs|il|elle|ils|elles)\b")
# Words that ask about every route at once: never narrowed to the last one.
_EVERY_ROUTE = re.compile(r"\b(les formations|toutes|tous|chaque|les voies|les differentes|en general|globalement|les parcours)\b")
# Asking what something is: a named term gets its definition, whatever the topic.
_WHAT_IS = re.compile(r"\b(c est quoi|c koi|ckoi|cest quoi|qu est ce que|qu est ce qu|ca veut dire|veut dire|signifie|definition|kesako)\b")
# Asking where the previous answer comes from.
_SOURCE_QUESTION = re.compile(
    r"\b(d ou vien\w*|ca vient d ou|quelles? sources?|tes sources|vos sources|sources? officielles?|qui dit ca|"
    r"quel texte|quels textes|ou as tu trouve|ou avez vous trouve|references?)\b"
)
MAX_ELLIPTIC_WORDS = 12
# A message this short is a fragment of the last question ("chez les généralistes ?").
FRAGMENT_WORDS = 4
# « ça dure combien ? », « et ça coûte combien ? »: a figure asked of the last answer, nothing else named.
FIGURE_FRAGMENT_WORDS = 5
# Questions about which a named financing scheme is the subject. The schemes whose names are
# also common words ("ma région", "un employeur") are the subject only of these; the others
# (CPF, France Travail, Transitions Pro, VAE) of any question that does not name a fact of
# its own topic.
_SCHEME_INTENTS = ("ask_financing", "ask_definition", "ask_followup")
_COMMON_WORD_SCHEMES = ("region", "employer")
# What the NLU could not place, or placed where a follow-up often lands by mistake: the
# context may still tell what it is about (action_follow_context).
UNPLACED_INTENTS = ("nlu_fallback", "ask_followup", "out_of_scope", "bot_challenge", "help", "affirm", "deny")
# A cue of this many content words names its subject more precisely than an intent does.
STRONG_CUE_WORDS = 2
# Words that say little on their own: they do not count towards a cue's strength.
_LIGHT_WORDS = frozenset(
    "a au aux c ca ce d de des du en est et il l la le les on ou par pour qu que quel quelle qui quoi un une y "
    "an ans mon ma mes son sa ses votre vos".split()
)

Ask = Callable[..., Question]


@dataclass(frozen=True)
class Context:
    """What the previous answer was about (slots last_topic, last_facet, formation_type, term, financing_scheme)."""

    topic: Optional[str] = None
    route: Optional[str] = None
    term: Optional[str] = None
    scheme: Optional[str] = None
    facet: Optional[str] = None


def named_topic(kb: KnowledgeBase, reading: Reading) -> Optional[str]:
    """The knowledge topic the words of a message name ("et le salaire ?" -> ask_salary), if exactly one does best.
    A route's name is not a topic's word ("formation" in "la formation continue, ça dure combien ?")."""
    normalized = reading.normalized
    for route in kb.routes.values():
        normalized = normalized.replace(normalize(route.short_name), " ")
    question = words(normalized, kb.words)
    scores = [(match_length(topic.cues, question), topic_id) for topic_id, topic in kb.topics.items()]
    best = max((score for score, _ in scores), default=0)
    winners = [topic_id for score, topic_id in scores if score == best]
    return winners[0] if best and len(winners) == 1 else None


def _inside(topic: Topic, question: Words) -> int:
    """How strongly the question names a facet or a fact of ``topic`` (the longest cue, in words)."""
    lengths = [match_length(f.cues, question) for f in topic.facets]
    lengths += [match_length(fact.cues, question) for f in topic.facets for fact in f.facts]
    return max(lengths, default=0)


def _strength(cues: Sequence[str], question: Words) -> int:
    """The content words of the longest cue of ``cues`` the question names (light words do not count)."""
    best = 0
    for cue in cues:
        if match_length([cue], question):
            best = max(best, _content_words(cue))
    return best


@functools.lru_cache(maxsize=1 << 12)
def _content_words(cue: str) -> int:
    return sum(1 for w in normalize(cue).split() if w not in _LIGHT_WORDS)


def _strong_subject(kb: KnowledgeBase, intent: str, question: Words, ask: Ask) -> Tuple[int, Optional[Question]]:
    """The subject or topic that a cue of several content words names, if any, and its strength."""
    best: Tuple[int, Optional[Question]] = (0, None)

    def consider(length: int, found: Question) -> None:
        nonlocal best
        if length >= STRONG_CUE_WORDS and length > best[0]:
            best = (length, found)

    for topic_id, topic in kb.topics.items():
        cues = [c for f in topic.facets for c in f.cues] + [c for f in topic.facets for fact in f.facts for c in fact.cues]
        consider(_strength(cues, question), ask(topic_id, facet=None))
    for option in kb.financing.values():
        consider(_strength([c for f in scheme_facts(option) for c in f.cues], question), ask("ask_financing", scheme=option.id))
    for term in kb.terms.values():
        consider(_strength([c for f in term_facts(term) for c in f.cues], question), ask("ask_definition", term=term.id))
    # A cue every route has ("code rncp") names none of them.
    cue_counts = Counter(c for route in kb.routes.values() for c in {c for f in route_facts(route) for c in f.cues})
    shared_route_cues = {c for c, count in cue_counts.items() if count > 1}
    for route in kb.routes.values():
        route_topic = intent if intent in ROUTE_INTENTS else "ask_training_paths"
        # A cue naming another route ("formation continue" on the ARM diploma's ways in) picks a fact
        # once this route is named; alone, it names the other route.
        others = [normalize(other.short_name) for other in kb.routes.values() if other.id != route.id]
        own = [
            c for f in route_facts(route) for c in f.cues if not any(name in normalize(c) for name in others) and c not in shared_route_cues
        ]
        consider(_strength(own, question), ask(route_topic, route=route.id))
    return best


def _own_strength(kb: KnowledgeBase, intent: str, question: Words) -> int:
    """How precisely the words name the NLU's topic, in content words."""
    topic = kb.topics.get(intent)
    if topic is None:
        return 0
    cues = list(topic.cues) + [c for f in topic.facets for c in f.cues] + [c for f in topic.facets for fact in f.facts for c in fact.cues]
    return _strength(cues, question)


def resolve(
    kb: KnowledgeBase,
    intent: str,
    text: str,
    routes: Sequence[str],
    term: Optional[str],
    scheme: Optional[str],
    facet: Optional[str],
    last: Context,
    also: Sequence[str] = (),
) -> Question:
    """What the visitor is really asking, given the previous answer; ``inherited`` when the route or
    the scheme of the answer comes from the last answer, not from the message (the answer says so)."""
    reading = read(text, kb.words)
    question = replace(_resolve(kb, intent, reading, routes, term, scheme, facet, last, also), routes=tuple(routes), reading=reading)
    from_context = (question.route is not None and question.route not in routes and question.route == last.route) or (
        question.scheme is not None and question.scheme != scheme and question.scheme == last.scheme
    )
    normalized = reading.normalized
    elliptic = len(normalized.split()) <= MAX_ELLIPTIC_WORDS and bool(_CONTINUATION.match(normalized) or refers_back(normalized))
    if question.intent == last.topic and (elliptic or len(normalized.split()) <= FRAGMENT_WORDS):
        question = replace(question, follows=True)
    if not from_context or question.sources_only:
        return question
    return replace(question, inherited=True, asked=intent if intent in KNOWLEDGE_INTENTS and intent != "ask_followup" else question.intent)


def _resolve(
    kb: KnowledgeBase,
    intent: str,
    reading: Reading,
    routes: Sequence[str],
    term: Optional[str],
    scheme: Optional[str],
    facet: Optional[str],
    last: Context,
    also: Sequence[str] = (),
) -> Question:
    """What the visitor is really asking, given the previous answer. A question whose intent is
    not a knowledge intent comes back unchanged when the context says nothing about it."""
    text, question, normalized = reading.text, reading.words, reading.normalized
    topic_named = named_topic(kb, reading)
    own_subject = has_own_subject(kb, reading, last.route, topic_named)
    if not routes and last.route and names_the_last_route(kb, normalized, last.route):
        routes = (last.route,)
    route = routes[0] if len(routes) == 1 else None
    short = len(normalized.split()) <= MAX_ELLIPTIC_WORDS
    continuation = short and bool(_CONTINUATION.match(normalized))
    placed = intent in KNOWLEDGE_INTENTS and intent != "ask_followup"
    if scheme and not _scheme_is_the_subject(kb, scheme, intent, question):
        scheme, also = None, ()
    named = bool(routes or term or scheme)

    def ask(
        topic: str, route: Optional[str] = None, term: Optional[str] = None, scheme: Optional[str] = None, facet: Optional[str] = facet
    ) -> Question:
        return Question(topic, route, term, scheme, facet, text, tuple(a for a in also if a != scheme) if scheme else (), reading=reading)

    if short and last.topic in KNOWLEDGE_INTENTS and _SOURCE_QUESTION.search(normalized) and not named:
        previous = Question(last.topic, last.route, last.term, last.scheme, last.facet, "", (), True)
        return previous
    # 1. A named term, asked what it is or about one of its facts ("l'assistant numérique gère le DMP ?").
    if term in kb.terms and not route and (_WHAT_IS.search(normalized) or cued(term_facts(kb.terms[term]), question)):
        return ask("ask_definition", term=term)
    # 2. The last route goes on when a scheme named is one of its facts ("il y a de la VAE aussi ?"
    # after the ARM diploma).
    if short and scheme and not (term or routes) and last.route in kb.routes and intent != "ask_financing":
        fact = cued(route_facts(kb.routes[last.route]), question)
        if fact is not None:
            return ask(intent if intent in ROUTE_INTENTS else "ask_training_paths", route=last.route)
    # The last subject goes on ("y a un plafond ?", "et ça marche aussi pour le diplôme d'ARM ?").
    # (A route named as a way of doing the last one: « on peut le faire en apprentissage ? » after the ARM diploma.)
    goes_on = (not routes or continuation or (len(routes) == 1 and refers_back(normalized))) and not own_subject
    if short and not (term or scheme) and goes_on and (placed or intent in UNPLACED_INTENTS):
        kept = _last_subject(kb, intent, question, last, ask)
        if kept is not None:
            return kept
    # 3. Elliptic or unplaced messages.
    if intent == "ask_followup" or (intent in UNPLACED_INTENTS and named):
        return _follow_up(kb, intent, topic_named, question, route, term, scheme, last, ask)
    if not placed:
        if short and last.topic in kb.topics and _inside(kb.topics[last.topic], question):
            return ask(last.topic, last.route if last.topic in ROUTE_INTENTS else None)
        if short:
            _, found = _strong_subject(kb, intent, question, ask)
            if found is not None:
                return found
        return ask(intent, route, term, scheme)
    if scheme and not route:
        return ask("ask_financing", scheme=scheme)
    if term and intent != "ask_definition" and (continuation or intent in ("ask_training_paths", "ask_technology_impact")) and short:
        return ask("ask_definition", term=term)
    # 4. The topic of the question. A figure asked of the last answer's facet (« ça dure combien ? »
    # after the CQP): the fact of that facet that states it.
    if (
        not named
        and short
        and not (last.route or last.scheme)
        and (continuation or refers_back(normalized))
        and not own_subject
        and len(normalized.split()) <= FIGURE_FRAGMENT_WORDS
    ):
        stated = _fact_stating(kb, last, reading.measure)
        if stated is not None:
            return replace(ask(last.topic or intent, facet=None), lead=stated)
    if not named:
        topic = _topic_in_context(kb, intent, question, short, continuation, bool(_POSSESSIVE.search(normalized)), last)
        if topic is not None:
            if topic == last.topic and continuation and not topic_named:
                keep_facet = not _inside(kb.topics[topic], question)
                return ask(topic, last.route if topic in ROUTE_INTENTS else None, facet=facet or (last.facet if keep_facet else None))
            if topic != intent:
                return ask(topic, last.route if topic in ROUTE_INTENTS and topic == last.topic else None)
        strength, found = _strong_subject(kb, intent, question, ask)
        if found is not None and strength > _own_strength(kb, intent, question):
            return found
        if continuation and topic_named:
            return _follow_up(kb, intent, topic_named, question, None, None, None, last, ask)
        if last.route and intent not in ROUTE_INTENTS and short and refers_back(normalized) and not _THE_JOB.search(normalized):
            # "on bosse où avec ça ?" after the ARM diploma: the facet of the topic about that route.
            facet_of_route = _facet_about_route(kb, intent, last.route)
            if facet_of_route:
                return ask(intent, facet=facet_of_route)
    # 5. A route question: its topic named in so many words wins ("et la formation privée, elle dure combien ?").
    if route and intent in ROUTE_INTENTS and continuation:
        topic = topic_named
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
        and (continuation or refers_back(normalized))
    ):
        return ask(intent, last.route)
    return ask(intent, route, term)


def _scheme_is_the_subject(kb: KnowledgeBase, scheme: str, intent: str, question: Words) -> bool:
    """ "Est-ce que France Travail peut financer ?" is about France Travail; "je suis conseillère
    France Travail, quel est le code ROME ?" is not, nor "ça recrute dans ma région ?"."""
    if intent in _SCHEME_INTENTS or intent in UNPLACED_INTENTS:
        return True
    if scheme in _COMMON_WORD_SCHEMES or intent not in KNOWLEDGE_INTENTS:
        return False
    topic = kb.topics.get(intent)
    if topic is not None and _inside(topic, question):
        return False
    # A fact of another topic named in several words ("le code ROME") is the subject.
    return not any(
        _strength([c for f in other.facets for fact in f.facts for c in fact.cues], question) >= STRONG_CUE_WORDS
        for other_id, other in kb.topics.items()
        if other_id not in _SCHEME_INTENTS
    )


def _facet_about_route(kb: KnowledgeBase, intent: str, route_id: str) -> Optional[str]:
    topic = kb.topics.get(intent)
    route = kb.routes.get(route_id)
    if topic is None or route is None:
        return None
    names = words(f"{route.id} {route.short_name}", kb.words)
    return next((f.id for f in topic.facets if match_length(f.cues, names)), None)


def _topic_in_context(
    kb: KnowledgeBase, intent: str, question: Words, short: bool, continuation: bool, refers_back: bool, last: Context
) -> Optional[str]:
    """The last topic, when a question without a subject names one of its facets or facts more
    strongly than the NLU's topic does ("ses missions ?" after the digital assistant), or when a
    continuation names no topic at all ("et à partir de 26 ans ?")."""
    if last.topic not in kb.topics:
        return None
    own = max(_inside(kb.topics[intent], question), match_length(kb.topics[intent].cues, question)) if intent in kb.topics else 0
    if short and last.topic != intent:
        kept = _inside(kb.topics[last.topic], question)
        fragment = len(question) <= FRAGMENT_WORDS
        if kept > own or (kept and kept == own and (refers_back or continuation or fragment)):
            return last.topic
    # (A continuation that names a fact of another topic, « et les comptes rendus ? », goes to that fact.)
    if continuation and not own and not any(match_length(t.cues, question) or _inside(t, question) for t in kb.topics.values()):
        return last.topic
    return None


def _fact_stating(kb: KnowledgeBase, last: Context, measure: Optional[Measure]) -> Optional[str]:
    """The text of the first fact of the last answer's facet that states ``measure``, if any."""
    topic = kb.topics.get(last.topic or "")
    if measure is None or topic is None or not last.facet:
        return None
    facet = next((f for f in topic.facets if f.id == last.facet), None)
    return next((fact.text for fact in (facet.facts if facet else ()) if states(measures_of(fact.text), measure)), None)


def _last_subject(kb: KnowledgeBase, intent: str, question: Words, last: Context, ask: Ask) -> Optional[Question]:
    """The last route, scheme or term, when the question names one of its facts' cues."""
    if last.scheme in kb.financing and cued(scheme_facts(kb.financing[last.scheme]), question):
        return ask("ask_financing", scheme=last.scheme)
    if last.term in kb.terms and cued(term_facts(kb.terms[last.term]), question):
        return ask("ask_definition", term=last.term)
    if last.route in kb.routes:
        fact = cued(route_facts(kb.routes[last.route]), question)
        if fact is not None:
            topic = intent if intent in ROUTE_INTENTS or intent in fact.about else "ask_training_paths"
            return ask(topic, route=last.route)
    return None


def _follow_up(
    kb: KnowledgeBase,
    intent: str,
    topic_named: Optional[str],
    question: Words,
    route: Optional[str],
    term: Optional[str],
    scheme: Optional[str],
    last: Context,
    ask: Ask,
) -> Question:
    """An elliptic follow-up ("et en alternance ?", "et le DPI ?", "et le salaire ?")."""
    if scheme:
        return ask("ask_financing", route=route, scheme=scheme)
    if term and not route:
        return ask("ask_definition", term=term)
    if route:
        # A topic that is not a route's but has a facet about this one stays ("et un apprenti de
        # 22 ans ?" after an apprentice's pay).
        facet_of_route = _facet_about_route(kb, last.topic, route) if last.topic and last.topic not in ROUTE_INTENTS else None
        if facet_of_route:
            return ask(last.topic, facet=facet_of_route)
        return ask(follow_up_intent(last.topic, route, None), route=route)
    topic = topic_named
    if topic:
        # A new topic on the same route ("et la durée ?" after the cost of alternance), unless the
        # words name a facet of that topic, a subject of its own ("et le CQP ?").
        names_facet = any(match_length(f.cues, question) for f in kb.topics[topic].facets)
        keep_route = topic in ROUTE_INTENTS and not names_facet
        return ask(topic, route=last.route if keep_route else None)
    _, found = _strong_subject(kb, intent, question, ask)
    if found is not None:
        return found
    if intent in KNOWLEDGE_INTENTS and intent != "ask_followup":
        return ask(intent, route=last.route if intent in ROUTE_INTENTS else None)
    # Nothing new named: the same question again, on the same subject; the facet its words point to.
    topic = last.topic if last.topic in KNOWLEDGE_INTENTS else "ask_training_paths"
    names_facet = topic in kb.topics and bool(_inside(kb.topics[topic], question))
    return ask(
        topic,
        route=last.route,
        term=last.term if topic == "ask_definition" else None,
        scheme=last.scheme if topic == "ask_financing" else None,
        facet=None if names_facet else last.facet,
    )
