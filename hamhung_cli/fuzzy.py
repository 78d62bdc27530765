"""Words within a few edits of a word: rapidfuzz for long lists, plain Python for short ones.

Importing rapidfuzz costs about 20 ms, more than a whole search of the bundled store. Typo matching
only ever compares a word with the vocabulary of nearby lengths (see search.Index.vocabulary_near),
which on a small store is a few hundred to a few thousand words: cheap enough to filter in plain
Python, with the exact edit distance computed only for the few that pass. Both ways give
the same answer, in the same order (tests/test_fuzzy.py checks this against rapidfuzz itself).
"""

from __future__ import annotations

# Above this many choices, importing rapidfuzz pays for itself.
PURE_PYTHON_CHOICES = 4000


def within(word: str, choices: list[str], max_distance: int) -> list[tuple[str, int]]:
    """(choice, edit distance) for every choice at most max_distance edits away: nearest first,
    then in the order of `choices`; as rapidfuzz's process.extract with OSA.distance, score_cutoff
    and no limit."""
    if len(choices) > PURE_PYTHON_CHOICES:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        return [(c, d) for c, d, _ in process.extract(word, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=None)]
    return within_pure(word, choices, max_distance)


def within_pure(word: str, choices: list[str], max_distance: int) -> list[tuple[str, int]]:
    letters = set(word)
    length = len(word)
    found = []
    for position, choice in enumerate(choices):
        # Cheap necessary conditions first: each edit changes the length by at most one, and the set of
        # characters used by at most two (a substitution removes one and adds one).
        if abs(len(choice) - length) > max_distance or len(letters.symmetric_difference(choice)) > 2 * max_distance:
            continue
        distance = bounded_distance(word, choice, max_distance)
        if distance is not None:
            found.append((distance, position, choice))
    found.sort()
    return [(choice, distance) for distance, _, choice in found]


def bounded_distance(a: str, b: str, limit: int) -> int | None:
    """Optimal string alignment distance (insertions, deletions, substitutions and swaps of two neighbours, each
    costing one: "musuem" is one typo from "museum"), or None above limit."""
    if a == b:
        return 0
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        smallest = i
        for j, other in enumerate(b, 1):
            cost = previous[j - 1] + (char != other)
            if previous[j] + 1 < cost:
                cost = previous[j] + 1
            if current[j - 1] + 1 < cost:
                cost = current[j - 1] + 1
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other and before[j - 2] + 1 < cost:
                cost = before[j - 2] + 1
            current.append(cost)
            if cost < smallest:
                smallest = cost
        if smallest > limit:
            return None  # every later row is at least this
        before, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None
