"""Checks the bundled facts must pass: internal consistency wherever the numbers allow it."""

from __future__ import annotations

import re

import pytest

from hamhung_cli.store import MonthlyRow, RecordRow, Store
from hamhung_cli.store import default_store_path as bundled_path
from hamhung_cli.validation import load


@pytest.fixture(scope="module")
def store() -> Store:
    return load(bundled_path())


def monthly(store: Store, table: str) -> dict[str, MonthlyRow]:
    return {r.id: r for r in store.tables[table].rows if isinstance(r, MonthlyRow)}


def test_kma_fahrenheit_and_inches_are_the_celsius_and_mm_converted(store: Store) -> None:
    for row in monthly(store, "climate-kma").values():
        if row.alt_unit is None:
            continue
        assert row.alt_values is not None
        convert = (lambda c: c * 9 / 5 + 32) if row.alt_unit == "°F" else (lambda mm: mm / 25.4)
        for value, alt in zip((*row.values, row.year), (*row.alt_values, row.alt_year), strict=True):
            assert abs(convert(value) - alt) <= 0.051, (row.id, value, alt)


def test_kma_year_column_agrees_with_the_months(store: Store) -> None:
    rows = monthly(store, "climate-kma")
    for total in ("precipitation", "precipitation-days", "snow-days"):
        assert abs(sum(rows[total].values) - rows[total].year) <= 0.25, total  # type: ignore[operator]
    for mean in ("mean-max", "mean", "mean-min", "humidity"):
        assert abs(sum(rows[mean].values) / 12 - rows[mean].year) <= 0.15, mean  # type: ignore[operator]


def test_grokipedia_table_matches_its_own_text(store: Store) -> None:
    rows = monthly(store, "climate-grok")
    assert sum(rows["precipitation"].values) == 1237  # its text says "approximately 1,238 mm"
    assert sum(rows["rainy-days"].values) == 100  # and "about 100 rainy days"


def test_monthly_rows_have_twelve_months(store: Store) -> None:
    for table in store.tables.values():
        for row in table.rows:
            if isinstance(row, MonthlyRow):
                assert len(row.values) == 12, (table.id, row.id)


def test_seven_districts_each_with_hangul_and_romanizations(store: Store) -> None:
    rows = [r for r in store.tables["districts"].rows if isinstance(r, RecordRow)]
    assert len(rows) == 7
    for row in rows:
        names = dict(row.names)
        assert {"mr", "rr", "hangul"} <= set(names), row.id
        assert re.fullmatch(r"[\uac00-\ud7a3]+", names["hangul"]), row.id


def test_ids_are_unique_and_well_formed(store: Store) -> None:
    ids = list(store.facts) + list(store.tables)
    assert len(ids) == len(set(ids))
    for fact in store.facts.values():
        assert fact.id.startswith(f"{fact.topic}.") or "." in fact.id, fact.id


def test_every_fact_and_claim_is_sourced_and_disputes_are_explained(store: Store) -> None:
    for fact in store.facts.values():
        assert fact.all_citations(), fact.id
        for claim in fact.claims:
            assert claim.sources, fact.id
        if fact.disputed:
            assert fact.note and fact.severity, f"{fact.id}: a disputed fact says what is known"
    disputed = [f for f in store.facts.values() if f.disputed]
    assert len(disputed) >= 10
    assert sum(f.severity == "high" for f in disputed) >= 5


@pytest.mark.parametrize(
    "fact_id",
    ["geography.river", "climate.annual-precipitation", "climate.january-temperatures", "districts.directly-governed-city", "people.yang-hyong-sop-term"],
)
def test_the_headline_disputes_keep_both_sides(store: Store, fact_id: str) -> None:
    fact = store.facts[fact_id]
    assert fact.disputed
    publishers = {store.source_of(c).publisher for claim in fact.claims for c in claim.sources}
    assert {"Wikipedia", "Grokipedia"} <= publishers, publishers


def test_related_ids_point_at_real_entries(store: Store) -> None:
    known = set(store.facts) | set(store.tables)
    for fact in store.facts.values():
        assert set(fact.related) <= known, fact.id


def test_every_alias_belongs_to_a_real_entry_and_finds_it(store: Store) -> None:
    """An alias is searchable: searching it exactly brings its own entry into the top results."""
    from hamhung_cli.index import memory_index
    from hamhung_cli.search import Index, search

    index = Index(memory_index(store))
    for fact in list(store.facts.values())[::7]:  # a spread sample keeps the suite fast
        for alias in fact.aliases[:2]:
            ids = [r.document.id for r in search(index, alias, limit=25)]
            assert fact.id in ids, (fact.id, alias, ids[:5])


def test_most_facts_list_the_plain_questions_they_answer_and_each_is_short(store: Store) -> None:
    """Questions are how a fact is found in other words than its own; a long one would be a sentence, not a question."""
    facts = list(store.facts.values())
    with_questions = [f for f in facts if f.questions]
    assert len(with_questions) >= 0.8 * len(facts), f"{len(with_questions)} of {len(facts)} facts list questions"
    for item_id, questions in [(f.id, f.questions) for f in facts] + [(t.id, t.questions) for t in store.tables.values()]:
        for question in questions:
            assert question.strip(), item_id
            assert len(question.split()) <= 20, (item_id, question)
