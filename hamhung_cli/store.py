"""Read and validate a TOML fact store into immutable records (named tuples: much cheaper to define at start-up than dataclasses).

This is the only module that knows the schema (documented in README.md,
"The fact store"). Validation collects every problem with its file:line, so
`hamhung check` can list them all and every other command can refuse a bad
store with one precise line.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping

from .errors import Problem, StoreError

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    import re
    from typing import Any
    from typing import NamedTuple as Record
else:
    from .records import Record

SCHEMA_VERSION = 1
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SEVERITIES = ("high", "medium", "low")
NAME_FORMS = ("mr", "rr", "hangul", "hanja")
RESERVED_ROW_KEYS = frozenset({"id", "names", "aliases", "sources", "note"})
# About 140,000 facts like the benchmark's synthetic ones (its 100,000 take 22.5 MiB; the bundled store is 0.2 MB), and a hostile 50 MB
# file is refused at once instead of taking a minute and a gigabyte to parse.
MAX_STORE_BYTES = 32 * 1024 * 1024

# Patterns as text, compiled on first use: reading a cached store never needs `re`.
_ID = r"^[a-z0-9][a-z0-9.\-]*$"
_SLUG = r"^[a-z0-9][a-z0-9\-]*$"
_CITATION = r"^([a-z0-9][a-z0-9.\-]*)((?:\[[^\[\]]+\])*)$"
_COMPILED: dict[str, re.Pattern[str]] = {}  # each of those, compiled once


def _match(pattern: str, text: str) -> re.Match[str] | None:
    compiled = _COMPILED.get(pattern)
    if compiled is None:  # re.match looks the pattern up in re's cache on every call, which takes twice as long as matching an id
        import re

        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled.match(text)


# --------------------------------------------------------------------------- model


class Source(Record):
    id: str
    title: str
    publisher: str
    document: str | None = None  # the file or copy of the document the editors worked from
    part: str | None = None
    cites: str | None = None
    url: str | None = None
    note: str | None = None
    line: int | None = None

    def describe(self, notes: str = "") -> str:
        """One line naming the source (and the part of it, when the store says) and the reference it cites."""
        where = f"{self.publisher}, “{self.title}”, {self.part}" if self.part else f"{self.publisher}, “{self.title}”"
        if notes:
            where += f", note {notes}"
        return f"{where}; citing {self.cites}" if self.cites else where


class Citation(Record):
    """A reference from a fact to a source, with the document's note numbers if any."""

    source: str
    notes: str = ""

    def __str__(self) -> str:
        return self.source + self.notes


class Claim(Record):
    text: str
    sources: tuple[Citation, ...]
    value: float | int | str | None = None
    unit: str | None = None


class Fact(Record):
    id: str
    topic: str
    text: str
    sources: tuple[Citation, ...]
    value: float | int | str | None = None
    unit: str | None = None
    aliases: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    related: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    severity: str | None = None
    line: int | None = None

    @property
    def disputed(self) -> bool:
        return len(self.claims) >= 2

    def all_citations(self) -> tuple[Citation, ...]:
        seen: dict[str, Citation] = {}
        for citation in self.sources + tuple(c for claim in self.claims for c in claim.sources):
            seen.setdefault(str(citation), citation)
        return tuple(seen.values())


class Topic(Record):
    id: str
    title: str
    summary: str
    aliases: tuple[str, ...] = ()
    line: int | None = None


class Column(Record):
    key: str
    title: str
    unit: str | None = None


class MonthlyRow(Record):
    """One measure over the twelve months, as a source gives it."""

    id: str
    label: str
    unit: str
    values: tuple[float, ...]
    year: float | None = None
    alt_unit: str | None = None
    alt_values: tuple[float, ...] | None = None
    alt_year: float | None = None
    aliases: tuple[str, ...] = ()
    line: int | None = None


class RecordRow(Record):
    id: str
    cells: tuple[tuple[str, Any], ...]
    names: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()
    sources: tuple[Citation, ...] = ()
    note: str | None = None
    line: int | None = None

    def get(self, key: str) -> Any:
        return dict(self.cells).get(key)


