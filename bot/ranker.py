"""Every fact of the knowledge base ranked for a question.

``rank`` scores every fact (those that state the measure asked, when one is: bot/measures.py) by
the rare words it shares with the question, its cues, the subject and numbers named, the NLU's
topic, and how near the question is to the questions visitors ask that the fact answers, so that
the answer leads with the fact asked for (bot/answers.py decides when).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

from bot.cues import match_length, words
from bot.knowledge import Fact, KnowledgeBase
from bot.measures import Measure, measures_of, states
from bot.reading import Reading, numbers_in, read
from bot.vocabulary import normalize


@dataclass(frozen=True)
class Candidate:
    """A fact and where it lives in the knowledge base: the topic, facet, route, scheme or term
    that answers with it; ``score`` once ranked for a question."""

    score: float
    text: str
    topic: str
    facet: Optional[str] = None
    route: Optional[str] = None
    scheme: Optional[str] = None
    term: Optional[str] = None
    evidence: int = 0  # how many of the question's content words it names (text, cues or asked)
    asked: float = 0.0  # how near the question is to the nearest of the fact's asked questions (0 to 1)


@dataclass(frozen=True)
class _Entry:
    where: Candidate
    cues: Sequence[str]
    states: FrozenSet[Measure]
    # A route's duration or cost: the answer to « combien de temps / combien » about that route.
    own_measure: Optional[Measure] = None
    asked: Tuple[FrozenSet[str], ...] = ()  # the content words of each of the fact's asked questions


# Weights of the ranking (bench/choices.md says how they were chosen). A word of the question
# found in a fact's cues (its writer's guess at how it is asked) counts more than one found in
# its text, less than twice: a cue that only repeats the measure asked (« payé combien ») must
# not outweigh the subject named.
CUE_WEIGHT = 1.5
SUBJECT_WEIGHT = 2.0  # the route, scheme or term the question names
OWN_MEASURE_WEIGHT = 1.5  # a route's own duration or cost, asked « combien de temps / combien »
NUMBER_WEIGHT = 2.0  # a number the question names (« d'ici 2029 ») picks the fact that states it
PRIOR_WEIGHT = 0.5  # the topic the NLU gave
PHRASE_WEIGHT, PHRASE_WORDS = 0.5, 3  # a cue of three words or more said as it is
# The question's nearness to a fact's nearest asked question (``_nearness``, 0 to 1): what carries a
# meaning the fact's own words do not (« c utile les stages ? »). Below ASKED_FLOOR, two questions
# share a word or two by chance.
ASKED_WEIGHT, ASKED_FLOOR = 8.0, 0.5
# Words that say nothing about which fact is meant.
_LIGHT = frozenset(
    "a au aux c ca ce cela d de des du en est et il ils elle elles l la le les on ou par pour qu que quel quelle quels quelles qui quoi "
    "un une y se sa son ses leur mon ma mes votre vos je tu nous vous j t s n ne pas plus combien cb cmb nombre avec dans sur "
    "faut peut etre avoir fait faire dois doit ai as avez prend prendre peux pouvoir va vont aller mettre mis quand meme aussi "
    "tout tous toute toutes bien tres trop encore deja genre truc chose ca cela ceci si sinon alors donc mais comme car puis "
    "general generale generalement globalement environ peu pres "
    # The job itself: every fact is about it.
    "assistant assistante assistants assistantes medical medicale medicaux medicales metier".split()
)


def _content(question_words: Sequence[str]) -> FrozenSet[str]:
    stems = (_stem(w) for w in question_words if not w.isdigit())
    return frozenset(stem for stem in stems if stem not in _LIGHT_STEMS)


def _stem(word: str) -> str:
    """A crude French stem: no plural, six letters (« formations », « formatrice » -> « format »)."""
    word = word[:-1] if len(word) > 3 and word[-1] in "sx" else word
    return word[:6]


_LIGHT_STEMS = frozenset(_stem(w) for w in _LIGHT) | _LIGHT


@functools.lru_cache(maxsize=1 << 12)
def _fact_words(text: str) -> FrozenSet[str]:
    return _content(words(text))


def _asked(fact: Fact) -> Tuple[FrozenSet[str], ...]:
    return tuple(words for words in (_content(read(q).words) for q in fact.asked) if words)


def _facts(kb: KnowledgeBase) -> Iterator[_Entry]:
    """Every fact of the knowledge base, with its cues, its asked questions and the measures it states."""
    for topic in kb.topics.values():
        for facet in topic.facets:
            for fact in facet.facts:
                yield _Entry(Candidate(0, fact.text, topic.id, facet=facet.id), fact.cues, measures_of(fact.text), asked=_asked(fact))
    for route in kb.routes.values():
        duration, cost = route.duration_months.text, route.cost_eur.text
        yield _Entry(Candidate(0, duration, "ask_duration", route=route.id), (), measures_of(duration) | {"duration"}, "duration")
        yield _Entry(Candidate(0, cost, "ask_cost", route=route.id), (), measures_of(cost) | {"euros"}, "euros")
        for fact in (route.summary, route.entry, route.certification, *route.suits, *route.notes):
            about = next(iter(fact.about), "ask_training_paths")
            yield _Entry(Candidate(0, fact.text, about, route=route.id), fact.cues, measures_of(fact.text), asked=_asked(fact))
    for option in kb.financing.values():
        for fact in (option.summary, *option.details):
            yield _Entry(Candidate(0, fact.text, "ask_financing", scheme=option.id), fact.cues, measures_of(fact.text), asked=_asked(fact))
    for term in kb.terms.values():
        for fact in (term.definition, *term.details):
            yield _Entry(Candidate(0, fact.text, "ask_definition", term=term.id), fact.cues, measures_of(fact.text), asked=_asked(fact))


_INDEX: Dict[int, Tuple[List[_Entry], Dict[str, float], FrozenSet[str]]] = {}


def _index(kb: KnowledgeBase) -> Tuple[List[_Entry], Dict[str, float], FrozenSet[str]]:
    """The facts; each word's weight, rare in the knowledge base being telling (inverse document
    frequency); and the words of the routes' and schemes' names, which name a subject (the NLU's
    entities bound the candidates to it) rather than a fact."""
    if id(kb) not in _INDEX:
        entries = list(_facts(kb))
        counts: Dict[str, int] = {}
        for entry in entries:
            said = _fact_words(entry.where.text) | {w for cue in entry.cues for w in _content(cue.split())}
            for word in said.union(*entry.asked):
                counts[word] = counts.get(word, 0) + 1
        names = [n for r in kb.routes.values() for n in (r.name, r.short_name, r.the)]
        names += [n for o in kb.financing.values() for n in (o.name, o.the, o.short)]
        name_words = frozenset(w for n in names for w in _fact_words(n))
        _INDEX[id(kb)] = (entries, {word: math.log(len(entries) / count) for word, count in counts.items()}, name_words)
    return _INDEX[id(kb)]


def _nearness(question: FrozenSet[str], asked: FrozenSet[str], weight: Dict[str, float]) -> float:
    """How near two questions are: the share of each one's weight that their common words carry,
    the smaller of the two, so that a general question (« on apprend quoi en formation ? ») is not
    near a precise one that contains its words (« on apprend à travailler en équipe en formation ? »).
    A word the knowledge base never uses (« cordialement ») weighs nothing."""
    shared = question & asked

    def mass(words: FrozenSet[str]) -> float:
        return sum(weight.get(w, 0.0) ** 2 for w in words)

    if not shared or not mass(question) or not mass(asked):
        return 0.0
    return min(mass(shared) / mass(question), mass(shared) / mass(asked))


@functools.lru_cache(maxsize=4)
def _acronyms(kb: KnowledgeBase) -> FrozenSet[str]:
    """The knowledge base's acronyms (CQP, ARM, CPF, DMP…), as ``_content`` gives them: each names one subject."""
    texts = [entry.where.text for entry in _index(kb)[0]]
    return frozenset(_stem(normalize(a)) for text in texts for a in re.findall(r"\b[A-Z]{2,}\b", text))


