"""Print the search evaluation table: every query, the rank of its expected answer, and the top result.

    python benchmarks/search_eval.py [EVAL.tsv] [--facts PATH]

Regressions show up as a changed rank; tests/test_search_eval.py asserts the overall targets.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hamhung_cli.evaluation import evaluate, read_cases, report
from hamhung_cli.indexing import index_store
from hamhung_cli.store import default_store_path
from hamhung_cli.validation import load

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", type=Path, default=ROOT / "tests" / "data" / "search_eval.tsv")
    parser.add_argument("--facts", type=Path, default=default_store_path())
    args = parser.parse_args()
    outcomes = evaluate(index_store(load(args.facts)), read_cases(args.cases))
    print(report(outcomes))


if __name__ == "__main__":
    main()
