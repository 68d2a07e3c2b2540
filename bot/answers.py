"""Composes French answers from the knowledge base, filtered by the entities of the question."""

from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.knowledge import Fact, KnowledgeBase, Range, Topic, TrainingRoute
from bot.reply import Button, Reply

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
BULLET = "• "
MAX_BUTTONS = 6
# Beyond this many financing options for one route, the others are only named (chat bubble length).
MAX_DETAILED_OPTIONS = 3


def answer(kb: KnowledgeBase, intent: str, formation_type: Optional[str] = None, term: Optional[str] = None) -> Reply:
    """The answer to a knowledge question; ``formation_type`` and ``term`` narrow it down."""
    if intent not in KNOWLEDGE_INTENTS:
        raise ValueError(f"not a knowledge intent: {intent}")
    if intent == "ask_definition":
        return _definition(kb, term)
    route = kb.routes.get(formation_type or "")
    if intent in ROUTE_INTENTS and route is not None:
        return _ROUTE_ANSWERS[intent](kb, route)
    if intent == "ask_cost":
        return _route_table(kb, intent, lambda r: r.cost, disclaimer=True)
    if intent == "ask_duration":
        return _route_table(kb, intent, lambda r: r.duration, disclaimer=True)
    if intent == "ask_financing":
        return _financing_overview(kb)
    if intent == "ask_training_paths":
        return _training_paths_overview(kb)
    return _topic(kb, kb.topics[intent])


def follow_up_intent(last_topic: Optional[str], formation_type: Optional[str], term: Optional[str]) -> str:
    """Which question an elliptic follow-up ("et en alternance ?") repeats."""
    if term and not formation_type:
        return "ask_definition"
    if formation_type and last_topic in ROUTE_INTENTS:
        return last_topic
    if formation_type:
        return "ask_training_paths"
    return last_topic if last_topic in KNOWLEDGE_INTENTS else "ask_training_paths"


# --- composition helpers -------------------------------------------------------------------

def _sources_line(kb: KnowledgeBase, facts: Iterable[object]) -> str:
    ids: List[str] = []
    for fact in facts:
        ids.extend(getattr(fact, "sources", ()))
    titles = kb.source_names(ids)
    return ("Sources : " if len(titles) > 1 else "Source : ") + " ; ".join(titles) + "." if titles else ""


def _compose(kb: KnowledgeBase, lines: Sequence[str], facts: Sequence[object], buttons: Sequence[Button]) -> Reply:
    ids = tuple(dict.fromkeys(i for f in facts for i in getattr(f, "sources", ())))
    text = "\n".join(line for line in lines if line)
    sources = _sources_line(kb, facts)
    if sources:
        text = f"{text}\n\n{sources}"
    return Reply(text=text, buttons=tuple(buttons[:MAX_BUTTONS]), sources=ids)


def _topic_buttons(kb: KnowledgeBase, intents: Iterable[str], **entities: str) -> List[Button]:
    return [Button.for_intent(kb.topic_labels[i], i, **entities) for i in intents if i in kb.topic_labels]


def _route_buttons(kb: KnowledgeBase, route: TrainingRoute, current: str) -> List[Button]:
    others = [i for i in ("ask_cost", "ask_duration", "ask_certification", "ask_financing") if i != current]
    return [
        Button.for_intent(f"{kb.topic_labels.get(i, i)} ({route.short_name})", i, formation_type=route.id)
        for i in others[:3]
    ]


def _topic(kb: KnowledgeBase, topic: Topic, extra_lines: Sequence[str] = (), extra_facts: Sequence[Fact] = ()) -> Reply:
    lines: List[str] = [topic.intro]
    facts: List[object] = list(extra_facts)
    for section in topic.sections:
        if section.heading:
            lines.append(f"\n{section.heading} :" if lines else f"{section.heading} :")
        lines.extend(BULLET + fact.text for fact in section.facts)
        facts.extend(section.facts)
    lines.extend(extra_lines)
    return _compose(kb, lines, facts, _topic_buttons(kb, topic.followups))


def _range_line(route: TrainingRoute, value: Range) -> str:
    return f"{BULLET}{route.name} : {value.text}"


def _route_table(kb: KnowledgeBase, intent: str, field: Callable[[TrainingRoute], Range], disclaimer: bool) -> Reply:
    topic = kb.topics[intent]
    lines = [topic.intro] + [_range_line(r, field(r)) for r in kb.routes.values()]
    facts: List[object] = [field(r) for r in kb.routes.values()]
    for section in topic.sections:
        lines.extend(BULLET + f.text for f in section.facts)
        facts.extend(section.facts)
    if disclaimer:
        lines.append(f"\n{kb.disclaimer.text}")
        facts.append(kb.disclaimer)
    buttons = [Button.for_intent(r.short_name, intent, formation_type=r.id) for r in kb.routes.values()]
    return _compose(kb, lines, facts, buttons)


def _route_notes(route: TrainingRoute, intent: str) -> List[Fact]:
    return [note for note in route.notes if intent in note.about]


def _route_cost(kb: KnowledgeBase, route: TrainingRoute) -> Reply:
    notes = _route_notes(route, "ask_cost")
    lines = [f"Coût indicatif — {route.name} : {route.cost.text}."] + [n.text for n in notes]
    lines.append(kb.disclaimer.text)
    return _compose(kb, lines, [route.cost, *notes, kb.disclaimer], _route_buttons(kb, route, "ask_cost"))


