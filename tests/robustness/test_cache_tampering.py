"""A cache database that someone else planted, damaged or locked is never read, and never makes a run hang or fail.

The control comes first: a forged database in the right place, of the right owner and mode, IS read, so each later
test shows that what it plants would have been used had the check it targets been missing.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from hamhung_cli import cache
from hamhung_cli.session import Session

from .conftest import clean_env, installed, run

FORGED = "FORGED TEXT FROM A TAMPERED CACHE"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", str(directory))
    return directory


def vinalon(store: Path) -> str:
    result = run("search", "vinalon", "--fields", "id,text", "--facts", str(store))
    assert result.exit_code == 0, result
    return result.stdout


def entry_of(store: Path) -> Path:
    path = cache.entry_path(Session(store).digest)
    assert path is not None
    return Path(path)


def forge(database: Path) -> None:
    """Rewrite the vinalon fact's text inside a real database, and the search's copy of it, keeping everything else valid."""
    with closing(sqlite3.connect(database)) as db:
        (record,) = db.execute("SELECT record FROM facts WHERE id = 'economy.vinalon'").fetchone()
        db.execute("UPDATE facts SET record = ? WHERE id = 'economy.vinalon'", (cache.fact_plain(cache.fact_record(record)._replace(text=FORGED)),))
        db.execute("UPDATE documents SET text = ? WHERE id = 'economy.vinalon'", (FORGED,))
        db.commit()


def planted(store: Path, tmp_path: Path) -> bytes:
    """A forged copy of the store's real database, as bytes to plant wherever a test likes."""
    vinalon(store)
    real = entry_of(store)
    copy = tmp_path / "forged.sqlite"
    copy.write_bytes(real.read_bytes())
    forge(copy)
    return copy.read_bytes()


def test_a_forged_database_would_show_if_it_were_used(store_copy: Path, cache_dir: Path, tmp_path: Path) -> None:
    real = vinalon(store_copy)
    entry = entry_of(store_copy)
    entry.write_bytes(planted(store_copy, tmp_path))
    assert FORGED in vinalon(store_copy) and FORGED not in real


def test_a_database_behind_a_symlink_is_not_read_and_the_link_is_left(store_copy: Path, cache_dir: Path, tmp_path: Path) -> None:
    real = vinalon(store_copy)
    entry = entry_of(store_copy)
    target = tmp_path / "elsewhere.sqlite"
    target.write_bytes(planted(store_copy, tmp_path))
    entry.unlink()
    entry.symlink_to(target)
    assert vinalon(store_copy) == real
    assert entry.is_symlink() and FORGED.encode() in target.read_bytes()


def test_a_cache_directory_that_is_a_symlink_is_not_used(store_copy: Path, cache_dir: Path, tmp_path: Path) -> None:
    real_dir = tmp_path / "real-cache"
    real_dir.mkdir(mode=0o700)
    cache_dir.symlink_to(real_dir)
    assert vinalon(store_copy) == vinalon(store_copy)
    assert list(real_dir.iterdir()) == [], "nothing written through a symlinked directory"


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602], ids=["world-writable", "group-writable", "other-writable"])
def test_a_database_others_may_write_is_not_read(store_copy: Path, cache_dir: Path, tmp_path: Path, mode: int) -> None:
    real = vinalon(store_copy)
    entry = entry_of(store_copy)
    entry.write_bytes(planted(store_copy, tmp_path))
    os.chmod(entry, mode)
    assert vinalon(store_copy) == real
    assert entry.stat().st_mode & 0o777 == 0o600, "replaced by one of ours"


def test_a_cache_directory_others_may_write_is_not_used(store_copy: Path, cache_dir: Path, tmp_path: Path) -> None:
    real = vinalon(store_copy)
    entry = entry_of(store_copy)
    entry.write_bytes(planted(store_copy, tmp_path))
    os.chmod(cache_dir, 0o777)
    assert vinalon(store_copy) == real
    assert FORGED.encode() in entry.read_bytes(), "not rewritten either: the directory is not trusted"


def test_a_database_owned_by_someone_else_is_not_read(store_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files cannot be given away without root, so this runs as 'another user' whose uid is not the owner's."""
    vinalon(store_copy)
    digest = Session(store_copy).digest
    assert cache.open_entry(digest) is not None
    monkeypatch.setattr(cache.os, "getuid", lambda: os.geteuid() + 1)
    assert cache.open_entry(digest) is None


def test_a_foreign_database_at_our_path_is_not_read(store_copy: Path, cache_dir: Path) -> None:
    real = vinalon(store_copy)
    entry = entry_of(store_copy)
    entry.unlink()
    with closing(sqlite3.connect(entry)) as db:
        db.execute("CREATE TABLE facts(id, topic, record)")
        db.execute("INSERT INTO facts VALUES ('economy.vinalon', 'economy', ?)", (FORGED.encode(),))
        db.commit()
    assert vinalon(store_copy) == real


@pytest.mark.parametrize("shape", ["short", "long", "not-marshal", "wrong-types"])
def test_records_of_another_shape_are_not_read(store_copy: Path, cache_dir: Path, shape: str) -> None:
    real = vinalon(store_copy)
    bad = {"short": marshal.dumps(("economy.vinalon", "economy", FORGED)), "long": marshal.dumps(tuple(range(40))), "not-marshal": b"\xff" * 9}
    bad["wrong-types"] = marshal.dumps((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13))
    with closing(sqlite3.connect(entry_of(store_copy))) as db:
        db.execute("UPDATE facts SET record = ?", (bad[shape],))
        db.execute("UPDATE store_tables SET record = ?", (bad[shape],))
        db.commit()
    assert vinalon(store_copy) == real
    assert run("economy", "--format", "tsv", "--facts", str(store_copy)).exit_code == 0


def test_a_locked_database_is_passed_over(store_copy: Path, cache_dir: Path) -> None:
    real = vinalon(store_copy)
    holder = sqlite3.connect(entry_of(store_copy), isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert vinalon(store_copy) == real
    finally:
        holder.close()


def test_a_fifo_or_a_huge_sparse_file_in_its_place_neither_hangs_nor_fails(store_copy: Path, tmp_path: Path) -> None:
    """In a process of its own, with a time limit: a FIFO must not be opened for a blocking read, a 3 GB file not read whole."""
    directory = tmp_path / "script-cache"
    env = clean_env(HAMHUNG_CACHE_DIR=str(directory))
    first = installed("search", "vinalon", "--facts", str(store_copy), env=env)
    assert first.returncode == 0
    (entry,) = directory.glob("*.sqlite")
    entry.unlink()
    os.mkfifo(entry, 0o600)
    fifo = installed("search", "vinalon", "--facts", str(store_copy), env=env)
    assert (fifo.returncode, fifo.stdout, fifo.stderr) == (0, first.stdout, "")
    entry.unlink()
    with open(entry, "wb") as sparse:
        sparse.truncate(3 * 1024**3)
    os.chmod(entry, 0o600)
    huge = installed("climate", "--facts", str(store_copy), env=env)
    assert huge.returncode == 0 and huge.stderr == "" and "Traceback" not in huge.stderr


def test_concurrent_first_runs_agree(store_copy: Path, cache_dir: Path) -> None:
    """Several runs writing the same database at once: each renames a whole file into place, none sees half of one."""
    outputs: list[str] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            outputs.append(Session(store_copy).store.facts["economy.vinalon"].text)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(outputs)) == 1
    assert len(list(cache_dir.glob("*.sqlite"))) == 1 and not list(cache_dir.glob(".*.tmp"))
