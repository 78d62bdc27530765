"""Print the search evaluation: hamhung against a plain SQLite FTS5 baseline, per style of query, on each set.

    python benchmarks/search_eval.py [--set dev|dev2|test|regression|all] [--facts PATH] [--queries]

The baseline is what a textbook would build over the same documents: FTS5 with
tokenize='porter unicode61 remove_diacritics 2', bm25() with the names column weighted x2, English stop words
dropped and the query's words joined with OR; nothing else. Tune on the development half (--set dev) and the second
development set written later (--set dev2) only; the test half is what README and the closing notes report.
--queries adds every query with its rank and top result.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hamhung_cli.documents import documents  # noqa: E402
from hamhung_cli.index import memory_index  # noqa: E402
from hamhung_cli.search import Index, search  # noqa: E402
from hamhung_cli.store import Store, default_store_path  # noqa: E402
from hamhung_cli.validation import load  # noqa: E402
from tests.evaluation import DATA, evaluate, read_cases, report, summary  # noqa: E402

# A common English stop-word list (NLTK's), as a textbook baseline would use.
ENGLISH_STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it
    its itself they them their theirs themselves what which who whom this that these those am is are was were be been
    being have has had having do does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on off over under again further
    then once here there when where why how all any both each few more most other some such no nor not only own same so
    than too very s t can will just don should now""".split()
)


# Each set: its file in tests/data and the split it takes from it (None: all of it).
SETS = {"dev": ("blind_eval.tsv", "dev"), "dev2": ("blind_dev2.tsv", None), "test": ("blind_eval.tsv", "test"), "regression": ("search_eval.tsv", None)}


def baseline(store: Store) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, names, body, tokenize='porter unicode61 remove_diacritics 2')")
    for doc in documents(store):
        body = " ".join(text for column, text in doc.fields.items() if column != "names")
        db.execute("INSERT INTO docs VALUES (?, ?, ?)", (doc.id, doc.fields.get("names", ""), body))
    return db


def baseline_search(db: sqlite3.Connection, query: str) -> list[str]:
    words = [w for w in re.findall(r"\w+", query.casefold()) if w not in ENGLISH_STOP_WORDS]
    if not words:
        return []
    expression = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
    return [doc_id for (doc_id,) in db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 2.0, 1.0) LIMIT 10", (expression,))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="dev")
    parser.add_argument("--facts", type=Path, default=default_store_path())
    parser.add_argument("--queries", action="store_true", help="list every query with its rank and top result")
    args = parser.parse_args()
    store = load(args.facts)
    index = Index(memory_index(store))
    plain = baseline(store)
    for name in SETS if args.set == "all" else [args.set]:
        file, split = SETS[name]
        cases = [c for c in read_cases(DATA / file) if split is None or c.split == split]
        ours = evaluate(lambda q: [r.document.id for r in search(index, q, limit=10)], cases)
        theirs = evaluate(lambda q: baseline_search(plain, q), cases)
        print(f"== {name} ({len(cases)} queries)\n-- hamhung\n{summary(ours)}\n-- plain FTS5 baseline\n{summary(theirs)}\n")
        if args.queries:
            print(report(ours) + "\n")


if __name__ == "__main__":
    main()
