"""rasa_overrides/: the overrides' table matches the code, and the spaCy loader changes no feature."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
import yaml

from rasa_overrides.spacy_nlp import UNUSED_PIPES, SpacyNLP

ROOT = Path(__file__).resolve().parent.parent
TABLE = (ROOT / "rasa_overrides" / "README.md").read_text(encoding="utf-8")


def test_the_table_names_every_override_module_and_test() -> None:
    modules = sorted(
        str(p.relative_to(ROOT / "rasa_overrides")) for p in (ROOT / "rasa_overrides").rglob("*.py") if p.name != "__init__.py"
    )
    for module in modules:
        assert f"`{module}`" in TABLE, f"{module} is missing from rasa_overrides/README.md"
    for test in set(re.findall(r"`(tests/[a-z_]+\.py)`", TABLE)):
        assert (ROOT / test).exists(), test


def test_the_configuration_points_at_the_overrides() -> None:
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    named = [key for key in credentials if "." in key]
    named += [endpoints[store]["type"] for store in ("tracker_store", "lock_store")]
    named += [c["name"] for c in config["pipeline"] if c["name"].startswith("rasa_overrides.")]
    assert named and all(name.startswith("rasa_overrides.") for name in named), named
    for name in named:
        assert name.rsplit(".", 1)[-1] in TABLE, name


@pytest.mark.integration  # loads spaCy's French model twice
def test_spacy_without_its_unused_pipes_gives_the_same_tokens_lemmas_and_vectors() -> None:
    stock = spacy.load("fr_core_news_md", disable=["parser"])
    ours = SpacyNLP.load_model("fr_core_news_md").model
    assert not set(UNUSED_PIPES) & set(ours.pipe_names)
    for text in ("Combien coûte la formation continue ?", "jsui au lycee, pas encore le bac", "Le CQP se prépare en 279 heures."):
        a, b = stock(text), ours(text)
        assert [(t.text, t.lemma_, t.pos_) for t in a] == [(t.text, t.lemma_, t.pos_) for t in b]
        assert (a.vector == b.vector).all()


def test_column_major_weights_give_bitwise_the_same_intent_probabilities() -> None:
    """Stock and column-major classifiers, fitted on the same sparse rows, rank every message alike."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    from rasa_overrides.logistic_regression import store_weights_column_major

    rng = np.random.default_rng(7)
    rows = sp.random(300, 5000, density=0.01, format="csr", random_state=7)
    labels = rng.integers(0, 12, size=300)
    stock = LogisticRegression(max_iter=500, random_state=42).fit(rows, labels)
    ours = LogisticRegression(max_iter=500, random_state=42).fit(rows, labels)
    store_weights_column_major(ours)
    assert ours.coef_.T.flags["C_CONTIGUOUS"] and not stock.coef_.T.flags["C_CONTIGUOUS"]
    messages = sp.random(40, 5000, density=0.02, format="csr", random_state=8)
    for index in range(messages.shape[0]):
        assert (stock.predict_proba(messages[index]) == ours.predict_proba(messages[index])).all()


def test_the_pipeline_uses_the_column_major_classifier() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    assert "rasa_overrides.logistic_regression.ColumnMajorLogisticRegressionClassifier" in names
    assert "LogisticRegressionClassifier" not in names
