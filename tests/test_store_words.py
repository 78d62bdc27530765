"""The bundled store's words: a claim resting on one source says whose claim it is."""

from __future__ import annotations

import pytest

from hamhung_cli.store import Fact, Store, load
from hamhung_cli.store import default_store_path as bundled_path

SENSITIVE_TOPICS = ("human-rights", "military", "governance")


@pytest.fixture(scope="module")
def store() -> Store:
    return load(bundled_path())


def publishers(store: Store, fact: Fact) -> set[str]:
    return {store.source_of(citation).publisher for citation in fact.all_citations()}


def names_its_source(text: str, publisher: str) -> bool:
    """'Grokipedia says …', 'according to Wikipedia …', 'the essay describes …' (an unsigned essay is named as 'the essay')."""
    word = "essay" if "essay" in publisher.casefold() else publisher
    return word.casefold() in text.casefold() or "according to" in text.casefold()


def test_single_source_facts_in_sensitive_topics_say_whose_claim_they_are(store: Store) -> None:
    single = [f for f in store.facts.values() if f.topic in SENSITIVE_TOPICS and len(publishers(store, f)) == 1]
    assert len(single) >= 40, "the three topics hold dozens of single-source facts"
    unattributed = [f.id for f in single if not names_its_source(f.text, next(iter(publishers(store, f))))]
    share = 1 - len(unattributed) / len(single)
    assert share >= 0.9, f"{share:.0%} attributed; these state a single source's claim as plain fact: {unattributed}"
