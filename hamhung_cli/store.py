"""The fact store's records, and reading a store file as far as its TOML (validation.py makes the records).

The records are immutable named tuples; the schema they follow is documented in `hamhung help store`. Modules that
define records do without `from __future__ import annotations`: typing.NamedTuple would compile every string
annotation at start-up.
"""

import os
import sys
from collections.abc import Mapping
from typing import Any, NamedTuple

from .errors import Problem, StoreError

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# About 140,000 facts like the benchmark's synthetic ones (its 100,000 take 22.5 MiB; the bundled store is 0.2 MB), and a hostile 50 MB
# file is refused at once instead of taking a minute and a gigabyte to parse.
MAX_STORE_BYTES = 32 * 1024 * 1024


# --------------------------------------------------------------------------- model


class Source(NamedTuple):
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


class Citation(NamedTuple):
    """A reference from a fact to a source, with the document's note numbers if any."""

    source: str
    notes: str = ""

    def __str__(self) -> str:
        return self.source + self.notes


class Claim(NamedTuple):
    text: str
    sources: tuple[Citation, ...]
    value: float | int | str | None = None
    unit: str | None = None


class Fact(NamedTuple):
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
    questions: tuple[str, ...] = ()  # questions this fact answers, in an editor's words: searched, not shown

    @property
    def disputed(self) -> bool:
        return len(self.claims) >= 2

    def all_citations(self) -> tuple[Citation, ...]:
        """The fact's own citations, then its claims', each once."""
        return tuple(dict.fromkeys(self.sources + tuple(c for claim in self.claims for c in claim.sources)))


class Topic(NamedTuple):
    id: str
    title: str
    summary: str
    aliases: tuple[str, ...] = ()
    line: int | None = None


class Column(NamedTuple):
    key: str
    title: str
    unit: str | None = None


class MonthlyRow(NamedTuple):
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


class RecordRow(NamedTuple):
    id: str
    cells: tuple[tuple[str, Any], ...]
    names: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()
    sources: tuple[Citation, ...] = ()
    note: str | None = None
    line: int | None = None

    def get(self, key: str) -> Any:
        return dict(self.cells).get(key)


class Table(NamedTuple):
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
    questions: tuple[str, ...] = ()


class Store(NamedTuple):
    path: str
    name: str
    summary: str
    names: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...]
    sources: dict[str, Source]
    topics: dict[str, Topic]
    facts: Mapping[str, Fact]  # a dict, or cache.CachedFacts, which reads what is asked for
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


# --------------------------------------------------------------------------- reading

STDIN = "<stdin>"  # `--facts -` and `hamhung check -`
_read_from_stdin: list[tuple[object, bytes]] = []  # standard input can be read once: a run that opens the store twice gets the same bytes


def read_bytes(path: str) -> bytes:
    """The store's bytes, or a StoreError saying plainly why it cannot be read (at most MAX_STORE_BYTES of them)."""
    if path == STDIN:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise StoreError([Problem(STDIN, None, "standard input is closed")])
        if not _read_from_stdin or _read_from_stdin[0][0] is not stream:
            _read_from_stdin[:] = [(stream, stream.read(MAX_STORE_BYTES + 1))]
        data = _read_from_stdin[0][1]
    else:
        try:
            if os.path.isdir(path):
                raise StoreError([Problem(path, None, "is a directory, not a fact store file")])
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > MAX_STORE_BYTES:
                    raise StoreError([Problem(path, None, f"file is {size:,} bytes; a fact store may be at most {MAX_STORE_BYTES:,}")])
                data = handle.read(MAX_STORE_BYTES + 1)  # bounded: a device or pipe (/dev/zero, <(…)) reports no size
        except FileNotFoundError:
            raise StoreError([Problem(path, None, "no such file")]) from None
        except PermissionError:
            raise StoreError([Problem(path, None, "permission denied")]) from None
        except OSError as error:
            raise StoreError([Problem(path, None, f"cannot read: {error.strerror or error}")]) from None
    if len(data) > MAX_STORE_BYTES:
        raise StoreError([Problem(path, None, f"more than {MAX_STORE_BYTES:,} bytes; a fact store may be at most that")])
    return data


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text with any BOM removed; invalid bytes are reported with their line and column."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        hint = " (it looks like UTF-16: save it as UTF-8)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise StoreError([Problem(name, line, "not valid UTF-8 text" + hint, column)]) from None


def parse(text: str, name: str) -> dict[str, Any]:
    """The TOML document as tomllib reads it; its errors as a StoreError with the line and column."""
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


def default_store_path() -> str:
    """The bundled store: inside the installed wheel, or the repository's own facts.toml in a checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "facts.toml")
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.realpath(here)), "facts.toml")


def resolve_store_path(option: str | None) -> str:
    """--facts wins, then $HAMHUNG_FACTS, then the bundled store. (Plain strings: pathlib costs start-up time.)"""
    return STDIN if option == "-" else option or os.environ.get("HAMHUNG_FACTS") or default_store_path()
