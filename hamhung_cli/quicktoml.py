"""A fast reader for the part of TOML that fact stores use; for anything else it gives up and tomllib decides.

tomllib reads a character at a time, which takes about ten seconds for a store of 100,000 facts. This
reader takes a line at a time: one regular expression splits the whole document into lines and recognises
the lines that make up nearly all of a store (`[[fact]]`, `key = "text"`, `key = ["a", "b"]`, numbers,
booleans, blank and comment lines); the rest are read one statement at a time. It accepts comments,
`key = value` lines with bare or quoted keys, basic and literal strings (one-line and multi-line, with
every TOML 1.0 escape), decimal integers, floats (with exponents, underscores, inf and nan), booleans,
arrays (across lines too), inline tables (on one line but for their values), and `[table]` and
`[[array.of.tables]]` headers with dotted names.

It returns exactly what `tomllib.loads` returns for every document it accepts: the same dicts and lists,
the same types and the same float values, because numbers go through the same `int(…, 0)` and `float(…)`
calls. It never reports an error. Anything outside that subset, anything invalid and anything it is not
sure of (dotted keys in a key/value line, dates, hexadecimal numbers, a `[table]` header for a table that
already exists, duplicate keys, control characters, deep nesting) raises `Unsupported`, and the caller
hands the text to tomllib, which returns the value or reports the real error with its line and column.
"""

from __future__ import annotations

import re
from sys import intern

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


class Unsupported(Exception):
    """The document is outside the subset (or not valid TOML): parse it with tomllib instead."""


# Arrays or inline tables nested deeper are left to tomllib (much deeper, it hits a RecursionError, which store.parse reports).
MAX_DEPTH = 32

