"""fuzzy.within: the same words, distances and order as rapidfuzz, whichever way it computes them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from hamhung_cli import fuzzy

# A small alphabet (with a non-ASCII letter and a Hangul syllable) so that near misses are common.
WORDS = st.text(alphabet="abcdeŭ한1 ", min_size=0, max_size=12)


def rapidfuzz_answer(word: str, choices: list[str], limit: int) -> list[tuple[str, int]]:
    return [(c, d) for c, d, _ in process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)]


@settings(max_examples=400, deadline=None)
@given(word=WORDS, choices=st.lists(WORDS, max_size=40), limit=st.integers(min_value=0, max_value=4))
def test_plain_python_matches_rapidfuzz(word: str, choices: list[str], limit: int) -> None:
    assert fuzzy.within_pure(word, choices, limit) == rapidfuzz_answer(word, choices, limit)


@settings(max_examples=300, deadline=None)
@given(a=WORDS, b=WORDS, limit=st.integers(min_value=0, max_value=5))
def test_bounded_distance_is_osa_up_to_the_limit(a: str, b: str, limit: int) -> None:
    exact = OSA.distance(a, b)
    assert fuzzy.bounded_distance(a, b, limit) == (exact if exact <= limit else None)


def test_long_lists_go_to_rapidfuzz_with_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    choices = [f"vinalon{n}" for n in range(fuzzy.PURE_PYTHON_CHOICES + 1)] + ["vinylon", "vynalon", "nylon"]
    pure_calls: list[str] = []
    monkeypatch.setattr(fuzzy, "within_pure", lambda *a: pure_calls.append("called") or [])
    assert fuzzy.within("vinalon", choices, 2)[:3] == rapidfuzz_answer("vinalon", choices, 2)[:3]
    assert pure_calls == [], "a long list is not scanned in Python"
    short = ["vinylon", "vynalon", "nylon", "vinalon"]
    monkeypatch.undo()
    assert fuzzy.within("vinalon", short, 2) == rapidfuzz_answer("vinalon", short, 2) == [("vinalon", 0), ("vinylon", 1), ("vynalon", 1)]
    assert fuzzy.within("musuem", ["museum", "music"], 1) == [("museum", 1)], "a swap of two neighbours is one typo"