def _same_subject(question: FrozenSet[str], asked: FrozenSet[str], kb: KnowledgeBase) -> bool:
    """Whether two questions are about the same subject as far as acronyms tell: « la formation
    CQP dure combien d'heures ? » is not near « la formation ARM dure combien d'heures ? »."""
    named, other = question & _acronyms(kb), asked & _acronyms(kb)
    return not (named and other) or bool(named & other)


def fact_places(kb: KnowledgeBase) -> List[Candidate]:
    """Every fact of the knowledge base, where it lives (topic, facet, route, scheme or term)."""
    return [entry.where for entry in _index(kb)[0]]


def fact_texts(kb: KnowledgeBase) -> List[str]:
    """The text of every fact of the knowledge base."""
    return [entry.where.text for entry in _index(kb)[0]]


def rank(
    kb: KnowledgeBase,
    question: Reading,
    intent: str,
    route: Optional[str] = None,
    scheme: Optional[str] = None,
    term: Optional[str] = None,
) -> List[Candidate]:
    """Every fact of the knowledge base (those that state the measure asked, when one is), best
    first: the question's content words it shares, each weighed by how rare it is (the words of
    its cues count more), the subject and the numbers the question names, how near the question
    is to the fact's asked questions, and the NLU's topic as a prior. Facts that share nothing
    with the question are left out; a route's facts, unless the route is the subject."""
    entries, weight, name_words = _index(kb)
    question_words, measure = question.words, question.measure
    # The words that name the NLU's topic (« salaire ») choose none of its facts: the prior does.
    topic = kb.topics.get(intent)
    naming = {w for cue in (topic.cues if topic is not None else ()) for w in _content(cue.split())}
    content = _content(question_words)
    every_word = content - naming  # a cue may name a subject on purpose (« sans le CQP »)
    asked = every_word - naming - name_words
    named = question.normalized
    ranked: List[Candidate] = []
    for entry in entries:
        where = entry.where
        if measure is not None and not states(entry.states, measure):
            continue
        # The subject the question has (named, or kept from the last answer) bounds the candidates.
        if (route and where.route != route) or (scheme and where.scheme != scheme) or (term and where.term != term):
            continue
        said = _fact_words(where.text)
        shared = sum(weight.get(w, 0.0) for w in asked & said)
        # The words of its cues the question names and its text does not say (« objectif »).
        cue_words = {w for cue in entry.cues if match_length([cue], question_words) for w in _content(cue.split())}
        cues = sum(weight.get(w, 0.0) for w in (cue_words & every_word) - said)
        # A cue phrase the question says word for word (« combien d'assistants »), light words and all.
        phrase = (
            PHRASE_WEIGHT if any(len(cue.split()) >= PHRASE_WORDS and match_length([cue], question_words) for cue in entry.cues) else 0.0
        )
        subject = 0.0
        if where.route is not None:
            own = kb.routes[where.route]
            if where.route == route or normalize(own.short_name) in named:
                subject = SUBJECT_WEIGHT + (OWN_MEASURE_WEIGHT if measure is not None and measure == entry.own_measure else 0.0)
            else:
                continue  # a route's fact answers a question about that route, named or kept
        elif where.scheme is not None:
            option = kb.financing[where.scheme]
            subject = SUBJECT_WEIGHT if where.scheme == scheme or normalize(option.short) in named else 0.0
        elif where.term is not None:
            subject = SUBJECT_WEIGHT if where.term == term else 0.0
        numbers = NUMBER_WEIGHT * len(question.numbers & numbers_in(where.text))
        # Nearness in what is asked of the subject: a route's or scheme's name is its subject
        # (bounded above), and the NLU's topic's own words say nothing of another topic's facts.
        ignored = (name_words if route or scheme else frozenset()) | (naming if where.topic != intent else frozenset())
        nearest = max(
            (_nearness(content - ignored, question - ignored, weight) for question in entry.asked if _same_subject(content, question, kb)),
            default=0.0,
        )
        near = nearest if nearest >= ASKED_FLOOR else 0.0
        if subject and measure is not None and measure == entry.own_measure:
            near = 1.0  # « combien de mois, la formation continue ? » is the very question its duration answers
        # A figure asked of the NLU's topic: its facts that state it are candidates, whatever the words.
        if not (shared or cues or numbers or near or (measure is not None and (subject or where.topic == intent))):
            continue
        score = (
            shared + CUE_WEIGHT * cues + phrase + subject + numbers + ASKED_WEIGHT * near + (PRIOR_WEIGHT if where.topic == intent else 0.0)
        )
        ranked.append(replace(where, score=score, evidence=len(asked & (said | cue_words)), asked=near))
    return sorted(ranked, key=lambda c: -c.score)
