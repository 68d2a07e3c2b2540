"""Composes the answer to a knowledge question: short, sourced, with the rest one button away.

An answer leads with what was asked: the facet of the topic that the words of the
question point to (``Facet.cues``), or the fact that answers it (``Fact.cues``), said
with its yes or no first to a yes/no question. It shows at most ``MAX_BULLETS``
facts; the other facets, the related topics and the routes are buttons. Every answer
ends with its source line, and its ``custom`` payload carries the sources' links.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Sequence, Tuple

from bot.cues import match_length
from bot.french import capitalize, lower_first, of, sentence, to
from bot.knowledge import Facet, Fact, FinancingOption, KnowledgeBase, Neighbour, Range, Term, Topic, TrainingRoute
from bot.measures import measures_of, states
from bot.ranker import Candidate, fact_texts, rank
from bot.reading import Reading, read
from bot.reply import Button, Reply
from bot.vocabulary import normalize

ROUTE_INTENTS = ("ask_training_paths", "ask_cost", "ask_duration", "ask_certification", "ask_financing")
KNOWLEDGE_INTENTS = ROUTE_INTENTS + (
    "ask_curriculum",
    "ask_skills",
    "ask_missions",
    "ask_digital_role",
    "ask_technology_impact",
    "ask_workplaces",
    "ask_career_moves",
    "ask_job_outlook",
    "ask_salary",
    "ask_definition",
)
# What action_answer_question answers: the knowledge intents and the elliptic follow-ups (the or: lists
# of data/rules/knowledge.yml and data/stories/, checked by tests/test_lists_agree.py).
ANSWERED_INTENTS = KNOWLEDGE_INTENTS + ("ask_followup",)
BULLET = "• "
MAX_BULLETS = 4
MAX_BUTTONS = 6
# A knowledge bubble never goes beyond MAX_ANSWER_CHARS (tests/test_answer_lengths.py); what
# is optional (a route's notes, the facts after a direct answer) is added up to TARGET_CHARS.
MAX_ANSWER_CHARS = 600
TARGET_CHARS = 450
# Schemes that are ways to pay (the VAE certifies without paying for a whole training).
PAYING_SCHEMES_SHOWN = 4

# « Il faut », « Il y a », « Il est possible »: an impersonal « il », which stands for no route.
_IMPERSONAL = re.compile(r"^Il (faut|y a|est (possible|conseillé|utile|recommandé|nécessaire)|existe|reste|suffit|vaut)\b")


@dataclass(frozen=True)
class Question:
    """What the visitor asks, once the context is resolved (bot/context.py)."""

    intent: str
    route: Optional[str] = None
    term: Optional[str] = None
    scheme: Optional[str] = None  # a financing option of financing.yml
    facet: Optional[str] = None  # chosen by a button
    text: str = ""  # the visitor's words: they pick the facet and the yes/no lead
    also: Tuple[str, ...] = ()  # other schemes named with ``scheme``: a comparison
    sources_only: bool = False  # "d'où viennent ces chiffres ?": the sources of this answer
    inherited: bool = False  # the route or scheme comes from the last answer, not from these words
    asked: str = ""  # the topic the words ask about, for « … en général » when the answer is inherited
    lead: str = ""  # the text of the fact to lead with, as the ranker chose it (bot/ranker.py)
    routes: Tuple[str, ...] = ()  # the routes the message names (several: a comparison)
    confidence: float = 1.0  # the NLU's confidence in ``intent``
    follows: bool = False  # the topic is the last answer's: an elliptic follow-up, or words pointing back to it
    reading: Optional[Reading] = None  # ``text`` read once (bot/reading.py); compose() reads it if not yet


def answer(
    kb: KnowledgeBase,
    intent: str,
    formation_type: Optional[str] = None,
    term: Optional[str] = None,
    *,
    scheme: Optional[str] = None,
    facet: Optional[str] = None,
    text: str = "",
    today: Optional[dt.date] = None,
    situation: Optional[str] = None,
) -> Reply:
    """The answer to a knowledge question; the route, term or scheme narrows it down."""
    question = Question(intent, formation_type, term, scheme, facet, text)
    return compose(kb, question, today or dt.date.today(), situation)


def compose(kb: KnowledgeBase, question: Question, today: dt.date, situation: Optional[str] = None) -> Reply:
    if question.reading is None or question.reading.text != question.text:
        question = replace(question, reading=read(question.text, kb.words))
    reply = _compose(kb, question, today, situation)
    reply = _led_by_the_best_fact(kb, question, reply, today, situation)
    return _said_in_context(kb, question, reply) if question.inherited else reply


# How much better than the fact an answer leads with the best ranked fact must be to lead
# instead: a little within the topic the NLU gave, more to leave it for another.
SAME_TOPIC_MARGIN = 0.5
OTHER_TOPIC_MARGIN = 3.0
# Below this confidence of the NLU, a fact of another topic that the ranker clearly prefers is
# offered beside the NLU's topic: the visitor says which one was meant.
UNSURE = 0.75
_SETTLED = re.compile(r"(Oui|Non|Pas forcément)\b")


@functools.lru_cache(maxsize=1 << 10)
def _opening(fact_text: str) -> str:
    """The start of a fact's text, normalized: enough to find it in an answer."""
    return normalize(fact_text)[:60]


