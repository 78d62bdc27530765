"""Validating a parsed store into records, collecting every problem with its file:line.

`hamhung check` lists them all; every other command refuses a bad store with the first one. Each kind of entry is a
table of its keys (FACT, TABLE …) in the order they are checked, each with the `Entry` method that reads it.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from typing import Any

from .errors import Problem, StoreError
from .locator import Locator
from .store import Citation, Claim, Column, Fact, MonthlyRow, RecordRow, Source, Store, Table, Topic, decode_text, parse, read_bytes

SCHEMA_VERSION = 1
SEVERITIES = ("high", "medium", "low")
NAME_FORMS = ("mr", "rr", "hangul", "hanja")
RENAMED = {"seed": "document"}  # keys of schema 1's first release, reported with their new name
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
_CITATION = re.compile(r"^([a-z0-9][a-z0-9.\-]*)((?:\[[^\[\]]+\])*)$")

KeyPath = tuple[Any, ...]  # where in the parsed TOML: ("fact", 3, "claim", 0)


def load(path: str | os.PathLike[str]) -> Store:
    """Read, parse and validate a store; StoreError lists every problem."""
    return validate(read_bytes(os.fspath(path)), str(path))


def validate(data: bytes, name: str) -> Store:
    """The store in these bytes, read from `name`; StoreError lists every problem."""
    text = decode_text(data, name)
    return Validator(name, text).build(parse(text, name))


class Validator:
    """Builds a Store from parsed TOML, recording every problem on the way."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.locator = Locator(text)
        self.problems: list[Problem] = []
        self.sources: dict[str, Source] = {}
        self.topics: dict[str, Topic] = {}
        self.ids: dict[str, tuple[str, KeyPath]] = {}  # every fact and table id → what it is and where, for a duplicate's message

    def problem(self, path: KeyPath, message: str, key: str | None = None) -> None:
        self.problems.append(Problem(self.name, self.locator.line(path, key), message))

    def build(self, data: dict[str, Any]) -> Store:
        self.check_keys((), data, {"schema", "store", "source", "topic", "fact", "table"}, "the store")
        schema = data.get("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            self.problem((), f"schema {schema!r} is not supported (this version reads schema {SCHEMA_VERSION})", "schema")
        meta = data.get("store", {})
        if not isinstance(meta, dict):
            self.problem(("store",), "'store' must be a table")
            meta = {}
        head = self.read(("store",), meta, "[store]", STORE).values
        for path, entry in self.entries(data, "source"):
            values = self.read(path, entry, "[[source]]", SOURCE).values
            del values["seed"]
            if None not in (values["id"], values["title"], values["publisher"]):
                self._declare(path, values, "source", self.sources, Source)
        for path, entry in self.entries(data, "topic"):
            values = self.read(path, entry, "[[topic]]", TOPIC).values
            if values["id"] is not None and values["title"] is not None:
                self._declare(path, values | {"summary": values["summary"] or ""}, "topic", self.topics, Topic)
        if not data:
            self.problem((), "the store is empty: it needs at least one [[topic]] and facts or tables in it")
        elif not data.get("topic"):
            self.problem(("topic",), "the store declares no [[topic]]: it needs at least one, and facts or tables in it")
        facts = {fact.id: fact for path, entry in self.entries(data, "fact") if (fact := self._fact(path, entry))}
        tables = {table.id: table for path, entry in self.entries(data, "table") if (table := self._table(path, entry))}
        self._check_related(facts)
        if self.problems:
            self.problems.sort(key=lambda p: p.line or 0)
            raise StoreError(self.problems)
        name = head["name"] or os.path.splitext(os.path.basename(self.name))[0] or "unnamed"  # my-notes.toml: "my-notes"
        return Store(self.name, name, head["summary"] or "", head["names"], head["aliases"], self.sources, self.topics, facts, tables)

    def entries(self, data: dict[str, Any], key: str, path: KeyPath = ()) -> Iterator[tuple[KeyPath, dict[str, Any]]]:
        """The tables in the array data[key] ([[key]]), each with its path; anything else is a problem."""
        value = data.get(key, [])
        if not isinstance(value, list):
            where = ".".join(str(p) for p in path[::2] + (key,))
            self.problem(path + (key,), f"'{key}' must be an array of tables ([[{where}]]), not {_type_name(value)}", key)
            return
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                self.problem(path + (key, index), f"entry {index + 1} of '{key}' must be a table, not {_type_name(entry)}")
                continue
            yield path + (key, index), entry

    def read(
        self, path: KeyPath, data: dict[str, Any], header: str, fields: Fields, named: Callable[[Any], str] | None = None, also: Iterable[str] = ()
    ) -> Entry:
        """Check an entry's keys (those of `fields`, and `also`, which the caller reads), then read `fields` in order.

        Messages call the entry `header` ("[[fact]]"), then what `named` makes of its id ("fact 'x'"), once read."""
        self.check_keys(path, data, fields.keys() | set(also) if also else fields.keys(), header)
        entry = Entry(self, path, data, header)
        for key, read in fields.items():
            entry.values[RECORD_FIELD.get(key, key)] = read(entry, key)
            if key == "id" and named and entry.values["id"] is not None:  # an entry without a usable id keeps its header
                entry.what = named(entry.values["id"])
        return entry

    def check_keys(self, path: KeyPath, data: dict[str, Any], allowed: Any, what: str) -> None:
        if data.keys() <= allowed:
            return
        for key in data:
            if key not in allowed:
                hint = _closest(key, allowed)
                more = f" (did you mean '{hint}'?)" if hint else f" (allowed: {', '.join(sorted(allowed))})"
                self.problem(path, f"unknown key '{key}' in {what}{more}", key)

    def _unique(self, path: KeyPath, new_id: str, kind: str) -> bool:
        """Whether a fact or table id is new (else a problem); its first use is remembered for a duplicate's message."""
        if new_id in self.ids:
            first, first_path = self.ids[new_id]
            self.problem(path, f"duplicate id '{new_id}' ({kind}; already used by the {first} at line {self.locator.line(first_path)})", "id")
            return False
        self.ids[new_id] = (kind, path)
        return True

    # -- the kinds of entry --------------------------------------------------------

    def _declare(self, path: KeyPath, values: dict[str, Any], kind: str, declared: dict[str, Any], record: Callable[..., Any]) -> None:
        """A source or topic, under its id unless that is taken."""
        if values["id"] in declared:
            self.problem(path, f"duplicate {kind} id '{values['id']}' (first defined at line {declared[values['id']].line})", "id")
        else:
            declared[values["id"]] = record(**values, line=self.locator.line(path))

    def _fact(self, path: KeyPath, data: dict[str, Any]) -> Fact | None:
        values = self.read(path, data, "[[fact]]", FACT, lambda fact_id: f"fact '{fact_id}'" if fact_id else "[[fact]]").values
        if not (values["id"] and values["topic"] and values["text"]) or not self._unique(path, values["id"], "fact"):
            return None
        return Fact(**values, line=self.locator.line(path))

    def claim(self, path: KeyPath, data: dict[str, Any]) -> Claim | None:
        values = self.read(path, data, "[[fact.claim]]", CLAIM).values
        return Claim(**values) if values["text"] is not None else None

    def _table(self, path: KeyPath, data: dict[str, Any]) -> Table | None:
        entry = self.read(path, data, "[[table]]", TABLE, lambda table_id: f"table '{table_id}'" if table_id else "[[table]]", TABLE_MORE)
        table_id, seen = entry.values["id"], {}
        for row in entry.values["rows"]:
            if row.id in seen:
                self.problems.append(Problem(self.name, row.line, f"duplicate row id '{row.id}' in {entry.what} (first at line {seen[row.id]})"))
            seen.setdefault(row.id, row.line)
            if f"{table_id}.{row.id}" in self.ids:  # `hamhung fact TABLE.ROW` would find only one of the two
                kind, first_path = self.ids[f"{table_id}.{row.id}"]
                message = f"row id '{table_id}.{row.id}' is also the id of the {kind} at line {self.locator.line(first_path)}"
                self.problems.append(Problem(self.name, row.line, message))
        if not (table_id and entry.values["topic"] and entry.values["title"] and entry.values["kind"] in ("monthly", "records")):
            return None
        more = entry.read(TABLE_MORE)  # only once the table is whole
        return Table(**entry.values, **more, line=self.locator.line(path)) if self._unique(path, table_id, "table") else None

    def monthly_row(self, path: KeyPath, data: dict[str, Any], table: str) -> MonthlyRow | None:
        entry = self.read(path, data, f"a row of {table}", MONTHLY_ROW, lambda row_id: f"row '{row_id}' of {table}", {"aliases"})
        values = entry.values
        if (values["alt_values"] is not None or values["alt_year"] is not None) and values["alt_unit"] is None:
            entry.problem(f"{entry.what} gives alternative values without 'alt_unit'", "alt_unit")
        if not (values["id"] and values["label"] and values["unit"] and values["values"]):
            return None
        return MonthlyRow(**values, aliases=entry.texts("aliases"), line=self.locator.line(path))

    def record_row(self, path: KeyPath, data: dict[str, Any], table: str, columns: tuple[Column, ...]) -> RecordRow | None:
        also = {c.key for c in columns} | RESERVED_ROW_KEYS
        entry = self.read(path, data, f"a row of {table}", RECORD_ROW, lambda row_id: f"row '{row_id}' of {table}", also)
        cells = tuple((c.key, value) for c in columns if c.key in data and (value := entry.scalar(data[c.key], c.key)) is not None)
        if not any(c.key in data for c in columns):  # a value of the wrong type was reported above
            entry.problem(f"{entry.what} has no values for any column")
        if entry.values["id"] is None:
            return None
        return RecordRow(entry.values["id"], cells, **entry.read(RECORD_ROW_MORE), line=self.locator.line(path))

    def _check_related(self, facts: dict[str, Fact]) -> None:
        for fact in facts.values():
            for other in fact.related:
                if other not in self.ids:
                    hint = _closest(other, self.ids)
                    message = f"fact '{fact.id}' is related to unknown id '{other}'" + (f" (did you mean '{hint}'?)" if hint else "")
                    self.problems.append(Problem(self.name, fact.line, message))
                elif other == fact.id:
                    self.problems.append(Problem(self.name, fact.line, f"fact '{fact.id}' lists itself in 'related'"))


class Entry:
    """One table of the TOML being read: each method reads data[key] (absent: its empty value), reports what is wrong
    with it, and returns the value to keep. `values` holds what has been read so far, by record field."""

    def __init__(self, validator: Validator, path: KeyPath, data: dict[str, Any], what: str) -> None:
        self.validator, self.path, self.data, self.what = validator, path, data, what
        self.values: dict[str, Any] = {}

    def problem(self, message: str, key: str | None = None) -> None:
        self.validator.problem(self.path, message, key)

    def read(self, fields: Fields) -> dict[str, Any]:
        return {key: read(self, key) for key, read in fields.items()}

    def text(self, key: str, required: bool = True) -> str | None:
        if key not in self.data:
            if required:
                self.problem(f"{self.what} is missing '{key}'")
            return None
        value = self.data[key]
        if not isinstance(value, str):
            self.problem(f"'{key}' in {self.what} must be text, not {_type_name(value)}", key)
            return None
        if required and not value.strip():
            self.problem(f"'{key}' in {self.what} is empty", key)
            return None
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(f"'{key}' in {self.what} must be a list of text", key)
            return ()
        return tuple(value)

    def id(self, key: str, pattern: re.Pattern[str] = _ID) -> str | None:
        value = self.text(key)
        if value is not None and not pattern.match(value):
            self.problem(f"id '{value}' in {self.what} must be lowercase letters, digits, '-'" + (" or '.'" if pattern is _ID else ""), key)
            return None
        return value

    def renamed(self, key: str) -> None:
        if key in self.data:
            self.problem(f"'{key}' in {self.what} is now called '{RENAMED[key]}'", key)

    def names(self, key: str) -> tuple[tuple[str, str], ...]:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            self.problem(f'\'{key}\' in {self.what} must be a table like {{ mr = "…", rr = "…", hangul = "…" }}', key)
            return ()
        names = []
        for form, name in value.items():
            if form not in NAME_FORMS:
                self.problem(f"unknown name form '{form}' in {self.what} (allowed: {', '.join(NAME_FORMS)})", key)
            elif not isinstance(name, str) or not name.strip():
                self.problem(f"name '{form}' in {self.what} must be non-empty text", key)
            else:
                names.append((form, name))
        return tuple(names)

    def scalar(self, value: Any, key: str, text: bool = True) -> Any:
        """Text (if `text`) or a finite number, as the store gives it: -5 stays an integer."""
        if text and isinstance(value, str):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(f"'{key}' in {self.what} must be a number, not {_type_name(value)}", key)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(f"'{key}' in {self.what} must be a finite number, not {value}", key)
            return None
        return value

    def value(self, key: str, text: bool = True) -> Any:
        return self.scalar(self.data[key], key, text) if key in self.data else None

    def unit(self, key: str) -> str | None:
        unit = self.text(key, required=False)
        if unit is not None and "value" not in self.data:
            self.problem(f"'unit' in {self.what} needs a 'value'", key)
        return unit

    def topic(self, key: str) -> str | None:
        topic = self.text(key)
        if topic is not None and topic not in self.validator.topics:
            hint = _closest(topic, self.validator.topics)
            self.problem(f"unknown topic '{topic}' in {self.what}" + (f" (did you mean '{hint}'?)" if hint else " (declare it with [[topic]])"), key)
            return None
        return topic

    def citations(self, key: str, required: bool = True) -> tuple[Citation, ...]:
        """The sources an entry cites: required unless it is a record row, or a fact whose claims cite theirs."""
        required = required and not self.values.get("claims")
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"{self.what} has no 'sources': every fact must name where it comes from")
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(f"'sources' in {self.what} must be a list of source ids", key)
            return ()
        if required and not value:
            self.problem(f"'sources' in {self.what} is empty: every fact must name where it comes from", key)
        citations = []
        for text in value:
            citation = _citation(text)
            if citation is None:
                self.problem(f"'{text}' in {self.what} is not a source id (like 'wp-ref-3' or 'grok-climate[15]')", key)
            elif citation.source not in self.validator.sources:
                hint = _closest(citation.source, self.validator.sources)
                self.problem(f"unknown source '{citation.source}' in {self.what}" + (f" (did you mean '{hint}'?)" if hint else ""), key)
            else:
                citations.append(citation)
        return tuple(citations)

    def claims(self, key: str) -> tuple[Claim, ...]:
        if key not in self.data:
            return ()
        claims = tuple(claim for path, data in self.validator.entries(self.data, key, self.path) if (claim := self.validator.claim(path, data)))
        if isinstance(self.data[key], list) and len(self.data[key]) == 1:
            self.problem(f"{self.what} has one claim; a dispute needs two or more (or put the claim in the fact)", key)
        return claims

    def severity(self, key: str) -> str | None:
        severity = self.text(key, required=False)
        if severity is not None and severity not in SEVERITIES:
            self.problem(f"severity '{severity}' in {self.what} must be one of {', '.join(SEVERITIES)}", key)
        if severity is not None and not self.values["claims"]:
            self.problem(f"'severity' in {self.what} only applies to a disputed fact (one with [[fact.claim]] entries)", key)
        return severity if severity in SEVERITIES else ("medium" if self.values["claims"] else None)

    def months(self, key: str, required: bool = True) -> tuple[float, ...] | None:
        months = self.data.get(key)
        if months is None and not required:
            return None
        if not isinstance(months, list):
            self.problem(f"'{key}' in {self.what} must be a list of 12 numbers (January to December)", key)
            return None
        if len(months) != 12:
            self.problem(f"'{key}' in {self.what} has {len(months)} values; a monthly row needs exactly 12 (January to December)", key)
            return None
        numbers = [self.scalar(month, key, text=False) for month in months]
        return None if None in numbers else tuple(numbers)

    def columns(self, key: str) -> tuple[Column, ...]:
        """A records table's columns (a monthly table's are the months)."""
        kind, value = self.values["kind"], self.data.get(key)
        if kind == "monthly" and key in self.data:
            self.problem(f"{self.what} is monthly: its columns are the months, so 'columns' does not apply", key)
        elif kind not in (None, "monthly", "records"):
            self.problem(f"kind '{kind}' in {self.what} must be 'monthly' or 'records'", "kind")
        if kind != "records":
            return ()
        if not isinstance(value, list) or not value:
            self.problem(f'{self.what} needs \'columns\', a list like [{{ key = "name", title = "Name" }}]', key)
            return ()
        columns: list[Column] = []
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not isinstance(item.get("title"), str):
                self.problem(f"each column of {self.what} needs text 'key' and 'title'", key)
                continue
            extra = set(item) - {"key", "title", "unit"}
            if extra:
                self.problem(f"unknown column field(s) {', '.join(sorted(extra))} in {self.what}", key)
            if not _SLUG.match(item["key"].replace("_", "-")) or item["key"] in RESERVED_ROW_KEYS:
                reserved = ", ".join(sorted(RESERVED_ROW_KEYS))
                self.problem(f"column key '{item['key']}' in {self.what} must be a lowercase slug other than {reserved}", key)
            elif any(c.key == item["key"] for c in columns):
                self.problem(f"duplicate column key '{item['key']}' in {self.what}", key)
            else:
                columns.append(Column(item["key"], item["title"], item.get("unit") if isinstance(item.get("unit"), str) else None))
        return tuple(columns)

    def rows(self, key: str) -> tuple[MonthlyRow | RecordRow, ...]:
        kind, validator = self.values["kind"], self.validator
        if kind not in ("monthly", "records"):
            return ()
        rows = validator.entries(self.data, key, self.path)
        if kind == "monthly":
            return tuple(row for path, data in rows if (row := validator.monthly_row(path, data, self.what)))
        return tuple(row for path, data in rows if (row := validator.record_row(path, data, self.what, self.values["columns"])))


