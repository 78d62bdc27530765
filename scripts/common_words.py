"""Write hamhung_cli/common_words.txt: how common each common English word is, for search's unknown-word rule.

    pip install wordfreq && python scripts/common_words.py

A query word the store never uses lowers a result's score in proportion to how specific the word is: "during" or
"life" barely count, "Eiffel" counts fully (search.py). The Zipf frequencies come from the wordfreq package; loading
it takes half a second and 58 MB, so the few thousand words that matter are written out once, here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

import wordfreq  # type: ignore[import-not-found]

MIN_ZIPF = 3.5  # rarer words are not listed: they count fully
TARGET = Path(__file__).resolve().parent.parent / "hamhung_cli" / "common_words.txt"


def main() -> None:
    by_zipf: defaultdict[float, list[str]] = defaultdict(list)
    for word in wordfreq.top_n_list("en", 100_000):
        zipf = wordfreq.zipf_frequency(word, "en")
        if zipf >= MIN_ZIPF and re.fullmatch("[a-z]+", word):
            by_zipf[round(zipf, 1)].append(word)
    lines = [
        f"# Zipf frequency (log10 of uses per billion words) of English words at or above {MIN_ZIPF}, one frequency per line.",
        f"# Derived from wordfreq {version('wordfreq')} by Robyn Speer (data CC BY-SA 4.0) with scripts/common_words.py.",
    ]
    lines += [f"{zipf} {' '.join(sorted(words))}" for zipf, words in sorted(by_zipf.items(), reverse=True)]
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
