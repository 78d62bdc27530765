"""The search evaluation: run every query of a set and report where the expected answer ranked, per style of query.

Three sets (tests/data): search_eval.tsv, written beside the store and kept as a regression set; blind_eval.tsv, written
from the source documents alone by someone who never saw the store, split once into a development half (tuned on)
and a test half (reported); blind_dev2.tsv, a second development set written the same way later (tuned on). Used by tests/test_search_eval.py (which asserts the targets) and by
benchmarks/search_eval.py (which prints the tables, with a plain FTS5 baseline beside hamhung).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).parent / "data"
NO_ANSWER = ("unanswerable", "offtopic", "none")  # styles whose right answer is "nothing found"


class Case(NamedTuple):
    query: str
    expected: tuple[str, ...]  # any of these ids counts as right
    style: str
    split: str = "regression"
    expected_text: str = ""  # the regression set: a figure or word one of the expected answers holds


class Outcome(NamedTuple):
    case: Case
    rank: int | None  # 1-based rank of the first expected id in the top 10, None if absent
    top: str | None


def read_cases(path: Path) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if rows and "expected_id" in rows[0]:  # the regression set's columns
        return [Case(r["query"], tuple(filter(None, r["expected_id"].split("|"))), r["kind"], expected_text=r["expected_text"]) for r in rows]
    return [Case(r["query"], tuple(e for e in r["expected"].split("|") if e not in ("", "-")), r["style"], r["split"]) for r in rows]


def evaluate(find: Callable[[str], list[str]], cases: list[Case]) -> list[Outcome]:
    """find(query) gives the ids of the results, best first (an empty list: nothing found)."""
    outcomes = []
    for case in cases:
        ids = find(case.query)[:10]
        rank = next((i for i, doc_id in enumerate(ids, 1) if doc_id in case.expected), None)
        outcomes.append(Outcome(case, rank, ids[0] if ids else None))
    return outcomes


def answerable(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.case.style not in NO_ANSWER]


def hit_rate(outcomes: list[Outcome], k: int) -> float:
    cases = answerable(outcomes)
    return sum(o.rank is not None and o.rank <= k for o in cases) / max(len(cases), 1)


def nothing_found_rate(outcomes: list[Outcome]) -> float:
    cases = [o for o in outcomes if o.case.style in NO_ANSWER]
    return sum(o.top is None for o in cases) / max(len(cases), 1)


def by_style(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    styles: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        styles.setdefault(outcome.case.style, []).append(outcome)
    return styles


def summary(outcomes: list[Outcome]) -> str:
    """One line per style: hit@1 and hit@5 for answerable styles, 'nothing found' for the others."""
    lines = []
    for style, group in by_style(outcomes).items():
        if style in NO_ANSWER:
            lines.append(f"{style:<13} {len(group):>3}  nothing found {nothing_found_rate(group):6.1%}")
        else:
            lines.append(f"{style:<13} {len(group):>3}  hit@1 {hit_rate(group, 1):6.1%}  hit@5 {hit_rate(group, 5):6.1%}")
    lines.append(f"{'all':<13} {len(outcomes):>3}  hit@1 {hit_rate(outcomes, 1):6.1%}  hit@5 {hit_rate(outcomes, 5):6.1%}")
    return "\n".join(lines)


def report(outcomes: list[Outcome]) -> str:
    """Every query: the expected answer's rank ('-' when missing; 'ok'/'FP' for no-answer queries) and the top result."""
    lines = ["rank\tstyle\tquery\texpected\ttop result"]
    for o in outcomes:
        rank = "-" if o.rank is None else str(o.rank)
        if o.case.style in NO_ANSWER:
            rank = "ok" if o.top is None else "FP"
        lines.append(f"{rank}\t{o.case.style}\t{o.case.query}\t{'|'.join(o.case.expected[:3]) or '-'}\t{o.top or '(nothing)'}")
    return "\n".join(lines)
