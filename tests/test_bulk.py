"""bulk.py: a store's cache entry built piece by piece gives the same store as reading it whole, or is not written at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli import bulk, cache, session
from hamhung_cli.cli import app
from hamhung_cli.session import Session
from hamhung_cli.store import Store, load

REPO = Path(__file__).parent.parent
HEAD = """\
schema = 1
[store]
name = "Testville"
aliases = ["Test town"]

[[topic]]
id = "climate"
title = "Climate"

[[topic]]
id = "history"
title = "History"

[[source]]
id = "s1"
title = "Doc"
publisher = "Pub"
document = "doc.txt"
part = "Part"
"""


def fact(number: int, topic: str = "climate", extra: str = "") -> str:
    return f'\n[[fact]]\nid = "{topic}.f{number}"\ntopic = "{topic}"\ntext = "Fact number {number}, with Hangul 함흥 and 🌧."\nsources = ["s1"]\n{extra}'


TABLE = """
[[table]]
id = "normals"
topic = "climate"
title = "Normals"
kind = "records"
sources = ["s1"]
columns = [{ key = "mm", title = "Rain", unit = "mm" }]

[[table.row]]
id = "jan"
mm = 12.3
"""

CLAIMS = """
[[fact.claim]]
text = "One says 1."
sources = ["s1"]
value = 1

[[fact.claim]]
text = "Another says 2."
sources = ["s1"]
value = 2
"""


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few facts, so a test store of a dozen facts is read in several."""
    monkeypatch.setattr(bulk, "BATCH_BYTES", 300)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", str(tmp_path / "cache"))
    session._LOADED.clear()
    return tmp_path / "cache"


def built_in_pieces(path: Path) -> Store | None:
    """The store as the entry bulk.py writes gives it back, or None if bulk.py gave up."""
    data = path.read_bytes()
    digest = cache.content_digest(data)
    if not bulk.write_store_entry(data, str(path), digest):
        return None
    sections = cache.Sections(digest, "store", lambda: pytest.fail("the entry did not read back"), cache.StoreSections())
    assert sections.from_cache
    return cache.sectioned_store(sections)


def assert_same_store(pieces: Store | None, whole: Store) -> None:
    assert pieces is not None, "bulk.py gave up on a valid store"
    assert pieces[:5] == whole[:5]
    assert pieces.sources == whole.sources and pieces.topics == whole.topics and pieces.tables == whole.tables
    assert list(pieces.facts.values()) == list(whole.facts.values())  # every field, the line of each fact included
    for topic in whole.topics:
        assert pieces.facts_in(topic) == whole.facts_in(topic)


def test_the_bundled_store_built_in_pieces_is_the_store_read_whole(cache_home: Path) -> None:
    path = REPO / "facts.toml"
    assert_same_store(built_in_pieces(path), load(path))