def _led_by_the_best_fact(kb: KnowledgeBase, question: Question, reply: Reply, today: dt.date, situation: Optional[str]) -> Reply:
    """Every fact of the knowledge base ranked for the question (bot/ranker.py): the answer leads
    with the best one when it is clearly better than the fact it leads with; « combien d'heures ? »
    is never answered with a cost, nor « y en a combien ? » with durations."""
    if question.sources_only or question.facet or question.lead or not question.text or len(question.routes) > 1 or question.also:
        return reply  # a button's choice, or a comparison of several routes or schemes, stands
    if _SETTLED.match(reply.text):
        return reply  # a yes or a no already answers the question asked
    reading = question.reading or read(question.text, kb.words)
    measure = reading.measure
    ranked = rank(kb, reading, question.intent, question.route, question.scheme, question.term)
    if not ranked:
        return reply
    top = "\n".join(reply.text.split("\n")[:2])
    said = normalize(top)
    scored = [c.score for c in ranked if _opening(c.text) in said]
    if measure is not None and not states(measures_of(top), measure):
        leading = float("-inf")
    elif scored:
        leading = max(scored)
    elif any(_opening(text) in said for text in fact_texts(kb)):
        leading = 0.0  # a fact the question shares nothing with
    else:
        return reply  # a composed answer (« Non. La formation continue coûte… »): it stands
    best = ranked[0]
    # A route's, scheme's or term's fact is another subject than the topic in general, unless the
    # question is about that route, scheme or term.
    other_topic = best.topic != question.intent or any(
        own is not None and own != asked
        for own, asked in ((best.route, question.route), (best.scheme, question.scheme), (best.term, question.term))
    )
    if other_topic and question.follows:
        return reply  # « et chez les généralistes ? » after the contracts: the context chose the topic
    if best.score < leading + (OTHER_TOPIC_MARGIN if other_topic else SAME_TOPIC_MARGIN):
        return reply
    if other_topic and measure is None:
        # Without a figure asked, the NLU's topic stands (leaving it for a near asked question broke
        # held-out conversations: bench/choices.md); when the NLU is unsure, the visitor chooses.
        if question.confidence < UNSURE and best.asked > 0:
            return _which_one(kb, question, reply, best)
        return reply
    better = Question(best.topic, best.route, best.term, best.scheme, None, question.text, lead=best.text, reading=reading)
    again = _compose(kb, better, today, situation)
    if measure is not None and not states(measures_of("\n".join(again.text.split("\n")[:2])), measure):
        return reply
    return again


def _which_one(kb: KnowledgeBase, question: Question, reply: Reply, best: Candidate) -> Reply:
    """Two readings of the question, the NLU's topic and the ranker's fact, as buttons."""
    facet = (reply.custom or {}).get("facet") or ""
    ours = _facet_button(kb, question.intent, facet) or Button.for_intent(
        kb.topic_labels.get(question.intent, "Ma première idée"), question.intent
    )
    theirs = _button_for(kb, best)
    if theirs is None or theirs.title == ours.title:
        return reply
    text = "Je veux être sûr de bien vous répondre : votre question porte-t-elle sur l'un de ces points ?"
    return Reply(text=text, buttons=(theirs, ours), custom={"type": "which_one", "topic": question.intent, "facet": ""})


def _button_for(kb: KnowledgeBase, candidate: Candidate) -> Optional[Button]:
    """The button that asks for a ranked fact's place: its route, scheme, term or facet."""
    if candidate.route in kb.routes:
        route = kb.routes[candidate.route]
        return Button.for_intent(
            f"{kb.topic_labels.get(candidate.topic, 'La voie')} ({route.short_name})", candidate.topic, formation_type=route.id
        )
    if candidate.scheme in kb.financing:
        return Button.for_intent(capitalize(kb.financing[candidate.scheme].short), "ask_financing", financing=candidate.scheme)
    if candidate.term in kb.terms:
        return Button.for_intent(capitalize(kb.terms[candidate.term].short), "ask_definition", term=candidate.term)
    return _facet_button(kb, candidate.topic, candidate.facet or "")


