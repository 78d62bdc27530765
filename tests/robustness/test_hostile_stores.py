"""Hostile fact stores given with --facts: each gets one clear stderr line with its location, exit 2, no traceback.

The line a case expects is the one marked `# HERE` in its text, so the numbers are not hard-coded.
`hamhung check` on a store with many problems lists them all.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from hamhung_cli.store import MAX_STORE_BYTES

from .conftest import as_ordinary_user, assert_one_error_line, installed, invoke, run

HEAD = """schema = 1
[store]
name = "Testville"
"""
TOPIC = """
[[topic]]
id = "climate"
title = "Climate"
"""
SOURCE = """
[[source]]
id = "s1"
title = "Doc"
publisher = "Pub"
document = "doc.txt"
part = "Part"
"""
FACT = """
[[fact]]
id = "climate.one"
topic = "climate"
text = "It rains."
sources = ["s1"]
"""
GOOD = HEAD + TOPIC + SOURCE + FACT
MONTHS_12 = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]"


def monthly(values: str = MONTHS_12, extra: str = "") -> str:
    return f'\n[[table]]\nid = "normals"\ntopic = "climate"\ntitle = "Normals"\nkind = "monthly"\nsources = ["s1"]\n[[table.row]]\nid = "rain"\nlabel = "Rain"\nunit = "mm"\nvalues = {values}\n{extra}'


def fact(body: str, fact_id: str = "climate.two") -> str:
    return f'\n[[fact]]\nid = "{fact_id}"\ntopic = "climate"\ntext = "More rain."\nsources = ["s1"]\n{body}\n'


# (case id, whole store text, expected message fragment, expected column or None). The expected line is marked "# HERE".
SYNTAX = [
    ("first-line", "= 1  # HERE\n" + GOOD, "invalid TOML", 1),
    ("unclosed-header", HEAD + "[[topic]  # HERE\n" + TOPIC, "invalid TOML", 8),
    ("unterminated-string", GOOD + '\n[[fact]]\nid = "climate.x  # HERE\n', "invalid TOML", None),
    ("toml-duplicate-key", HEAD + 'name = "Other"  # HERE\n' + TOPIC, "Cannot overwrite a value", None),
    ("bad-value", GOOD + fact("value = 12.5.3  # HERE"), "invalid TOML", None),
    ("bare-carriage-return", GOOD.replace('title = "Climate"', 'title = "Cli\rmate"  # HERE'), "invalid TOML", 13),
    ("nul-byte", GOOD.replace('text = "It rains."', 'text = "It\x00rains."  # HERE'), "invalid TOML", 11),
    ("two-statements-on-a-line", GOOD.replace('title = "Doc"', 'title = "Doc" part = "x"  # HERE'), "invalid TOML", 15),
    ("unclosed-inline-table", GOOD + fact("names = { mr = 'x'  # HERE"), "Unclosed inline table", None),
]

SHAPES = [
    # arrays where tables are expected, tables where arrays are expected, scalars in between
    ("store-is-an-array", "schema = 1\nstore = []  # HERE\n" + TOPIC + SOURCE + FACT, "'store' must be a table"),
    ("store-as-array-of-tables", "schema = 1\n[[store]]  # HERE\nname = 'x'\n" + TOPIC + SOURCE + FACT, "'store' must be a table"),
    ("topic-is-text", 'schema = 1\ntopic = "climate"  # HERE\n' + SOURCE, "'topic' must be an array of tables"),
    ("source-is-a-table", GOOD.replace("[[source]]", "[source]  # HERE"), "'source' must be an array of tables"),
    ("fact-entries-are-numbers", "schema = 1\nfact = [1, 2]  # HERE\n" + TOPIC + SOURCE, "entry 1 of 'fact' must be a table"),
    ("row-is-a-number", GOOD + monthly().split("[[table.row]]")[0] + "row = 5  # HERE\n", "'row' must be an array of tables"),
    # numbers where text is expected, and the reverse
    ("text-is-a-number", GOOD.replace('text = "It rains."', "text = 5  # HERE"), "'text' in fact 'climate.one' must be text, not an integer"),
    ("title-is-a-float", GOOD.replace('title = "Climate"', "title = 3.5  # HERE"), "'title' in [[topic]] must be text, not a number"),
    ("id-is-a-number", GOOD.replace('id = "climate.one"', "id = 7  # HERE"), "'id' in [[fact]] must be text"),
    ("sources-is-text", GOOD.replace('sources = ["s1"]', 'sources = "s1"  # HERE'), "must be a list of source ids"),
    ("aliases-is-text", GOOD + fact('aliases = "wet"  # HERE'), "must be a list of text"),
    ("names-is-a-list", GOOD + fact('names = ["x"]  # HERE'), "'names' in fact 'climate.two' must be a table"),
    ("value-is-a-list", GOOD + fact("value = [1, 2]  # HERE"), "must be a number, not a list"),
    ("value-is-a-table", GOOD + fact("value = { a = 1 }  # HERE"), "must be a number, not a table"),
    ("value-is-a-date", GOOD + fact("value = 1950-06-25  # HERE"), "must be a number, not date"),
    ("value-is-a-boolean", GOOD + fact("value = true  # HERE"), "must be a number, not true/false"),
    ("year-is-text", GOOD + monthly(extra='year = "ten"  # HERE'), "'year' in row 'rain' of table 'normals' must be a number"),
    ("month-values-are-text", GOOD + monthly('"twelve"  # HERE'), "must be a list of 12 numbers"),
    ("a-month-is-text", GOOD + monthly('[1, 2, 3, 4, 5, "six", 7, 8, 9, 10, 11, 12]  # HERE'), "must be a number, not text"),
    ("unknown-table-kind", GOOD + monthly().replace('kind = "monthly"', 'kind = "weekly"  # HERE'), "kind 'weekly'"),
    (
        "columns-is-text",
        GOOD + '\n[[table]]\nid = "t"\ntopic = "climate"\ntitle = "T"\nkind = "records"\nsources = ["s1"]\ncolumns = "name"  # HERE\n',
        "needs 'columns'",
    ),
    ("schema-2", GOOD.replace("schema = 1", "schema = 2  # HERE"), "schema 2 is not supported"),
    ("unknown-key", GOOD.replace('document = "doc.txt"', 'document = "doc.txt"\ncolour = "red"  # HERE'), "unknown key 'colour'"),
    ("renamed-key", GOOD.replace('document = "doc.txt"', 'seed = "doc.txt"  # HERE'), "'seed' in [[source]] is now called 'document'"),
    ("unknown-top-level-table", GOOD + "\n[extra.settings]  # HERE\ndepth = 1\n", "unknown key 'extra'"),
    # missing ids
    ("fact-without-id", GOOD + '\n[[fact]]  # HERE\ntopic = "climate"\ntext = "t"\nsources = ["s1"]\n', "[[fact]] is missing 'id'"),
    ("topic-without-id", GOOD + '\n[[topic]]  # HERE\ntitle = "T"\n', "[[topic]] is missing 'id'"),
    ("source-without-id", GOOD + '\n[[source]]  # HERE\ntitle = "D"\npublisher = "P"\ndocument = "s"\npart = "p"\n', "[[source]] is missing 'id'"),
    ("row-without-id", GOOD + monthly().replace('[[table.row]]\nid = "rain"', "[[table.row]]  # HERE"), "is missing 'id'"),
    ("empty-id", GOOD.replace('id = "climate.one"', 'id = ""  # HERE'), "'id' in [[fact]] is empty"),
    ("id-with-spaces", GOOD.replace('id = "climate.one"', 'id = "Climate One"  # HERE'), "must be lowercase letters"),
    # unknown topics or sources
    ("unknown-topic", GOOD.replace('topic = "climate"', 'topic = "weather"  # HERE'), "unknown topic 'weather'"),
    ("unknown-source", GOOD.replace('sources = ["s1"]', 'sources = ["s2"]  # HERE'), "unknown source 's2'"),
    ("malformed-citation", GOOD.replace('sources = ["s1"]', 'sources = ["s1[3"]  # HERE'), "is not a source id"),
    ("no-sources", GOOD.replace('sources = ["s1"]', "").replace("[[fact]]", "[[fact]]  # HERE"), "has no 'sources'"),
    # duplicate ids
    ("duplicate-fact-id", GOOD + FACT.replace('id = "climate.one"', 'id = "climate.one"  # HERE'), "duplicate id 'climate.one'"),
    (
        "fact-and-table-share-an-id",
        GOOD.replace('id = "climate.one"', 'id = "normals"') + monthly().replace('id = "normals"', 'id = "normals"  # HERE'),
        "duplicate id 'normals'",
    ),
    ("duplicate-topic-id", GOOD + TOPIC.replace('id = "climate"', 'id = "climate"  # HERE'), "duplicate topic id 'climate'"),
    ("duplicate-source-id", GOOD + SOURCE.replace('id = "s1"', 'id = "s1"  # HERE'), "duplicate source id 's1'"),
    (
        "duplicate-row-id",
        GOOD + monthly() + f'[[table.row]]  # HERE\nid = "rain"\nlabel = "Again"\nunit = "mm"\nvalues = {MONTHS_12}\n',
        "duplicate row id 'rain'",
    ),
    # references
    ("dangling-related", GOOD.replace("[[fact]]", "[[fact]]  # HERE") + "related = ['climate.ghost']\n", "related to unknown id 'climate.ghost'"),
    ("self-related", GOOD.replace("[[fact]]", "[[fact]]  # HERE") + "related = ['climate.one']\n", "lists itself in 'related'"),
    # climate rows that are not twelve months
    ("eleven-months", GOOD + monthly("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]  # HERE"), "has 11 values; a monthly row needs exactly 12"),
    ("thirteen-months", GOOD + monthly("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]  # HERE"), "has 13 values"),
    ("no-months", GOOD + monthly("[]  # HERE"), "has 0 values"),
    (
        "thirteen-alt-months",
        GOOD + monthly(extra=f'alt_unit = "in"\nalt_values = {MONTHS_12[:-1]}, 13]  # HERE'),
        "'alt_values' in row 'rain' of table 'normals' has 13 values",
    ),
    # non-finite numbers
    ("nan-value", GOOD + fact("value = nan  # HERE"), "must be a finite number, not nan"),
    ("inf-value", GOOD + fact("value = inf  # HERE"), "must be a finite number, not inf"),
    ("negative-inf-value", GOOD + fact("value = -inf  # HERE"), "must be a finite number, not -inf"),
    ("inf-month", GOOD + monthly("[1, 2, 3, 4, 5, 6, inf, 8, 9, 10, 11, 12]  # HERE"), "finite number, not inf"),
    ("nan-year", GOOD + monthly(extra="year = nan  # HERE"), "'year' in row 'rain' of table 'normals' must be a finite number"),
    (
        "nan-claim",
        GOOD + fact('[[fact.claim]]\ntext = "a"\nsources = ["s1"]\nvalue = 1\n[[fact.claim]]\ntext = "b"\nsources = ["s1"]\nvalue = nan  # HERE'),
        "'value' in [[fact.claim]] must be a finite number",
    ),
    (
        "nan-record-cell",
        GOOD
        + '\n[[table]]\nid = "t"\ntopic = "climate"\ntitle = "T"\nkind = "records"\nsources = ["s1"]\ncolumns = [{ key = "n", title = "N" }]\n[[table.row]]\nid = "r"\nn = nan  # HERE\n',
        "finite number",
    ),
    # a line number after characters that str.splitlines() (but not TOML) treats as line ends
    (
        "line-after-u2028",
        GOOD.replace('title = "Climate"', 'title = "Cli\u2028mate\u0085\u2029"') + TOPIC.replace('id = "climate"', 'id = "climate"  # HERE'),
        "duplicate topic id",
    ),
]


def marked_line(text: str) -> int:
    (line,) = [n for n, row in enumerate(text.split("\n"), 1) if "# HERE" in row]
    return line


def write(tmp_path: Path, text: str | bytes, name: str = "store.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_the_base_store_is_valid(tmp_path: Path) -> None:
    result = invoke("check", str(write(tmp_path, GOOD)))
    assert result.exit_code == 0 and "ok — 1 facts" in result.stdout, result.output


@pytest.mark.parametrize(("text", "fragment", "column"), [pytest.param(*case[1:], id=case[0]) for case in SYNTAX])
def test_invalid_toml_is_located_by_line_and_column(tmp_path: Path, text: str, fragment: str, column: int | None) -> None:
    path = write(tmp_path, text)
    where = f"{path}:{marked_line(text)}:" + (f"{column}:" if column else "")
    assert_one_error_line(run("topics", "--facts", str(path)), where, fragment)


@pytest.mark.parametrize(("text", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in SHAPES])
def test_a_store_of_the_wrong_shape_is_located_by_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    assert_one_error_line(run("topics", "--facts", str(path)), f"{path}:{marked_line(text)}: ", fragment)
    listed = invoke("check", str(path))
    assert listed.exit_code == 2 and f"{path}:{marked_line(text)}: " in listed.stdout and fragment in listed.stdout, listed.output


def test_check_lists_every_problem_in_line_order(tmp_path: Path) -> None:
    text = (
        GOOD.replace('title = "Climate"', 'title = "Climate"\nsummary = 3  # A')
        + fact("value = nan  # B")
        + FACT.replace('id = "climate.one"', 'id = "climate.one"  # C')
        + monthly("[1, 2, 3]  # D")
        + fact('sources = ["nowhere"]  # E', "climate.three").replace('sources = ["s1"]\n', "")
        + fact("related = ['climate.ghost']", "climate.four").replace("[[fact]]", "[[fact]]  # F")
    )
    path = write(tmp_path, text)
    result = invoke("check", str(path))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    expected = [n for n, row in enumerate(text.split("\n"), 1) if row.rstrip().endswith(("# A", "# B", "# C", "# D", "# E", "# F"))]
    assert [int(line.split(":")[1]) for line in lines] == expected, result.stdout
    assert all(line.startswith(f"{path}:") for line in lines)
    assert result.stderr == f"hamhung: {len(expected)} problem(s) in {path}\n"
    # every other command refuses it with the first problem and a pointer to `check`
    assert_one_error_line(
        invoke("search", "rain", "--facts", str(path)), f"{path}:{expected[0]}: ", f"and {len(expected) - 1} more problem(s); run 'hamhung check'"
    )


def test_cyclic_related_references_are_allowed_and_shown_once(tmp_path: Path) -> None:
    text = GOOD.replace('sources = ["s1"]', 'sources = ["s1"]\nrelated = ["climate.two"]', 1)
    text += fact('related = ["climate.three"]') + fact('related = ["climate.one", "climate.two"]', "climate.three")
    path = write(tmp_path, text)
    result = invoke("fact", "climate.one", "climate.two", "climate.three", "--json", "--facts", str(path))
    assert result.exit_code == 0, result.output
    assert [r["related"] for r in json.loads(result.stdout)] == [["climate.two"], ["climate.three"], ["climate.one", "climate.two"]]


# --------------------------------------------------------------------------- whole-file problems


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param(b"", "the store is empty", id="empty-file"),
        pytest.param(b"\n\n   \n# only a comment\n", "the store is empty", id="whitespace-and-comments"),
        pytest.param(b"schema = 1\n", "declares no [[topic]]", id="no-topic"),
    ],
)
def test_an_empty_store_is_refused(tmp_path: Path, text: bytes, fragment: str) -> None:
    path = write(tmp_path, text)
    assert_one_error_line(invoke("topics", "--facts", str(path)), f"{path}: ", fragment)


def test_a_directory(tmp_path: Path) -> None:
    assert_one_error_line(invoke("topics", "--facts", str(tmp_path)), f"{tmp_path}: ", "is a directory")


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    assert_one_error_line(invoke("search", "rain", "--facts", str(path)), f"{path}: ", "no such file")


def test_a_symlink_loop(tmp_path: Path) -> None:
    path = tmp_path / "loop.toml"
    path.symlink_to(path)
    assert_one_error_line(invoke("topics", "--facts", str(path)), f"{path}: ", "cannot read")


def test_an_unreadable_file(tmp_path: Path) -> None:
    """chmod 000. Root would read it anyway, so as root the child runs without the capabilities that bypass file modes."""
    path = write(tmp_path, GOOD)
    path.chmod(0)
    try:
        result = installed("topics", "--facts", str(path), preexec_fn=as_ordinary_user())
    finally:
        path.chmod(0o600)
    assert_one_error_line(result, f"{path}: ", "permission denied")


def test_a_50_mb_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    fact_block = FACT.replace("climate.one", "climate.f{}")
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD + TOPIC + SOURCE)
        number = 0
        while out.tell() < 50 * 1024 * 1024:
            out.write("".join(fact_block.format(number + i) for i in range(1000)))
            number += 1000
    assert path.stat().st_size > MAX_STORE_BYTES
    started = time.monotonic()
    result = installed("search", "rain", "--facts", str(path))
    assert time.monotonic() - started < 10
    assert_one_error_line(result, f"{path}: ", f"a fact store may be at most {MAX_STORE_BYTES:,}")


def test_an_endless_device_is_refused() -> None:
    assert_one_error_line(installed("topics", "--facts", "/dev/zero"), "/dev/zero: ", f"more than {MAX_STORE_BYTES:,} bytes")


def test_a_store_from_a_pipe_is_read(tmp_path: Path) -> None:
    """A device or pipe has no size; reading is bounded, not refused (`--facts <(generate-store)`)."""
    result = installed("topics", "--facts", "/dev/stdin", input=GOOD)
    assert result.returncode == 0 and result.stdout.startswith("climate\tClimate\t1\t"), result.stderr


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(GOOD + "\nnested = " + "[" * 3000 + "]" * 3000 + "  # HERE\n", id="arrays"),
        pytest.param(GOOD + "\nnested = " + "{a = " * 3000 + "1" + "}" * 3000 + "  # HERE\n", id="inline-tables"),
    ],
)
def test_deeply_nested_values(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert_one_error_line(invoke("topics", "--facts", str(path)), f"{path}:{marked_line(text)}: ", "nested too deeply")


def test_deeply_nested_table_headers(tmp_path: Path) -> None:
    text = GOOD + "\n[" + ".".join(["deep"] * 3000) + "]  # HERE\nx = 1\n"
    path = write(tmp_path, text)
    assert_one_error_line(invoke("topics", "--facts", str(path)), f"{path}:{marked_line(text)}: ", "unknown key 'deep'")


@pytest.mark.parametrize(
    ("data", "where", "fragment"),
    [
        pytest.param(GOOD.encode().replace(b"It rains.", b"It r\xffins."), ":19:13: ", "not valid UTF-8 text", id="latin-1-byte"),
        pytest.param(GOOD.encode() + b"# \xed\xa0\x80 a surrogate\n", ":21:3: ", "not valid UTF-8 text", id="encoded-surrogate"),
        pytest.param(b"\xc0\xaf" + GOOD.encode(), ":1:1: ", "not valid UTF-8 text", id="overlong-encoding"),
        pytest.param(GOOD.encode("utf-16"), ":1:1: ", "looks like UTF-16", id="utf-16"),
    ],
)
def test_bytes_that_are_not_utf8(tmp_path: Path, data: bytes, where: str, fragment: str) -> None:
    path = write(tmp_path, data)
    assert_one_error_line(invoke("topics", "--facts", str(path)), f"{path}{where}", fragment)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + GOOD.encode(), id="bom"),
        pytest.param(GOOD.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode(), id="bom-and-crlf"),
    ],
)
def test_bom_and_crlf_are_read(tmp_path: Path, data: bytes) -> None:
    result = invoke("search", "rains", "--facts", str(write(tmp_path, data)), "--fields", "id,text")
    assert result.exit_code == 0 and result.stdout == "climate.one\tIt rains.\n", result.output


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["crlf", "bom-and-crlf"])
def test_errors_in_a_crlf_store_have_the_right_line(tmp_path: Path, bom: bytes) -> None:
    text = GOOD.replace('topic = "climate"', 'topic = "weather"  # HERE')
    path = write(tmp_path, bom + text.replace("\n", "\r\n").encode())
    assert_one_error_line(invoke("topics", "--facts", str(path)), f"{path}:{marked_line(text)}: ", "unknown topic 'weather'")


def test_the_installed_script_reports_a_bad_store_the_same_way(tmp_path: Path) -> None:
    text = GOOD + monthly("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]  # HERE")
    path = write(tmp_path, text)
    for argv in (["climate"], ["search", "rain"], ["topics", "--json"], []):
        assert_one_error_line(installed(*argv, "--facts", str(path)), f"{path}:{marked_line(text)}: ", "has 11 values")