LAYOUTS = {
    "facts then a table": HEAD + "".join(fact(n) for n in range(12)) + TABLE,
    "tables between facts": HEAD + fact(1) + TABLE.replace("normals", "t1") + fact(2, "history") + fact(3) + TABLE.replace("normals", "t2") + fact(4),
    "facts before the sources and topics": 'schema = 1\n[store]\nname = "X"\n' + "".join(fact(n, "history") for n in range(8)) + HEAD.split("\n", 4)[4],
    "claims, related, names and notes": HEAD
    + fact(1, extra='related = ["climate.f2"]\nnames = { hangul = "비" }\naliases = ["rain"]\nnote = "A note."\n')
    + fact(2, extra='severity = "high"\n' + CLAIMS)
    + fact(3),
    "a byte order mark and CRLF line ends": "\ufeff" + (HEAD + "".join(fact(n) for n in range(6))).replace("\n", "\r\n"),
    "indented headers with comments": HEAD + "".join(fact(n).replace("[[fact]]", "  [[ fact ]]  # the fact") for n in range(6)),
    "a header-like line inside a multi-line string": HEAD
    + fact(1)
    + '\n[[fact]]\nid = "climate.long"\ntopic = "climate"\ntext = """Line one\n[[fact]]\nstill the text"""\nsources = ["s1"]\n'
    + fact(2),
    "a header-like line inside an array": HEAD
    + fact(1)
    + '\n[[fact]]\nid = "climate.list"\ntopic = "climate"\ntext = "T"\nsources = [\n"s1",\n]\naliases = [\n"a",\n]\n'
    + fact(2),
    "a header on the first line, after a byte order mark": "\ufeff" + HEAD.split("\n", 1)[1] + "".join(fact(n) for n in range(4)),
    "a fact on the first line": fact(0).lstrip("\n") + HEAD.split("\n", 1)[1] + fact(1, "history"),
    "two topics interleaved over many sections": HEAD + "".join(fact(n, ("climate", "history")[n % 3 == 0]) for n in range(700)),
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_a_store_built_in_pieces_is_the_store_read_whole(layout: str, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "FACT_CHUNK", 16)  # several sections per topic, filled in turns
    path = tmp_path / "store.toml"
    path.write_bytes(LAYOUTS[layout].encode("utf-8"))
    whole = load(path)
    assert_same_store(built_in_pieces(path), whole)  # a cut inside the multi-line string falls inside a batch here


def test_a_cut_inside_a_multi_line_string_makes_bulk_give_up(tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every piece a batch of its own, the piece cut inside the string does not parse: the run reads the store whole."""
    monkeypatch.setattr(bulk, "BATCH_BYTES", 1)
    path = tmp_path / "store.toml"
    path.write_text(LAYOUTS["a header-like line inside a multi-line string"], encoding="utf-8")
    whole = load(path)
    assert "[[fact]]\nstill the text" in whole.facts["climate.long"].text
    assert built_in_pieces(path) is None
    assert list(Session(path).store.facts.values()) == list(whole.facts.values())


BROKEN = {
    "a duplicate id in another batch": (HEAD + fact(1) + "".join(fact(n) for n in range(2, 9)) + fact(1), "duplicate id 'climate.f1'"),
    "an unknown source": (HEAD + "".join(fact(n) for n in range(6)) + fact(9).replace('["s1"]', '["s2"]'), "unknown source 's2'"),
    "an unknown related id": (HEAD + fact(1, extra='related = ["climate.nope"]\n') + fact(2), "related to unknown id 'climate.nope'"),
    "the store declared twice": (HEAD + fact(1) + "\n[store]\nname = 'Again'\n", "invalid TOML"),
    "invalid TOML in a later batch": (HEAD + "".join(fact(n) for n in range(6)) + '\n[[fact]]\nid = "climate.bad\n', "invalid TOML"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_store_with_a_problem_is_left_to_the_whole_read_which_reports_it(case: str, tmp_path: Path, cache_home: Path) -> None:
    text, message = BROKEN[case]
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    assert built_in_pieces(path) is None
    assert not cache_home.exists() or not any(cache_home.iterdir()), "nothing written, not even a temporary file"
    result = CliRunner().invoke(app, ["check", "--facts", str(path)])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_invalid_utf8_in_a_fact_is_left_to_the_whole_read(tmp_path: Path, cache_home: Path) -> None:
    data = HEAD.encode() + "".join(fact(n) for n in range(6)).encode() + b'\n[[fact]]\nid = "climate.x"\ntext = "\xff"\n'
    path = tmp_path / "store.toml"
    path.write_bytes(data)
    assert built_in_pieces(path) is None
    result = CliRunner().invoke(app, ["check", "--facts", str(path)])
    line = data[: data.index(b"\xff")].count(b"\n") + 1
    assert result.exit_code == 2 and f"{path}:{line}:" in result.output and "not valid UTF-8" in result.output


def test_a_piece_that_reaches_into_another_is_left_to_the_whole_read(tmp_path: Path, cache_home: Path) -> None:
    """[[fact.claim]] after a [[table]] adds claims to the last fact: valid TOML that only the whole read sees right."""
    path = tmp_path / "store.toml"
    path.write_text(HEAD + fact(1) + TABLE + CLAIMS, encoding="utf-8")
    assert built_in_pieces(path) is None
    whole = load(path)
    assert len(whole.facts["climate.f1"].claims) == 2
    assert Session(path).store.facts["climate.f1"] == whole.facts["climate.f1"]


def test_a_problem_is_reported_at_its_line_in_the_file(tmp_path: Path, cache_home: Path) -> None:
    text = HEAD + "".join(fact(n) for n in range(8)) + fact(3)  # the duplicate is the ninth fact
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--facts", str(path)])
    lines = text.splitlines()
    line = len(lines) - lines[::-1].index('id = "climate.f3"')  # the second one's `id =` line
    assert result.exit_code == 2 and f"{path}:{line}: duplicate id 'climate.f3'" in result.output


def test_a_run_builds_the_entry_in_pieces_and_never_holds_the_whole_store(tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store.toml"
    path.write_text(HEAD + "".join(fact(n, ("climate", "history")[n % 2]) for n in range(40)), encoding="utf-8")
    expected = load(path)
    monkeypatch.setattr("hamhung_cli.store.Validator.build", lambda *a: pytest.fail("the store was read whole"))
    result = CliRunner().invoke(app, ["history", "--facts", str(path), "--only", "facts", "--fields", "id,text"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{f.id}\t{f.text}" for f in expected.facts_in("history")]
    assert not [p for p in cache_home.iterdir() if p.name.startswith(".tmp-")], "the temporary file is gone"


def test_without_a_usable_cache_directory_the_store_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", str(blocked / "cache"))
    session._LOADED.clear()
    path = tmp_path / "store.toml"
    path.write_text(HEAD + "".join(fact(n) for n in range(5)), encoding="utf-8")
    assert [f.id for f in Session(path).store.facts_in("climate")] == [f"climate.f{n}" for n in range(5)]


def test_an_index_built_a_section_at_a_time_ranks_exactly_as_before(tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index numbers a cached store's documents section by section, not in the store's order: equal scores must
    still come by kind, then id, and every score must be the same as from the store read whole."""
    from hamhung_cli.indexing import index_store
    from hamhung_cli.search import search

    monkeypatch.setattr(cache, "FACT_CHUNK", 4)
    monkeypatch.setattr("hamhung_cli.search.DOC_CHUNK", 8)
    # Identical texts in both topics, ids out of order: many equal scores, and the sections' order is not the ids'.
    facts = "".join(fact(n, ("history", "climate")[n % 2]).replace(f"number {n},", "number x,") for n in (7, 3, 12, 0, 9, 5, 11, 2, 8, 1, 10, 4, 6))
    path = tmp_path / "store.toml"
    path.write_text(HEAD + facts + TABLE, encoding="utf-8")
    whole = index_store(load(path))
    in_sections = Session(path).index
    assert in_sections.section("docs:0") != whole.section("docs:0"), "numbered in another order"
    for query in ("fact number", "hangul", "number x", "normals", "f7", "f12 number", "함흥"):
        expected = [(r.document.id, r.score) for r in search(whole, query, limit=50)]
        assert expected and [(r.document.id, r.score) for r in search(in_sections, query, limit=50)] == expected, query
