"""The fast TOML reader (quicktoml) against tomllib, and the Locator against the line-by-line scan it replaced.

quicktoml must return exactly what tomllib returns (same dicts in the same key order, same types, the same float
bits, NaN included) or give up; it must give up on everything tomllib rejects, so every error message still comes
from tomllib. The stores checked: the bundled one, every TOML file under tests/, every store text the other store
tests write, the benchmark's synthetic store, and Hypothesis documents inside the subset and just outside it.
"""

from __future__ import annotations

import contextlib
import re
import signal
import string
import struct
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hamhung_cli import quicktoml, store
from hamhung_cli.cli import app
from hamhung_cli.quicktoml import Unsupported

from .robustness.test_hostile_stores import GOOD, SHAPES, SYNTAX
from .test_store import GOOD_FACT, GOOD_HEAD

TESTS = Path(__file__).parent
REPO = TESTS.parent


def same(fast: Any, slow: Any) -> bool:
    """Equal in every way the store can notice: types, key order, and float bits (so NaN equals NaN, and -0.0 is not 0.0)."""
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, dict):
        return list(fast) == list(slow) and all(same(fast[k], slow[k]) for k in fast)
    if isinstance(fast, list):
        return len(fast) == len(slow) and all(same(a, b) for a, b in zip(fast, slow, strict=True))
    if isinstance(fast, float):
        return struct.pack("<d", fast) == struct.pack("<d", slow)
    return bool(fast == slow)


def outcome(text: str) -> tuple[str, Any, Any]:
    """('same', …) when quicktoml reads the text as tomllib does, ('gave up', …) when it leaves it to tomllib, ('DIFFERENT', fast, slow) otherwise."""
    try:
        slow: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        slow = error
    try:
        fast = quicktoml.loads(text)
    except Unsupported:
        return ("gave up", None, slow)
    if isinstance(slow, Exception) or not same(fast, slow):
        return ("DIFFERENT", fast, slow)
    return ("same", fast, slow)


