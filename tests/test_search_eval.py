"""The search evaluation set against the bundled store: the targets of issue #4, measured not hoped."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.evaluation import Case, evaluate, hit_rate, read_cases
from hamhung_cli.indexing import index_store
from hamhung_cli.store import Store
from hamhung_cli.validation import load
from hamhung_cli.views import item_listing

CASES = read_cases(Path(__file__).parent / "data" / "search_eval.tsv")


@pytest.fixture(scope="module")
def store(bundled: Path) -> Store:
    return load(bundled)


@pytest.fixture(scope="module")
def bundled() -> Path:
    from hamhung_cli.store import default_store_path

    return default_store_path()


def test_the_set_is_big_and_varied() -> None:
    kinds = [c.kind for c in CASES]
    assert len(CASES) >= 120
    assert kinds.count("variant") >= 30 and kinds.count("none") >= 10 and kinds.count("question") >= 60 - kinds.count("none")
    assert len({c.query.casefold() for c in CASES}) == len(CASES), "no duplicate queries"


def test_every_expected_answer_exists_and_holds_its_figure(store: Store) -> None:
    for case in CASES:
        if case.kind == "none":
            continue
        texts = []
        for expected in case.expected:
            (record,) = item_listing(store, [expected]).records()
            texts.append(f"{record['text']} {record.get('value')}")
        assert any(case.expected_text.casefold() in t.casefold() for t in texts), (case.query, case.expected_text, texts)


def test_hit_rates(store: Store) -> None:
    outcomes = evaluate(index_store(store), CASES)
    hit1, hit5 = hit_rate(outcomes, 1), hit_rate(outcomes, 5)
    misses = [(o.case.query, o.rank, o.top) for o in outcomes if o.case.kind != "none" and o.rank != 1]
    assert hit1 >= 0.80, (hit1, misses)
    assert hit5 >= 0.95, (hit5, misses)


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "none"], ids=lambda c: c.query)
def test_no_match_queries_exit_1_with_nothing_on_stdout(case: Case, bundled: Path) -> None:
    result = CliRunner().invoke(app, ["search", *case.query.split(), "--facts", str(bundled)])
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""


def test_the_inverted_index_finds_what_scoring_every_document_finds(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Search scores only the documents the inverted index names. Scoring every document of the store instead
    (as a brute-force scorer would) must give the same results, scores included, for every evaluation query."""
    from collections import defaultdict

    from hamhung_cli import search as search_module

    index = index_store(store)
    queries = [case.query for case in CASES]
    indexed = {q: [(r.document.id, r.score) for r in search_module.search(index, q, limit=20)] for q in queries}

    def every_document(factory: type) -> defaultdict:  # type: ignore[type-arg]
        return defaultdict(factory, {number: factory() for number in range(index.count)})

    monkeypatch.setattr(search_module, "defaultdict", every_document)
    brute = {q: [(r.document.id, r.score) for r in search_module.search(index, q, limit=20)] for q in queries}
    assert brute == indexed
    assert sum(bool(v) for v in indexed.values()) > 200