def _route_duration(kb: KnowledgeBase, route: TrainingRoute) -> Reply:
    notes = _route_notes(route, "ask_duration")
    lines = [f"Durée — {route.name} : {route.duration.text}."] + [n.text for n in notes]
    return _compose(kb, lines, [route.duration, *notes], _route_buttons(kb, route, "ask_duration"))


def _route_certification(kb: KnowledgeBase, route: TrainingRoute) -> Reply:
    notes = _route_notes(route, "ask_certification")
    codes = f" ({', '.join(route.rncp)})" if route.rncp else ""
    lines = [f"Certification — {route.name} : {route.certification.text}{codes}."] + [n.text for n in notes]
    return _compose(kb, lines, [route.certification, *notes], _route_buttons(kb, route, "ask_certification"))


def _route_financing(kb: KnowledgeBase, route: TrainingRoute) -> Reply:
    options = [kb.financing[i] for i in route.financing]
    detailed, others = options[:MAX_DETAILED_OPTIONS], options[MAX_DETAILED_OPTIONS:]
    notes = _route_notes(route, "ask_financing")
    lines = [f"Pour financer la voie « {route.name} » (coût : {route.cost.text}) :"]
    lines += [f"{BULLET}{o.name} : {o.description.text}" for o in detailed]
    if others:
        lines.append(f"{BULLET}Autres pistes : {', '.join(o.name for o in others)}.")
    if not options:
        lines.append(f"{BULLET}Aucun financement n'est nécessaire : {route.cost.text}.")
    lines += [n.text for n in notes]
    facts = [route.cost, *(o.description for o in detailed), *notes]
    return _compose(kb, lines, facts, _route_buttons(kb, route, "ask_financing"))


def _route_overview(kb: KnowledgeBase, route: TrainingRoute) -> Reply:
    notes = _route_notes(route, "ask_training_paths")
    lines = [
        f"{route.name} : {route.summary.text}",
        f"{BULLET}Durée : {route.duration.text}",
        f"{BULLET}Coût : {route.cost.text}",
        f"{BULLET}Certification : {route.certification.text}",
        f"{BULLET}Accès : {route.entry.text}",
    ]
    lines += [f"{BULLET}{fact.text}" for fact in route.suits[:1]] + [n.text for n in notes]
    facts = [route.summary, route.duration, route.cost, route.certification, route.entry, *route.suits[:1], *notes]
    buttons = _route_buttons(kb, route, "ask_training_paths")
    return _compose(kb, lines, facts, buttons)


_ROUTE_ANSWERS: Dict[str, Callable[[KnowledgeBase, TrainingRoute], Reply]] = {
    "ask_cost": _route_cost,
    "ask_duration": _route_duration,
    "ask_certification": _route_certification,
    "ask_financing": _route_financing,
    "ask_training_paths": _route_overview,
}


def _training_paths_overview(kb: KnowledgeBase) -> Reply:
    topic = kb.topics["ask_training_paths"]
    route_lines = [f"{BULLET}{r.name}" for r in kb.routes.values()]
    reply = _topic(kb, topic)
    lines = reply.text.split("\n\nSource")[0]
    text = lines + "\n\nLes voies de formation (choisissez-en une pour le détail) :\n" + "\n".join(route_lines)
    facts = [f for s in topic.sections for f in s.facts] + [r.summary for r in kb.routes.values()]
    buttons = [Button.for_intent(r.short_name, "ask_training_paths", formation_type=r.id) for r in kb.routes.values()]
    buttons.insert(0, Button.for_intent(kb.topic_labels.get("request_pathway", "Me conseiller"), "request_pathway"))
    return _compose(kb, [text], facts, buttons)


def _financing_overview(kb: KnowledgeBase) -> Reply:
    topic = kb.topics["ask_financing"]
    options = list(kb.financing.values())
    detailed, others = options[:MAX_DETAILED_OPTIONS], options[MAX_DETAILED_OPTIONS:]
    lines = [topic.intro] + [f"{BULLET}{o.name} : {o.description.text}" for o in detailed]
    lines.append(f"{BULLET}Et aussi : {', '.join(o.name for o in others)}.")
    facts: List[object] = [o.description for o in detailed]
    for section in topic.sections:
        lines.extend(BULLET + f.text for f in section.facts)
        facts.extend(section.facts)
    return _compose(kb, lines, facts, _topic_buttons(kb, topic.followups))


def _definition(kb: KnowledgeBase, term_id: Optional[str]) -> Reply:
    term = kb.terms.get(term_id or "")
    if term is None:
        topic = kb.topics.get("ask_definition")
        intro = topic.intro if topic else "Voici les termes de la e-santé que je peux vous expliquer :"
        lines = [intro] + [f"{BULLET}{t.label}" for t in kb.terms.values()]
        buttons = [Button.for_intent(t.label.split(" (")[0], "ask_definition", term=t.id) for t in kb.terms.values()]
        return Reply(text="\n".join(lines), buttons=tuple(buttons[:6]))
    lines = [f"{term.label} : {term.definition.text}"] + [d.text for d in term.details]
    related = [t for t in kb.terms.values() if t.id != term.id][:3]
    buttons = [Button.for_intent(t.label.split(" (")[0], "ask_definition", term=t.id) for t in related]
    return _compose(kb, lines, [term.definition, *term.details], buttons)
