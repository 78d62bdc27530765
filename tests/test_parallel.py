"""Work split with a forked child (parallel.py): the same result as one process, whatever happens to the child."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hamhung_cli import indexing, parallel
from hamhung_cli.session import Session

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is what is being tested")


def squares(start: int, stop: int) -> list[int]:
    return [n * n for n in range(start, stop)]


@pytest.fixture
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cpus", lambda: 2)


def test_both_halves_come_back_in_order(two_cpus: None) -> None:
    parent = os.getpid()
    seen: list[int] = []

    def work(start: int, stop: int) -> list[int]:
        if os.getpid() == parent:
            seen.append(start)
        return squares(start, stop)

    assert parallel.in_two(101, work, list, list) == (squares(0, 50), squares(50, 101))
    assert seen == [0], "the second half was computed in the child"


@pytest.mark.parametrize("failure", ["raises", "exits", "garbage"])
def test_a_failing_child_means_the_half_is_done_here(failure: str, two_cpus: None) -> None:
    parent = os.getpid()

    def work(start: int, stop: int) -> list[int]:
        if os.getpid() != parent:
            if failure == "raises":
                raise RuntimeError("the child fails")
            if failure == "exits":
                os._exit(3)
        return squares(start, stop)

    def encode(value: list[int]) -> object:
        return value if failure != "garbage" or os.getpid() == parent else {"not": "a list"}

    def decode(value: object) -> list[int]:
        if not isinstance(value, list):
            raise TypeError("not a half")
        return value

    assert parallel.in_two(40, work, encode, decode) == (squares(0, 20), squares(20, 40))


def test_without_fork_or_a_second_processor_it_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cpus", lambda: 1)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked with one processor"))
    assert parallel.in_two(10, squares, list, list) == (squares(0, 5), squares(5, 10))


def test_the_child_writes_nothing_to_stdout(two_cpus: None, capfd: pytest.CaptureFixture[str]) -> None:
    """The child leaves with os._exit: it never flushes what the parent had buffered for stdout."""
    sys.stdout.write("buffered once")
    parallel.in_two(10, squares, list, list)
    sys.stdout.flush()
    assert capfd.readouterr().out.count("buffered once") == 1


def _ordered(value: object) -> object:
    """A value with every dict as its list of items: equal only if the content and every order are equal
    (the typo vocabularies are joined in first-seen order; marshal's bytes also depend on object sharing)."""
    if isinstance(value, dict):
        return [(key, _ordered(item)) for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [_ordered(item) for item in value]
    return value


def _store_sections_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    store = Session(path).store
    monkeypatch.setattr(indexing, "PARALLEL_DOCS", 10**9)
    alone = indexing.store_index_sections(store)
    monkeypatch.setattr(indexing, "PARALLEL_DOCS", 1)
    monkeypatch.setattr(parallel, "cpus", lambda: 2)
    split = indexing.store_index_sections(store)
    return _ordered(alone), _ordered(split)


def test_an_index_built_in_two_halves_is_identical(bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, split = _store_sections_both_ways(bundled, monkeypatch)
    assert split == alone


def test_a_generated_store_indexed_in_two_halves_is_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_store_parser import synthetic_store

    path = tmp_path / "facts.toml"
    path.write_text(synthetic_store(tmp_path, 3000), encoding="utf-8")
    alone, split = _store_sections_both_ways(path, monkeypatch)
    assert split == alone
