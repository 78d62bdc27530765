"""The cache of the parsed store and search index: used when valid, ignored and rebuilt when not, never trusted blindly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli import cache, session
from hamhung_cli.cli import app
from hamhung_cli.session import Session


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "hamhung"


def search_first(store: Path, query: str) -> str:
    result = CliRunner().invoke(app, ["search", *query.split(), "--facts", str(store), "--fields", "id,text"])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def entries(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".bin")


def kinds(directory: Path) -> set[str]:
    return {p.name.split("-")[1] for p in entries(directory)}


def usable(digest: str, kind: str) -> bool:
    """The entry opens and every section in it passes its checksum and its shape check."""
    from hamhung_cli.search import check_section

    return cache.read_sections(digest, kind, cache.StoreSections() if kind == "store" else check_section) is not None


def test_first_run_writes_the_cache_and_the_next_one_reads_it(store_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = search_first(store_copy, "vinalon")
    assert {"store", "index"} <= kinds(cache_home), "store and index cached"
    monkeypatch.setattr("hamhung_cli.store.Validator.build", lambda *a: pytest.fail("parsed again despite a valid cache"))
    monkeypatch.setattr("hamhung_cli.bulk.write_store_entry", lambda *a: pytest.fail("store written again despite a valid cache"))
    monkeypatch.setattr("hamhung_cli.indexing.lay_out_index", lambda *a: pytest.fail("index rebuilt despite a valid cache"))
    assert search_first(store_copy, "vinalon") == first


def test_a_warm_run_reads_only_the_sections_it_needs(store_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    search_first(store_copy, "vinalon")
    read: list[str] = []
    load = cache._Entry.load
    monkeypatch.setattr(cache._Entry, "load", lambda self, name: read.append(name) or load(self, name))
    session._LOADED.clear()
    result = CliRunner().invoke(app, ["economy", "--only", "facts", "--format", "tsv", "--facts", str(store_copy)])
    assert result.exit_code == 0 and "economy.vinalon" in result.stdout
    assert read[0] == "meta" and read[1:] and all(name.startswith("facts:") for name in read[1:]), read
    topics_read = {Session(store_copy).store.facts[f.id].topic for f in Session(store_copy).store.facts_in("economy")}
    assert topics_read == {"economy"}


def test_editing_the_store_is_seen_on_the_next_run(store_copy: Path, cache_home: Path) -> None:
    assert "economy.vinalon" in search_first(store_copy, "vinalon")
    store_copy.write_text(store_copy.read_text(encoding="utf-8").replace("above all vinalon", "above all polyester"), encoding="utf-8")
    assert "polyester" in search_first(store_copy, "polyester")
    assert "above all vinalon" not in search_first(store_copy, "vinalon")


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # truncated
        lambda p: p.write_bytes(p.read_bytes()[:-10] + b"\x00" * 10),  # corrupted
        lambda p: p.write_bytes(b"not a cache at all"),  # foreign
        lambda p: p.write_bytes(b""),  # empty
    ],
)
def test_damaged_cache_is_ignored_and_rebuilt(store_copy: Path, cache_home: Path, damage) -> None:  # type: ignore[no-untyped-def]
    expected = search_first(store_copy, "humidity august")
    for entry in entries(cache_home):
        damage(entry)
    session._LOADED.clear()  # as a new process would: nothing loaded yet
    assert search_first(store_copy, "humidity august") == expected
    digest = Session(store_copy).digest
    assert usable(digest, "store") and usable(digest, "index"), "rewritten whole"


def test_reading_a_section_neither_uses_nor_moves_the_file_offset(store_copy: Path, cache_home: Path) -> None:
    """A forked child indexing half of a large store (parallel.py) shares the entry's open file, and so its offset:
    a seek then a read in each process would read each other's bytes, fail the checksum and rebuild the store."""
    Session(store_copy).store  # noqa: B018 - writes the store's entry
    entry = cache._open(cache.entry_path(Session(store_copy).digest, "store"))
    assert entry is not None
    descriptor = entry._handle.fileno()
    try:
        for name in entry.names():
            os.lseek(descriptor, 7, os.SEEK_SET)  # where the other process left it
            entry.load(name)
            assert os.lseek(descriptor, 0, os.SEEK_CUR) == 7, name
    finally:
        entry.close()


def test_a_section_damaged_after_the_run_began_is_rebuilt_then(store_copy: Path, cache_home: Path) -> None:
    """The table of contents is read first and the sections later: a section that fails its check then still gives the right answer."""
    expected = search_first(store_copy, "vinalon")
    session._LOADED.clear()
    warm = Session(store_copy)
    facts = warm.store.facts  # the table of contents and meta are read now, the facts not yet
    (entry,) = [e for e in entries(cache_home) if "-store-" in e.name]
    opened = cache._open(str(entry))
    assert opened is not None
    offset, length, _ = opened._toc["facts:0"]
    start = opened._start + offset
    opened.close()
    blob = entry.read_bytes()
    entry.write_bytes(blob[:start] + bytes(length) + blob[start + length :])  # the first facts section zeroed
    assert [f.id for f in facts.values()] == [f.id for f in Session(store_copy)._validated.facts.values()]
    assert facts["economy.vinalon"] == Session(store_copy)._validated.facts["economy.vinalon"]
    assert usable(warm.digest, "store"), "and the entry was rewritten"
    assert search_first(store_copy, "vinalon") == expected


