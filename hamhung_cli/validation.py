"""Validating a parsed store into records, collecting every problem with its file:line.

`hamhung check` lists them all; every other command refuses a bad store with the first one.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from typing import Any

from .errors import Problem, StoreError
from .locator import Locator
from .store import Citation, Claim, Column, Fact, MonthlyRow, RecordRow, Source, Store, Table, Topic, decode_text, parse, read_bytes

SCHEMA_VERSION = 1
SEVERITIES = ("high", "medium", "low")
NAME_FORMS = ("mr", "rr", "hangul", "hanja")
RESERVED_ROW_KEYS = frozenset({"id", "names", "aliases", "sources", "note"})
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
_CITATION = re.compile(r"^([a-z0-9][a-z0-9.\-]*)((?:\[[^\[\]]+\])*)$")


def load(path: str | os.PathLike[str]) -> Store:
    """Read, parse and validate a store; StoreError lists every problem."""
    return validate(read_bytes(os.fspath(path)), str(path))


def validate(data: bytes, name: str) -> Store:
    """The store in these bytes, read from `name`; StoreError lists every problem."""
    text = decode_text(data, name)
    return Validator(name, text).build(parse(text, name))


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
        if value is not None and not pattern.match(value):
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
        # A store without a name is called after its file ("my-notes" for my-notes.toml).
        name = self._string(("store",), meta, "name", "[store]", required=False) or os.path.splitext(os.path.basename(self.name))[0] or "unnamed"
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
                match = _CITATION.match(text.strip())
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
        allowed = {"id", "topic", "text", "sources", "value", "unit", "aliases", "names", "note", "related", "claim", "severity", "questions"}
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
                self._strings(path, entry, "questions", what) if "questions" in entry else (),
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
        allowed = {"id", "topic", "title", "kind", "sources", "period", "note", "aliases", "columns", "row", "questions"}
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
                full = f"{table_id}.{row.id}"
                if full in ids:  # `hamhung fact TABLE.ROW` would find only one of the two
                    first, first_path = ids[full]
                    message = f"row id '{full}' is also the id of the {first} at line {self.locator.line(first_path)}"
                    self.problems.append(Problem(self.name, row.line, message))
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
                questions=self._strings(path, entry, "questions", what),
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
            if not _SLUG.match(key.replace("_", "-")) or key in RESERVED_ROW_KEYS:
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
