"""The search evaluation: run every query of a TSV set and report where the expected answer ranked.

Used by tests/test_search_eval.py (which asserts the targets) and by
benchmarks/search_eval.py (which prints the full table), so both measure the same thing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .search import Index, search


@dataclass(frozen=True)
class Case:
    query: str
    expected: tuple[str, ...]  # any of these ids counts as right ("a|b" in the file)
    expected_text: str
    kind: str  # plain | question | variant | none


@dataclass(frozen=True)
class Outcome:
    case: Case
    rank: int | None  # 1-based rank of the first expected id in the top 10, None if absent
    top: str | None
    top_score: int | None


def read_cases(path: Path) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Case(r["query"], tuple(filter(None, r["expected_id"].split("|"))), r["expected_text"], r["kind"]) for r in rows]


def evaluate(index: Index, cases: list[Case]) -> list[Outcome]:
    outcomes = []
    for case in cases:
        results = search(index, case.query, limit=10)
        ids = [r.document.id for r in results]
        rank = next((i for i, doc_id in enumerate(ids, 1) if doc_id in case.expected), None)
        outcomes.append(Outcome(case, rank, ids[0] if ids else None, results[0].percent if results else None))
    return outcomes


def hit_rate(outcomes: list[Outcome], k: int) -> float:
    answerable = [o for o in outcomes if o.case.kind != "none"]
    return sum(1 for o in answerable if o.rank is not None and o.rank <= k) / len(answerable)


def report(outcomes: list[Outcome]) -> str:
    lines = ["rank\tkind\tquery\texpected\ttop result (score)"]
    for o in outcomes:
        rank = "-" if o.rank is None else str(o.rank)
        if o.case.kind == "none":
            rank = "ok" if o.top is None else "FP"
        top = f"{o.top} ({o.top_score})" if o.top else "(nothing)"
        lines.append(f"{rank}\t{o.case.kind}\t{o.case.query}\t{'|'.join(o.case.expected) or '-'}\t{top}")
    none = [o for o in outcomes if o.case.kind == "none"]
    lines.append(
        f"\nhit@1 {hit_rate(outcomes, 1):.1%}  hit@5 {hit_rate(outcomes, 5):.1%}  "
        f"no-match queries with no result: {sum(o.top is None for o in none)}/{len(none)}  ({len(outcomes)} queries)"
    )
    return "\n".join(lines)
