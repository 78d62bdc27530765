"""A store's cache entry built piece by piece, so that a large store is never in memory whole.

Reading a store the plain way (store.load) holds its text, the parsed TOML and the validated records at once:
about 240 MiB for 100,000 facts. Here the text is cut before each top-level header (`[[fact]]`, `[[topic]]`,
`[store]` …). Everything but the facts (the store's name, its sources, topics and tables: a few hundred entries)
is parsed and validated first, as one document; the facts follow in batches of about BATCH_BYTES of text, each
parsed, validated and laid out in the entry's sections (cache.FactSections), which go to disk as they fill.
What stays in memory is the store's bytes, the ids seen so far and the sections not yet full.

The result is the same entry the plain way writes, fact for fact (tests/test_bulk.py). Whatever this path does not
expect makes it give up, and the caller reads the store the plain way, which also reports any problem with
its exact file:line: a piece that does not parse or decode, a piece that reaches into another (`[[fact.claim]]`
after a `[[table]]`, a table declared twice), any validation problem, or a cache directory that cannot take
the entry.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from . import cache
from .store import CollectorPaused, Locator, Store, StoreError, Validator, _parse

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# Facts parsed and validated together: 128 KB of text, about 600 facts (a larger batch holds more at once, for no gain in speed).
BATCH_BYTES = 1 << 17
BOM = b"\xef\xbb\xbf"

# A top-level header on a line of its own: [name] or [[name]], a bare one-part name, maybe a comment after it.
# Only where such a line starts is the text cut; a line like it inside a multi-line string or array leaves the
# piece before it unterminated, so that piece fails to parse and the store is read the plain way.
_TOP_HEADER = re.compile(rb"^[ \t]*\[(\[)?[ \t]*([A-Za-z0-9_-]+)[ \t]*\](?(1)\])[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)


class _Unexpected(Exception):
    """Something this path does not handle: read the store the plain way."""


class _ShiftedLocator:
    """A Locator over some lines of the store (the head, or a batch of facts), giving lines of the whole file.

    `starts` are where each run of consecutive lines begins in the part and in the file: (part line, file line).
    """

    def __init__(self, text: str, starts: list[tuple[int, int]]) -> None:
        self._inner = Locator(text)
        self._part_starts = [part for part, _ in starts]
        self._file_starts = [file for _, file in starts]

    def line(self, path: tuple[Any, ...], key: str | None = None) -> int | None:
        found = self._inner.line(path, key)
        if found is None:
            return None
        run = bisect_right(self._part_starts, found) - 1
        return self._file_starts[run] + found - self._part_starts[run]


def write_store_entry(data: bytes, name: str, digest: str) -> bool:
    """Validate the store in `data` and write its cache entry (kind "store"), piece by piece.

    False, having written nothing, if the cache cannot take the entry or anything is out of the ordinary (a
    problem in the store included): the caller then reads the store the plain way.
    """

    def lay_out(emit: Callable[[str, Any], None]) -> bool:
        try:
            with CollectorPaused():
                _lay_out(data, name, cache.FactSections(emit))
        except (_Unexpected, StoreError, UnicodeDecodeError, RecursionError, ValueError, TypeError, KeyError):
            return False
        return True

    return cache.write_entry(digest, "store", lay_out)


def _lay_out(data: bytes, name: str, sections: cache.FactSections) -> None:
    offset = len(BOM) if data.startswith(BOM) else 0
    head_parts: list[tuple[int, int, int]] = []  # byte ranges of everything but the facts, and their first lines
    batches: list[tuple[int, int, int]] = []  # byte ranges of runs of [[fact]] pieces, and their first lines
    cuts = [(m.start(), m.group(1) is not None and m.group(2) == b"fact") for m in _TOP_HEADER.finditer(data, offset)]
    bounds = [offset, *(start for start, _ in cuts if start > offset)]
    kinds = [False, *(is_fact for start, is_fact in cuts if start > offset)]
    if cuts and cuts[0][0] == offset:  # the text begins with a header: no root piece before it
        kinds[0] = cuts[0][1]
    line, counted = 1, 0
    for start, end, is_fact in zip(bounds, [*bounds[1:], len(data)], kinds, strict=True):
        line += data.count(b"\n", counted, start)
        counted = start
        if not is_fact:
            head_parts.append((start, end, line))
        elif batches and batches[-1][1] == start and start - batches[-1][0] < BATCH_BYTES:
            batches[-1] = (batches[-1][0], end, batches[-1][2])
        else:
            batches.append((start, end, line))

    head_text, head_starts = _joined_text(data, head_parts)
    head = _parse(head_text, name)
    if "fact" in head:  # a piece outside the facts reaches into them ([[fact.claim]] after a [[table]], say)
        raise _Unexpected
    validator = Validator(name, head_text)
    validator.locator = _ShiftedLocator(head_text, head_starts)  # type: ignore[assignment]
    store_name, summary, names, aliases, sources, topics = validator.head(head)
    if validator.problems:
        raise _Unexpected
    ids: dict[str, tuple[str, tuple[Any, ...]]] = {}
    related: dict[str, Any] = {}  # facts that name others: checked once every id is known
    seen = ("fact", ())  # what `ids` keeps for a fact once its batch is done (a duplicate is reported the plain way)
    for start, end, first_line in batches:
        text = data[start:end].decode("utf-8")
        part = _parse(text, name)
        if part.keys() != {"fact"} or not isinstance(part["fact"], list):
            raise _Unexpected
        validator.locator = _ShiftedLocator(text, [(1, first_line)])  # type: ignore[assignment]
        facts = validator.facts(part, topics, sources, ids)
        if validator.problems:
            raise _Unexpected
        for fact in facts.values():
            sections.add(fact)
            ids[fact.id] = seen
            if fact.related:
                related[fact.id] = fact
    validator.locator = _ShiftedLocator(head_text, head_starts)  # type: ignore[assignment]
    tables = validator.tables(head, topics, sources, ids)
    validator.check_related(related, ids)
    if validator.problems:
        raise _Unexpected
    sections.finish(Store(name, store_name, summary, names, aliases, sources, topics, {}, tables))


def _joined_text(data: bytes, parts: list[tuple[int, int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The text of some byte ranges joined, and where each begins: (line in the joined text, line in the file)."""
    texts: list[str] = []
    starts: list[tuple[int, int]] = []
    line = 1
    for start, end, first_line in parts:
        text = data[start:end].decode("utf-8")
        if texts and not texts[-1].endswith("\n"):  # cannot happen (every cut is at a line's start), but a join must not merge lines
            raise _Unexpected
        starts.append((line, first_line))
        texts.append(text)
        line += text.count("\n")
    return "".join(texts), starts