# The kinds of entry: their keys in the order they are checked, each with the Entry method that reads it.
Fields = dict[str, Callable[[Entry, str], Any]]
_optional = partial(Entry.text, required=False)
_slug = partial(Entry.id, pattern=_SLUG)
_number = partial(Entry.value, text=False)
STORE: Fields = {"name": _optional, "summary": _optional, "names": Entry.names, "aliases": Entry.texts}
SOURCE: Fields = {"seed": Entry.renamed, "id": Entry.id, "title": Entry.text, "publisher": Entry.text} | dict.fromkeys(
    ("document", "part", "cites", "url", "note"), _optional
)
TOPIC: Fields = {"id": _slug, "title": Entry.text, "summary": _optional, "aliases": Entry.texts}
CLAIM: Fields = {"text": Entry.text, "sources": Entry.citations, "value": Entry.value, "unit": Entry.unit}
FACT: Fields = {"id": Entry.id, "topic": Entry.topic, "text": Entry.text, "claim": Entry.claims, "sources": Entry.citations, "value": Entry.value}
FACT |= {"unit": Entry.unit, "severity": Entry.severity, "related": Entry.texts, "aliases": Entry.texts, "names": Entry.names, "note": _optional}
FACT |= {"questions": Entry.texts}
TABLE: Fields = {"id": _slug, "topic": Entry.topic, "title": Entry.text, "kind": Entry.text, "sources": Entry.citations}
TABLE |= {"columns": Entry.columns, "row": Entry.rows}
TABLE_MORE: Fields = {"period": _optional, "note": _optional, "aliases": Entry.texts, "questions": Entry.texts}
MONTHLY_ROW: Fields = {"id": _slug, "label": Entry.text, "unit": Entry.text, "values": Entry.months, "year": _number}
MONTHLY_ROW |= {"alt_unit": _optional, "alt_values": partial(Entry.months, required=False), "alt_year": _number}
RECORD_ROW: Fields = {"id": _slug}  # and a value for any of the table's columns
RECORD_ROW_MORE: Fields = {"names": Entry.names, "aliases": Entry.texts, "sources": partial(Entry.citations, required=False), "note": _optional}
RESERVED_ROW_KEYS = RECORD_ROW.keys() | RECORD_ROW_MORE.keys()  # no column may take their names
RECORD_FIELD = {"claim": "claims", "row": "rows"}  # the keys whose record field is named otherwise


@lru_cache(maxsize=1024)  # a store cites its few sources over and over: one (immutable) Citation for each way of writing one
def _citation(text: str) -> Citation | None:
    """ "grok-climate[15]" → Citation("grok-climate", "[15]"); None if the text is not a citation."""
    match = _CITATION.match(text.strip())
    return Citation(*match.groups()) if match else None


def _type_name(value: Any) -> str:
    return {
        str: "text", int: "an integer", float: "a number", bool: "true/false",
        list: "a list", dict: "a table",
    }.get(type(value), type(value).__name__)  # fmt: skip


def _closest(word: str, choices: Any) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return found[0] if found else None