def _facet_button(kb: KnowledgeBase, intent: str, facet_id: str) -> Optional[Button]:
    """« Le programme : les matières »: a facet named with its topic, for a choice between topics."""
    topic = kb.topics.get(intent)
    if topic is None:
        return None
    facet = next((f for f in topic.facets if f.id == facet_id), None)
    if facet is None:
        return None
    return Button.for_intent(f"{kb.topic_labels.get(intent, topic.title)} : {lower_first(facet.label)}", intent, facet=facet.id)


def _said_in_context(kb: KnowledgeBase, question: Question, reply: Reply) -> Reply:
    """An answer that rests on the last one says so (« Pour l'alternance : … ») and offers the
    question in general, in case the visitor meant it so."""
    route = kb.routes.get(question.route or "")
    option = kb.financing.get(question.scheme or "")
    subject = route.the if route is not None else option.short if option is not None else None
    if subject is None:
        return reply
    first_line = normalize(reply.text.split("\n", 1)[0])
    names = [normalize(subject)] + ([normalize(route.short_name), normalize(route.id.replace("_", " "))] if route is not None else [])
    text = reply.text if any(name in first_line for name in names) else f"Pour {subject} : {lower_first(reply.text)}"
    asked = question.asked if question.asked in kb.topic_labels else question.intent
    general = Button.for_intent(f"{kb.topic_labels.get(asked, 'Cette question')} en général", asked)
    return replace(reply, text=text, buttons=(general, *reply.buttons))


def _compose(kb: KnowledgeBase, question: Question, today: dt.date, situation: Optional[str] = None) -> Reply:
    intent = question.intent
    if intent not in KNOWLEDGE_INTENTS:
        raise ValueError(f"not a knowledge intent: {intent}")
    writer = _Writer(kb, today, question)
    if question.sources_only:
        return writer.sources(compose(kb, replace(question, sources_only=False, text=""), today, situation))
    if intent == "ask_definition":
        return writer.definition(kb.terms.get(question.term or ""))
    route = kb.routes.get(question.route or "")
    option = kb.financing.get(question.scheme or "")
    if option is not None and route is None:
        others = [kb.financing[s] for s in question.also if s in kb.financing and s != option.id]
        return writer.schemes([option, *others]) if others else writer.scheme(option, situation)
    if route is not None:
        lead = next((f for f in route_facts(route) if f.text == question.lead), None) or cued(route_facts(route), writer.words)
        if lead is not None and not _topic_named_better(kb, intent, lead, writer.words):
            brief = (intent == "ask_training_paths" or intent not in ROUTE_INTENTS) and intent not in lead.about
            return writer.route_lead(route, lead, brief=brief)
        if intent in ROUTE_INTENTS:
            return _ROUTE_ANSWERS[intent](writer, route, situation)
    if intent in ("ask_cost", "ask_duration"):
        return writer.route_table(intent)
    if intent == "ask_financing":
        return writer.financing_overview(situation)
    return writer.topic(kb.topics[intent])


def follow_up_intent(last_topic: Optional[str], formation_type: Optional[str], term: Optional[str]) -> str:
    """Which question an elliptic follow-up ("et en alternance ?") repeats."""
    if term and not formation_type:
        return "ask_definition"
    if formation_type and last_topic in ROUTE_INTENTS:
        return last_topic
    if formation_type:
        return "ask_training_paths"
    return last_topic if last_topic in KNOWLEDGE_INTENTS else "ask_training_paths"


def route_facts(route: TrainingRoute) -> List[Fact]:
    return [route.summary, route.entry, route.certification, *route.suits, *route.notes]


def scheme_facts(option: FinancingOption) -> List[Fact]:
    return [option.summary, *option.details]


def term_facts(term: Term) -> List[Fact]:
    return [term.definition, *term.details]


def topic_facts(topic: Topic) -> List[Fact]:
    return [fact for facet in topic.facets for fact in facet.facts]


def cued(facts: Sequence[Fact], question_words: Sequence[str]) -> Optional[Fact]:
    """The fact whose cue the question names (the longest cue wins), if any."""
    best, best_length = None, 0
    for fact in facts:
        length = match_length(fact.cues, question_words)
        if length > best_length:
            best, best_length = fact, length
    return best


