"""Loads and validates the knowledge base (YAML files in ``bot/knowledge/``).

The files are checked by pydantic models: a missing or mistyped field, an
unknown key, an unknown source or a broken reference fails at start-up with the
file, the fact and the field named (``routes.yml: routes.arm.notes[0].sources:
missing``).

Facts that age carry their dates: ``effective`` (the day from which ``text``
holds; ``before`` is said until then), ``as_of`` (the date its figures
describe) and ``review_by`` (the day by which someone must check it again,
listed by ``make kb-review``). Sentences are chosen for the day they are read
(``Fact.on(today)``), never frozen at load time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, Iterator, List, Literal, Mapping, Optional, Sequence, Tuple, Type, Union

import yaml
from pydantic import BaseModel, Extra, Field, StrictBool, StrictInt, StrictStr, ValidationError, root_validator, validator

from bot.cues import vocabulary

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "knowledge"
FILES = ("sources.yml", "profile.yml", "routes.yml", "financing.yml", "topics.yml", "glossary.yml", "neighbours.yml")


class KnowledgeBaseError(ValueError):
    """A knowledge-base file is missing, malformed or refers to an unknown id."""


class _Model(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False
        anystr_strip_whitespace = True
        min_anystr_length = 1


Text = StrictStr


class Source(_Model):
    id: Text = ""
    title: Text
    publisher: Text
    kind: Literal["document", "official"]
    # document: its path under shared/sources/ (not reachable by a visitor); official: its URL.
    reference: Text
    short: Text  # how an answer cites it

    @property
    def url(self) -> Optional[str]:
        return self.reference if self.reference.startswith("https://") else None


def _named(sources: Tuple[str, ...]) -> Tuple[str, ...]:
    if not sources:
        raise ValueError("must name at least one source")
    return sources


class Fact(_Model):
    text: Text
    sources: Tuple[Text, ...]
    id: Text = ""
    # Intents a route note answers (routes.yml), e.g. ask_duration.
    about: Tuple[Text, ...] = ()
    # Words of a question that make this fact the answer's lead; `yes_no` is then said first
    # to a yes/no question; an `asked_only` fact is shown only when its cues are asked about.
    cues: Tuple[Text, ...] = ()
    # Whole questions a visitor asks that this fact answers, in visitors' words (written from
    # the fact by someone who never read the test tables): the ranker's nearest neighbours.
    asked: Tuple[Text, ...] = ()
    yes_no: Optional[Literal["Oui", "Non", "Pas forcément"]] = None
    asked_only: StrictBool = False
    effective: Optional[dt.date] = None
    before: Optional[Text] = None
    as_of: Optional[dt.date] = None
    review_by: Optional[dt.date] = None
    origin: str = ""  # "file: path", set by the loader

    _sources = validator("sources", allow_reuse=True)(_named)

    @root_validator(skip_on_failure=True)
    def _dates(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values.get("before") and not values.get("effective"):
            raise ValueError("`before` needs the `effective` date from which `text` holds")
        if (values.get("effective") or values.get("as_of")) and not values.get("review_by"):
            raise ValueError("a dated fact (effective or as_of) needs a `review_by` date")
        return values

    def on(self, today: dt.date) -> str:
        """The sentence true on ``today``."""
        if self.effective and self.before and today < self.effective:
            return self.before
        return self.text

    def yes_no_on(self, today: dt.date) -> Optional[str]:
        """The « Oui » / « Non » said first, when ``text`` (not ``before``) holds on ``today``."""
        if self.effective and self.before and today < self.effective:
            return None
        return self.yes_no


class Range(_Model):
    """A numeric range with the sentence that states it and where it comes from."""

    text: Text
    min: Optional[float] = None
    max: Optional[float] = None
    sources: Tuple[Text, ...]
    origin: str = ""

    _sources = validator("sources", allow_reuse=True)(_named)

    @property
    def minimum(self) -> Optional[float]:
        return self.min

    @property
    def maximum(self) -> Optional[float]:
        return self.max

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        low, high = values.get("min"), values.get("max")
        if low is not None and high is not None and low > high:
            raise ValueError("min is greater than max")
        return values


class TrainingRoute(_Model):
    id: Text
    name: Text  # title case, for cards
    short_name: Text  # for buttons
    the: Text  # in a sentence, with its article: "l'alternance"
    # The four routes of the guide's table; the ARM diploma (another job, next to it) is not.
    core: StrictBool
    summary: Fact
    duration_months: Range
    cost_eur: Range
    certification: Fact
    paid_while_training: StrictBool
    min_age: Optional[StrictInt] = None
    max_age: Optional[StrictInt] = None
    # False: the ages are the usual limits ("en général de 16 à 29 ans"), to check, not a bar.
    strict_ages: StrictBool = True
    # The situations it is meant for: only them (only_for), or first of all (meant_for).
    only_for: Tuple[Text, ...] = ()
    meant_for: Tuple[Text, ...] = ()
    required_diploma: Optional[Text] = None  # an id of profile.yml's diplomas
    leads_to: Optional[Text] = None  # the diploma it gives, when it is one of profile.yml's
    entry: Fact
    suits: List[Fact] = Field(..., min_items=1)
    interests: List[Text] = Field(..., min_items=1)  # ids of profile.yml's interests
    financing: Tuple[Text, ...] = ()
    notes: Tuple[Fact, ...] = ()
    next_steps: List[Fact] = Field(..., min_items=1)

    @property
    def duration(self) -> Range:
        return self.duration_months

    @property
    def cost(self) -> Range:
        return self.cost_eur


class FinancingOption(_Model):
    """A way to pay for a training (and the VAE, a way to certify without a whole training)."""

    id: Text
    name: Text  # title case
    the: Text  # in a sentence: "le compte personnel de formation (CPF)"
    short: Text  # in a sentence, short: "le CPF"
    summary: Fact  # a lower-case clause: "<the> : <summary>"
    situations: List[Text] = Field(..., min_items=1)  # ids of profile.yml's situations
    details: Tuple[Fact, ...] = ()
    # What it can pay at most, and what always remains to pay (the CPF): the texts say the same.
    cap_eur: Optional[StrictInt] = None
    contribution_eur: Optional[StrictInt] = None


class Facet(_Model):
    """One side of a topic (human or technical skills...): what a question's words can lead with."""

    id: Text
    label: Text  # its button
    lead: Text = ""  # an opening sentence, no fact in it
    # The lead is the start of a sentence each of its list entries completes (« il s'occupe de : »):
    # one entry said first reads « il s'occupe de l'accueil ». Otherwise the lead keeps its colon
    # (« Côté humain, ce qui compte le plus : l'empathie… »).
    lead_continues: StrictBool = False
    cues: Tuple[Text, ...] = ()
    # Said first when its lead opens the answer to a yes/no question (« on est payé en alternance ? »).
    yes_no: Optional[Literal["Oui", "Non", "Pas forcément"]] = None
    facts: List[Fact] = Field(..., min_items=1)


