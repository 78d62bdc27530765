"""Search behaviour through the plain-Python core."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamhung_cli.index import memory_index
from hamhung_cli.search import FOLLOW_SHARE, MIN_SCORE, Index, max_edits, search, split_compound, unmatched_terms
from hamhung_cli.validation import load

BUNDLED = Path(__file__).parent.parent / "facts.toml"


@pytest.fixture(scope="module")
def mini_index():  # type: ignore[no-untyped-def]
    return Index(memory_index(load(Path(__file__).parent / "data" / "mini.toml")))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vinalon", "economy.vinalon"),
        ("VINYLON", "economy.vinalon"),
        ("비날론", "economy.vinalon"),
        ("vinnalon", "economy.vinalon"),
        ("relative humidity august", "climate-kma.humidity.aug"),
        ("humidity in aug", "climate-kma.humidity.aug"),
        ("what is the relative humidity in August?", "climate-kma.humidity.aug"),
        ("annual precipitation", "climate.annual-precipitation"),
        ("Haean guyok", "districts.haean"),
        ("해안구역", "districts.haean"),
    ],
)
def test_right_thing_first(mini_index, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    results = search(mini_index, query)
    assert results, f"nothing for {query!r}"
    assert results[0].document.id == expected, [(r.document.id, round(r.score, 2)) for r in results[:3]]


@pytest.mark.parametrize("query", ["Eiffel Tower", "bitcoin", "Tokyo Disneyland", "the", "zzzz qqqq"])
def test_unrelated_queries_find_nothing(mini_index, query: str) -> None:  # type: ignore[no-untyped-def]
    assert search(mini_index, query) == []


def test_short_words_need_exact_matches() -> None:
    assert max_edits("tower") == 1
    assert max_edits("sea") == 0
    assert max_edits("precipitation") == 3


def test_limit_and_topic_filter(mini_index) -> None:  # type: ignore[no-untyped-def]
    assert len(search(mini_index, "humidity", limit=2)) == 2
    assert all(r.document.topic == "climate" for r in search(mini_index, "humidity", topic="climate"))
    assert search(mini_index, "humidity", topic="economy") == []


def test_results_carry_explanations(mini_index) -> None:  # type: ignore[no-untyped-def]
    (first, *_) = search(mini_index, "vinylon")
    assert any(m.indexed_term == "vinylon" and m.field == "names" for m in first.matches)


@pytest.fixture(scope="module")
def full_index():  # type: ignore[no-untyped-def]
    return Index(memory_index(load(Path(__file__).parent.parent / "facts.toml")))


@pytest.mark.parametrize(
    ("query", "expected", "parts"),
    [
        ("sistercity", "twin-towns.shanghai", ("sister", "city")),
        ("hamhungsi", "overview.official-name", ("hamhung", "si")),
        ("Hamheungsi", "overview.official-name", ("hamheung", "si")),  # one part matched by its romanization key
        ("vinalonfactory", "economy.vinalon-complex", ("vinalon", "factory")),
    ],
)
def test_run_together_words_are_split_into_known_words(full_index, query: str, expected: str, parts: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    assert split_compound(full_index, query.lower()) == parts
    results = search(full_index, query)
    assert results and results[0].document.id == expected, [(r.document.id, round(r.score, 2)) for r in results[:3]]


def test_a_split_word_is_explained_part_by_part(full_index) -> None:  # type: ignore[no-untyped-def]
    top = search(full_index, "sistercity")[0]
    assert [(m.query_term, m.indexed_term) for m in top.matches] == [("sister", "sister"), ("city", "city")]


@pytest.mark.parametrize("word", ["eiffeltower", "bitcoin", "return", "sistercty"])
def test_words_are_not_split_into_unrelated_or_misspelt_parts(full_index, word: str) -> None:  # type: ignore[no-untyped-def]
    # "return" would be "re" + "turn", but no fact holds both; a typo in a part ("cty") is not a known word.
    assert split_compound(full_index, word) is None
    if word in ("eiffeltower", "bitcoin"):  # "return" is known by its stem ("returned"); "sistercty" begins like "sister"
        assert unmatched_terms(full_index, word) == [word]


@pytest.mark.parametrize(
    ("query", "expected", "how"),
    [
        ("Hungdok district creation", "districts.hungdok", "shared stem"),  # creat-, as in "created"
        ("vinalon output shortfall", "economy.vinalon-capacity", "shared stem"),  # short, as in "short of"
        ("흥남비료공장", "economy.fertilizer-complex", "shared start"),  # 흥남비료…, as in 흥남비료연합기업소
    ],
)
def test_an_unknown_word_stands_for_the_known_word_it_begins_like(full_index, query: str, expected: str, how: str) -> None:  # type: ignore[no-untyped-def]
    results = search(full_index, query, min_score=0.0)
    found = {r.document.id: r for r in results[:5]}
    assert any(doc_id.startswith(expected) for doc_id in found), list(found)
    assert any(m.how == how for r in results[:5] for m in r.matches), [[m.how for m in r.matches] for r in results[:5]]


def test_the_bar_is_for_the_best_result_and_near_results_follow_it(full_index) -> None:  # type: ignore[no-untyped-def]
    results = search(full_index, "how fast is the population growing")
    assert results[0].score >= MIN_SCORE
    assert all(r.score >= MIN_SCORE * FOLLOW_SHARE for r in results)
    assert any(r.score < MIN_SCORE for r in results), "a near result below the bar still follows the best one"


def test_results_below_the_bar_are_nothing_found_even_with_near_ones(full_index) -> None:  # type: ignore[no-untyped-def]
    unfiltered = search(full_index, "grand theatre ticket price", min_score=0.0)
    assert unfiltered and unfiltered[0].score < MIN_SCORE, "a question the store cannot answer"
    assert search(full_index, "grand theatre ticket price") == []


def test_on_a_terminal_a_clear_best_result_is_shown_as_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from hamhung_cli.cli import app

    monkeypatch.setattr("hamhung_cli.commands.default_format", lambda: "table")  # a terminal, as far as the format goes

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, ["search", *args, "--facts", str(BUNDLED)], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        return result.stdout

    answer = run("annual", "precipitation")
    lines = answer.splitlines()
    assert lines[0].startswith("The sources disagree on Hamhŭng's yearly precipitation")
    assert "  The sources disagree:" in lines and sum(line.startswith("    • ") for line in lines) == 2
    assert "  climate.annual-precipitation · score 100 · more: hamhung fact" in lines
    assert "Also relevant:" in lines and not any(line.endswith(" ") for line in lines)
    figure = run("when", "did", "the", "trolleybus", "open").splitlines()
    assert figure[3] == "  1973" and figure[4].startswith("  Source: Wikipedia, “Hamhung”, Transportation")
    # Not an answer: with a format asked for (the results table included), with --explain, or when no result is clearly ahead.
    assert run("annual", "precipitation", "-f", "plain").split("\t")[2] == "climate.annual-precipitation"
    assert "Also relevant:" not in run("annual", "precipitation", "-f", "table")
    explained = run("annual", "precipitation", "--explain")
    assert "Why" in explained and "Also relevant:" not in explained
    assert "Also relevant:" not in run("humidity")


@pytest.mark.parametrize(("query", "expected"), [("harbor", "harbour"), ("theater", "theatre"), ("centers", "centre"), ("evacuated", "evacuation")])
def test_spellings_and_word_forms_meet(full_index, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    """American and British spellings meet (normalize.spelling), and so do forms of a word (FTS5's Porter stemmer)."""
    assert search(full_index, query, min_score=0.0), query
    assert {r.document.id for r in search(full_index, query, limit=50, min_score=0.0)} == {
        r.document.id for r in search(full_index, expected, limit=50, min_score=0.0)
    }
