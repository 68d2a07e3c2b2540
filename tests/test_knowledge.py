"""The knowledge base loads, is complete, and a broken file fails fast with the field named."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeBase, KnowledgeBaseError, due_for_review, load_knowledge_base

SHARED_SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"
ROOT = Path(__file__).resolve().parents[1]


def all_facts(kb: KnowledgeBase):
    return list(kb.facts())


def entity_values(entity: str) -> set:
    """The canonical values of ``entity`` in the training data."""
    values = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        values |= set(re.findall(r'"entity": "%s", "value": "(\w+)"' % entity, text))
    return values


def test_routes_and_terms_are_the_entity_values_of_the_nlu(kb: KnowledgeBase) -> None:
    assert set(kb.routes) == entity_values("formation_type")
    assert set(kb.terms) == entity_values("term")
    assert entity_values("financing") <= set(kb.financing)


def test_every_fact_names_known_sources(kb: KnowledgeBase) -> None:
    facts = list(all_facts(kb))
    assert len(facts) > 150
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
    [
        "3 000",
        "6 000",
        "5 000",
        "10 000",
        "279",
        "1 470",
        "42",
        "1 801",
        "2 118",
        "7 240",
        "10 000",
        "15 000",
        "RNCP40913",
        "RNCP38448",
        "RNCP37231",
        "RNCP40800",
        "500",
    ],
)
def test_key_figures_of_the_sources_are_carried_over(kb: KnowledgeBase, figure: str) -> None:
    text = " ".join(f.text for f in all_facts(kb))
    assert figure.replace(" ", "\u202f") in text or figure in text or figure.replace(" ", "\u00a0") in text


def test_route_numbers_match_the_guide_table(kb: KnowledgeBase) -> None:
    assert (kb.routes["formation_continue"].cost.minimum, kb.routes["formation_continue"].cost.maximum) == (3000, 6000)
    assert (kb.routes["formation_privee"].cost.minimum, kb.routes["formation_privee"].cost.maximum) == (5000, 10000)
    assert kb.routes["lycee_pro"].cost.maximum == 0
    assert (kb.routes["alternance"].duration.minimum, kb.routes["alternance"].duration.maximum) == (12, 24)
    assert kb.routes["lycee_pro"].duration.minimum == 36
    assert kb.routes["alternance"].paid_while_training
    assert not kb.routes["formation_privee"].paid_while_training


def test_no_eight_words_are_copied_from_the_documents(kb: KnowledgeBase) -> None:
    """Facts are carried over, not text: no run of 8 words of a source document is in the knowledge base."""

    def shingles(text: str, size: int = 8):
        words = re.findall(r"\w+", text.lower().replace("’", "'"))
        return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}

    ours = {}
    for fact in all_facts(kb):
        for run in shingles(fact.text + " " + (getattr(fact, "before", None) or "")):
            ours.setdefault(run, fact.origin)
    for path in SHARED_SOURCES.glob("*.txt"):
        copied = {run: ours[run] for run in set(ours) & shingles(path.read_text(encoding="utf-8"))}
        assert not copied, f"copied from {path.name}: {sorted(copied.items())[:3]}"


def test_facts_that_name_a_recent_year_are_dated(kb: KnowledgeBase) -> None:
    """A figure or a rule of 2024 onwards ages: it carries as_of or effective, and a review date."""
    undated = [
        f.origin
        for f in all_facts(kb)
        if re.search(r"\b20(2[4-9]|3\d)\b", f.text) and not getattr(f, "review_by", None) and "2 juin 2025" not in f.text
    ]
    assert not undated, undated


def test_the_arm_obligation_is_dated(kb: KnowledgeBase) -> None:
    note = next(n for n in kb.routes["arm"].notes if "obligatoire" in n.text)
    assert note.effective == dt.date(2026, 1, 1) and note.before and note.review_by
    assert note.on(dt.date(2025, 12, 31)) == note.before and note.on(dt.date(2026, 1, 1)) == note.text


def _broken_copy(tmp_path: Path, file: str, mutate) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    data = yaml.safe_load((target / file).read_text(encoding="utf-8"))
    mutate(data)
    (target / file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_a_fact_without_source_fails_with_file_and_field(tmp_path: Path) -> None:
    directory = _broken_copy(tmp_path, "routes.yml", lambda d: d["routes"][1]["cost_eur"].pop("sources"))
    with pytest.raises(KnowledgeBaseError, match=r"routes\.yml: routes\.formation_continue\.cost_eur\.sources: missing"):
        load_knowledge_base(directory)


def test_an_empty_source_list_fails(tmp_path: Path) -> None:
    def mutate(data):
        data["topics"]["ask_salary"]["facets"][0]["facts"][0]["sources"] = []

    with pytest.raises(KnowledgeBaseError, match=r"topics\.yml: topics\.ask_salary\.facets\.pay\.facts\[0\]\.sources: must name"):
        load_knowledge_base(_broken_copy(tmp_path, "topics.yml", mutate))


def test_a_mistyped_field_fails(tmp_path: Path) -> None:
    def mutate(data):
        data["financing"][0]["sumary"] = data["financing"][0].pop("summary")

    with pytest.raises(KnowledgeBaseError, match=r"financing\.yml: financing\.cpf\.sumary: unknown field"):
        load_knowledge_base(_broken_copy(tmp_path, "financing.yml", mutate))


def test_a_dated_fact_without_review_date_fails(tmp_path: Path) -> None:
    def mutate(data):
        data["routes"][4]["notes"][0].pop("review_by")

    with pytest.raises(KnowledgeBaseError, match=r"routes\.yml: routes\.arm\.notes\[0\]: a dated fact .* needs a `review_by`"):
        load_knowledge_base(_broken_copy(tmp_path, "routes.yml", mutate))


def test_a_reference_to_an_unknown_fact_fails(tmp_path: Path) -> None:
    def mutate(data):
        data["topics"]["ask_salary"]["facets"][1]["facts"][0]["ref"] = "nowhere"

    with pytest.raises(KnowledgeBaseError, match=r"topics\.yml: .*unknown fact id 'nowhere'"):
        load_knowledge_base(_broken_copy(tmp_path, "topics.yml", mutate))


def test_an_unknown_source_fails(tmp_path: Path) -> None:
    def mutate(data):
        data["terms"][0]["definition"]["sources"] = ["nowhere"]

    with pytest.raises(KnowledgeBaseError, match=r"glossary\.yml: .*unknown source 'nowhere'"):
        load_knowledge_base(_broken_copy(tmp_path, "glossary.yml", mutate))


def test_a_wrong_type_fails(tmp_path: Path) -> None:
    def mutate(data):
        data["routes"][0]["paid_while_training"] = "peut-être"

    with pytest.raises(KnowledgeBaseError, match=r"routes\.lycee_pro\.paid_while_training: must be true or false"):
        load_knowledge_base(_broken_copy(tmp_path, "routes.yml", mutate))


def test_invalid_yaml_fails(tmp_path: Path) -> None:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    (target / "financing.yml").write_text("financing: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"financing\.yml: invalid YAML"):
        load_knowledge_base(target)


# --- review dates ----------------------------------------------------------------------------


def test_review_lists_the_facts_whose_date_has_passed(kb: KnowledgeBase) -> None:
    assert due_for_review(kb, dt.date(2026, 12, 1)) == []
    due = due_for_review(kb, dt.date(2028, 1, 1))
    assert due and all(f.review_by < dt.date(2028, 1, 1) for f in due)
    assert any("routes.arm.notes" in f.origin for f in due) and due == sorted(due, key=lambda f: (f.review_by, f.origin))


def test_make_kb_review_names_file_and_fact_and_fails_when_due(tmp_path: Path) -> None:
    def mutate(data):
        data["topics"]["ask_salary"]["facets"][0]["facts"][0]["review_by"] = dt.date(2026, 11, 30)

    directory = _broken_copy(tmp_path, "topics.yml", mutate)
    script = [sys.executable, str(ROOT / "scripts" / "kb_review.py"), "--knowledge", str(directory), "--today", "2026-12-01"]
    due = subprocess.run(script, capture_output=True, text=True)
    assert due.returncode == 1
    assert "topics.yml: topics.ask_salary.facets.pay.facts[0]" in due.stdout and "1 801" in due.stdout
    warned = subprocess.run(script + ["--warn-only"], capture_output=True, text=True)
    assert warned.returncode == 0 and "AVERTISSEMENT" in warned.stdout
    clean = subprocess.run(script[:-1] + ["2026-11-01"], capture_output=True, text=True)
    assert clean.returncode == 0 and "aucun fait" in clean.stdout
