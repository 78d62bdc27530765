"""The SQLite cache of the parsed store and its index: used when valid, ignored and rebuilt when not."""

from __future__ import annotations

import io
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli import cache
from hamhung_cli.cli import app
from hamhung_cli.session import Session
from hamhung_cli.validation import load


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "hamhung"


def invoke(store: Path, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--facts", str(store)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.stdout


def databases(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.sqlite")) if directory.is_dir() else []


def test_first_run_writes_the_cache_and_the_next_one_reads_it(store_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = invoke(store_copy, "search", "vinalon", "--fields", "id,text")
    assert len(databases(cache_home)) == 1
    monkeypatch.setattr("hamhung_cli.validation.Validator.build", lambda *a: pytest.fail("parsed again despite a valid cache"))
    monkeypatch.setattr("hamhung_cli.index.write_index", lambda *a: pytest.fail("index rebuilt despite a valid cache"))
    assert invoke(store_copy, "search", "vinalon", "--fields", "id,text") == first
    assert invoke(store_copy, "economy", "--only", "facts", "--format", "tsv")


def test_the_cached_store_equals_the_store_read_from_its_file(bundled: Path, cache_home: Path) -> None:
    Session(bundled).store  # noqa: B018 - writes the database
    database = cache.open_entry(Session(bundled).digest)
    assert database is not None
    fresh = load(bundled)
    cached = cache.cached_store(database, str(bundled), lambda: pytest.fail("read from the file"))
    assert isinstance(cached.facts, cache.CachedFacts)
    assert cached._replace(facts={}) == fresh._replace(facts={})
    assert list(cached.facts.items()) == list(fresh.facts.items())
    assert [f.id for f in cached.facts_in("climate")] == [f.id for f in fresh.facts_in("climate")]
    assert cached.fact_count("economy") == fresh.fact_count("economy") and len(cached.facts) == len(fresh.facts)
    assert "economy.vinalon" in cached.facts and "no.such" not in cached.facts
    with pytest.raises(KeyError):
        cached.facts["no.such"]


def test_an_edit_is_seen_whatever_the_file_times_say(store_copy: Path, cache_home: Path) -> None:
    """The database is named by the hash of the bytes read, so an edit of the same size with the old times restored shows."""
    before = invoke(store_copy, "search", "vinalon", "--fields", "text")
    info = store_copy.stat()
    text = store_copy.read_text(encoding="utf-8")
    assert "above all vinalon" in text
    store_copy.write_text(text.replace("above all vinalon", "above all VINALON"), encoding="utf-8")
    os.utime(store_copy, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = invoke(store_copy, "search", "vinalon", "--fields", "text")
    assert "VINALON" in after and after != before
    assert len(databases(cache_home)) == 2


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_a_damaged_database_is_ignored_and_rebuilt(store_copy: Path, cache_home: Path, damage: str) -> None:
    expected = invoke(store_copy, "search", "vinalon")
    (entry,) = databases(cache_home)
    data = entry.read_bytes()
    entry.write_bytes({"truncate": data[: len(data) // 3], "garbage": os.urandom(len(data)), "empty": b""}[damage])
    assert invoke(store_copy, "search", "vinalon") == expected
    assert invoke(store_copy, "economy", "--format", "tsv") == invoke(store_copy, "economy", "--format", "tsv")
    Session(store_copy).store  # noqa: B018 - the next run rewrites it
    assert cache.open_entry(Session(store_copy).digest) is not None


def test_a_database_damaged_during_a_run_still_gives_the_whole_answer(store_copy: Path, cache_home: Path) -> None:
    expected = invoke(store_copy, "economy", "--only", "facts", "--format", "tsv")
    session = Session(store_copy)
    store = session.store
    with closing(sqlite3.connect(databases(cache_home)[0])) as db:
        db.execute("DROP TABLE facts")
        db.commit()
    from hamhung_cli.views import facts_listing

    assert [f.id for f in store.facts_in("economy")] == [f.id for f in load(store_copy).facts_in("economy")]
    assert facts_listing(store, store.facts_in("economy"), "Economy", False).rows
    assert expected


@pytest.mark.parametrize("setting", ["off", "read-only", "a file"])
def test_no_usable_cache_directory_means_no_cache(store_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    target = tmp_path / "cachedir"
    if setting == "read-only":
        target.mkdir(mode=0o500)
    elif setting == "a file":
        target.write_text("not a directory")
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", "" if setting == "off" else str(target))
    assert "economy.vinalon" in invoke(store_copy, "search", "vinalon", "--fields", "id")
    if setting == "read-only" and os.geteuid() != 0:
        assert databases(target) == []


def test_only_the_most_recently_written_databases_are_kept(store_copy: Path, cache_home: Path) -> None:
    text = store_copy.read_text(encoding="utf-8")
    for edit in range(cache.KEEP_ENTRIES + 3):
        store_copy.write_text(text + f"\n# edit {edit}\n", encoding="utf-8")
        invoke(store_copy, "topics")
        time.sleep(0.01)
    assert len(databases(cache_home)) == cache.KEEP_ENTRIES
    assert cache.open_entry(Session(store_copy).digest) is not None, "the newest one stays"


def test_temporary_files_left_by_killed_runs_are_removed(store_copy: Path, cache_home: Path) -> None:
    invoke(store_copy, "topics")
    old, new = cache_home / ".x.sqlite.1-1.tmp", cache_home / ".x.sqlite.2-2.tmp"
    old.write_bytes(b"partial")
    new.write_bytes(b"being written")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    store_copy.write_text(store_copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    invoke(store_copy, "topics")
    assert not old.exists() and new.exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_a_large_first_run_says_what_it_is_doing_on_a_terminal_only(
    store_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    from hamhung_cli import commands, session
    from hamhung_cli.options import Options

    monkeypatch.setattr(session, "ANNOUNCE_BYTES", 0)  # the bundled store stands in for a large one
    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    assert commands.run("topics", [], Options(facts=str(store_copy), format="plain")) == 0
    shown = stderr.getvalue()
    assert ("Reading" in shown and "Indexing the facts for search" in shown) is terminal, shown
    assert terminal or shown == ""
