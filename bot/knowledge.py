"""Loads and validates the knowledge base (YAML files in ``bot/knowledge/``).

Every fact carries the ids of its sources; every source id must exist in
``sources.yml``. A malformed file fails fast with the file and the field named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "knowledge"

SOURCE_KINDS = ("document", "official")
FORMATION_TYPES = ("lycee_pro", "formation_continue", "alternance", "formation_privee", "arm")
SITUATIONS = ("etudiant", "reconversion", "salarie")
TERMS = (
    "dmp",
    "dpi",
    "dse",
    "telemedecine",
    "teleconsultation",
    "tele_expertise",
    "telesurveillance",
    "e_parcours",
    "via_trajectoire",
    "donnees_sante",
)
INTERESTS = ("patient", "administration", "numerique", "regulation")


class KnowledgeBaseError(ValueError):
    """A knowledge-base file is missing, malformed or refers to an unknown id."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    kind: str
    reference: str  # a URL, or the path of a document under shared/sources/
    short: str  # how an answer cites it


@dataclass(frozen=True)
class Fact:
    text: str
    sources: Tuple[str, ...]
    id: str = ""
    about: Tuple[str, ...] = ()  # intents a route note answers, e.g. ask_duration


@dataclass(frozen=True)
class Range:
    """A numeric range with the sentence that states it and where it comes from."""

    text: str
    minimum: Optional[float]
    maximum: Optional[float]
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class TrainingRoute:
    id: str
    name: str
    short_name: str  # for buttons
    summary: Fact
    duration: Range  # months
    cost: Range  # euros, for the trainee
    certification: Fact
    rncp: Tuple[str, ...]
    paid_while_training: bool
    min_age: Optional[int]
    required_diploma: Optional[str]  # none, cap_bep, bac, bac2 (minimum to enter)
    max_age: Optional[int]
    entry: Fact
    suits: Tuple[Fact, ...]
    interests: Tuple[str, ...]
    financing: Tuple[str, ...]
    notes: Tuple[Fact, ...]
    next_steps: Tuple[Fact, ...]


@dataclass(frozen=True)
class FinancingOption:
    id: str
    name: str
    description: Fact
    situations: Tuple[str, ...]
    details: Tuple[Fact, ...]


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    facts: Tuple[Fact, ...]