class Topic(_Model):
    id: Text = ""  # the intent it answers
    title: Text
    lead: Text = ""
    cues: Tuple[Text, ...] = ()  # words that name the topic ("salaire"), for follow-ups
    facets: Tuple[Facet, ...] = ()
    followups: Tuple[Text, ...] = ()

    @validator("facets")
    def _unique_facets(cls, facets: Tuple[Facet, ...]) -> Tuple[Facet, ...]:
        ids = [f.id for f in facets]
        if len(ids) != len(set(ids)):
            raise ValueError("facet ids must be unique within a topic")
        return facets


class Term(_Model):
    id: Text
    label: Text
    short: Text  # its button
    definition: Fact
    details: Tuple[Fact, ...] = ()


class Neighbour(_Model):
    """A job next to the assistant médical that visitors ask about (neighbours.yml)."""

    id: Text
    name: Text  # after « le métier d' / de »
    cues: List[Text] = Field(..., min_items=2)  # how visitors name it
    link: List[Fact] = Field(..., min_items=1)  # what the sources say of its link with the assistant médical
    page: Optional[Text] = None  # a source whose URL is that job's own page


class Profile(_Model):
    """The values of the interview's answers and their French words (profile.yml)."""

    situations: Dict[Text, Text]
    diplomas: Dict[Text, Text]  # lowest first
    # The diplômes d'État of health that let one work as assistant médical (arrêté du 7 novembre 2019).
    health_diplomas: Dict[Text, Text]
    interests: Dict[Text, Text]

    def diploma_rank(self, diploma: str) -> int:
        return list(self.diplomas).index(diploma) if diploma in self.diplomas else 0