# TOML forbids every control character but tab and newline anywhere in a document (strings and comments included),
# after CRLF has become LF. One search rules them out, so the patterns below only have to exclude newlines.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PLAIN = r'"([^"\\\n]*)"'  # a basic string without escapes
# A one-line array of them. Possessive quantifiers (*+) never give back what they took: no run of blanks is tried split in two
# ways, so a hostile line of a million spaces costs linear time, not quadratic.
_PLAIN_ARRAY = r'\[[ \t]*+(?:"[^"\\\n]*+"(?:[ \t]*+,[ \t]*+"[^"\\\n]*+")*+[ \t]*+(?:,[ \t]*+)?)?\]'
# tomllib's decimal numbers: an integer part, then a fraction and an exponent, either of which makes it a float
_INTEGER_PART = r"[+-]?(?:0|[1-9](?:_?[0-9])*)"
_FLOAT_PART = r"(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
_END_TEXT = r"[ \t]*+(?:#[^\n]*+)?(?:\n|\Z)"  # what may end a statement: blanks, a comment, the end of the line or document
# One line each: (key, text, value, header, other). A simple key/value line gives its key and either the text of a plain
# string or a value (a plain array, a number or a boolean); a header line gives its header; a blank or comment line gives
# nothing; any other line gives all of itself as `other`, to be read with what follows by the statement reader.
_LINE = re.compile(
    rf"([A-Za-z0-9_-]++)[ \t]*+=[ \t]*+(?:{_PLAIN}|({_PLAIN_ARRAY}|{_INTEGER_PART}{_FLOAT_PART}|true|false)){_END_TEXT}"
    rf"|(\[\[?[^\[\]\n]*\]\]?){_END_TEXT}"
    rf"|{_END_TEXT}"
    r"|([^\n]+)(?:\n|\Z)"
)
_PLAIN_ITEM = re.compile(_PLAIN)
_END = re.compile(_END_TEXT)
_KEY = re.compile(r'(?:([A-Za-z0-9_-]+)|"([^"\\\n]*)"|\'([^\'\n]*)\')[ \t]*=[ \t]*')
_HEADER = re.compile(rf"(\[\[?[^\[\]\n]*\]\]?){_END_TEXT}")
_KEY_PART = re.compile(r'[ \t]*(?:([A-Za-z0-9_-]+)|"([^"\\\n]*)"|\'([^\'\n]*)\')[ \t]*')
_ESCAPES = r'\\(?:[btnfr"\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})'
_BASIC = re.compile(rf'"([^"\\\n]*(?:{_ESCAPES}[^"\\\n]*)*)"')
_ESCAPE = re.compile(r'\\(?:([btnfr"\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_LITERAL = re.compile(r"'([^'\n]*)'")
_NUMBER = re.compile(rf"{_INTEGER_PART}({_FLOAT_PART})")
_SPECIAL_FLOAT = re.compile(r"[+-]?(?:inf|nan)")
_ARRAY_GAP = re.compile(r"[ \t\n]*(?:#[^\n]*[ \t\n]*)*")
_BLANKS = re.compile(r"[ \t\n]*")
_SPACE = re.compile(r"[ \t]*")
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def loads(text: str) -> dict[str, Any]:
    """The document as tomllib.loads would return it, or Unsupported."""
    src = text.replace("\r\n", "\n") if "\r" in text else text  # as tomllib does first
    if _CONTROL.search(src):
        raise Unsupported("a control character")
    try:
        return _Document(src).parse()
    except ValueError as error:  # int() refuses more than 4,300 digits (sys.get_int_max_str_digits): tomllib's call, tomllib's outcome
        raise Unsupported("a number int() refuses") from error


BLOCK = 1 << 19  # characters of text read by one findall: its list of groups for a whole large store would be 60 MB


def _blocks(src: str) -> Iterator[tuple[int, list[tuple[str, str, str, str, str]]]]:
    """(number of the block's first line, _LINE's groups for each of its lines): enumerate(_LINE.findall(src)) in blocks.

    Each block but the last ends just after a newline. findall takes a block's end for the end of the text, where
    the empty alternative of _LINE matches too: that match, which is no line, is left out (the last block keeps its
    own, as findall over the whole text gives it).
    """
    first, start, size = 0, 0, len(src)
    while True:
        end = src.find("\n", start + BLOCK) + 1 if start + BLOCK < size else 0
        if end == 0:
            yield first, _LINE.findall(src, start)
            return
        lines = _LINE.findall(src, start, end)
        if lines and lines[-1] == ("", "", "", "", ""):
            lines.pop()
        yield first, lines
        first += len(lines)
        start = end


class _Document:
    """One parse. Tables are tracked by identity: only tables that headers made may be entered by later headers."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.root: dict[str, Any] = {}
        self.tables = {id(self.root)}  # tables that [table] headers made or implied, which later headers may open
        self.arrays: set[int] = set()  # arrays that [[array]] headers made, which later ones may extend or open
        self.headers: dict[str, tuple[bool, tuple[str, ...]]] = {}  # "[[table.row]]" → (True, ("table", "row"))
        self.top_arrays: dict[str, list[Any]] = {}  # "[[fact]]" → the array of tables it extends, once it exists

    def parse(self) -> dict[str, Any]:
        src = self.src
        plain_items, top_arrays = _PLAIN_ITEM.findall, self.top_arrays
        table = self.root
        resume = 0  # the first line not yet read by the statement reader
        known_line, known_pos = 0, 0  # a line and where it starts, to find the next `other` line without counting from the top
        for first, lines in _blocks(src):
            for line, (key, text, value, header, other) in enumerate(lines, first):
                if line < resume:
                    continue
                if key:
                    key = intern(key)  # the same few keys on every fact: one string each, not one per line
                    if key in table:
                        raise Unsupported("a key defined twice")
                    if not value:
                        table[key] = text
                    elif value[0] == "[":
                        table[key] = plain_items(value)
                    elif value == "true" or value == "false":
                        table[key] = value == "true"
                    elif "." in value or "e" in value or "E" in value:
                        table[key] = float(value)
                    else:
                        table[key] = int(value, 0)
                elif header:
                    array = top_arrays.get(header)
                    if array is not None:  # [[fact]] again: one more table in a top-level array
                        table = {}
                        array.append(table)
                    else:
                        table = self.open(header)
                elif other:
                    while known_line < line:
                        known_pos = src.index("\n", known_pos) + 1
                        known_line += 1
                    table, end = self.statement(known_pos, table)
                    if end >= len(src):  # the statement ran to the end of the document: every row after this one is part of it
                        return self.root
                    resume = line + src.count("\n", known_pos, end)  # it ended just after a newline: the next row is the next line
                    known_line, known_pos = resume, end
        return self.root

    def statement(self, pos: int, table: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """One statement of any form the subset allows, from the start of its line to the start of the next: (the current table, where it ends)."""
        src = self.src
        pos = _SPACE.match(src, pos).end()
        if src.startswith("[", pos):
            match = _HEADER.match(src, pos)
            if match is None:
                raise Unsupported("a header")
            return self.open(match.group(1)), match.end()
        match = _KEY.match(src, pos)
        if match is None:
            raise Unsupported("not a key/value line")
        key = next(group for group in match.groups() if group is not None)
        if key in table:
            raise Unsupported("a key defined twice")
        table[key], pos = self.value(match.end(), 0)
        match = _END.match(src, pos)
        if match is None:
            raise Unsupported("more on a line after a statement")
        return table, match.end()

    # -- headers ------------------------------------------------------------------

    def open(self, header: str) -> dict[str, Any]:
        """The table a `[…]` or `[[…]]` header starts."""
        name = self.headers.get(header)
        if name is None:
            name = self.headers[header] = _header_name(header)
        is_array, key = name
        parent = self.root
        for part in key[:-1]:
            parent = self.enter(parent, part)
        last = key[-1]
        table: dict[str, Any] = {}
        if is_array:  # a new array, or one more table in an array that [[…]] made
            array = parent.get(last)
            if array is None:
                array = parent[last] = []
                self.arrays.add(id(array))
                if len(key) == 1:  # always the same array from now on
                    self.top_arrays[header] = array
            elif id(array) not in self.arrays:
                raise Unsupported("[[…]] over a value")
            array.append(table)
        else:  # only a new table (tomllib would also take one so far only implied by [a.b])
            if last in parent:
                raise Unsupported("a table declared again or after its subtables")
            parent[last] = table
            self.tables.add(id(table))
        return table

    def enter(self, parent: dict[str, Any], part: str) -> dict[str, Any]:
        """The table a header's dotted name passes through, made if missing (as tomllib implies it)."""
        inner = parent.get(part)
        if inner is None:
            inner = parent[part] = {}
            self.tables.add(id(inner))
        elif type(inner) is list and id(inner) in self.arrays:
            inner = inner[-1]  # the last table of an array of tables: always one a header made
        elif type(inner) is not dict or id(inner) not in self.tables:
            raise Unsupported("a header through a value or an inline table")
        return inner

    # -- values --------------------------------------------------------------------

    def value(self, pos: int, depth: int) -> tuple[Any, int]:
        """The value at `pos` and the position after it."""
        src = self.src
        char = src[pos : pos + 1]
        if char == '"':
            if src.startswith('"""', pos):
                return self.multiline_basic(pos + 3)
            match = _BASIC.match(src, pos)
            if match is None:
                raise Unsupported("a basic string")
            raw = match.group(1)
            return (_unescape(raw) if "\\" in raw else raw), match.end()
        if char == "'":
            if src.startswith("'''", pos):
                return self.multiline_literal(pos + 3)
            match = _LITERAL.match(src, pos)
            if match is None:
                raise Unsupported("a literal string")
            return match.group(1), match.end()
        if char == "[":
            return self.array(pos + 1, depth + 1)
        if char == "{":
            return self.inline_table(pos + 1, depth + 1)
        if char == "t" and src.startswith("true", pos):
            return True, pos + 4
        if char == "f" and src.startswith("false", pos):
            return False, pos + 5
        match = _NUMBER.match(src, pos)
        if match is not None:
            # What follows must end the value (checked by the caller): 1950-06-25 or 12:30 stop at '-' or ':' and give up.
            return (float(match.group()) if match.group(1) else int(match.group(), 0)), match.end()
        match = _SPECIAL_FLOAT.match(src, pos)
        if match is not None:
            return float(match.group()), match.end()
        raise Unsupported("a value")

    def array(self, pos: int, depth: int) -> tuple[list[Any], int]:
        if depth > MAX_DEPTH:
            raise Unsupported("nested too deeply")
        src, gap = self.src, _ARRAY_GAP.match
        items: list[Any] = []
        pos = gap(src, pos).end()
        if src.startswith("]", pos):
            return items, pos + 1
        while True:
            item, pos = self.value(pos, depth)
            items.append(item)
            pos = gap(src, pos).end()
            char = src[pos : pos + 1]
            if char == "]":
                return items, pos + 1
            if char != ",":
                raise Unsupported("an array")
            pos = gap(src, pos + 1).end()
            if src.startswith("]", pos):
                return items, pos + 1

    def inline_table(self, pos: int, depth: int) -> tuple[dict[str, Any], int]:
        if depth > MAX_DEPTH:
            raise Unsupported("nested too deeply")
        src, space = self.src, _SPACE.match
        table: dict[str, Any] = {}
        pos = space(src, pos).end()
        if src.startswith("}", pos):
            return table, pos + 1
        while True:  # one line, no trailing comma (TOML 1.0): anything else is left to tomllib
            match = _KEY.match(src, pos)
            if match is None:
                raise Unsupported("an inline table")
            key = next(group for group in match.groups() if group is not None)
            if key in table:
                raise Unsupported("a key defined twice")
            table[key], pos = self.value(match.end(), depth)
            pos = space(src, pos).end()
            char = src[pos : pos + 1]
            if char == "}":
                return table, pos + 1
            if char != ",":
                raise Unsupported("an inline table")
            pos = space(src, pos + 1).end()

    def multiline_basic(self, pos: int) -> tuple[str, int]:
        """A \"\"\"…\"\"\" string from after its opening quotes: escapes, line-ending backslashes, and up to two quotes before the end."""
        src = self.src
        if src.startswith("\n", pos):
            pos += 1
        parts: list[str] = []
        start = pos
        while True:
            close = src.find('"""', pos)
            if close < 0:
                raise Unsupported("an unterminated string")
            backslash = src.find("\\", pos, close)
            if backslash < 0:
                parts.append(src[start:close])
                pos = close + 3
                break
            parts.append(src[start:backslash])
            after = src[backslash + 1 : backslash + 2]
            if after in (" ", "\t", "\n"):  # a line-ending backslash: drop the newline and the blanks after it
                pos = _SPACE.match(src, backslash + 1).end()
                if not src.startswith("\n", pos):
                    raise Unsupported("a backslash before text")
                pos = _BLANKS.match(src, pos).end()
            else:
                match = _ESCAPE.match(src, backslash)
                if match is None:
                    raise Unsupported("an escape")
                parts.append(_unescape(match.group()))
                pos = match.end()
            start = pos
        return _extra_quotes(src, pos, "".join(parts), '"')

    def multiline_literal(self, pos: int) -> tuple[str, int]:
        src = self.src
        if src.startswith("\n", pos):
            pos += 1
        close = src.find("'''", pos)
        if close < 0:
            raise Unsupported("an unterminated string")
        return _extra_quotes(src, close + 3, src[pos:close], "'")


def _extra_quotes(src: str, pos: int, text: str, quote: str) -> tuple[str, int]:
    """Four or five closing quotes: the first one or two belong to the string (as tomllib reads them)."""
    if not src.startswith(quote, pos):
        return text, pos
    if not src.startswith(quote, pos + 1):
        return text + quote, pos + 1
    return text + quote * 2, pos + 2


def _header_name(text: str) -> tuple[bool, tuple[str, ...]]:
    """Whether a header is [[…]], and its dotted name."""
    is_array = text.startswith("[[")
    if is_array != text.endswith("]]"):
        raise Unsupported("unbalanced brackets in a header")
    return is_array, _dotted(text[2:-2] if is_array else text[1:-1])


def _dotted(name: str) -> tuple[str, ...]:
    """`table.row` (bare or quoted parts, blanks around the dots) as a tuple of keys."""
    parts: list[str] = []
    pos = 0
    while True:
        match = _KEY_PART.match(name, pos)
        if match is None:
            raise Unsupported("a header name")
        parts.append(next(group for group in match.groups() if group is not None))
        pos = match.end()
        if pos == len(name):
            return tuple(parts)
        if name[pos] != ".":
            raise Unsupported("a header name")
        pos += 1


def _unescape(raw: str) -> str:
    return _ESCAPE.sub(_replace_escape, raw)


def _replace_escape(match: re.Match[str]) -> str:
    simple, short, long = match.groups()
    if simple is not None:
        return _SIMPLE_ESCAPES[simple]
    code = int(short or long, 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise Unsupported("an escape that is not a Unicode scalar value")
    return chr(code)
