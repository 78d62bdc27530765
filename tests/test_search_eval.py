"""The search evaluations against the bundled store: the regression set and the blind set, measured not hoped.

The blind set's targets are judged on its test half, which the ranking was never tuned on (benchmarks/search_eval.py
prints every figure, with a plain FTS5 baseline beside them).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.index import memory_index
from hamhung_cli.search import Index, search
from hamhung_cli.store import Store, default_store_path
from hamhung_cli.validation import load
from hamhung_cli.views import item_listing

from .evaluation import DATA, NO_ANSWER, Case, Outcome, by_style, evaluate, hit_rate, nothing_found_rate, read_cases

pytestmark = pytest.mark.usefixtures("shared_cache")  # these read the bundled store, never tamper with the cache
REGRESSION = read_cases(DATA / "search_eval.tsv")
# The blind test half, never tuned on. hit@1 and "nothing found" meet issue #9's targets (75 %, 80 %); hit@5 does
# not (83.8 % against 92 %: the bar that says "nothing found" costs it 10 points, docs/search.md), so its floor
# here is the figure reached, which guards against a regression, not the target.
HIT5, HIT1, UNANSWERABLE = 0.83, 0.77, 0.80
BLIND = read_cases(DATA / "blind_eval.tsv")
DEV2 = read_cases(DATA / "blind_dev2.tsv")  # a second development set, written blind later; tuned on


@pytest.fixture(scope="module")
def store() -> Store:
    return load(default_store_path())


@pytest.fixture(scope="module")
def index(store: Store) -> Index:
    return Index(memory_index(store))


def outcomes(index: Index, cases: list[Case]) -> list[Outcome]:
    return evaluate(lambda query: [r.document.id for r in search(index, query, limit=10)], cases)


def test_the_sets_are_big_and_varied() -> None:
    kinds = [c.style for c in REGRESSION]
    assert len(REGRESSION) >= 120 and kinds.count("variant") >= 30 and kinds.count("none") >= 10
    styles = [c.style for c in BLIND]
    assert len(BLIND) - styles.count("unanswerable") - styles.count("offtopic") >= 200
    assert styles.count("unanswerable") >= 40 and styles.count("offtopic") >= 10
    for style in set(styles):  # each style split evenly between the halves
        halves = [c.split for c in BLIND if c.style == style]
        assert abs(halves.count("dev") - halves.count("test")) <= 1, style
    assert len(DEV2) >= 120 and {c.split for c in DEV2} == {"dev"}
    for cases in (REGRESSION, BLIND, DEV2):
        assert len({c.query.casefold() for c in cases}) == len(cases), "no duplicate queries"


def test_every_expected_answer_exists(store: Store) -> None:
    for case in REGRESSION + BLIND + DEV2:
        if case.style in NO_ANSWER:
            assert not case.expected, case
            continue
        assert case.expected, case
        records = [record for expected in case.expected for record in item_listing(store, [expected]).records()]
        texts = [f"{record['text']} {record.get('value')}" for record in records]
        assert case.expected_text.casefold() in " ".join(texts).casefold(), (case.query, case.expected_text, texts)


def test_the_regression_set_holds(index: Index) -> None:
    results = outcomes(index, REGRESSION)
    misses = [(o.case.query, o.rank, o.top) for o in results if o.case.style not in NO_ANSWER and o.rank != 1]
    assert hit_rate(results, 1) >= 0.85, misses
    assert hit_rate(results, 5) >= 0.99, misses
    assert nothing_found_rate(results) == 1.0, [o.case.query for o in results if o.case.style in NO_ANSWER and o.top]


def test_the_blind_test_half_meets_its_targets(index: Index) -> None:
    results = outcomes(index, [c for c in BLIND if c.split == "test"])
    styles = by_style(results)
    assert hit_rate(results, 5) >= HIT5 and hit_rate(results, 1) >= HIT1
    assert nothing_found_rate(styles["unanswerable"]) >= UNANSWERABLE
    assert nothing_found_rate(styles["offtopic"]) == 1.0


@pytest.mark.parametrize("case", [c for c in REGRESSION + BLIND if c.style in ("none", "offtopic")], ids=lambda c: c.query)
def test_off_topic_queries_exit_1_with_nothing_on_stdout(case: Case) -> None:
    result = CliRunner().invoke(app, ["search", *case.query.split(), "--facts", str(default_store_path())])
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