@dataclass(frozen=True)
class Topic:
    id: str  # the intent it answers
    title: str
    intro: str
    sections: Tuple[Section, ...]
    followups: Tuple[str, ...]


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    definition: Fact
    details: Tuple[Fact, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    sources: Mapping[str, Source]
    routes: Mapping[str, TrainingRoute]
    financing: Mapping[str, FinancingOption]
    topics: Mapping[str, Topic]
    terms: Mapping[str, Term]
    disclaimer: Fact
    topic_labels: Mapping[str, str] = field(default_factory=dict)

    def fact(self, fact_id: str) -> Fact:
        """A topic fact by its id (facts that code refers to carry one)."""
        for topic in self.topics.values():
            for section in topic.sections:
                for fact in section.facts:
                    if fact.id == fact_id:
                        return fact
        raise KeyError(fact_id)

    def source_names(self, ids: Sequence[str]) -> List[str]:
        """Short citations, each once (several Légifrance texts are cited as one)."""
        return list(dict.fromkeys(self.sources[i].short for i in ids))


class _Reader:
    """Reads one YAML mapping and reports errors as ``file: path.to.field: problem``."""

    def __init__(self, path: Path, known_sources: Optional[Mapping[str, Source]] = None):
        self.path = path
        self.known_sources = known_sources
        try:
            self.data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise KnowledgeBaseError(f"{path.name}: file not found") from error
        except yaml.YAMLError as error:
            raise KnowledgeBaseError(f"{path.name}: invalid YAML: {error}") from error
        if not isinstance(self.data, dict):
            raise KnowledgeBaseError(f"{path.name}: the top level must be a mapping")

    def fail(self, where: str, problem: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(f"{self.path.name}: {where}: {problem}")

    def get(self, node: Any, key: str, where: str, kind: type, required: bool = True) -> Any:
        if not isinstance(node, dict):
            raise self.fail(where, "must be a mapping")
        if key not in node or node[key] is None:
            if required:
                raise self.fail(f"{where}.{key}", "missing")
            return None
        value = node[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(f"{where}.{key}", f"must be a {kind.__name__}")
        if kind is str and not value.strip():
            raise self.fail(f"{where}.{key}", "must not be empty")
        return value

    def items(self, node: Any, key: str, where: str, required: bool = True) -> List[Any]:
        value = self.get(node, key, where, list, required)
        return value or []

    def strings(self, node: Any, key: str, where: str, allowed: Sequence[str] = (), required: bool = False) -> Tuple[str, ...]:
        values = self.items(node, key, where, required)
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"{where}.{key}[{index}]", "must be a non-empty string")
            if allowed and value not in allowed:
                raise self.fail(f"{where}.{key}[{index}]", f"unknown value {value!r} (expected one of {', '.join(allowed)})")
        return tuple(values)

    def sources(self, node: Any, where: str) -> Tuple[str, ...]:
        ids = self.strings(node, "sources", where, required=True)
        if not ids:
            raise self.fail(f"{where}.sources", "must name at least one source")
        if self.known_sources is not None:
            for source_id in ids:
                if source_id not in self.known_sources:
                    raise self.fail(f"{where}.sources", f"unknown source {source_id!r}")
        return ids

    def fact(self, node: Any, where: str) -> Fact:
        return Fact(
            text=self.get(node, "text", where, str).strip(),
            sources=self.sources(node, where),
            id=self.get(node, "id", where, str, required=False) or "",
            about=self.strings(node, "about", where),
        )

    def fact_at(self, node: Any, key: str, where: str) -> Fact:
        return self.fact(self.get(node, key, where, dict), f"{where}.{key}")

    def facts(self, node: Any, key: str, where: str, required: bool = False) -> Tuple[Fact, ...]:
        return tuple(self.fact(item, f"{where}.{key}[{i}]") for i, item in enumerate(self.items(node, key, where, required)))

    def range(self, node: Any, key: str, where: str) -> Range:
        where = f"{where}.{key}"
        item = self.get(node, key, where.rsplit(".", 1)[0], dict)
        minimum = self.get(item, "min", where, float, required=False)
        maximum = self.get(item, "max", where, float, required=False)
        if minimum is not None and maximum is not None and minimum > maximum:
            raise self.fail(where, "min is greater than max")
        return Range(self.get(item, "text", where, str).strip(), minimum, maximum, self.sources(item, where))


def _load_sources(directory: Path) -> Dict[str, Source]:
    reader = _Reader(directory / "sources.yml")
    sources: Dict[str, Source] = {}
    for source_id, node in (reader.get(reader.data, "sources", "", dict) or {}).items():
        where = f"sources.{source_id}"
        kind = reader.get(node, "kind", where, str)
        if kind not in SOURCE_KINDS:
            raise reader.fail(f"{where}.kind", f"must be one of {', '.join(SOURCE_KINDS)}")
        sources[source_id] = Source(
            id=source_id,
            title=reader.get(node, "title", where, str),
            publisher=reader.get(node, "publisher", where, str),
            kind=kind,
            reference=reader.get(node, "reference", where, str),
            short=reader.get(node, "short", where, str, required=False) or reader.get(node, "publisher", where, str),
        )
    return sources


def _load_routes(directory: Path, sources: Mapping[str, Source]) -> Dict[str, TrainingRoute]:
    reader = _Reader(directory / "routes.yml", sources)
    routes: Dict[str, TrainingRoute] = {}
    for index, node in enumerate(reader.items(reader.data, "routes", "")):
        where = f"routes[{index}]"
        route_id = reader.get(node, "id", where, str)
        if route_id not in FORMATION_TYPES:
            raise reader.fail(f"{where}.id", f"unknown route {route_id!r}")
        where = f"routes.{route_id}"
        diploma = reader.get(node, "required_diploma", where, str, required=False)
        if diploma is not None and diploma not in ("none", "cap_bep", "bac", "bac2"):
            raise reader.fail(f"{where}.required_diploma", "must be none, cap_bep, bac or bac2")
        routes[route_id] = TrainingRoute(
            id=route_id,
            name=reader.get(node, "name", where, str),
            short_name=reader.get(node, "short_name", where, str),
            summary=reader.fact_at(node, "summary", where),
            duration=reader.range(node, "duration_months", where),
            cost=reader.range(node, "cost_eur", where),
            certification=reader.fact_at(node, "certification", where),
            rncp=reader.strings(node, "rncp", where),
            paid_while_training=reader.get(node, "paid_while_training", where, bool),
            min_age=reader.get(node, "min_age", where, int, required=False),
            max_age=reader.get(node, "max_age", where, int, required=False),
            required_diploma=diploma,
            entry=reader.fact_at(node, "entry", where),
            suits=reader.facts(node, "suits", where, required=True),
            interests=reader.strings(node, "interests", where, INTERESTS, required=True),
            financing=reader.strings(node, "financing", where),
            notes=reader.facts(node, "notes", where),
            next_steps=reader.facts(node, "next_steps", where, required=True),
        )
    missing = set(FORMATION_TYPES) - set(routes)
    if missing:
        raise reader.fail("routes", f"missing routes: {', '.join(sorted(missing))}")
    return routes


def _load_financing(directory: Path, sources: Mapping[str, Source]) -> Dict[str, FinancingOption]:
    reader = _Reader(directory / "financing.yml", sources)
    options: Dict[str, FinancingOption] = {}
    for index, node in enumerate(reader.items(reader.data, "financing", "")):
        option_id = reader.get(node, "id", f"financing[{index}]", str)
        where = f"financing.{option_id}"
        options[option_id] = FinancingOption(
            id=option_id,
            name=reader.get(node, "name", where, str),
            description=reader.fact_at(node, "description", where),
            situations=reader.strings(node, "situations", where, SITUATIONS, required=True),
            details=reader.facts(node, "details", where),
        )
    return options


def _load_topics(directory: Path, sources: Mapping[str, Source]) -> Tuple[Dict[str, Topic], Fact, Dict[str, str]]:
    reader = _Reader(directory / "topics.yml", sources)
    topics: Dict[str, Topic] = {}
    for topic_id, node in reader.get(reader.data, "topics", "", dict).items():
        where = f"topics.{topic_id}"
        sections = []
        for s_index, section in enumerate(reader.items(node, "sections", where)):
            s_where = f"{where}.sections[{s_index}]"
            sections.append(
                Section(
                    id=reader.get(section, "id", s_where, str),
                    heading=reader.get(section, "heading", s_where, str, required=False) or "",
                    facts=reader.facts(section, "facts", s_where, required=True),
                )
            )
        topics[topic_id] = Topic(
            id=topic_id,
            title=reader.get(node, "title", where, str),
            intro=reader.get(node, "intro", where, str, required=False) or "",
            sections=tuple(sections),
            followups=reader.strings(node, "followups", where),
        )
    disclaimer = reader.fact_at(reader.data, "disclaimer", "")
    labels = reader.get(reader.data, "topic_labels", "", dict)
    return topics, disclaimer, {str(k): str(v) for k, v in labels.items()}


def _load_terms(directory: Path, sources: Mapping[str, Source]) -> Dict[str, Term]:
    reader = _Reader(directory / "glossary.yml", sources)
    terms: Dict[str, Term] = {}
    for index, node in enumerate(reader.items(reader.data, "terms", "")):
        term_id = reader.get(node, "id", f"terms[{index}]", str)
        if term_id not in TERMS:
            raise reader.fail(f"terms[{index}].id", f"unknown term {term_id!r}")
        where = f"terms.{term_id}"
        terms[term_id] = Term(
            id=term_id,
            label=reader.get(node, "label", where, str),
            definition=reader.fact_at(node, "definition", where),
            details=reader.facts(node, "details", where),
        )
    missing = set(TERMS) - set(terms)
    if missing:
        raise reader.fail("terms", f"missing terms: {', '.join(sorted(missing))}")
    return terms


def load_knowledge_base(directory: Path = KNOWLEDGE_DIR) -> KnowledgeBase:
    """Reads every file of the knowledge base and checks cross-references."""
    sources = _load_sources(directory)
    routes = _load_routes(directory, sources)
    financing = _load_financing(directory, sources)
    for route in routes.values():
        for option_id in route.financing:
            if option_id not in financing:
                raise KnowledgeBaseError(f"routes.yml: routes.{route.id}.financing: unknown financing option {option_id!r}")
    topics, disclaimer, labels = _load_topics(directory, sources)
    for topic in topics.values():
        for followup in topic.followups:
            if followup not in labels:
                raise KnowledgeBaseError(f"topics.yml: topics.{topic.id}.followups: {followup!r} has no entry in topic_labels")
    return KnowledgeBase(
        sources=sources,
        routes=routes,
        financing=financing,
        topics=topics,
        terms=_load_terms(directory, sources),
        disclaimer=disclaimer,
        topic_labels=labels,
    )
