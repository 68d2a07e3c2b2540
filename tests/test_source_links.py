"""A visitor can check every source: its link is the page that carries the facts, named by its publisher.

An official source links the page that carries the facts citing it (never a site's home
page), or, when no such page is known, is cited without a link; its ``short`` name and
``publisher`` are those of the site linked. The two documents of the project have no link.
"""

from __future__ import annotations

from typing import List, Optional, Tuple
from urllib.parse import urlsplit

from bot.knowledge import KnowledgeBase, Source, load_knowledge_base

# Host (or the domain it belongs to) -> (the short name an answer cites, a part of the publisher).
PUBLISHERS = {
    "legifrance.gouv.fr": ("Légifrance", "Légifrance"),
    "ameli.fr": ("Assurance Maladie", "Assurance Maladie"),
    "onisep.fr": ("Onisep", "Onisep"),
    "francecompetences.fr": ("France Compétences", "France Compétences"),
    "service-public.fr": ("Service-public.fr", "Service-public.fr"),
    "ccn-cabinets-medicaux.fr": ("branche des cabinets médicaux", "cabinets médicaux"),
    "aphp.fr": ("AP-HP", "AP-HP"),
    "chu-nimes.fr": ("CHU de Nîmes", "CHU de Nîmes"),
    "chu-dijon.fr": ("CHU de Dijon", "CHU de Dijon"),
    "intercariforef.org": ("Intercariforef", "Intercariforef"),
    "cariforefoccitanie.fr": ("Carif-Oref Occitanie", "Carif-Oref Occitanie"),
    "weblex.fr": ("WebLex", "WebLex"),
    "centre-inffo.fr": ("Centre Inffo", "Centre Inffo"),
    "anfh.fr": ("ANFH", "ANFH"),
    "sante.gouv.fr": ("ministère de la Santé", "Ministère de la Santé"),
    "auvergne-rhone-alpes.ars.sante.fr": ("ARS Auvergne-Rhône-Alpes", "Agence régionale de santé Auvergne-Rhône-Alpes"),
}

DOCUMENTS = {"guide", "article"}


def linked(kb: KnowledgeBase) -> List[Tuple[str, Source, str]]:
    """(id, source, url) of every official source shown with a link."""
    return [(key, s, s.url) for key, s in kb.sources.items() if s.kind == "official" and s.url]


def publisher_of(host: str) -> Optional[Tuple[str, str]]:
    """The table's entry for ``host``: the longest domain of the table that ``host`` is or belongs to."""
    domains = [d for d in PUBLISHERS if host == d or host.endswith("." + d)]
    return PUBLISHERS[max(domains, key=len)] if domains else None


def test_every_link_is_a_page_not_a_home_page() -> None:
    kb = load_knowledge_base()
    assert linked(kb), "no official source has a link"
    for key, _, url in linked(kb):
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname, f"{key}: {url!r} is not an https address"
        assert parts.path not in ("", "/"), f"{key}: {url!r} is a site's home page, not the page of the facts"


def test_a_reference_that_looks_like_an_address_is_an_https_link() -> None:
    kb = load_knowledge_base()
    for key, source in kb.sources.items():
        if source.kind == "official" and source.url is None:
            assert "://" not in source.reference and not source.reference.startswith("www."), (
                f"{key}: {source.reference!r} would be shown as a citation without its link"
            )


def test_every_linked_site_has_a_known_publisher() -> None:
    kb = load_knowledge_base()
    for key, _, url in linked(kb):
        host = urlsplit(url).hostname or ""
        assert publisher_of(host), f"{key}: who publishes {host}? add it to PUBLISHERS"


def test_short_name_and_publisher_are_those_of_the_site_linked() -> None:
    kb = load_knowledge_base()
    for key, source, url in linked(kb):
        entry = publisher_of(urlsplit(url).hostname or "")
        if entry is None:
            continue
        short, publisher = entry
        assert source.short == short, f"{key}: cited as {source.short!r}, but {url} is published by {short}"
        assert publisher.casefold() in source.publisher.casefold(), f"{key}: publisher {source.publisher!r} is not {publisher}"
        others = {p for s, p in PUBLISHERS.values() if p.casefold() not in publisher.casefold()}
        named = [p for p in others if p.casefold() in source.publisher.casefold()]
        assert not named, f"{key}: publisher {source.publisher!r} also names {named}, who do not publish {url}"


def test_the_project_documents_are_named_without_a_link() -> None:
    kb = load_knowledge_base()
    documents = {key for key, source in kb.sources.items() if source.kind == "document"}
    assert documents == DOCUMENTS
    for key in documents:
        source = kb.sources[key]
        assert source.url is None, f"{key}: a project document has no public page"
        assert source.reference.startswith("shared/sources/"), source.reference
