"""Hostile text inside a valid store: never interpreted by Rich or the terminal, exact in JSON, formula-safe in CSV.

Each case puts one hostile string into a fact's text, a record table's cell, a source's publisher,
a topic's title and the store's name, so every renderer (tables, cards, overview, topic page,
plain, TSV, CSV, Markdown, JSON) sees it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from hamhung_cli.validation import load

from ..conftest import clean_env, installed_command
from ..test_installed import read_pty
from .conftest import run

HOSTILE = {
    "rich-markup": "[bold red]loud[/bold red] and [/] stray close",
    "rich-link-markup": "[link=https://evil.example]click me[/link]",
    "ansi-colour": "\x1b[31mred\x1b[0m and \x1b[2J cleared",
    "osc8-hyperlink": "\x1b]8;;https://evil.example\x1b\\innocent\x1b]8;;\x1b\\ link",
    "osc-title-change": "\x1b]0;pwned\x07 title",
    "c1-csi": "\x9b31m eight-bit CSI",
    "backspace-and-del": "over\x08\x08\x08\x7fwrite",
    "carriage-return": "shown\rhidden",
    "bidi-override": "abc \u202eevil\u202c def",
    "bidi-isolate": "\u2066iso\u2069 \u200flrm",
    "zero-width": "zero\u200bwidth\u200d joiner\u2060",
    "bom-inside": "\ufeffstarts with a BOM",
    "line-separators": "one\u2028two\u2029three\x85four",
    "newline-and-tab": "line one\nline two\tcolumn",
    "long-word": "x" * 5000,
    "formula-equals": '=HYPERLINK("http://evil.example","x")',
    "formula-plus": "+cmd|' /C calc'!A0",
    "formula-minus": "-2+3+cmd|' /C calc'!A0",
    "formula-at": "@SUM(1+1)*cmd|' /C calc'!A0",
}
# Characters that must never reach a terminal raw: C0/C1 controls (but newline), bidi controls, zero-width characters.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff]")
OUR_SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colour codes Rich writes for us, and nothing else


def toml_string(text: str) -> str:
    """A TOML basic string: controls as \\uXXXX escapes (TOML forbids them raw), everything else as is."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def hostile_store(tmp_path: Path, text: str) -> Path:
    value = toml_string(text)
    body = f"""schema = 1
[store]
name = {toml_string("Town " + text)}

[[topic]]
id = "t"
title = {value}
summary = {value}

[[source]]
id = "s"
title = {value}
publisher = {value}
document = "doc.txt"
part = {value}

[[fact]]
id = "t.hostile"
topic = "t"
text = {toml_string(text + " marker")}
note = {value}
aliases = [{value}]
sources = ["s"]

[[table]]
id = "things"
topic = "t"
title = {value}
kind = "records"
sources = ["s"]
columns = [{{ key = "name", title = {value} }}, {{ key = "count", title = "Count" }}]

[[table.row]]
id = "one"
name = {value}
count = -5
"""
    path = tmp_path / "hostile.toml"
    path.write_text(body, encoding="utf-8")
    return path


CASES = [pytest.param(text, id=name) for name, text in HOSTILE.items()]


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    return request.param, hostile_store(tmp_path, request.param)


def visible(text: str) -> str:
    """How the tool shows a string on one line: invisible characters as <U+XXXX>, tabs and newlines as spaces."""
    return RAW.sub(lambda m: f"<U+{ord(m.group()):04X}>", text.replace("\t", " ").replace("\n", " "))


def assert_inert(output: str) -> None:
    stripped = OUR_SGR.sub("", output).replace("\n", "").replace("\t", "")  # line ends, and the tabs of TSV and plain
    assert not RAW.search(stripped), repr(RAW.findall(stripped)[:5])


def test_the_store_loads_with_the_text_intact(case: tuple[str, Path]) -> None:
    text, path = case
    store = load(path)
    assert store.facts["t.hostile"].text == text + " marker" and store.topics["t"].title == text


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["t", "-f", "table", "--color", "always"], id="topic-page"),
        pytest.param(["t", "--only", "facts", "-f", "table", "--color", "always", "--sources"], id="facts-table"),
        pytest.param(["fact", "t.hostile", "-f", "table", "--color", "always"], id="fact-card"),
        pytest.param(["search", "marker", "-f", "table", "--color", "always", "--explain"], id="search-table"),
        pytest.param(["sources", "-f", "table", "--color", "always"], id="sources-table"),
        pytest.param(["t", "--only", "facts", "-f", "tsv", "--sources"], id="tsv"),
        pytest.param(["t", "-f", "markdown"], id="markdown"),
    ],
)
def test_printed_inert_in_every_format(case: tuple[str, Path], argv: list[str]) -> None:
    text, path = case
    result = run(*argv, "--facts", str(path))
    assert result.exit_code == 0, result.output
    assert_inert(result.stdout)
    assert "Traceback" not in result.stderr


