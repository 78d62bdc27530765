"""Line numbers for a parsed store: where in the text a table, entry or key of the TOML stands.

tomllib gives no positions, so validation asks this module where each problem is, for `file:line` messages.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
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
        self._lines = text.split("\n")  # TOML ends lines only at "\n": str.splitlines would split at U+2028 too
        counts: dict[tuple[Any, ...], int] = {}  # how many [[a.b]] so far, by path
        last: dict[str, int] = {}  # the index of the last [[a]], by name
        paths: list[tuple[Any, ...]] = []
        starts: list[int] = []
        quote = None  # the triple quote of the multi-line string the line is in
        for number, line in enumerate(self._lines, 1):
            if quote:
                quote = None if line.count(quote) % 2 else quote
                continue
            for triple in ('"""', "'''"):
                if line.count(triple) % 2:
                    quote = triple
            header = None if quote or not line.lstrip().startswith("[") else _header(line)
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
        # A header's path → its first and last line (a block ends where the next begins); a path seen twice keeps the later block.
        bounds = pairwise(starts + [len(self._lines) + 1])
        self.blocks = {path: (start, end - 1) for path, (start, end) in zip(paths, bounds, strict=True)}

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
            return self._key_line(key, start, end) or start
        return start

    def _root_line(self, name: str) -> int | None:
        """A top-level key: its `name =` line before the first header, else the first header under it ([name], [[name]], [name.x])."""
        first_header = min((start for start, _ in self.blocks.values()), default=len(self._lines) + 1)
        under = (start for path, (start, _) in self.blocks.items() if path and path[0] == name)
        return self._key_line(name, 1, first_header - 1) or min(under, default=None)

    def _key_line(self, key: str, start: int, end: int) -> int | None:
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        return next((number for number in range(start, end + 1) if pattern.match(self._lines[number - 1])), None)


@lru_cache(maxsize=64)  # a store repeats a few headers ([[fact]]) thousands of times
def _header(line: str) -> tuple[bool, tuple[str, ...]] | None:
    """Whether a `[name]` or `[[name]]` line is an array entry, and its name's parts; None if it is no header."""
    found = _HEADER.fullmatch(line)
    name = found and (found.group(2).strip() or found.group(2)[-1:])
    return (bool(found.group(1)), tuple(part.strip().strip('"') for part in name.split("."))) if name else None