class Table(Record):
    id: str
    topic: str
    title: str
    kind: str
    sources: tuple[Citation, ...]
    columns: tuple[Column, ...] = ()
    rows: tuple[MonthlyRow | RecordRow, ...] = ()
    period: str | None = None
    note: str | None = None
    aliases: tuple[str, ...] = ()
    line: int | None = None


class Store(Record):
    path: str
    name: str
    summary: str
    names: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...]
    sources: dict[str, Source]
    topics: dict[str, Topic]
    facts: Mapping[str, Fact]  # a dict, or a cache's SectionedFacts that loads a part at a time
    tables: dict[str, Table]

    def facts_in(self, topic: str) -> list[Fact]:
        in_topic = getattr(self.facts, "in_topic", None)  # a cached store reads only this topic's sections
        return in_topic(topic) if in_topic else [f for f in self.facts.values() if f.topic == topic]

    def fact_count(self, topic: str) -> int:
        count_in = getattr(self.facts, "count_in", None)
        return count_in(topic) if count_in else sum(f.topic == topic for f in self.facts.values())

    def tables_in(self, topic: str) -> list[Table]:
        return [t for t in self.tables.values() if t.topic == topic]

    def source_of(self, citation: Citation) -> Source:
        return self.sources[citation.source]

    def describe(self, citation: Citation) -> str:
        return self.source_of(citation).describe(citation.notes)


# --------------------------------------------------------------------------- locating


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


# --------------------------------------------------------------------------- reading


def read_bytes(path: str) -> bytes:
    """The store's bytes, or a StoreError saying plainly why it cannot be read."""
    name = str(path)
    try:
        if os.path.isdir(path):
            raise StoreError([Problem(name, None, "is a directory, not a fact store file")])
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_STORE_BYTES:
                raise StoreError([Problem(name, None, f"file is {size:,} bytes; a fact store may be at most {MAX_STORE_BYTES:,}")])
            data = handle.read(MAX_STORE_BYTES + 1)  # bounded: a device or pipe (/dev/zero, <(…)) reports no size
        if len(data) > MAX_STORE_BYTES:
            raise StoreError([Problem(name, None, f"more than {MAX_STORE_BYTES:,} bytes; a fact store may be at most that")])
        return data
    except FileNotFoundError:
        raise StoreError([Problem(name, None, "no such file")]) from None
    except PermissionError:
        raise StoreError([Problem(name, None, "permission denied")]) from None
    except OSError as error:
        raise StoreError([Problem(name, None, f"cannot read: {error.strerror or error}")]) from None


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text with any BOM removed; invalid bytes are reported with their line and column."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        hint = " (it looks like UTF-16: save it as UTF-8)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise StoreError([Problem(name, line, "not valid UTF-8 text" + hint, column)]) from None


def parse(text: str, name: str) -> dict[str, Any]:
    """The TOML document as tomllib reads it: quicktoml's reader first (eight times faster), tomllib for whatever it leaves."""
    with CollectorPaused():
        return _parse(text, name)


class CollectorPaused:
    """The cyclic garbage collector off for a block that builds a large store's data (and back on after, if it was).

    Reading, validating and indexing 100,000 facts makes millions of new dicts, lists and tuples and no cycles:
    the collector would only walk them again and again (5 to 10 % of the time).
    """

    def __enter__(self) -> None:
        import gc

        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        import gc

        if self._was_enabled:
            gc.enable()