class _SourcesFile(_Model):
    sources: Dict[Text, Source]


class _RoutesFile(_Model):
    routes: List[TrainingRoute] = Field(..., min_items=1)
    # What a person already has that leads to the job without a whole training (a health diploma,
    # years of similar work): candidates of the recommender only, not routes answers list.
    recognition: List[TrainingRoute] = []


class _FinancingFile(_Model):
    financing: List[FinancingOption] = Field(..., min_items=1)


class _TopicsFile(_Model):
    disclaimer: Fact
    topic_labels: Dict[Text, Text]
    topics: Dict[Text, Topic]


class _GlossaryFile(_Model):
    terms: List[Term] = Field(..., min_items=1)


class _NeighboursFile(_Model):
    neighbours: List[Neighbour] = Field(..., min_items=1)


class KnowledgeBase:
    """Every file of the knowledge base, validated and cross-checked."""

    def __init__(
        self,
        sources: Mapping[str, Source],
        routes: Mapping[str, TrainingRoute],
        financing: Mapping[str, FinancingOption],
        topics: Mapping[str, Topic],
        terms: Mapping[str, Term],
        disclaimer: Fact,
        topic_labels: Mapping[str, str],
        profile: Profile,
        recognition: Mapping[str, TrainingRoute] | None = None,
        neighbours: Mapping[str, Neighbour] | None = None,
    ):
        self.profile = profile
        self.sources = dict(sources)
        self.routes = dict(routes)
        self.recognition = dict(recognition or {})
        self.neighbours = dict(neighbours or {})
        self.financing = dict(financing)
        self.topics = dict(topics)
        self.terms = dict(terms)
        self.disclaimer = disclaimer
        self.topic_labels = dict(topic_labels)
        self._facts_by_id = {f.id: f for f in self.facts() if isinstance(f, Fact) and f.id}
        # Words spelt right: a question's word found here is never read as a misspelt cue.
        self.words = vocabulary([f.text for f in self.facts()] + [str(v) for v in _walk_texts(self)])

    def fact(self, fact_id: str) -> Fact:
        """A fact by its id (facts that code refers to carry one)."""
        return self._facts_by_id[fact_id]

    def facts(self) -> Iterator[Union[Fact, Range]]:
        """Every fact and range once, in file order."""
        seen: set[str] = set()
        for item in _walk(self):
            key = getattr(item, "id", "") or getattr(item, "origin", "")
            if isinstance(item, (Fact, Range)) and key not in seen:
                seen.add(key)
                yield item

    def source_names(self, ids: Sequence[str]) -> List[str]:
        """Short citations, each once (several Légifrance texts are cited as one)."""
        return list(dict.fromkeys(self.sources[i].short for i in ids))

    def cited(self, ids: Sequence[str]) -> List[Source]:
        """The sources of ``ids``, each once, in order."""
        return [self.sources[i] for i in dict.fromkeys(ids)]

    @property
    def core_routes(self) -> List[TrainingRoute]:
        return [r for r in self.routes.values() if r.core]


def _walk_texts(kb: "KnowledgeBase") -> Iterator[str]:
    for topic in kb.topics.values():
        yield topic.title
        yield topic.lead
        for facet in topic.facets:
            yield facet.label
            yield facet.lead
    yield from kb.topic_labels.values()
    for route in kb.routes.values():
        yield from (route.name, route.short_name, route.the)
    for option in kb.financing.values():
        yield from (option.name, option.the, option.short)
    for term in kb.terms.values():
        yield from (term.label, term.short)
    for neighbour in kb.neighbours.values():
        yield neighbour.name
    for labels in (kb.profile.situations, kb.profile.diplomas, kb.profile.interests):
        yield from labels.values()


