"""Line numbers for a parsed store: where in the text a table, entry or key of the TOML stands.

tomllib gives no positions, so validation asks this module where each problem is, for `file:line` messages.
"""

from __future__ import annotations

from typing import Any


class Locator:
    """Maps positions in the parsed TOML back to line numbers in the text.

    tomllib gives no positions, so this scans the text for table headers
    (`[[fact]]`, `[[table.row]]`, `[store]` …) and `key =` lines. Entries
    written as inline arrays fall back to the line of their parent.
    """

    def __init__(self, text: str) -> None:
        # TOML ends lines only at "\n" (CRLF too ends in it); str.splitlines would also split at U+2028,
        # form feeds and other characters a string may hold, and every later line number would be off.
        self._text = text
        self._split: list[str] | None = None  # the lines, split only to find a `key =` line for a problem
        counters: dict[tuple[Any, ...], int] = {}  # how many [[a.b]] so far, by path
        top_counters: dict[str, int] = {}  # how many [[a]] so far, by name (the same counts, kept apart for speed)
        last_index: dict[str, int] = {}  # the index of the last [[a]], by name
        paths: list[tuple[Any, ...]] = []
        starts: list[int] = []
        # A line → None if it is no header, else whether it is [[…]], its name's parts, and its name if it is a one-part [[name]].
        headers: dict[str, tuple[bool, list[str], str | None] | None] = {}
        in_multiline: str | None = None
        candidates, self._line_count = _header_and_quote_lines(text)
        for number, line in candidates:
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            if '"""' in line or "'''" in line:
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        in_multiline = quote
                if in_multiline:
                    continue
            found = headers.get(line, False)
            if found is False:
                header = _header_line(line)
                if header:
                    is_array, parts = header[0], [p.strip().strip('"') for p in header[1].split(".")]
                    found = (is_array, parts, parts[0] if is_array and len(parts) == 1 else None)
                else:
                    found = None
                headers[line] = found
            if found is None:
                continue
            is_array, parts, name = found
            if name is not None:  # [[fact]]: most of a store's headers
                index = top_counters.get(name, 0)
                top_counters[name] = index + 1
                last_index[name] = index
                paths.append((name, index))
                starts.append(number)
                continue
            path: tuple[Any, ...] = ()
            for i, part in enumerate(parts):
                path += (part,)
                if i < len(parts) - 1 and parts[0] in last_index and i == 0:
                    path += (last_index[parts[0]],)
            if is_array:
                index = counters.get(path, 0)
                counters[path] = index + 1
                path += (index,)
            paths.append(path)
            starts.append(number)
        ends = [start - 1 for start in starts[1:]] + [self._line_count] if starts else []  # each block ends where the next begins
        # A header's path → its first and last line (a path seen twice keeps the later block, as it always has).
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
        import re

        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        if self._split is None:
            self._split = self._text.split("\n")
        for number in range(start, min(end, self._line_count) + 1):
            if pattern.match(self._split[number - 1]):
                return number
        return None


def _header_line(line: str) -> tuple[bool, str] | None:
    """Whether a line is a [[…]] or […] header, and its name, as the pattern ^\\s*(\\[\\[?)\\s*([^\\[\\]]+?)\\s*\\]\\]?\\s*(?:#.*)?$ reads it.

    That pattern took seconds (and minutes on longer ones) to reject a line like "[" and 3,000 spaces, which a multi-line string
    may hold; this reads the line once. The name is what the pattern's lazy group takes: the text up to the first ']',
    without the blanks around it, or its last blank if it is all blanks. str.strip and \\s agree on what a blank is.
    """
    rest = line.lstrip()
    if not rest.startswith("["):
        return None
    is_array = rest.startswith("[[")
    rest = rest[2 if is_array else 1 :]
    close = rest.find("]")
    if close < 0 or "[" in rest[:close]:
        return None
    inside, after = rest[:close], rest[close + 1 :]
    after = (after[1:] if after.startswith("]") else after).lstrip()
    if after and not after.startswith("#"):
        return None
    name = inside.strip() or inside[-1:]
    return (is_array, name) if name else None


def _header_and_quote_lines(text: str) -> tuple[list[tuple[int, str]], int]:
    """The lines that may be headers (their first non-blank is '[') or hold triple quotes, in order, as (number, text);
    and the number of lines.

    No other line can open or close a multi-line string or be a header, so the Locator reads only these. They are found with
    one regular expression and str.find, and counted with str.count, all in C: a large store has 600,000 lines and 100,000 headers.
    """
    import re
    from bisect import insort
    from itertools import accumulate, repeat
    from operator import add

    # Where each line whose first non-blank is '[' starts: just after a newline (a "\n" first lets re skip ahead fast).
    starts = list(map(add, map(re.Match.start, re.finditer(r"\n[^\S\n]*\[", text)), repeat(1)))
    if re.match(r"[^\S\n]*\[", text):
        starts.insert(0, 0)
    quoted = set()
    for quote in ('"""', "'''"):
        at = text.find(quote)
        while at >= 0:
            quoted.add(text.rfind("\n", 0, at) + 1)
            end = text.find("\n", at)
            at = text.find(quote, end) if end >= 0 else -1
    for start in sorted(quoted.difference(starts)):  # a few lines, into 100,000 sorted starts
        insort(starts, start)
    # Each line's number: 1 plus the newlines before it, counted from one start to the next.
    numbers = list(accumulate(map(text.count, repeat("\n"), [0, *starts], starts), initial=1))[1:]
    ends = list(map(text.find, repeat("\n"), starts))
    if ends and ends[-1] < 0:  # the last line, without a newline
        ends[-1] = len(text)
    lines = list(zip(numbers, map(text.__getitem__, map(slice, starts, ends)), strict=True))
    return lines, (numbers[-1] + text.count("\n", starts[-1]) if starts else text.count("\n") + 1)