def _parse(text: str, name: str) -> dict[str, Any]:
    from . import quicktoml

    try:
        return quicktoml.loads(text)
    except Exception:  # Unsupported, or a slip in the fast reader: tomllib decides, and reports any error itself
        pass
    import re
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            message = message[: match.start()].strip()
            raise StoreError([Problem(name, int(match.group(1)), f"invalid TOML: {message}", int(match.group(2)))]) from None
        match = re.search(r"\(at end of document\)", message)
        if match:
            lines = text.count("\n") + 1
            raise StoreError([Problem(name, lines, f"invalid TOML: {message[: match.start()].strip()} at end of file")]) from None
        raise StoreError([Problem(name, None, f"invalid TOML: {message}")]) from None
    except RecursionError:
        raise StoreError([Problem(name, _deep_line(text), "invalid TOML: arrays or inline tables nested too deeply")]) from None
    except ValueError:  # not a TOMLDecodeError: int() refuses an integer of more digits than sys.get_int_max_str_digits()
        import sys

        limit = sys.get_int_max_str_digits()
        runs = re.finditer(rf"(?<![0-9_])[0-9_]{{{limit + 1},}}", text)  # each run of digits tried once: linear time
        found = next((run for run in runs if len(run.group().replace("_", "")) > limit), None)
        line = text.count("\n", 0, found.start()) + 1 if found else None
        raise StoreError([Problem(name, line, f"invalid TOML: an integer of more than {limit:,} digits")]) from None


def _deep_line(text: str, depth: int = 100) -> int | None:
    """Where brackets first nest `depth` deep: only to locate a RecursionError, so strings are not told apart."""
    import re

    level = 0
    for match in re.finditer(r"[\[\]{}]", text):
        level += 1 if match.group() in "[{" else -1
        if level >= depth:
            return text.count("\n", 0, match.start()) + 1
    return None


def load(path: str | os.PathLike[str]) -> Store:
    """Read, parse and validate a store; StoreError lists every problem."""
    text = decode_text(read_bytes(os.fspath(path)), str(path))
    return validate(parse(text, str(path)), text, str(path))


def validate(data: dict[str, Any], text: str, name: str) -> Store:
    with CollectorPaused():
        return Validator(name, text).build(data)


# --------------------------------------------------------------------------- validating


