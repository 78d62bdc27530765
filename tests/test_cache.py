"""The cache of the parsed store and search index: used when valid, ignored and rebuilt when not, never trusted blindly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli import cache
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


def test_first_run_writes_the_cache_and_the_next_one_reads_it(store_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = search_first(store_copy, "vinalon")
    assert len(entries(cache_home)) == 2, "store and index cached"
    monkeypatch.setattr("hamhung_cli.store.Validator.build", lambda *a: pytest.fail("parsed again despite a valid cache"))
    monkeypatch.setattr("hamhung_cli.search.build_index", lambda *a: pytest.fail("index rebuilt despite a valid cache"))
    assert search_first(store_copy, "vinalon") == first


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
    assert search_first(store_copy, "humidity august") == expected
    assert all(cache.read(e.name.split("-")[0] + "0" * 32, "x", object) is None for e in entries(cache_home))


def test_tampered_payload_with_a_matching_checksum_cannot_smuggle_types(store_copy: Path, cache_home: Path) -> None:
    import hashlib
    import marshal

    session = Session(store_copy)
    entry = cache.entry_path(session.digest, "store")
    assert entry is not None
    path = Path(entry)
    payload = marshal.dumps(["\x00record", "Popen", [["rm", "-rf", "/"]]])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cache.MAGIC + hashlib.sha256(payload).digest() + payload)
    os.chmod(path, 0o600)
    assert Session(store_copy).store.facts, "rebuilt from the TOML instead"


def test_symlinked_or_world_writable_cache_is_not_used(store_copy: Path, cache_home: Path, tmp_path: Path) -> None:
    search_first(store_copy, "vinalon")
    (store_entry,) = [e for e in entries(cache_home) if "-store-" in e.name]
    digest = Session(store_copy).digest
    assert cache.read(digest, "store", object) is not None
    os.chmod(store_entry, 0o666)
    assert cache.read(digest, "store", object) is None
    os.chmod(store_entry, 0o600)
    elsewhere = tmp_path / "elsewhere.bin"
    store_entry.rename(elsewhere)
    store_entry.symlink_to(elsewhere)
    assert cache.read(digest, "store", object) is None
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
    warm = Session(store_copy)
    assert warm.store == built_store
    assert warm.index == built_index
