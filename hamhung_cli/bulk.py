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
after a `[[table]]`, `[store]` declared twice), any validation problem, or a cache directory that cannot take
the entry.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from . import cache
from .store import CollectorPaused, Locator, Store, StoreError, Validator, parse

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# Facts parsed and validated together: 128 KB of text, about 600 facts (a larger batch holds more at once, for no gain in speed).
BATCH_BYTES = 1 << 17
BOM = b"\xef\xbb\xbf"

# A top-level header on a line of its own, [name] or [[name]] with a bare one-part name, maybe a comment after it: other
# than [[fact]] (_OTHER_HEADER), or [[fact]] (_FACT_HEADER). Only where such a line starts is the text cut; a line like it
# inside a multi-line string or array leaves the piece before it unterminated, so that piece fails to parse and the
# store is read the plain way.
# Each pattern matches the newline before the header too: a literal first lets `re` skip ahead five times faster.
_TAIL = rb"[ \t]*(?:#[^\n]*)?\r?$"
_OTHER_HEADER = re.compile(rb"\n[ \t]*\[(?!\[[ \t]*fact[ \t]*\]\])(\[)?[ \t]*[A-Za-z0-9_-]+[ \t]*\](?(1)\])" + _TAIL, re.MULTILINE)
_FACT_HEADER = re.compile(rb"\n[ \t]*\[\[[ \t]*fact[ \t]*\]\]" + _TAIL, re.MULTILINE)


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
        if len(self._part_starts) == 1:  # a batch of facts: one run of lines (asked once for every fact)
            return self._file_starts[0] + found - self._part_starts[0]
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
    if data.startswith(BOM):
        data = data[len(BOM) :]
    head_parts, batches = _pieces(data)
    head_text, head_starts = _joined_text(head_parts)
    head = parse(head_text, name)
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
    for batch in batches:
        text, starts = _joined_text([(data[start:end].decode("utf-8"), first_line) for start, end, first_line in batch])
        part = parse(text, name)
        if part.keys() != {"fact"} or not isinstance(part["fact"], list):
            raise _Unexpected
        validator.locator = _ShiftedLocator(text, starts)  # type: ignore[assignment]
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


def _pieces(data: bytes) -> tuple[list[tuple[str, int]], list[list[tuple[int, int, int]]]]:
    """The store cut before its top-level headers: the text of the pieces that are not facts (the root, [store],
    [[topic]], [[table]] …), each with its first line, and the facts in batches of about BATCH_BYTES, each batch as
    the byte ranges of its runs of facts and their first lines.

    Only the few other headers and one [[fact]] per batch are looked for one by one; the regular expressions skip
    over the rest of the store's 100,000 headers in C.
    """
    bounds = sorted({0, *(match.start() + 1 for match in _OTHER_HEADER.finditer(data)), len(data)})
    ranges: list[tuple[int, int, bool]] = []  # (start, end, whether it holds facts)
    for start, stop in zip(bounds, bounds[1:], strict=False):  # the root, or an other header, up to the next other header
        facts = _next_fact(data, start, stop)  # from the first [[fact]] on, only facts
        if facts > start:
            ranges.append((start, facts, False))
        while facts < stop:  # the facts in batches, each ending before the first [[fact]] past BATCH_BYTES
            end = _next_fact(data, facts + BATCH_BYTES, stop)
            ranges.append((facts, end, True))
            facts = end
    head: list[tuple[str, int]] = []
    batches: list[list[tuple[int, int, int]]] = [[]]
    size, line, counted = 0, 1, 0
    for start, end, facts in ranges:
        line += data.count(b"\n", counted, start)
        counted = start
        if not facts:
            head.append((data[start:end].decode("utf-8"), line))
            continue
        if size >= BATCH_BYTES:  # runs of facts between other entries (a table after each fact, say) share a batch
            batches.append([])
            size = 0
        batches[-1].append((start, end, line))
        size += end - start
    return head, [batch for batch in batches if batch]


def _next_fact(data: bytes, start: int, stop: int) -> int:
    """Where the first [[fact]] header at or after `start` begins, if before `stop`; else `stop`."""
    if start == 0 and _FACT_HEADER.match(b"\n" + data[: data.find(b"\n") + 1 or len(data)]):
        return 0  # the first line, which no newline precedes
    found = _FACT_HEADER.search(data, max(start - 1, 0), stop)
    return found.start() + 1 if found else stop


def _joined_text(parts: list[tuple[str, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Pieces of text joined, and where each begins: (line in the joined text, line in the file)."""
    starts: list[tuple[int, int]] = []
    line = 1
    for text, first_line in parts:
        starts.append((line, first_line))
        line += text.count("\n")
    return "".join(text for text, _ in parts), starts