class Validator:
    """Builds a Store from parsed TOML, recording every problem on the way."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.locator = Locator(text)
        self.problems: list[Problem] = []
        self._citations_by_text: dict[str, Citation | None] = {}  # "grok-climate[15]" → Citation("grok-climate", "[15]"), None if malformed

    # -- problem helpers ------------------------------------------------------

    def problem(self, path: tuple[Any, ...], message: str, key: str | None = None) -> None:
        self.problems.append(Problem(self.name, self.locator.line(path, key), message))

    def _check_keys(self, path: tuple[Any, ...], data: dict[str, Any], allowed: set[str] | frozenset[str], what: str) -> None:
        if data.keys() <= allowed:  # (allowed.issuperset(data) would first copy the keys into a new set)
            return
        for key in data:
            if key not in allowed:
                hint = _closest(key, allowed)
                more = f" (did you mean '{hint}'?)" if hint else f" (allowed: {', '.join(sorted(allowed))})"
                self.problem(path, f"unknown key '{key}' in {what}{more}", key)

    def _string(self, path: tuple[Any, ...], data: dict[str, Any], key: str, what: str, required: bool = True) -> str | None:
        if key not in data:
            if required:
                self.problem(path, f"{what} is missing '{key}'")
            return None
        value = data[key]
        if not isinstance(value, str):
            self.problem(path, f"'{key}' in {what} must be text, not {_type_name(value)}", key)
            return None
        if required and not value.strip():
            self.problem(path, f"'{key}' in {what} is empty", key)
            return None
        return value

    def _strings(self, path: tuple[Any, ...], data: dict[str, Any], key: str, what: str) -> tuple[str, ...]:
        if key not in data:
            return ()
        value = data[key]
        if not isinstance(value, list) or not _all_text(value):
            self.problem(path, f"'{key}' in {what} must be a list of text", key)
            return ()
        return tuple(value)

    def _number(self, path: tuple[Any, ...], value: Any, key: str, what: str) -> float | int | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(path, f"'{key}' in {what} must be a number, not {_type_name(value)}", key)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(path, f"'{key}' in {what} must be a finite number, not {value}", key)
            return None
        return value

    def _scalar(self, path: tuple[Any, ...], value: Any, key: str, what: str) -> float | int | str | None:
        if isinstance(value, str):
            return value
        return self._number(path, value, key, what)

    def _id(self, path: tuple[Any, ...], data: dict[str, Any], what: str, pattern: str = _ID) -> str | None:
        value = self._string(path, data, "id", what)
        if value is not None and not _match(pattern, value):
            self.problem(path, f"id '{value}' in {what} must be lowercase letters, digits, '-'" + (" or '.'" if pattern is _ID else ""), "id")
            return None
        return value

    def _names(self, path: tuple[Any, ...], data: dict[str, Any], what: str) -> tuple[tuple[str, str], ...]:
        if "names" not in data:
            return ()
        value = data["names"]
        if not isinstance(value, dict):
            self.problem(path, f'\'names\' in {what} must be a table like {{ mr = "…", rr = "…", hangul = "…" }}', "names")
            return ()
        out = []
        for form, name in value.items():
            if form not in NAME_FORMS:
                self.problem(path, f"unknown name form '{form}' in {what} (allowed: {', '.join(NAME_FORMS)})", "names")
            elif not isinstance(name, str) or not name.strip():
                self.problem(path, f"name '{form}' in {what} must be non-empty text", "names")
            else:
                out.append((form, name))
        return tuple(out)

    def _entries(self, data: dict[str, Any], key: str, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(
                path + (key,), f"'{key}' must be an array of tables ([[{'.'.join(str(p) for p in path[::2] + (key,))}]]), not {_type_name(value)}", key
            )
            return
        for index, entry in enumerate(value):
            entry_path = path + (key, index)
            if not isinstance(entry, dict):
                self.problem(entry_path, f"entry {index + 1} of '{key}' must be a table, not {_type_name(entry)}")
                continue
            yield entry_path, entry

    # -- the store ------------------------------------------------------------

    def build(self, data: dict[str, Any]) -> Store:
        name, summary, names, aliases, sources, topics = self.head(data)
        ids: dict[str, tuple[str, tuple[Any, ...]]] = {}  # every fact and table id → what it is and where, for a duplicate's message
        facts = self.facts(data, topics, sources, ids)
        tables = self.tables(data, topics, sources, ids)
        self.check_related(facts, ids)
        self.raise_problems()
        return Store(self.name, name, summary, names, aliases, sources, topics, facts, tables)

    def raise_problems(self) -> None:
        """A StoreError listing every problem found so far, in the order of their lines (if there are any)."""
        if self.problems:
            self.problems.sort(key=lambda p: p.line or 0)
            raise StoreError(self.problems)

    def head(self, data: dict[str, Any]) -> tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...], dict[str, Source], dict[str, Topic]]:
        """The store's name, summary, names and aliases, its sources and its topics: what facts and tables refer to."""
        self._check_keys((), data, {"schema", "store", "source", "topic", "fact", "table"}, "the store")
        schema = data.get("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            self.problem((), f"schema {schema!r} is not supported (this version reads schema {SCHEMA_VERSION})", "schema")

        meta = data.get("store", {})
        if not isinstance(meta, dict):
            self.problem(("store",), "'store' must be a table")
            meta = {}
        self._check_keys(("store",), meta, {"name", "summary", "names", "aliases"}, "[store]")
        name = self._string(("store",), meta, "name", "[store]", required=False) or "this store"
        summary = self._string(("store",), meta, "summary", "[store]", required=False) or ""
        names = self._names(("store",), meta, "[store]")
        aliases = self._strings(("store",), meta, "aliases", "[store]")

        sources = self._sources(data)
        topics = self._topics(data)
        if not data:
            self.problems.append(Problem(self.name, None, "the store is empty: it needs at least one [[topic]] and facts or tables in it"))
        elif not data.get("topic"):
            self.problem(("topic",), "the store declares no [[topic]]: it needs at least one, and facts or tables in it")
        return name, summary, names, aliases, sources, topics

    def _sources(self, data: dict[str, Any]) -> dict[str, Source]:
        sources: dict[str, Source] = {}
        renamed = {"seed": "document"}  # keys of schema 1's first release, reported with their new name
        allowed = {"id", "title", "publisher", "document", "part", "cites", "url", "note", *renamed}
        for path, entry in self._entries(data, "source"):
            self._check_keys(path, entry, allowed, "[[source]]")
            for old, new in renamed.items():
                if old in entry:
                    self.problem(path, f"'{old}' in [[source]] is now called '{new}'", old)
            source_id = self._id(path, entry, "[[source]]")
            fields = {k: self._string(path, entry, k, "[[source]]") for k in ("title", "publisher")}
            optional = {k: self._string(path, entry, k, "[[source]]", required=False) for k in ("document", "part", "cites", "url", "note")}
            if source_id is None or None in fields.values():
                continue
            if source_id in sources:
                self.problem(path, f"duplicate source id '{source_id}' (first defined at line {sources[source_id].line})", "id")
                continue
            sources[source_id] = Source(source_id, line=self.locator.line(path), **fields, **optional)  # type: ignore[arg-type]
        return sources

    def _topics(self, data: dict[str, Any]) -> dict[str, Topic]:
        topics: dict[str, Topic] = {}
        for path, entry in self._entries(data, "topic"):
            self._check_keys(path, entry, {"id", "title", "summary", "aliases"}, "[[topic]]")
            topic_id = self._id(path, entry, "[[topic]]", _SLUG)
            title = self._string(path, entry, "title", "[[topic]]")
            summary = self._string(path, entry, "summary", "[[topic]]", required=False) or ""
            aliases = self._strings(path, entry, "aliases", "[[topic]]")
            if topic_id is None or title is None:
                continue
            if topic_id in topics:
                self.problem(path, f"duplicate topic id '{topic_id}' (first defined at line {topics[topic_id].line})", "id")
                continue
            topics[topic_id] = Topic(topic_id, title, summary, aliases, self.locator.line(path))
        return topics

    def _citations(self, path: tuple[Any, ...], entry: dict[str, Any], what: str, sources: dict[str, Source], required: bool) -> tuple[Citation, ...]:
        value = entry.get("sources")
        if value is None:
            if required:
                self.problem(path, f"{what} has no 'sources': every fact must name where it comes from")
            return ()
        if not isinstance(value, list) or not _all_text(value):
            self.problem(path, f"'sources' in {what} must be a list of source ids", "sources")
            return ()
        if required and not value:
            self.problem(path, f"'sources' in {what} is empty: every fact must name where it comes from", "sources")
        out = []
        parsed = self._citations_by_text
        for text in value:
            if text in parsed:  # a store cites its few sources over and over: one (immutable) Citation for each way of writing one
                citation = parsed[text]
            else:
                match = _match(_CITATION, text.strip())
                citation = parsed[text] = Citation(*match.groups()) if match else None
            if citation is None:
                self.problem(path, f"'{text}' in {what} is not a source id (like 'wp-ref-3' or 'grok-climate[15]')", "sources")
                continue
            if citation.source not in sources:
                hint = _closest(citation.source, sources)
                self.problem(path, f"unknown source '{citation.source}' in {what}" + (f" (did you mean '{hint}'?)" if hint else ""), "sources")
                continue
            out.append(citation)
        return tuple(out)

    def _topic_ref(self, path: tuple[Any, ...], entry: dict[str, Any], what: str, topics: dict[str, Topic]) -> str | None:
        topic = self._string(path, entry, "topic", what)
        if topic is not None and topic not in topics:
            hint = _closest(topic, topics)
            self.problem(path, f"unknown topic '{topic}' in {what}" + (f" (did you mean '{hint}'?)" if hint else " (declare it with [[topic]])"), "topic")
            return None
        return topic

    def _claim_of(self, path: tuple[Any, ...], entry: dict[str, Any], sources: dict[str, Source]) -> Claim | None:
        self._check_keys(path, entry, {"text", "sources", "value", "unit"}, "[[fact.claim]]")
        text = self._string(path, entry, "text", "[[fact.claim]]")
        citations = self._citations(path, entry, "[[fact.claim]]", sources, required=True)
        value, unit = self._value_unit(path, entry, "[[fact.claim]]")
        if text is None:
            return None
        return Claim(text, citations, value, unit)

    def _value_unit(self, path: tuple[Any, ...], entry: dict[str, Any], what: str) -> tuple[float | int | str | None, str | None]:
        value = self._scalar(path, entry["value"], "value", what) if "value" in entry else None
        unit = self._string(path, entry, "unit", what, required=False) if "unit" in entry else None
        if unit is not None and "value" not in entry:
            self.problem(path, f"'unit' in {what} needs a 'value'", "unit")
        return value, unit

    def facts(self, data: dict[str, Any], topics: dict[str, Topic], sources: dict[str, Source], ids: dict[str, tuple[str, tuple[Any, ...]]]) -> dict[str, Fact]:
        facts: dict[str, Fact] = {}
        allowed = {"id", "topic", "text", "sources", "value", "unit", "aliases", "names", "note", "related", "claim", "severity"}
        for path, entry in self._entries(data, "fact"):
            self._check_keys(path, entry, allowed, "[[fact]]")
            fact_id = self._id(path, entry, "[[fact]]")
            what = f"fact '{fact_id}'" if fact_id else "[[fact]]"
            topic = self._topic_ref(path, entry, what, topics)
            text = self._string(path, entry, "text", what)
            claims = tuple(c for p, e in self._entries(entry, "claim", path) if (c := self._claim_of(p, e, sources))) if "claim" in entry else ()
            if "claim" in entry and isinstance(entry["claim"], list) and len(entry["claim"]) == 1:
                self.problem(path, f"{what} has one claim; a dispute needs two or more (or put the claim in the fact)", "claim")
            citations = self._citations(path, entry, what, sources, required=not claims)
            # Optional keys that are absent skip their helper, which would only return the empty value: over 100,000 facts the calls add up.
            value, unit = self._value_unit(path, entry, what) if "value" in entry or "unit" in entry else (None, None)
            severity = self._string(path, entry, "severity", what, required=False) if "severity" in entry else None
            if severity is not None and severity not in SEVERITIES:
                self.problem(path, f"severity '{severity}' in {what} must be one of {', '.join(SEVERITIES)}", "severity")
            if severity is not None and not claims:
                self.problem(path, f"'severity' in {what} only applies to a disputed fact (one with [[fact.claim]] entries)", "severity")
            related = self._strings(path, entry, "related", what) if "related" in entry else ()
            fact = Fact(  # by position, in field order: keywords take 1.2 µs more a fact, a tenth of validating a large store
                fact_id or "",
                topic or "",
                text or "",
                citations,
                value,
                unit,
                self._strings(path, entry, "aliases", what) if "aliases" in entry else (),
                self._names(path, entry, what) if "names" in entry else (),
                self._string(path, entry, "note", what, required=False) if "note" in entry else None,
                related,
                claims,
                severity if severity in SEVERITIES else ("medium" if claims else None),
                self.locator.line(path),
            )
            if not (fact_id and topic and text):
                continue
            if self._claim_id(ids, fact_id, path, "fact"):
                facts[fact_id] = fact
        return facts

    def _claim_id(self, ids: dict[str, tuple[str, tuple[Any, ...]]], new_id: str, path: tuple[Any, ...], what: str) -> bool:
        if new_id in ids:
            first, first_path = ids[new_id]
            self.problem(path, f"duplicate id '{new_id}' ({what}; already used by the {first} at line {self.locator.line(first_path)})", "id")
            return False
        ids[new_id] = (what, path)  # the message is written only for a duplicate
        return True

    def check_related(self, facts: dict[str, Fact], ids: dict[str, tuple[str, tuple[Any, ...]]]) -> None:
        for fact in facts.values():
            for other in fact.related:
                if other not in ids:
                    hint = _closest(other, ids)
                    self.problems.append(
                        Problem(self.name, fact.line, f"fact '{fact.id}' is related to unknown id '{other}'" + (f" (did you mean '{hint}'?)" if hint else ""))
                    )
                elif other == fact.id:
                    self.problems.append(Problem(self.name, fact.line, f"fact '{fact.id}' lists itself in 'related'"))

    def tables(
        self, data: dict[str, Any], topics: dict[str, Topic], sources: dict[str, Source], ids: dict[str, tuple[str, tuple[Any, ...]]]
    ) -> dict[str, Table]:
        tables: dict[str, Table] = {}
        allowed = {"id", "topic", "title", "kind", "sources", "period", "note", "aliases", "columns", "row"}
        for path, entry in self._entries(data, "table"):
            self._check_keys(path, entry, allowed, "[[table]]")
            table_id = self._id(path, entry, "[[table]]", _SLUG)
            what = f"table '{table_id}'" if table_id else "[[table]]"
            topic = self._topic_ref(path, entry, what, topics)
            title = self._string(path, entry, "title", what)
            kind = self._string(path, entry, "kind", what)
            citations = self._citations(path, entry, what, sources, required=True)
            columns: tuple[Column, ...] = ()
            rows: tuple[MonthlyRow | RecordRow, ...] = ()
            if kind == "monthly":
                if "columns" in entry:
                    self.problem(path, f"{what} is monthly: its columns are the months, so 'columns' does not apply", "columns")
                rows = tuple(r for p, e in self._entries(entry, "row", path) if (r := self._monthly_row(p, e, what)))
            elif kind == "records":
                columns = self._columns(path, entry, what)
                rows = tuple(r for p, e in self._entries(entry, "row", path) if (r := self._record_row(p, e, what, columns, sources)))
            elif kind is not None:
                self.problem(path, f"kind '{kind}' in {what} must be 'monthly' or 'records'", "kind")
            seen: dict[str, int | None] = {}
            for row in rows:
                if row.id in seen:
                    self.problems.append(Problem(self.name, row.line, f"duplicate row id '{row.id}' in {what} (first at line {seen[row.id]})"))
                seen.setdefault(row.id, row.line)
            if not (table_id and topic and title and kind in ("monthly", "records")):
                continue
            table = Table(
                id=table_id,
                topic=topic,
                title=title,
                kind=kind,  # type: ignore[arg-type]
                sources=citations,
                columns=columns,
                rows=rows,
                period=self._string(path, entry, "period", what, required=False),
                note=self._string(path, entry, "note", what, required=False),
                aliases=self._strings(path, entry, "aliases", what),
                line=self.locator.line(path),
            )
            if self._claim_id(ids, table_id, path, "table"):
                tables[table_id] = table
        return tables

    def _months(self, path: tuple[Any, ...], entry: dict[str, Any], key: str, what: str) -> tuple[float, ...] | None:
        values = entry.get(key)
        if not isinstance(values, list):
            self.problem(path, f"'{key}' in {what} must be a list of 12 numbers (January to December)", key)
            return None
        if len(values) != 12:
            self.problem(path, f"'{key}' in {what} has {len(values)} values; a monthly row needs exactly 12 (January to December)", key)
            return None
        numbers = [self._number(path, v, key, what) for v in values]
        if any(n is None for n in numbers):
            return None
        return tuple(numbers)  # type: ignore[arg-type]  # as the source gives them: -5 stays an integer

    def _monthly_row(self, path: tuple[Any, ...], entry: dict[str, Any], table: str) -> MonthlyRow | None:
        allowed = {"id", "label", "unit", "values", "year", "alt_unit", "alt_values", "alt_year", "aliases"}
        self._check_keys(path, entry, allowed, f"a row of {table}")
        row_id = self._id(path, entry, f"a row of {table}", _SLUG)
        what = f"row '{row_id}' of {table}"
        label = self._string(path, entry, "label", what)
        unit = self._string(path, entry, "unit", what)
        values = self._months(path, entry, "values", what)
        year = self._number(path, entry["year"], "year", what) if "year" in entry else None
        alt_unit = self._string(path, entry, "alt_unit", what, required=False)
        alt_values = self._months(path, entry, "alt_values", what) if "alt_values" in entry else None
        alt_year = self._number(path, entry["alt_year"], "alt_year", what) if "alt_year" in entry else None
        if (alt_values is not None or alt_year is not None) and alt_unit is None:
            self.problem(path, f"{what} gives alternative values without 'alt_unit'", "alt_unit")
        if not (row_id and label and unit and values):
            return None
        return MonthlyRow(
            row_id, label, unit, values,
            year, alt_unit, alt_values, alt_year,
            self._strings(path, entry, "aliases", what), self.locator.line(path),
        )  # fmt: skip

    def _columns(self, path: tuple[Any, ...], entry: dict[str, Any], what: str) -> tuple[Column, ...]:
        value = entry.get("columns")
        if not isinstance(value, list) or not value:
            self.problem(path, f'{what} needs \'columns\', a list like [{{ key = "name", title = "Name" }}]', "columns")
            return ()
        columns = []
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not isinstance(item.get("title"), str):
                self.problem(path, f"each column of {what} needs text 'key' and 'title'", "columns")
                continue
            extra = set(item) - {"key", "title", "unit"}
            if extra:
                self.problem(path, f"unknown column field(s) {', '.join(sorted(extra))} in {what}", "columns")
            key = item["key"]
            if not _match(_SLUG, key.replace("_", "-")) or key in RESERVED_ROW_KEYS:
                self.problem(path, f"column key '{key}' in {what} must be a lowercase slug other than {', '.join(sorted(RESERVED_ROW_KEYS))}", "columns")
                continue
            if any(c.key == key for c in columns):
                self.problem(path, f"duplicate column key '{key}' in {what}", "columns")
                continue
            unit = item.get("unit")
            columns.append(Column(key, item["title"], unit if isinstance(unit, str) else None))
        return tuple(columns)

    def _record_row(
        self, path: tuple[Any, ...], entry: dict[str, Any], table: str, columns: tuple[Column, ...], sources: dict[str, Source]
    ) -> RecordRow | None:
        keys = {c.key for c in columns}
        self._check_keys(path, entry, keys | RESERVED_ROW_KEYS, f"a row of {table}")
        row_id = self._id(path, entry, f"a row of {table}", _SLUG)
        what = f"row '{row_id}' of {table}"
        cells = []
        for column in columns:
            if column.key in entry:
                value = self._scalar(path, entry[column.key], column.key, what)
                if value is not None:
                    cells.append((column.key, value))
        if not any(c.key in entry for c in columns):  # a value of the wrong type was reported above
            self.problem(path, f"{what} has no values for any column")
        if row_id is None:
            return None
        return RecordRow(
            row_id,
            tuple(cells),
            self._names(path, entry, what),
            self._strings(path, entry, "aliases", what),
            self._citations(path, entry, what, sources, required=False),
            self._string(path, entry, "note", what, required=False),
            self.locator.line(path),
        )


def _all_text(values: list[Any]) -> bool:
    """all(isinstance(v, str) for v in values), without a generator: lists of one or two ids, checked for every fact."""
    for value in values:
        if not isinstance(value, str):
            return False
    return True


def _type_name(value: Any) -> str:
    return {
        str: "text", int: "an integer", float: "a number", bool: "true/false",
        list: "a list", dict: "a table",
    }.get(type(value), type(value).__name__)  # fmt: skip


def _closest(word: str, choices: Any) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return found[0] if found else None


def default_store_path() -> str:
    """The bundled store: inside the installed wheel, or the repository's own facts.toml in a checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "facts.toml")
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.realpath(here)), "facts.toml")


def resolve_store_path(option: str | None) -> str:
    """--facts wins, then $HAMHUNG_FACTS, then the bundled store. (Plain strings: pathlib costs start-up time.)"""
    if option:
        return option
    env = os.environ.get("HAMHUNG_FACTS")
    if env:
        return env
    return default_store_path()


__all__ = [
    "MONTHS", "MONTH_NAMES", "Citation", "Claim", "Column", "Fact", "MonthlyRow",
    "RecordRow", "Source", "Store", "Table", "Topic", "load",
]  # fmt: skip