def test_tampered_payload_with_a_matching_checksum_cannot_smuggle_types(store_copy: Path, cache_home: Path) -> None:
    import marshal

    current = Session(store_copy)
    entry = cache.entry_path(current.digest, "store")
    assert entry is not None
    path = Path(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cache.seal_sections({"meta": marshal.dumps(["\x00record", "Popen", [["rm", "-rf", "/"]]])}))
    os.chmod(path, 0o600)
    session._LOADED.clear()
    assert Session(store_copy).store.facts == current._validated.facts, "rebuilt from the TOML instead"


def test_symlinked_or_world_writable_cache_is_not_used(store_copy: Path, cache_home: Path, tmp_path: Path) -> None:
    search_first(store_copy, "vinalon")
    (store_entry,) = [e for e in entries(cache_home) if "-store-" in e.name]
    digest = Session(store_copy).digest
    assert usable(digest, "store")
    os.chmod(store_entry, 0o666)
    assert not usable(digest, "store")
    os.chmod(store_entry, 0o600)
    elsewhere = tmp_path / "elsewhere.bin"
    store_entry.rename(elsewhere)
    store_entry.symlink_to(elsewhere)
    assert not usable(digest, "store")
    assert "economy.vinalon" in search_first(store_copy, "vinalon")


def test_unwritable_or_missing_cache_dir_means_no_cache(store_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert "economy.vinalon" in search_first(store_copy, "vinalon")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)
    assert cache.cache_dir() is None
    assert "economy.vinalon" in search_first(store_copy, "vinalon")
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", "")
    assert cache.cache_dir() is None


def test_cached_store_and_index_equal_fresh_ones(store_copy: Path, cache_home: Path) -> None:
    fresh = Session(store_copy)
    built_store, built_index = fresh.store, fresh.index
    session._LOADED.clear()
    warm = Session(store_copy)
    assert isinstance(warm.store.facts, cache.SectionedFacts), "read from the cache"
    assert warm.store == built_store
    assert list(warm.store.facts) == list(built_store.facts), "in the store's order"
    assert all(warm.store.facts_in(t) == built_store.facts_in(t) for t in built_store.topics)
    assert warm.index == built_index


def test_a_stamped_store_edited_in_place_is_seen(store_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once stamped, the store is not read while its identity holds; an edit of the same size, with the old
    modification time put back, still changes its change time, so the next run sees it."""
    monkeypatch.setattr(session, "RACY_NS", -1)  # stamp even a store written a moment ago
    assert "economy.vinalon" in search_first(store_copy, "vinalon")
    assert "stamp" in kinds(cache_home)
    reader = Session.__dict__["_data"]
    monkeypatch.setattr(Session, "_data", property(lambda self: pytest.fail("read despite a valid stamp")))
    session._LOADED.clear()
    assert "economy.vinalon" in search_first(store_copy, "vinalon")
    monkeypatch.setattr(Session, "_data", reader)
    before = store_copy.stat()
    text = store_copy.read_text(encoding="utf-8")
    store_copy.write_text(text.replace("above all vinalon", "above all polymer"), encoding="utf-8")
    os.utime(store_copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert store_copy.stat().st_size == before.st_size and store_copy.stat().st_mtime_ns == before.st_mtime_ns
    session._LOADED.clear()
    assert "polymer" in search_first(store_copy, "polymer")


def test_only_the_most_recently_used_entries_are_kept(store_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each version of a store leaves its own store and index entries; the oldest go, the ones in use stay."""
    monkeypatch.setitem(cache.KEEP_ENTRIES, "store", 2)
    monkeypatch.setitem(cache.KEEP_ENTRIES, "index", 2)
    text = store_copy.read_text(encoding="utf-8")
    versions = []
    for n in range(4):
        path = store_copy.with_name(f"v{n}.toml")
        path.write_text(text.replace("above all vinalon", f"above all vinalon, version {n}"), encoding="utf-8")
        versions.append(path)
    first = search_first(versions[0], "vinalon")
    search_first(versions[1], "vinalon")
    for entry in entries(cache_home):  # v0's entries the oldest by far: only being used again can keep them
        if Session(versions[0]).digest[:32] in entry.name:
            os.utime(entry, ns=(1, 1))
    session._LOADED.clear()
    assert search_first(versions[0], "vinalon") == first  # v0 used again: now the most recent
    search_first(versions[2], "vinalon")  # a third version: the least recently used (v1) goes
    names = {p.name.split("-")[0] for p in entries(cache_home) if p.name.split("-")[1] in ("store", "index")}
    digests = [Session(v).digest[:32] for v in versions[:3]]
    assert names == {digests[0], digests[2]}
    assert sum(p.name.split("-")[1] == "index" for p in entries(cache_home)) == 2


def test_temporary_files_left_by_killed_runs_are_removed(store_copy: Path, cache_home: Path) -> None:
    """A run killed while writing (a large store's entry takes seconds) leaves its temporary file: the next write
    removes it once it is an hour old, and leaves one another run may still be writing."""
    search_first(store_copy, "vinalon")
    stale, fresh = cache_home / ".tmp-1-2-abcd.bin", cache_home / ".tmp-3-4-ef01.bin"
    for path in (stale, fresh):
        path.write_bytes(b"half an entry")
    os.utime(stale, ns=(1, 1))
    session._LOADED.clear()
    store_copy.write_text(store_copy.read_text(encoding="utf-8").replace("above all vinalon", "above all nylon"), encoding="utf-8")
    assert "nylon" in search_first(store_copy, "nylon")  # writes new entries
    assert not stale.exists() and fresh.exists()