def _topic_named_better(kb: KnowledgeBase, intent: str, lead: Fact, question_words: Sequence[str]) -> bool:
    """Whether the question names its own topic and the route's fact is not about that topic
    ("payé en apprentissage à 16 ans" is about apprentices' pay, not about the age to enter)."""
    topic = kb.topics.get(intent)
    if topic is None or intent in ROUTE_INTENTS:
        return False
    named = max(
        [match_length(topic.cues, question_words)]
        + [match_length(f.cues, question_words) for f in topic.facets]
        + [match_length(fact.cues, question_words) for f in topic.facets for fact in f.facts]
    )
    return bool(named) and intent not in lead.about


def source_links(kb: KnowledgeBase, ids: Sequence[str]) -> List[Dict[str, Optional[str]]]:
    """The cited sources as the widget shows them: a label (the short name, or the title when two
    sources share it) and the official page's address, if it has one."""
    cited = kb.cited(ids)
    shorts = [s.short for s in cited]
    return [{"label": s.short if shorts.count(s.short) == 1 else f"{s.short}, {s.title}", "title": s.title, "url": s.url} for s in cited]


def listed(items: Sequence[str]) -> List[str]:
    """Bullets; items written as list entries ("tenir les dossiers ;") end the list with a full stop."""
    out = [BULLET + item for item in items]
    if out and out[-1].endswith(";"):
        out[-1] = out[-1].rstrip(" ;") + "."
    return out


def _source_ids(cited: Sequence[object]) -> Tuple[str, ...]:
    return tuple(dict.fromkeys(i for item in cited for i in getattr(item, "sources", ())))


# Words of a yes/no question about a cost: whether something is paid for, or free.
_PAID_WORDS = ("payant", "payante", "payer", "paie", "paye", "payent", "paient", "frais", "coute", "cher", "chere", "de ma poche")
_FREE_WORDS = ("gratuit", "gratuite", "gratis", "sans frais", "rien a payer")


def _settled(word: str, said: str) -> str:
    """« Oui, … », « Non, … » or « Pas forcément : … » before an answer to a yes/no question."""
    return f"{word}{' :' if word == 'Pas forcément' else ','} {lower_first(said)}"