def _walk(node: Any) -> Iterator[Any]:
    if isinstance(node, KnowledgeBase):
        for part in (node.routes, node.recognition, node.financing, node.topics, node.terms, node.neighbours):
            yield from _walk(part)
        yield node.disclaimer
    elif isinstance(node, BaseModel):
        yield node
        for name in node.__fields__:
            yield from _walk(getattr(node, name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


# --- loading -------------------------------------------------------------------------------


def _read(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise KnowledgeBaseError(f"{path.name}: file not found") from error
    except yaml.YAMLError as error:
        raise KnowledgeBaseError(f"{path.name}: invalid YAML: {error}") from error
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path.name}: the top level must be a mapping")
    return data


def _path(data: Any, location: Sequence[Any]) -> str:
    """("routes", 4, "notes", 0, "sources") -> "routes.arm.notes[0].sources": an item with an id is named by it."""
    out, node = "", data
    for part in location:
        if part == "__root__":
            continue
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            out += f".{item_id}" if isinstance(item_id, str) and item_id else f"[{part}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _explain(error: Dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error.missing":
        return "missing"
    if kind == "value_error.extra":
        return "unknown field (a typo?)"
    if "bool" in kind:
        return "must be true or false"
    return str(error["msg"])


def _validate(model: Type[BaseModel], data: Dict[str, Any], file: str) -> Any:
    try:
        return model.parse_obj(data)
    except ValidationError as error:
        problems = [f"{file}: {_path(data, e['loc'])}: {_explain(dict(e))}" for e in error.errors()]
        raise KnowledgeBaseError("\n".join(problems)) from None


def _resolve_refs(data: Any, by_id: Dict[str, Dict[str, Any]], file: str, where: str = "") -> Any:
    """Replaces ``{ref: fact_id}`` with that fact: a fact shown in two places is written once."""
    if isinstance(data, dict):
        if "ref" in data:
            if data["ref"] not in by_id:
                raise KnowledgeBaseError(f"{file}: {where}: unknown fact id {data['ref']!r}")
            # The referenced fact, with what the reference adds (the intents a route note answers).
            return {**by_id[data["ref"]], **{k: v for k, v in data.items() if k != "ref"}}
        return {k: _resolve_refs(v, by_id, file, f"{where}.{k}" if where else str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_resolve_refs(v, by_id, file, f"{where}[{i}]") for i, v in enumerate(data)]
    return data


def _raw_facts_by_id(data: Any) -> Iterator[Tuple[str, Dict[str, Any]]]:
    if isinstance(data, dict):
        if isinstance(data.get("id"), str) and "text" in data and "sources" in data:
            yield data["id"], data
        for value in data.values():
            yield from _raw_facts_by_id(value)
    elif isinstance(data, list):
        for value in data:
            yield from _raw_facts_by_id(value)


def _set_origins(node: Any, file: str, data: Any, location: Tuple[Any, ...] = ()) -> None:
    """Records on each fact where it is written, for error messages and `make kb-review`."""
    if isinstance(node, (Fact, Range)):
        object.__setattr__(node, "origin", f"{file}: {_path(data, location)}")
    if isinstance(node, BaseModel):
        for name in node.__fields__:
            _set_origins(getattr(node, name), file, data, location + (name,))
    elif isinstance(node, dict):
        for key, value in node.items():
            _set_origins(value, file, data, location + (key,))
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            _set_origins(value, file, data, location + (index,))


def _check_sources(node: Any, known: Mapping[str, Source]) -> None:
    for item in _walk(node):
        if isinstance(item, (Fact, Range)):
            for source_id in item.sources:
                if source_id not in known:
                    raise KnowledgeBaseError(f"{item.origin}.sources: unknown source {source_id!r}")


def load_knowledge_base(directory: Path = KNOWLEDGE_DIR) -> KnowledgeBase:
    """Reads every file of the knowledge base and checks cross-references."""
    raw = {name: _read(directory / name) for name in FILES}
    by_id: Dict[str, Dict[str, Any]] = {}
    for name in FILES:
        for fact_id, fact in _raw_facts_by_id(raw[name]):
            if fact_id in by_id:
                raise KnowledgeBaseError(f"{name}: fact id {fact_id!r} is used twice")
            by_id[fact_id] = fact
    raw = {name: _resolve_refs(data, by_id, name) for name, data in raw.items()}

    sources_file = _validate(_SourcesFile, raw["sources.yml"], "sources.yml")
    profile = _validate(Profile, raw["profile.yml"], "profile.yml")
    sources = {key: source.copy(update={"id": key}) for key, source in sources_file.sources.items()}
    routes_file = _validate(_RoutesFile, raw["routes.yml"], "routes.yml")
    financing_file = _validate(_FinancingFile, raw["financing.yml"], "financing.yml")
    topics_file = _validate(_TopicsFile, raw["topics.yml"], "topics.yml")
    glossary_file = _validate(_GlossaryFile, raw["glossary.yml"], "glossary.yml")
    neighbours_file = _validate(_NeighboursFile, raw["neighbours.yml"], "neighbours.yml")
    for model, name in (
        (routes_file, "routes.yml"),
        (financing_file, "financing.yml"),
        (topics_file, "topics.yml"),
        (glossary_file, "glossary.yml"),
        (neighbours_file, "neighbours.yml"),
    ):
        _set_origins(model, name, raw[name])
        _check_sources(model, sources)

    routes = _unique(routes_file.routes, "routes.yml", "routes")
    recognition = _unique(routes_file.recognition, "routes.yml", "recognition")
    financing = _unique(financing_file.financing, "financing.yml", "financing")
    terms = _unique(glossary_file.terms, "glossary.yml", "terms")
    neighbours = _unique(neighbours_file.neighbours, "neighbours.yml", "neighbours")
    for neighbour in neighbours.values():
        if neighbour.page is not None and (neighbour.page not in sources or sources[neighbour.page].url is None):
            raise KnowledgeBaseError(f"neighbours.yml: neighbours.{neighbour.id}.page: {neighbour.page!r} is not a source with a URL")
    for route in [*routes.values(), *recognition.values()]:
        for option_id in route.financing:
            if option_id not in financing:
                raise KnowledgeBaseError(f"routes.yml: routes.{route.id}.financing: unknown financing option {option_id!r}")
        for situation in route.only_for + route.meant_for:
            if situation not in profile.situations:
                raise KnowledgeBaseError(f"routes.yml: routes.{route.id}: unknown situation {situation!r} (profile.yml)")
        for interest in route.interests:
            if interest not in profile.interests:
                raise KnowledgeBaseError(f"routes.yml: routes.{route.id}.interests: unknown interest {interest!r} (profile.yml)")
        if route.leads_to is not None and route.leads_to not in profile.diplomas:
            raise KnowledgeBaseError(f"routes.yml: routes.{route.id}.leads_to: unknown diploma {route.leads_to!r} (profile.yml)")
        if route.required_diploma is not None and route.required_diploma not in profile.diplomas:
            raise KnowledgeBaseError(
                f"routes.yml: routes.{route.id}.required_diploma: unknown diploma {route.required_diploma!r} (profile.yml)"
            )
    for option in financing.values():
        for situation in option.situations:
            if situation not in profile.situations:
                raise KnowledgeBaseError(f"financing.yml: financing.{option.id}.situations: unknown situation {situation!r} (profile.yml)")
    topics = {key: topic.copy(update={"id": key}) for key, topic in topics_file.topics.items()}
    for topic in topics.values():
        for followup in topic.followups:
            if followup not in topics_file.topic_labels:
                raise KnowledgeBaseError(f"topics.yml: topics.{topic.id}.followups: {followup!r} has no entry in topic_labels")
    return KnowledgeBase(
        sources, routes, financing, topics, terms, topics_file.disclaimer, topics_file.topic_labels, profile, recognition, neighbours
    )


def _unique(items: Sequence[Any], file: str, key: str) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise KnowledgeBaseError(f"{file}: {key}.{item.id}: the id is used twice")
        out[item.id] = item
    return out


# --- review ---------------------------------------------------------------------------------


def due_for_review(kb: KnowledgeBase, today: dt.date) -> List[Fact]:
    """Facts whose ``review_by`` date has passed on ``today``, oldest first."""
    due = [f for f in kb.facts() if isinstance(f, Fact) and f.review_by and f.review_by < today]
    return sorted(due, key=lambda f: (f.review_by, f.origin))
