"""The knowledge base loads, is complete, and a broken file fails fast with the field named."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import FORMATION_TYPES, KNOWLEDGE_DIR, TERMS, KnowledgeBase, KnowledgeBaseError, load_knowledge_base

SHARED_SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"


def all_facts(kb: KnowledgeBase):
    for route in kb.routes.values():
        yield from (route.summary, route.duration, route.cost, route.certification, route.entry)
        yield from route.suits + route.notes + route.next_steps
    for option in kb.financing.values():
        yield option.description
        yield from option.details
    for topic in kb.topics.values():
        for section in topic.sections:
            yield from section.facts
    for term in kb.terms.values():
        yield term.definition
        yield from term.details
    yield kb.disclaimer


def test_every_route_and_term_is_there(kb: KnowledgeBase) -> None:
    assert set(kb.routes) == set(FORMATION_TYPES)
    assert set(kb.terms) == set(TERMS)


def test_every_fact_names_known_sources(kb: KnowledgeBase) -> None:
    facts = list(all_facts(kb))
    assert len(facts) > 80
    for fact in facts:
        assert fact.sources and all(s in kb.sources for s in fact.sources), fact


def test_both_documents_and_the_official_facts_are_used(kb: KnowledgeBase) -> None:
    used = {s for fact in all_facts(kb) for s in fact.sources}
    kinds = {kb.sources[s].kind for s in used}
    assert {"document", "official"} <= kinds
    documents = {kb.sources[s].reference for s in used if kb.sources[s].kind == "document"}
    assert any("guide-assistant-medical" in d for d in documents)
    assert any("article-assistant-medical-numerique" in d for d in documents)


@pytest.mark.parametrize(
    "figure",
    ["3 000", "6 000", "5 000", "10 000", "279", "1 470", "42", "1 801", "2 118", "7 240", "10 000", "15 000",
     "RNCP40913", "RNCP38448", "RNCP37231", "RNCP40800", "500"],
)
def test_key_figures_of_the_sources_are_carried_over(kb: KnowledgeBase, figure: str) -> None:
    text = " ".join(f.text for f in all_facts(kb)) + " ".join(c for r in kb.routes.values() for c in r.rncp)
    assert figure.replace(" ", "\u202f") in text or figure in text or figure.replace(" ", "\u00a0") in text


def test_route_numbers_match_the_guide_table(kb: KnowledgeBase) -> None:
    assert (kb.routes["formation_continue"].cost.minimum, kb.routes["formation_continue"].cost.maximum) == (3000, 6000)
    assert (kb.routes["formation_privee"].cost.minimum, kb.routes["formation_privee"].cost.maximum) == (5000, 10000)
    assert kb.routes["lycee_pro"].cost.maximum == 0
    assert (kb.routes["alternance"].duration.minimum, kb.routes["alternance"].duration.maximum) == (12, 24)
    assert kb.routes["lycee_pro"].duration.minimum == 36
    assert kb.routes["alternance"].paid_while_training
    assert not kb.routes["formation_privee"].paid_while_training


def test_no_sentence_is_copied_from_the_sources(kb: KnowledgeBase) -> None:
    """Facts are carried over, not text: no run of 12 words of a source appears in the knowledge base."""
    def shingles(text: str, size: int = 12):
        words = re.findall(r"\w+", text.lower())
        return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}

    ours = set().union(*(shingles(f.text) for f in all_facts(kb)))
    for path in SHARED_SOURCES.glob("*.txt"):
        copied = ours & shingles(path.read_text(encoding="utf-8"))
        assert not copied, f"copied from {path.name}: {sorted(copied)[:3]}"


def _broken_copy(tmp_path: Path, file: str, mutate) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    data = yaml.safe_load((target / file).read_text(encoding="utf-8"))
    mutate(data)
    (target / file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_a_fact_without_source_fails_with_file_and_field(tmp_path: Path) -> None:
    directory = _broken_copy(tmp_path, "routes.yml", lambda d: d["routes"][1]["cost_eur"].pop("sources"))
    with pytest.raises(KnowledgeBaseError, match=r"routes\.yml: .*cost_eur\.sources: missing"):
        load_knowledge_base(directory)


def test_an_unknown_source_fails(tmp_path: Path) -> None:
    def mutate(data):
        data["terms"][0]["definition"]["sources"] = ["nowhere"]
    with pytest.raises(KnowledgeBaseError, match=r"glossary\.yml: .*unknown source 'nowhere'"):
        load_knowledge_base(_broken_copy(tmp_path, "glossary.yml", mutate))


def test_a_wrong_type_fails(tmp_path: Path) -> None:
    def mutate(data):
        data["routes"][0]["paid_while_training"] = "peut-être"
    with pytest.raises(KnowledgeBaseError, match=r"paid_while_training: must be a bool"):
        load_knowledge_base(_broken_copy(tmp_path, "routes.yml", mutate))


def test_invalid_yaml_fails(tmp_path: Path) -> None:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    (target / "financing.yml").write_text("financing: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"financing\.yml: invalid YAML"):
        load_knowledge_base(target)