def test_legible_where_it_fits(case: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Markup stays literal text and invisible characters become visible <U+XXXX> marks, on a terminal and in a pipe."""
    text, path = case
    monkeypatch.setenv("COLUMNS", "1000")
    shown = visible(text + " marker")
    plain = run("fact", "t.hostile", "--fields", "text", "--facts", str(path))
    assert plain.stdout == shown + "\n"
    table = run("fact", "t.hostile", "-f", "table", "--color", "always", "--facts", str(path))
    if len(text) < 200:  # the long word is folded over several lines
        assert shown in OUR_SGR.sub("", table.stdout)


def test_json_gives_back_the_exact_text(case: tuple[str, Path]) -> None:
    text, path = case
    for fmt in ("json", "jsonl"):
        result = run("fact", "t.hostile", "-f", fmt, "--facts", str(path))
        assert result.exit_code == 0, result.output
        assert not RAW.search(result.stdout.replace("\n", "")), "escaped as \\uXXXX, never raw"
        record = json.loads(result.stdout)[0] if fmt == "json" else json.loads(result.stdout.splitlines()[0])
        assert record["text"] == text + " marker" and record["note"] == text and record["aliases"] == [text]
        assert record["sources"][0]["publisher"] == text
    rows = json.loads(run("t", "--only", "tables", "--json", "--facts", str(path)).stdout)
    assert rows[0]["name"] == text and rows[0]["count"] == -5


def test_csv_parses_back_and_never_starts_a_formula(case: tuple[str, Path]) -> None:
    text, path = case
    for argv in (["t", "--only", "tables", "-f", "csv"], ["sources", "-f", "csv"], ["t", "--only", "facts", "-f", "csv"]):
        result = run(*argv, "--facts", str(path))
        assert result.exit_code == 0, result.output
        header, *rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows and all(len(row) == len(header) for row in rows)
        for row in rows:
            for value in row:
                assert not value.startswith(("=", "+", "@")), value
                assert not value.startswith("-") or re.fullmatch(r"-[0-9.]+", value), value
    things = dict(zip(*list(csv.reader(io.StringIO(run("t", "--only", "tables", "-f", "csv", "--facts", str(path)).stdout))), strict=True))
    assert things["count"] == "-5", "numbers are left alone"
    expected = visible(text)
    assert things["name"] == ("'" + expected if expected.startswith(("=", "+", "-", "@")) else expected)


def test_store_text_in_error_messages_is_inert(tmp_path: Path) -> None:
    """`check` quotes the store's own keys; messages quote the user's query and ids."""
    path = tmp_path / "keys.toml"
    path.write_text('schema = 1\n"\\u001b]0;pwned\\u0007" = 1\n[[topic]]\nid = "t"\ntitle = "T"\n', encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 2 and "unknown key '<U+001B>]0;pwned<U+0007>'" in result.stdout
    assert_inert(result.stdout + result.stderr)
    for argv in (["search", "\x1b]0;pwned\x07"], ["fact", "\x1b[2J"], ["show", "\u202eevil"], ["\x9b31m"]):
        result = run(*argv, "--facts", str(path))
        assert result.exit_code in (1, 2) and result.stdout == ""
        assert_inert(result.stderr)


def test_on_a_real_terminal_through_the_installed_script(tmp_path: Path) -> None:
    store = hostile_store(tmp_path, "".join(HOSTILE[k] for k in ("rich-markup", "osc8-hyperlink", "osc-title-change", "bidi-override", "c1-csi", "zero-width")))
    for argv in ([], ["t"], ["fact", "t.hostile"], ["search", "marker"]):
        code, out = read_pty([installed_command(), *argv, "--facts", str(store)], clean_env(TERM="xterm-256color"), columns=120)
        assert code == 0, out
        assert "\x1b[" in out, "coloured: this really is the terminal path"
        assert_inert(out.replace("\r\n", "\n"))
        assert "<U+001B>]0;pwned<U+0007>" in out and "<U+202E>" in out and "[bold red]loud[/bold red]" in out


def test_every_character_made_inert_is_one_isprintable_rejects() -> None:
    """text.inert skips str.translate for printable text: that is only safe while this holds."""
    from hamhung_cli.text import INERT as _INERT
    from hamhung_cli.text import inert

    assert _INERT and all(not chr(code).isprintable() for code in _INERT)
    for code in _INERT:
        assert inert(f"a{chr(code)}b") == f"a{_INERT[code]}b"


@pytest.mark.parametrize(
    "text",
    ['\t=HYPERLINK("http://evil.example","x")', "\r+cmd|' /C calc'!A0", "   @SUM(1+1)", "\n-2+3+cmd|' /C calc'!A0"],
    ids=["tab-equals", "cr-plus", "spaces-at", "newline-minus"],
)
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_formula_behind_blanks_is_guarded_in_csv_and_tsv(text: str, fmt: str, tmp_path: Path) -> None:
    """A tab, CR or spaces before the formula do not lose the guard (they are blanks or marks by the time a cell is written)."""
    path = hostile_store(tmp_path, text)
    result = run("t", "--only", "tables", "-f", fmt, "--facts", str(path))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="," if fmt == "csv" else "\t"))
    names = dict(zip(*rows, strict=True))
    assert names["name"].startswith("'") or names["name"].lstrip()[:1] not in ("=", "+", "-", "@"), names["name"]
    assert names["count"] == "-5"