def synthetic_store(tmp_path: Path, count: int) -> str:
    """The benchmark's generated store (benchmarks/run.py), small."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import run as benchmark
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    path = tmp_path / "synthetic.toml"
    benchmark.write_store(path, count)
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- real stores


@pytest.mark.parametrize("path", [REPO / "facts.toml", *sorted(TESTS.rglob("*.toml"))], ids=lambda p: str(p.relative_to(REPO)))
def test_the_fast_reader_reads_every_store_file_as_tomllib_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert same(quicktoml.loads(text), tomllib.loads(text))  # and does not give up: these are the stores it exists for


def test_the_fast_reader_reads_the_benchmark_store_as_tomllib_does(tmp_path: Path) -> None:
    text = synthetic_store(tmp_path, 300)
    assert text.count("[[fact]]") == 300
    assert same(quicktoml.loads(text), tomllib.loads(text))


def test_crlf_line_ends_read_the_same(bundled: Path) -> None:
    text = bundled.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert same(quicktoml.loads(text), tomllib.loads(text))


STORE_TEXTS = [GOOD_HEAD + GOOD_FACT, GOOD] + [text for _, text, *_ in SYNTAX + SHAPES]


@pytest.mark.parametrize("text", STORE_TEXTS)
def test_stores_the_other_tests_write_read_the_same_or_are_left_to_tomllib(text: str) -> None:
    verdict, fast, slow = outcome(text)
    assert verdict != "DIFFERENT", (text, fast, slow)
    if isinstance(slow, Exception):
        assert verdict == "gave up"


@pytest.mark.parametrize(
    "text",
    [
        "value = 1979-05-27\n",  # a date
        "value = 07:32:00\n",  # a time
        "value = 0x1F\n",  # hexadecimal
        "a.b = 1\n",  # a dotted key
        'name = "x"\nname = "y"\n',  # a key twice
        '"name" = 1\nname = 2\n',  # the same key, quoted and bare
        "[t]\n[t]\n",  # a table twice
        "[a.b]\n[a]\n",  # valid TOML (a table after its subtable), but outside the subset
        "x = { a = 1, }\n",  # a trailing comma in an inline table
        "x = { a = 1,\n b = 2 }\n",  # an inline table over two lines (TOML 1.1)
        'x = "\\e"\n',  # an escape TOML 1.0 lacks
        'x = "\\uD800"\n',  # a surrogate
        'x = "a\x01b"\n',  # a raw control character
        "\ufeffx = 1\n",  # a byte order mark the caller did not remove
        "x = 1 y = 2\n",  # two statements on a line
        "x = [1, 2\n",  # an unclosed array
        "x = " + "[" * 40 + "]" * 40 + "\n",  # nested deeper than the reader goes
        "[[a]]\n[a]\n",  # a table over an array of tables
        "a = [{}]\n[[a]]\n",  # an array of tables over a static array
        "a = {}\n[a.b]\n",  # a header inside an inline table
        'x = """a""""""\n',  # six closing quotes
        "x = " + "1" * 5000 + "\n",  # more digits than int() reads (tomllib fails the same way)
    ],
)
def test_constructs_outside_the_subset_are_left_to_tomllib(text: str) -> None:
    with pytest.raises(Unsupported):
        quicktoml.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment",
        "  \n\t\n",
        "x = '''\ny = \"z\" # '''",  # a multi-line string that ends the document, its last line looking like a key/value line
        "x = [\n  1,\n  2]",
        'x = """\n[[fact]]\n"""\n[[fact]]\nid = "a"\n',  # a header inside a string
        "a = 1 # a comment and no newline",
        "[t]",
        "  [t]\n  x = 1\n\t[[u]]\n",
        '"quoted key" = 1\n\'literal key\' = 2\n"" = 3\n',
        'x = ["a" , "b" , ]\ny = [ ]\n',
        "x = \"\"\"a\"\"\"\"\ny = '''b'''''\n",  # four and five closing quotes
        'x = "\\u00e9\\U0001F600\\t\\"\\\\"\n',
        "x = -nan\ny = +inf\nz = -0.0\nw = 1_000\nv = 1e1_0\nu = 6.02E+23\n",
        'x = """\r\na\\\r\n  b\r\n"""\r\n',  # CRLF inside a multi-line string, and a line-ending backslash
        'x = { a = [1,\n 2], b = """\nc""" }\n',  # an inline table on more than one line only inside its values
        "[a.b]\n[a.c]\n[[a.d]]\n[[a.d]]\n[a.d.e]\n",
    ],
)
def test_documents_at_the_edges_of_the_subset_read_exactly_as_tomllib_reads_them(text: str) -> None:
    assert same(quicktoml.loads(text), tomllib.loads(text))


# --------------------------------------------------------------------------- generated documents

KEY_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\"'\\\x7f")
TEXT_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))  # anything, controls included: they are escaped


@st.composite
def keys(draw: st.DrawFn, taken: set[str]) -> str:
    """A key not in `taken` (added to it), written bare, "quoted" or 'quoted'."""
    name = draw(st.one_of(st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=6), st.text(KEY_CHARS, max_size=6)))
    while name in taken:
        name += "-"
    taken.add(name)
    bare = bool(re.fullmatch(r"[A-Za-z0-9_-]+", name))
    return draw(st.sampled_from(([name] if bare else []) + [f'"{name}"', f"'{name}'"]))


def basic_string(text: str, style: int) -> str:
    """`text` as a "basic string": quotes, backslashes and controls escaped, and (by `style`) some other characters as \\uXXXX or \\UXXXXXXXX."""
    named = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
    out = []
    for i, char in enumerate(text):
        code, turn = ord(char), (i + style) % 3
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(named[char] if char in named and turn == 0 else f"\\u{code:04x}" if turn == 1 else f"\\U{code:08X}")
        elif turn == 2 and style > 2:
            out.append(f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def multiline_basic(text: str, breaks: set[int], opening: str, ending: str) -> str:
    """`text` as a \"\"\"multi-line string\"\"\": newlines and tabs as they are, line-ending backslashes (which vanish) at `breaks`."""
    out = []
    for i, char in enumerate(text):
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\n\t" or not (ord(char) < 0x20 or ord(char) == 0x7F):
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}")
        if i in breaks:
            out.append(("\\\n", "\\  \n  ", "\\\t\n\n\t ")[i % 3])
    return '"""' + opening + "".join(out) + ending + '"""'  # an ending of " or "" makes four or five closing quotes