class _Writer:
    """Writes one answer: picks what leads, what follows, the buttons and the sources."""

    def __init__(self, kb: KnowledgeBase, today: dt.date, question: Question):
        self.kb, self.today, self.question = kb, today, question
        reading = question.reading or read(question.text, kb.words)
        self.words, self.yes_no = reading.words, reading.yes_no

    def ranked_lead(self, facts: Sequence[Fact]) -> Optional[Fact]:
        """The fact the ranker chose to lead with (bot/ranker.py), if it is one of ``facts``."""
        return next((f for f in facts if self.question.lead and f.text == self.question.lead), None)

    # --- assembling ------------------------------------------------------------------------
    def text(self, lines: Sequence[str], cited: Sequence[object]) -> str:
        text = "\n".join(line for line in lines if line)
        names = self.kb.source_names(_source_ids(cited))
        if names:
            text += "\n\n" + ("Sources : " if len(names) > 1 else "Source : ") + " ; ".join(names) + "."
        return text

    def reply(
        self,
        lines: Sequence[str],
        cited: Sequence[object],
        buttons: Sequence[Button],
        topic: str,
        facet: str = "",
        notes: Sequence[Fact] = (),
    ) -> Reply:
        """The answer; ``notes`` (optional sentences) are added while it stays under TARGET_CHARS."""
        lines, cited = list(lines), list(cited)
        for note in notes:
            if len(self.text(lines + [self.say(note)], cited + [note])) <= TARGET_CHARS:
                lines.append(self.say(note))
                cited.append(note)
        ids = _source_ids(cited)
        custom = {"type": "answer", "topic": topic, "facet": facet, "sources": source_links(self.kb, ids)}
        unique = list(dict.fromkeys(buttons))
        return Reply(text=self.text(lines, cited), buttons=tuple(unique[:MAX_BUTTONS]), sources=ids, custom=custom)

    def say(self, fact: Fact) -> str:
        return fact.on(self.today)

    def bullets(self, facts: Sequence[Fact]) -> List[str]:
        return listed([self.say(f) for f in facts[:MAX_BULLETS]])

    def topic_buttons(self, intents: Sequence[str], **entities: str) -> List[Button]:
        return [Button.for_intent(self.kb.topic_labels[i], i, **entities) for i in intents if i in self.kb.topic_labels]

    # --- topics and their facets ------------------------------------------------------------
    def pick(self, topic: Topic) -> Tuple[Facet, Optional[Fact]]:
        """The facet a button chose, else the one whose fact or cue the question names, else the first."""
        chosen = next((f for f in topic.facets if f.id == self.question.facet), None)
        if chosen is not None:
            return chosen, None
        for facet in topic.facets:
            for fact in facet.facts:
                if self.question.lead and fact.text == self.question.lead:
                    return facet, fact
        best_fact, best_facet, best_length = None, None, 0
        for facet in topic.facets:
            for fact in facet.facts:
                length = match_length(fact.cues, self.words)
                if length > best_length:
                    best_fact, best_facet, best_length = fact, facet, length
        facet_length = max(((match_length(f.cues, self.words), f) for f in topic.facets), key=lambda x: x[0], default=(0, None))
        if best_facet is not None and best_length >= facet_length[0]:
            return best_facet, best_fact
        if facet_length[1] is not None and facet_length[0] > 0:
            return facet_length[1], None
        return topic.facets[0], None

    def lead_with(self, fact: Fact, facet: Optional[Facet] = None) -> str:
        """A fact said first, with its yes or no when the question expects one. A list entry
        ("accueille les patients ;") completes its facet's lead ("Côté administratif, il :")."""
        said = self.say(fact).rstrip(" ;")
        if facet is not None and facet.lead.endswith(":") and said[:1].islower():
            opening = facet.lead[:-1].rstrip() if facet.lead_continues else facet.lead
            if facet.lead_continues and opening.endswith(" de"):  # "il s'occupe de" + "le suivi" -> "il s'occupe du suivi"
                opening, said = opening[:-3], of(said)
            said = f"{opening} {said}"
        said = sentence(said)
        yes_no = fact.yes_no_on(self.today)
        return _settled(yes_no, said) if yes_no and self.yes_no else said

    def topic(self, topic: Topic) -> Reply:
        facet, lead_fact = self.pick(topic)
        shown = [f for f in facet.facts if not f.asked_only and f is not lead_fact]
        others = [Button.for_intent(f.label, topic.id, facet=f.id) for f in topic.facets if f is not facet]
        buttons = others[:3] + self.topic_buttons(topic.followups)
        if lead_fact is None:
            lead = facet.lead or topic.lead
            if lead and facet.lead and facet.yes_no and self.yes_no:
                lead = _settled(facet.yes_no, lead)
            # Without a lead, the facts are sentences of their own, not a list.
            body = self.bullets(shown) if lead else [self.say(f) for f in shown[:MAX_BULLETS]]
            return self.reply([lead] + body, shown[:MAX_BULLETS], buttons, topic.id, facet.id)
        # A direct answer first; the rest of its facet follows as far as the bubble allows,
        # and "En savoir plus" shows the whole facet when some of it did not fit.
        opening = [self.lead_with(lead_fact, facet)]
        entry = self.say(lead_fact)[:1].islower()
        rest = shown[: MAX_BULLETS - 1]
        count = len(rest)
        while count and len(self.text(opening + self.follow(facet, rest[:count], entry), [lead_fact, *rest[:count]])) > TARGET_CHARS:
            count -= 1
        if count < len(shown):
            buttons = [Button.for_intent("En savoir plus", topic.id, facet=facet.id)] + buttons
        lines = opening + self.follow(facet, rest[:count], entry)
        return self.reply(lines, [lead_fact, *rest[:count]], buttons, topic.id, facet.id)

    def follow(self, facet: Facet, facts: Sequence[Fact], after_entry: bool) -> List[str]:
        """The facts after a direct answer. List entries follow "Et aussi :" when the answer was
        one of them, else the facet's own lead; sentences come as they are."""
        if not facts:
            return []
        if all(self.say(f)[:1].islower() for f in facts):
            intro = "Et aussi :" if after_entry or not facet.lead.endswith(":") else facet.lead
            return [intro] + self.bullets(facts)
        return self.bullets(facts)

    # --- routes ------------------------------------------------------------------------------
    def route_buttons(self, route: TrainingRoute, current: str) -> List[Button]:
        labels = {
            "ask_cost": "Le coût",
            "ask_duration": "La durée",
            "ask_certification": "Le diplôme",
            "ask_financing": "Le financement",
            "ask_training_paths": "En bref",
        }
        others = [i for i in ("ask_cost", "ask_duration", "ask_certification", "ask_financing", "ask_training_paths") if i != current]
        buttons = [Button.for_intent(f"{labels[i]} ({route.short_name})", i, formation_type=route.id) for i in others[:3]]
        buttons.append(Button.for_intent("Les autres voies", current if current in ("ask_cost", "ask_duration") else "ask_training_paths"))
        buttons += self.topic_buttons(["request_pathway"])
        return buttons

    @staticmethod
    def notes(route: TrainingRoute, intent: str) -> List[Fact]:
        return [n for n in route.notes if intent in n.about]

    def cost_settles(self, cost: Range) -> Optional[str]:
        """« Oui », « Non » or « Pas forcément » to « c'est payant ? » / « c'est gratuit ? » about one
        route, from its range of costs; None when the question is not one of these or the cost unknown."""
        if not self.yes_no or cost.max is None:
            return None
        question = self.words
        asks_free = bool(match_length(_FREE_WORDS, question))
        if not asks_free and not match_length(_PAID_WORDS, question):
            return None
        if cost.max == 0:
            return "Oui" if asks_free else "Non"
        if (cost.min or 0) > 0:
            return "Non" if asks_free else "Oui"
        return "Pas forcément"

    def route_cost(self, route: TrainingRoute, situation: Optional[str]) -> Reply:
        lines = [f"Coût indicatif {of(route.the)} : {route.cost.text}.", self.say(self.kb.disclaimer)]
        settled = self.cost_settles(route.cost)
        if settled:
            lines[0] = f"{settled}. {lines[0]}"
        return self.reply(
            lines, [route.cost, self.kb.disclaimer], self.route_buttons(route, "ask_cost"), "ask_cost", notes=self.notes(route, "ask_cost")
        )

    def route_duration(self, route: TrainingRoute, situation: Optional[str]) -> Reply:
        lines = [f"Durée {of(route.the)} : {route.duration.text}.", self.say(self.kb.disclaimer)]
        return self.reply(
            lines,
            [route.duration, self.kb.disclaimer],
            self.route_buttons(route, "ask_duration"),
            "ask_duration",
            notes=self.notes(route, "ask_duration"),
        )

    def route_certification(self, route: TrainingRoute, situation: Optional[str]) -> Reply:
        lines = [f"Certification obtenue avec {route.the} : {self.say(route.certification)}."]
        return self.reply(
            lines,
            [route.certification],
            self.route_buttons(route, "ask_certification"),
            "ask_certification",
            notes=self.notes(route, "ask_certification"),
        )

    def route_financing(self, route: TrainingRoute, situation: Optional[str]) -> Reply:
        options = [self.kb.financing[i] for i in route.financing]
        if situation:
            options = [o for o in options if situation in o.situations] or options
        options.sort(key=lambda o: o.id != self.question.scheme)  # the scheme the visitor named first
        cited: List[object] = [route.cost]
        if route.cost.maximum == 0:
            lines = [f"Coût {of(route.the)} : {route.cost.text}."]
            if options:
                lines += [sentence(f"{capitalize(o.the)} : {self.say(o.summary)}") for o in options[:2]]
                cited += [o.summary for o in options[:2]]
            else:
                lines.append("Aucun financement n'est donc nécessaire.")
        else:
            price = f" ({route.cost.text})" if route.cost.minimum is not None else ""
            shown = options[:MAX_BULLETS]
            lines = [f"Pour financer {route.the}{price}, vous pouvez vous tourner vers :"]
            lines += listed([f"{o.the} ;" for o in shown])
            cited += [o.summary for o in shown]
        buttons = [Button.for_intent(capitalize(o.short), "ask_financing", financing=o.id) for o in options[:3]]
        buttons += self.route_buttons(route, "ask_financing")
        return self.reply(lines, cited, buttons, "ask_financing", notes=self.notes(route, "ask_financing"))

    def route_overview(self, route: TrainingRoute, situation: Optional[str]) -> Reply:
        lines = [sentence(f"{capitalize(route.the)} : {self.say(route.summary)}")] + listed(
            [
                f"Durée : {route.duration.text} ;",
                f"Coût : {route.cost.text} ;",
                f"Accès : {lower_first(self.say(route.entry)).rstrip('.')} ;",
            ]
        )
        cited = [route.summary, route.duration, route.cost, route.entry]
        return self.reply(
            lines,
            cited,
            self.route_buttons(route, "ask_training_paths"),
            "ask_training_paths",
            notes=self.notes(route, "ask_training_paths"),
        )

    def route_lead(self, route: TrainingRoute, fact: Fact, brief: bool = True) -> Reply:
        """A route's fact that the question asks about, then (for a question on the training itself)
        the route in brief."""
        text = self.say(fact).rstrip(" ;.")
        if fact is route.entry:
            said = f"Pour accéder {to(route.the)} : {text}."
        elif fact is route.summary:
            said = sentence(f"{capitalize(route.the)} : {text}")
        elif fact is route.certification:
            said = f"Certification obtenue avec {route.the} : {text}."
        elif text.startswith(("Il ", "Elle ")) and not _IMPERSONAL.match(text):
            # Shown alone, the pronoun needs its route: "Le diplôme d'État d'ARM se prépare…"
            # (not an impersonal « Il faut d'abord trouver un employeur »).
            said = sentence(capitalize(route.the) + text[text.index(" ") :])
        else:
            said = sentence(text)
        yes_no = fact.yes_no_on(self.today)
        if yes_no and self.yes_no:
            said = _settled(yes_no, said)
        rest = [f"Durée : {route.duration.text} ;", f"Coût : {route.cost.text} ;"]
        cited: List[object] = [fact, route.duration, route.cost]
        if fact is not route.entry:
            rest.append(f"Accès : {lower_first(self.say(route.entry)).rstrip('.')} ;")
            cited.append(route.entry)
        lines = [said, f"{capitalize(route.the)} en bref :"] + listed(rest)
        if not brief:
            lines, cited = [said], [fact]
        elif len(self.text(lines, cited)) > MAX_ANSWER_CHARS:
            lines, cited = lines[:-1], cited[:-1]
            lines[-1] = lines[-1].rstrip(" ;") + "."
        return self.reply(lines, cited, self.route_buttons(route, "ask_training_paths"), "ask_training_paths")

    def route_table(self, intent: str) -> Reply:
        """Cost or duration of the four routes of the guide; the ARM diploma is a button."""
        topic = self.kb.topics[intent]
        field = "cost_eur" if intent == "ask_cost" else "duration_months"
        routes = self.kb.core_routes
        ranges: List[Range] = [getattr(r, field) for r in routes]
        free = [f for facet in topic.facets for f in facet.facts if f.cues and match_length(f.cues, self.words)]
        lines = [self.lead_with(free[0])] if free else []
        lines.append(topic.lead)
        lines += listed([f"{r.short_name} : {v.text} ;" for r, v in zip(routes, ranges, strict=True)])
        lines.append(self.say(self.kb.disclaimer))
        buttons = [Button.for_intent(r.short_name, intent, formation_type=r.id) for r in self.kb.routes.values()]
        buttons.append(Button.for_intent(self.kb.topic_labels["ask_financing"], "ask_financing"))
        return self.reply(lines, [*free[:1], *ranges, self.kb.disclaimer], buttons, intent)

    # --- financing ---------------------------------------------------------------------------
    def financing_overview(self, situation: Optional[str]) -> Reply:
        topic = self.kb.topics["ask_financing"]
        options = [o for o in self.kb.financing.values() if o.id not in ("vae",)]
        if situation:
            options = [o for o in options if situation in o.situations] or options
        shown = options[:PAYING_SCHEMES_SHOWN]
        lines = [topic.lead] + listed([f"{o.the} ;" for o in shown])
        lines.append("Choisissez-en un pour savoir comment il fonctionne.")
        buttons = [Button.for_intent(capitalize(o.short), "ask_financing", financing=o.id) for o in options]
        buttons += self.topic_buttons(topic.followups)
        return self.reply(lines, [o.summary for o in shown], buttons, "ask_financing")

    def scheme(self, option: FinancingOption, situation: Optional[str]) -> Reply:
        # The detail the question asks about comes right after the summary (its pronouns need it).
        lead = self.ranked_lead(option.details) or cued(option.details, self.words)
        details = ([lead] if lead else []) + [d for d in option.details if d is not lead]
        details = details[:3]
        lines = [sentence(f"{capitalize(option.the)} : {self.say(option.summary)}")] + [self.say(d) for d in details]
        others = [o for o in self.kb.financing.values() if o.id != option.id]
        if situation:
            others = [o for o in others if situation in o.situations] or others
        buttons = [Button.for_intent(capitalize(o.short), "ask_financing", financing=o.id) for o in others[:3]]
        buttons += [Button.for_intent("Tous les financements", "ask_financing")] + self.topic_buttons(["request_pathway"])
        return self.reply(lines, [option.summary, *details], buttons, "ask_financing", option.id)

    def schemes(self, options: Sequence[FinancingOption]) -> Reply:
        """Several schemes named at once ("la différence entre l'AIF et Transitions Pro ?")."""
        shown = list(options[:3])
        lines = [sentence(f"{capitalize(o.the)} : {self.say(o.summary)}") for o in shown]
        lines.append("Choisissez-en un pour le détail.")
        buttons = [Button.for_intent(capitalize(o.short), "ask_financing", financing=o.id) for o in shown]
        return self.reply(lines, [o.summary for o in shown], buttons, "ask_financing", shown[0].id)

    def sources(self, answered: Reply) -> Reply:
        """The sources of the previous answer, with their full titles and who publishes them."""
        cited = self.kb.cited(answered.sources)
        if not cited:
            return Reply(text="Ma réponse précédente ne s'appuyait sur aucune source particulière.")
        lines = ["Ma réponse précédente s'appuie sur :"] + listed([f"{s.publisher} : {s.title} ;" for s in cited])
        custom = {
            "type": "answer",
            "topic": answered.custom.get("topic", "") if answered.custom else "",
            "facet": "",
            "sources": source_links(self.kb, answered.sources),
        }
        return Reply(text="\n".join(lines), buttons=answered.buttons[:3], sources=answered.sources, custom=custom)

    # --- e-health terms ----------------------------------------------------------------------
    def definition(self, term: Optional[Term]) -> Reply:
        terms = list(self.kb.terms.values())
        if term is None:
            topic = self.kb.topics["ask_definition"]
            lines = [topic.lead, capitalize(", ".join(t.short for t in terms)) + "."]
            buttons = [Button.for_intent(capitalize(t.short), "ask_definition", term=t.id) for t in terms]
            return self.reply(lines, [], buttons, "ask_definition")
        chosen = term
        lead = self.ranked_lead(chosen.details) or cued(chosen.details, self.words)
        details = (([lead] if lead else []) + [d for d in chosen.details if d is not lead])[:2]
        lines = [f"{chosen.label} : {self.say(chosen.definition)}"] + [self.say(d) for d in details]
        related = [t for t in terms if t.id != chosen.id][:3]
        buttons = [Button.for_intent(capitalize(t.short), "ask_definition", term=t.id) for t in related]
        buttons.append(Button.for_intent("Tous les termes", "ask_definition"))
        return self.reply(lines, [chosen.definition, *details], buttons, "ask_definition", chosen.id)


