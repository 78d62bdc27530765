"""Line numbers for a parsed store: where in the text a table, entry or key of the TOML stands.

tomllib gives no positions, so validation asks this module where each problem is, for `file:line` messages.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# `[name]` or `[[name]]` with an optional comment; no two parts can both take the same characters, so a hostile
# line ("[" and 3,000 blanks in a multi-line string) is rejected in linear time.
_HEADER = re.compile(r"\s*\[(\[?)([^\[\]]*)\]\]?\s*(?:#.*)?")


class Locator:
    """Maps positions in the parsed TOML back to line numbers in the text.

    Table headers (`[[fact]]`, `[[table.row]]`, `[store]` …) and `key =` lines are found by scanning the text;
    entries written as inline arrays fall back to the line of their parent.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] | None = None  # split only to find a `key =` line for a problem
        self._line_count = text.count("\n") + 1  # TOML ends lines only at "\n": str.splitlines would split at U+2028 too
        counts: dict[tuple[Any, ...], int] = {}  # how many [[a.b]] so far, by path
        last: dict[str, int] = {}  # the index of the last [[a]], by name
        paths: list[tuple[Any, ...]] = []
        starts: list[int] = []
        number, at, quote = 1, 0, None
        for start in _candidate_lines(text):
            number += text.count("\n", at, start)
            at, end = start, text.find("\n", start)
            line = text[start : end if end >= 0 else None]
            if quote:
                quote = None if line.count(quote) % 2 else quote
                continue
            for triple in ('"""', "'''"):
                if line.count(triple) % 2:
                    quote = triple
            header = None if quote else _header(line)
            if header is None:
                continue
            is_array, parts = header
            path = (parts[0], last[parts[0]], *parts[1:]) if len(parts) > 1 and parts[0] in last else parts
            if is_array:  # the next entry of an array of tables
                index = counts.get(path, 0)
                counts[path] = index + 1
                if len(parts) == 1:
                    last[parts[0]] = index
                path += (index,)
            paths.append(path)
            starts.append(number)
        ends = [start - 1 for start in starts[1:]] + [self._line_count] if starts else []  # each block ends where the next begins
        # A header's path → its first and last line; a path seen twice keeps the later block.
        self.blocks: dict[tuple[Any, ...], tuple[int, int]] = dict(zip(paths, zip(starts, ends, strict=True), strict=True))

    def line(self, path: tuple[Any, ...], key: str | None = None) -> int | None:
        """The line of the header at `path` (or of `key =` inside it)."""
        probe = path
        while probe and probe not in self.blocks:
            probe = probe[:-1]
        if not probe:
            name = path[0] if path else key
            return self._root_line(str(name)) if name is not None else None
        start, end = self.blocks[probe]
        if key and (probe == path or path[len(probe) :] == (key,)):  # `key =` in this block, or a key whose value should have been [[…]]
            found = self._key_line(key, start, end)
            if found:
                return found
        return start

    def _root_line(self, name: str) -> int | None:
        """A top-level key: its `name =` line before the first header, else the first header under it ([name], [[name]], [name.x])."""
        first_header = min((start for start, _ in self.blocks.values()), default=self._line_count + 1)
        found = self._key_line(name, 1, first_header - 1)
        if found:
            return found
        return min((start for path, (start, _) in self.blocks.items() if path and path[0] == name), default=None)

    def _key_line(self, key: str, start: int, end: int) -> int | None:
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        if self._lines is None:
            self._lines = self._text.split("\n")
        for number in range(start, min(end, self._line_count) + 1):
            if pattern.match(self._lines[number - 1]):
                return number
        return None


@lru_cache(maxsize=64)  # a store repeats a few headers ([[fact]]) thousands of times
def _header(line: str) -> tuple[bool, tuple[str, ...]] | None:
    """Whether a `[name]` or `[[name]]` line is an array entry, and its name's parts; None if it is no header."""
    found = _HEADER.fullmatch(line)
    name = found and (found.group(2).strip() or found.group(2)[-1:])
    return (bool(found.group(1)), tuple(part.strip().strip('"') for part in name.split("."))) if name else None


def _candidate_lines(text: str) -> list[int]:
    """Where the lines start that may be headers (first non-blank '[') or open or close a multi-line string (hold triple quotes)."""
    starts = {found.start() for found in re.finditer(r"\n[^\S\n]*\[", "\n" + text)}  # a "\n" first lets re skip ahead fast
    starts.update(text.rfind("\n", 0, found.start()) + 1 for found in re.finditer("\"\"\"|'''", text))
    return sorted(starts)