SAFE_LITERAL = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="'\x7f") | st.just("\t")


@st.composite
def values(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["basic", "literal", "multiline", "multiline-literal", "integer", "float", "special", "bool"] + (["array", "inline"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "basic":
        return basic_string(draw(st.text(TEXT_CHARS, max_size=12)), draw(st.integers(0, 5)))
    if kind == "literal":
        return "'" + draw(st.text(SAFE_LITERAL, max_size=12)) + "'"
    if kind == "multiline":
        text = draw(st.text(TEXT_CHARS | st.just("\n"), max_size=20))
        breaks = draw(st.sets(st.integers(0, 20), max_size=2))
        return multiline_basic(text, breaks, draw(st.sampled_from(["", "\n"])), draw(st.sampled_from(["", '"', '""'])))
    if kind == "multiline-literal":
        body = draw(st.text(SAFE_LITERAL | st.just("\n"), max_size=20))
        return "'''" + draw(st.sampled_from(["", "\n"])) + body + draw(st.sampled_from(["", "'", "''"])) + "'''"
    if kind == "integer":
        return draw(st.from_regex(r"[+-]?(0|[1-9](_?[0-9]){0,25})", fullmatch=True))
    if kind == "float":
        return draw(st.one_of(
            st.from_regex(r"[+-]?(0|[1-9](_?[0-9]){0,5})(\.[0-9](_?[0-9]){0,6}([eE][+-]?[0-9](_?[0-9]){0,2})?|[eE][+-]?[0-9](_?[0-9]){0,3})", fullmatch=True),
            st.floats(allow_nan=False, allow_infinity=False).map(repr),
        ))  # fmt: skip
    if kind == "special":
        return draw(st.sampled_from(["inf", "+inf", "-inf", "nan", "+nan", "-nan"]))
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "array":
        items = draw(st.lists(values(depth + 1), max_size=4))
        if draw(st.booleans()):
            return "[" + ", ".join(items) + "]"
        gap = st.sampled_from(["\n", "\n  ", " # a comment\n  ", "\n\n    ", "\t", ""])  # across lines, with comments
        body = ",".join(draw(gap) + item for item in items) + ("," if items and draw(st.booleans()) else "")
        return "[" + body + draw(gap) + "]"
    taken: set[str] = set()
    pairs = [f"{draw(keys(taken))}{draw(SPACE)}={draw(SPACE)}{draw(values(depth + 1))}" for _ in range(draw(st.integers(0, 3)))]
    return "{" + draw(SPACE) + ", ".join(pairs) + draw(SPACE) + "}"


SPACE = st.sampled_from(["", " ", "  ", "\t"])
AFTER = st.sampled_from(["", "", " ", "  # a comment", "\t#", " # [[not]] = 'a header'"])
GAP = st.sampled_from(["", "", "\n", "# a comment line\n", "  \n", "\t# indented comment\n"])


@st.composite
def key_values(draw: st.DrawFn, taken: set[str]) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        lines.append(f"{draw(GAP)}{draw(SPACE)}{draw(keys(taken))}{draw(SPACE)}={draw(SPACE)}{draw(values())}{draw(AFTER)}\n")
    return "".join(lines)


def header(parts: list[str], draw: st.DrawFn, array: bool) -> str:
    spaced = draw(SPACE) + (draw(SPACE) + "." + draw(SPACE)).join(parts) + draw(SPACE)
    return f"{draw(GAP)}{draw(SPACE)}{'[[' if array else '['}{spaced}{']]' if array else ']'}{draw(AFTER)}\n"


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A valid TOML document inside the subset: root keys, [tables] with [sub.tables], and [[arrays]] with nested [[a.rows]]."""
    root_keys: set[str] = {"tab", "fact", "topic"}  # the table names below: never keys
    out = [draw(key_values(root_keys))]
    names = draw(st.lists(st.sampled_from(["tab", "fact", "topic"]), max_size=6))
    declared: set[str] = set()
    for name in names:
        if name == "tab":
            if name in declared:
                continue
            declared.add(name)
            taken = {"sub"}
            out += [header([name], draw, array=False), draw(key_values(taken))]
            if draw(st.booleans()):
                out += [header([name, "sub"], draw, array=False), draw(key_values(set()))]
        else:
            taken = {"row", "meta"}
            out += [header([name], draw, array=True), draw(key_values(taken))]
            for _ in range(draw(st.integers(0, 2))):
                out += [header([name, "row"], draw, array=True), draw(key_values(set()))]
            if draw(st.booleans()):
                out += [header([name, '"meta"'], draw, array=False), draw(key_values(set()))]
    text = "".join(out)
    ending = draw(st.sampled_from(["", "# the end", "\n", "no newline"]))
    text = text.rstrip("\n") if ending == "no newline" else text + ending  # the last statement may end the document
    return text.replace("\n", "\r\n") if draw(st.integers(0, 5)) == 0 else text


@settings(max_examples=120, deadline=None)
@given(text=documents())
def test_generated_documents_in_the_subset_read_exactly_as_tomllib_reads_them(text: str) -> None:
    slow = tomllib.loads(text)  # the generator writes valid TOML
    fast = quicktoml.loads(text)  # … inside the subset: the reader must not give up
    assert same(fast, slow), (text, fast, slow)


@contextlib.contextmanager
def blocks_of(size: int) -> Iterator[None]:
    """quicktoml reading its text `size` characters at a time (a large store's is read in blocks of half a million)."""
    before = quicktoml.BLOCK
    quicktoml.BLOCK = size
    try:
        yield
    finally:
        quicktoml.BLOCK = before


@settings(max_examples=150, deadline=None)
@given(text=documents(), size=st.integers(1, 80))
def test_reading_in_blocks_gives_what_reading_at_once_gives(text: str, size: int) -> None:
    """Block ends fall inside multi-line arrays and strings, on blank lines and at the document's end: nothing changes."""
    whole = quicktoml.loads(text)
    with blocks_of(size):
        assert same(quicktoml.loads(text), whole), text


@pytest.mark.parametrize("size", [1, 3, 17, 200])
@pytest.mark.parametrize("text", [*STORE_TEXTS, 'a = [\n  1,\n\n  2,\n]\nb = """x\n\ny"""\n\n\n[t]\nc = 1', "x = [\n1,\n2]"])
def test_reading_written_stores_in_blocks_changes_nothing(text: str, size: int) -> None:
    verdict, whole, _ = outcome(text)
    with blocks_of(size):
        again = outcome(text)
    assert again[0] == verdict and (verdict != "same" or same(again[1], whole)), text


MUTATIONS = [
    "x = 1979-05-27",
    "x = 07:32:00",
    "x = 0o17",
    "d.otted = 1",
    "x = 1\nx = 2",
    "[tab]\n[tab]",
    "x = { a = 1, }",
    'x = "\\x41"',
    "x = [1,,2]",
    "x = 1__0",
    "x = 01",
    "x = .5",
    "x = 1.",
    "x = +",
    'x = "a\x00"',
    "[[fact]]\nrow = 1\n[[fact.row]]",
    "x = nan2",
    "x = infinity",
    "x = trueish",
    "x = '''a''''''",
]


@settings(max_examples=120, deadline=None)
@given(text=documents(), data=st.data())
def test_documents_just_outside_the_subset_read_the_same_or_are_left_to_tomllib(text: str, data: st.DataObject) -> None:
    how = data.draw(st.sampled_from(["insert", "replace", "delete", "cut"]))
    at = data.draw(st.integers(0, len(text)))
    if how == "insert":
        lines = text.split("\n")
        line = data.draw(st.integers(0, len(lines)))
        text = "\n".join(lines[:line] + [data.draw(st.sampled_from(MUTATIONS))] + lines[line:])
    elif how == "replace":
        text = text[:at] + data.draw(st.sampled_from(list("\"'[]{}=,.#\\\n\t\r x0-+e_") + ["\x00", "\u2028", "\ufeff"])) + text[at + 1 :]
    elif how == "delete":
        text = text[:at] + text[at + 1 :]
    else:
        text = text[:at]
    verdict, fast, slow = outcome(text)
    assert verdict != "DIFFERENT", (text, fast, slow)


@contextlib.contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) when the block runs longer than `seconds`: for inputs that once took minutes."""

    def expire(*_: Any) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "line",
    [
        'x = ["a"' + " " * 200_000 + "x",  # blanks that two patterns could share: once quadratic (minutes)
        'x = ["a",' + " " * 200_000 + "]x",
        "x = 1" + " " * 200_000 + "x",
        "[a" + " " * 200_000 + "x",
        "x = [" + ' "a" ,' * 50_000 + "x",
    ],
    ids=["array-blanks", "array-comma-blanks", "number-blanks", "header-blanks", "many-items"],
)
def test_hostile_lines_take_linear_time(line: str) -> None:
    with within(20):
        assert outcome(line + "\n")[0] == "gave up"


# --------------------------------------------------------------------------- through store.parse and the CLI


def test_store_parse_uses_the_fast_reader_and_falls_back_to_tomllib(monkeypatch: pytest.MonkeyPatch) -> None:
    text = GOOD_HEAD + GOOD_FACT
    calls: list[str] = []
    real_loads = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda t: calls.append("tomllib") or real_loads(t))
    assert same(store.parse(text, "x.toml"), real_loads(text)) and calls == []
    dated = text.replace('text = "It rains."', "text = 1950-06-25")
    assert same(store.parse(dated, "x.toml"), real_loads(dated)) and calls == ["tomllib"]


def test_a_slip_in_the_fast_reader_falls_back_to_tomllib(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> dict[str, Any]:
        raise IndexError("a bug")

    monkeypatch.setattr(quicktoml, "loads", broken)
    text = GOOD_HEAD + GOOD_FACT
    assert same(store.parse(text, "x.toml"), tomllib.loads(text))


def test_check_reports_tomllibs_error_for_a_document_the_fast_reader_leaves(runner: CliRunner, tmp_path: Path) -> None:
    text = GOOD_HEAD + GOOD_FACT + '\n[[fact]]\nid = "climate.two"\ntopic = "climate"\ntext = "More."\nsources = ["s1"]\nvalue = 12.5.3\n'
    with pytest.raises(Unsupported):
        quicktoml.loads(text)
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    message, line, column = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(caught.value)).groups()  # type: ignore[union-attr]
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stdout == f"{path}:{line}:{column}: invalid TOML: {message}\n"
    assert text.split("\n")[int(line) - 1] == "value = 12.5.3"


def test_an_integer_too_long_for_int_is_an_error_with_its_line_not_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    """tomllib lets int()'s ValueError (more than sys.get_int_max_str_digits() digits) escape: it was a traceback."""
    limit = sys.get_int_max_str_digits()
    text = GOOD_HEAD + GOOD_FACT + f"value = {'1' * (limit + 1)}\n"
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    line = text.count("\n")
    result = runner.invoke(app, ["check", str(path)])
    assert (result.exit_code, result.stdout) == (2, f"{path}:{line}: invalid TOML: an integer of more than {limit:,} digits\n")
    result = runner.invoke(app, ["topics", "--facts", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"hamhung: error: {path}:{line}: invalid TOML: an integer of more than {limit:,} digits\n"


def test_check_validates_a_valid_document_the_fast_reader_leaves(runner: CliRunner, tmp_path: Path) -> None:
    """A date is valid TOML outside the subset: tomllib reads it, and validation reports it on its own line."""
    text = GOOD_HEAD + GOOD_FACT.replace('sources = ["s1"]', 'sources = ["s1"]\nvalue = 1950-06-25')
    with pytest.raises(Unsupported):
        quicktoml.loads(text)
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    line = text.split("\n").index("value = 1950-06-25") + 1
    assert result.stdout == f"{path}:{line}: 'value' in fact 'climate.one' must be a number, not date\n"


# --------------------------------------------------------------------------- the Locator


class ReferenceLocator:
    """The Locator's header scan as it was before it was made fast, line by line: the behaviour it must keep."""

    HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")

    def __init__(self, text: str) -> None:
        self.blocks: dict[tuple[Any, ...], tuple[int, int]] = {}
        lines = text.split("\n")
        counters: dict[tuple[Any, ...], int] = {}
        last_index: dict[str, int] = {}
        opened: list[tuple[tuple[Any, ...], int]] = []
        in_multiline: str | None = None
        for number, line in enumerate(lines, 1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
            match = self.HEADER.match(line)
            if not match or in_multiline:
                continue
            is_array = match.group(1) == "[["
            parts = [p.strip().strip('"') for p in match.group(2).split(".")]
            path: tuple[Any, ...] = ()
            for i, part in enumerate(parts):
                path += (part,)
                if i < len(parts) - 1 and parts[0] in last_index and i == 0:
                    path += (last_index[parts[0]],)
            if is_array:
                index = counters.get(path, 0)
                counters[path] = index + 1
                if len(parts) == 1:
                    last_index[parts[0]] = index
                path += (index,)
            opened.append((path, number))
        for i, (path, start) in enumerate(opened):
            end = opened[i + 1][1] - 1 if i + 1 < len(opened) else len(lines)
            self.blocks[path] = (start, end)


LOCATOR_LINES = st.sampled_from(
    [
        "[[fact]]", "[[fact.claim]]", "[[table]]", "[[table.row]]", "[store]", '[ "store" ]', "  [[fact]]  # c", "\t[x.y]",
        "\x0c[[fact]]", "\u2028[[table]]", "[[fact]", "[fact]]", "[1, 2]", "  [1, 2],", 'id = "x"', "key = 1", "", "# [[fact]]",
        'cites = """', '"""', 'x = """a"""', "x = '''", "'''", 'x = "\'\'\'"', 'a = """ [[fact]] """', "[[ fact . claim ]]",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LOCATOR_LINES, max_size=40), ending=st.sampled_from(["", "\n"]))
def test_the_locator_finds_the_blocks_the_line_by_line_scan_found(lines: list[str], ending: str) -> None:
    text = "\n".join(lines) + ending
    assert store.Locator(text).blocks == ReferenceLocator(text).blocks


HEADER_CHARS = st.sampled_from(["[", "]", " ", "\t", "\x0c", "\u2028", "\xa0", "#", "a", ".", '"', "x", "\r", "\x1c"])


@settings(max_examples=500, deadline=None)
@given(line=st.text(HEADER_CHARS, max_size=12))
def test_a_header_line_is_read_as_the_old_pattern_read_it(line: str) -> None:
    match = ReferenceLocator.HEADER.match(line)
    assert store._header_line(line) == ((match.group(1) == "[[", match.group(2)) if match else None)


def test_a_long_bracket_line_inside_a_string_is_located_at_once(tmp_path: Path) -> None:
    """A ''' inside a one-line string misleads the Locator's quote count, so it reads the lines of the next multi-line
    string as if they could be headers; a '[' and 20,000 blanks there kept the old header pattern busy for hours."""
    text = GOOD_HEAD + GOOD_FACT + "note = \"'''\"\n" + "aliases = ['''\n[" + " " * 20_000 + "x\n''']\n"
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    with within(20):
        loaded = store.load(path)
    assert loaded.facts["climate.one"].aliases[0].startswith("[ ")


@pytest.mark.parametrize("path", [REPO / "facts.toml", TESTS / "data" / "mini.toml"], ids=["facts.toml", "mini.toml"])
def test_the_locator_finds_the_blocks_the_line_by_line_scan_found_in_real_stores(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert store.Locator(text).blocks == ReferenceLocator(text).blocks


def test_the_locator_in_the_benchmark_store(tmp_path: Path) -> None:
    text = synthetic_store(tmp_path, 300)
    blocks = store.Locator(text).blocks
    assert blocks == ReferenceLocator(text).blocks
    assert sum(1 for path in blocks if path[0] == "fact") == 300