_ROUTE_ANSWERS = {
    "ask_cost": _Writer.route_cost,
    "ask_duration": _Writer.route_duration,
    "ask_certification": _Writer.route_certification,
    "ask_financing": _Writer.route_financing,
    "ask_training_paths": _Writer.route_overview,
}


def every_answer(kb: KnowledgeBase, today: dt.date) -> List[Tuple[str, Reply]]:
    """Every answer the knowledge base can compose without a visitor's words: each topic's
    facets, each route, scheme and term. For the length report and its test."""
    out: List[Tuple[str, Reply]] = []
    for intent in KNOWLEDGE_INTENTS:
        out.append((intent, compose(kb, Question(intent), today)))
        topic = kb.topics.get(intent)
        for facet in topic.facets if topic else ():
            out.append((f"{intent} facet={facet.id}", compose(kb, Question(intent, facet=facet.id), today)))
            for fact in facet.facts:
                for cue in fact.cues[:1]:
                    text = f"est-ce que {cue} ?"
                    out.append((f"{intent} cue={cue!r}", compose(kb, Question(intent, text=text), today)))
        if intent in ROUTE_INTENTS:
            for route in kb.routes:
                out.append((f"{intent} route={route}", compose(kb, Question(intent, route=route), today)))
    for option in kb.financing:
        out.append((f"ask_financing scheme={option}", compose(kb, Question("ask_financing", scheme=option), today)))
    for term in kb.terms:
        out.append((f"ask_definition term={term}", compose(kb, Question("ask_definition", term=term), today)))
    return out


