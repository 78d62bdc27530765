"""Loading and validating fact stores: the bundled one, and every kind of broken one."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamhung_cli.errors import StoreError
from hamhung_cli.store import MonthlyRow
from hamhung_cli.validation import load

GOOD_HEAD = """schema = 1
[store]
name = "Testville"

[[topic]]
id = "climate"
title = "Climate"

[[source]]
id = "s1"
title = "Doc"
publisher = "Pub"
document = "doc.txt"
part = "Part"
"""

GOOD_FACT = """
[[fact]]
id = "climate.one"
topic = "climate"
text = "It rains."
sources = ["s1"]
"""


def write(tmp_path: Path, text: str, name: str = "store.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(StoreError) as caught:
        load(path)
    return [str(p) for p in caught.value.problems]


def test_bundled_store_loads_and_is_complete(bundled: Path) -> None:
    store = load(bundled)
    assert len(store.topics) >= 14
    assert all(store.facts_in(t) or store.tables_in(t) for t in store.topics), "every topic has content"
    kma = store.tables["climate-kma"]
    assert kma.kind == "monthly" and len(kma.rows) == 7
    assert all(isinstance(r, MonthlyRow) and len(r.values) == 12 and r.year is not None for r in kma.rows)
    assert len(store.tables["districts"].rows) == 7
    for fact in store.facts.values():
        assert fact.all_citations(), f"{fact.id} has no source"


def test_good_store_loads(tmp_path: Path) -> None:
    store = load(write(tmp_path, GOOD_HEAD + GOOD_FACT))
    assert list(store.facts) == ["climate.one"]
    assert store.describe(store.facts["climate.one"].sources[0]) == "Pub, “Doc”, Part"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('\n[[fact]]\nid = "x"\ntopic = "climate"\ntext = "t"\nsources = ["s1"]\ncolour = "red"\n', 27, "unknown key 'colour'"),
        ('\n[[fact]]\nid = "x"\ntopic = "climate"\ntext = "t"\nsources = ["nope"]\n', 26, "unknown source 'nope'"),
        ('\n[[fact]]\nid = "x"\ntopic = "weather"\ntext = "t"\nsources = ["s1"]\n', 24, "unknown topic 'weather'"),
        ('\n[[fact]]\nid = "x"\ntopic = "climate"\ntext = "t"\n', 22, "has no 'sources'"),
        ('\n[[fact]]\nid = "x"\ntopic = "climate"\ntext = 5\nsources = ["s1"]\n', 25, "'text' in fact 'x' must be text, not an integer"),
        (GOOD_FACT, 23, "duplicate id 'climate.one'"),
        ('\n[[fact]]\nid = "Bad Id"\ntopic = "climate"\ntext = "t"\nsources = ["s1"]\n', 23, "id 'Bad Id'"),
        ('\n[[fact]]\nid = "x"\ntopic = "climate"\ntext = "t"\nsources = ["s1"]\nrelated = ["ghost"]\n', 22, "unknown id 'ghost'"),
        ('\n[[fact]]\nid = "x"\ntopic = "climate"\ntext = "t"\nsources = ["s1"]\nvalue = nan\n', 27, "finite number"),
        (
            '\n[[table]]\nid = "t"\ntopic = "climate"\ntitle = "T"\nkind = "monthly"\nsources = ["s1"]\n[[table.row]]\nid = "r"\nlabel = "L"\nunit = "mm"\nvalues = [1,2,3,4,5,6,7,8,9,10,11]\n',
            32,
            "has 11 values; a monthly row needs exactly 12",
        ),
        (
            '\n[[table]]\nid = "t"\ntopic = "climate"\ntitle = "T"\nkind = "records"\nsources = ["s1"]\ncolumns = [{ key = "name", title = "Name" }]\n[[table.row]]\nid = "r"\nsize = 3\n',
            31,
            "unknown key 'size'",
        ),
    ],
)
def test_each_problem_is_reported_with_its_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = write(tmp_path, GOOD_HEAD + GOOD_FACT + body)
    found = problems(path)
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in found), found


def test_an_entry_without_an_id_is_named_by_where_it_is_not_as_none(tmp_path: Path) -> None:
    body = '\n[[table]]\nid = "t"\ntopic = "climate"\ntitle = "T"\nkind = "monthly"\nsources = ["s1"]\n[[table.row]]\nunit = "mm"\nvalues = [1,2,3,4,5,6,7,8,9,10,11,12]\n'
    found = problems(write(tmp_path, GOOD_HEAD + GOOD_FACT + '\n[[fact]]\ntopic = "climate"\nsources = ["s1"]\n' + body))
    assert any("[[fact]] is missing 'text'" in p for p in found) and any("a row of table 't' is missing 'label'" in p for p in found), found
    assert not any("None" in p for p in found), found


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    body = '\n[[fact]]\nid = "a"\ntopic = "nowhere"\ntext = "t"\nsources = ["s1"]\n\n[[fact]]\nid = "b"\ntopic = "climate"\ntext = "t"\nsources = ["missing"]\n'
    found = problems(write(tmp_path, GOOD_HEAD + body))
    assert len(found) == 2
    assert "unknown topic 'nowhere'" in found[0] and "unknown source 'missing'" in found[1]


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_HEAD + '\n[[fact]]\nid = "x\n')
    (found,) = problems(path)
    assert found.startswith(f"{path}:17:") and "invalid TOML" in found


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: None, "no such file"),
        (lambda p: p.write_bytes(b'schema = 1\n[store]\nname = "\xff"\n'), "3:9: not valid UTF-8"),
    ],
)
def test_unreadable_stores(tmp_path: Path, setup, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.toml"
    setup(path)
    (found,) = problems(path)
    assert message in found


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "crlf.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (GOOD_HEAD + GOOD_FACT).replace("\n", "\r\n").encode())
    assert "climate.one" in load(path).facts


def test_empty_file_is_refused(tmp_path: Path) -> None:
    (found,) = problems(write(tmp_path, "# nothing yet\n"))
    assert "the store is empty" in found