def neighbour_answer(kb: KnowledgeBase, neighbour: Neighbour, today: dt.date) -> Reply:
    """What the sources say of a neighbouring job's link with the assistant médical, and that job's
    own page: the bot does not answer for a job it does not describe."""
    writer = _Writer(kb, today, Question("ask_career_moves"))
    job = of(neighbour.name)
    opening = f"Le métier {job} est un autre métier que celui d'assistant médical. Ce que nos sources disent du lien entre les deux :"
    buttons = writer.topic_buttons(["ask_training_paths", "ask_career_moves"])
    if neighbour.page is not None:
        page = kb.sources[neighbour.page]
        closing = f"Sur le métier {job} lui-même, voyez sa fiche {page.short}, en lien ci-dessous."
        pointed: List[object] = [_Cited((page.id,))]
    else:
        closing = f"Sur le métier {job} lui-même, un conseiller d'orientation saura vous renseigner."
        pointed = []
        buttons += writer.topic_buttons(["request_human"])
    # The first link always; the others while the answer stays short enough for a phone.
    said = [neighbour.link[0]]
    for fact in neighbour.link[1:]:
        if len(writer.text([opening, *writer.bullets(said + [fact]), closing], said + [fact] + pointed)) <= TARGET_CHARS:
            said.append(fact)
    return writer.reply([opening, *writer.bullets(said), closing], [*said, *pointed], buttons, "neighbour_job", neighbour.id)


@dataclass(frozen=True)
class _Cited:
    """A source cited by a sentence that is not a fact of the knowledge base (a page pointed to)."""

    sources: Tuple[str, ...]
