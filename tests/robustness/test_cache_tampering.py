"""Cache entries that are not what this version wrote: detected, ignored, rebuilt, never executed, never a crash.

Complements tests/test_cache.py (truncated, corrupted, foreign and empty files; a forged record type;
a symlinked or world-writable entry refused by cache.read). Here each tampered entry carries a
*valid* checksum and a *different* store, so if it were used the output would show it.
"""

from __future__ import annotations

import marshal
import os
import pickle
import sys
from array import array
from pathlib import Path
from typing import Any

import pytest

from hamhung_cli import cache, session, store
from hamhung_cli.session import Session

from ..conftest import clean_env
from .conftest import cache_entries, installed, invoke

FORGED = "FORGED TEXT FROM A TAMPERED CACHE"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", str(directory))
    return directory


def vinalon(store_path: Path) -> str:
    session._LOADED.clear()  # as a new process would: nothing loaded yet
    result = invoke("fact", "economy.vinalon", "--fields", "text", "--facts", str(store_path))
    assert result.exit_code == 0 and "Traceback" not in result.stderr, result.output
    return result.stdout


def sealed(payload: bytes) -> bytes:
    """A payload framed as a single-payload entry (the stamp, the replayed --help) is: magic, checksum, payload."""
    return cache.MAGIC + cache.checksum(payload) + payload


def sealed_sections(payload: bytes, kind: str = "store") -> bytes:
    """A payload as the first section a run reads, with valid checksums: so only the content can give it away."""
    return cache.seal_sections({"meta" if kind == "store" else "core": payload})


def encoded(value: store.Store, version: int = marshal.version) -> bytes:
    """A whole store entry as this version writes it (or in another marshal version)."""
    return cache.seal_sections({name: marshal.dumps(plain, version) for name, plain in cache.store_sections(value).items()})


def cached_store(digest: str) -> store.Store | None:
    sections = cache.read_sections(digest, "store", cache.StoreSections())
    return None if sections is None else cache.sectioned_store(sections.__getitem__)


def forged_store(store_path: Path) -> store.Store:
    real = Session(store_path).store
    facts = dict(real.facts)
    facts["economy.vinalon"] = facts["economy.vinalon"]._replace(text=FORGED)
    return real._replace(facts=facts)


def plant(path: Path, blob: bytes, mode: int = 0o600) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(blob)
    os.chmod(path, mode)


def store_entry(store_path: Path) -> Path:
    path = cache.entry_path(Session(store_path).digest, "store")
    assert path is not None
    return Path(path)


def assert_rebuilt(store_path: Path, entry: Path) -> None:
    """The entry now holds what this version writes: a regular file of ours, mode 0600, that decodes to the real store."""
    assert entry.is_file() and not entry.is_symlink()
    assert entry.stat().st_mode & 0o777 == 0o600
    assert cached_store(Session(store_path).digest) == Session(store_path)._validated


def test_a_forged_entry_would_show_if_it_were_used(store_copy: Path, cache_dir: Path) -> None:
    """The control for every test below: a well-formed forged entry in the right place, with the right mode, is read."""
    real = vinalon(store_copy)
    entry = store_entry(store_copy)
    plant(entry, encoded(forged_store(store_copy)))
    assert FORGED in vinalon(store_copy) and FORGED not in real


def test_an_entry_from_another_python_version_is_never_read(store_copy: Path, cache_dir: Path) -> None:
    real = vinalon(store_copy)
    entry = store_entry(store_copy)
    other = entry.with_name(entry.name.replace(f"-{sys.version_info.major}.{sys.version_info.minor}-", "-3.99-"))
    assert other != entry
    forged = encoded(forged_store(store_copy))
    plant(other, forged)
    entry.unlink()
    assert vinalon(store_copy) == real
    assert other.read_bytes() == forged, "left alone: it belongs to the other Python"
    assert_rebuilt(store_copy, entry)


def test_an_entry_in_another_marshal_version_at_our_path_is_decoded_or_refused(store_copy: Path, cache_dir: Path) -> None:
    """marshal format 2 (Python 2.5 era) has no frozensets or interned refs: whatever it decodes to must still be the real store."""
    real = vinalon(store_copy)
    entry = store_entry(store_copy)
    plant(entry, encoded(Session(store_copy)._validated, 2))
    assert vinalon(store_copy) == real


def _format_3(value: Any) -> Any:
    """How cache format 3 wrote records (before ed7ba15): every NamedTuple as [marker, type name, fields], walked generically."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return ["\x00record", type(value).__name__, [_format_3(v) for v in value]]
    if isinstance(value, (list, tuple)):
        return type(value)(_format_3(v) for v in value)
    if isinstance(value, dict):
        return {k: _format_3(v) for k, v in value.items()}
    return value


def test_an_entry_from_an_older_cache_format_is_never_read(store_copy: Path, cache_dir: Path) -> None:
    real = vinalon(store_copy)
    entry = store_entry(store_copy)
    older = entry.with_name(entry.name.replace(f"-store-{cache.FORMAT}-", f"-store-{cache.FORMAT - 1}-"))
    forged = sealed_sections(marshal.dumps(_format_3(forged_store(store_copy))))
    plant(older, forged)
    entry.unlink()
    assert vinalon(store_copy) == real
    assert older.read_bytes() == forged
    assert_rebuilt(store_copy, entry)


@pytest.mark.parametrize("frame", ["single-payload", "as-a-section"])
def test_an_older_format_payload_at_our_path_is_refused(store_copy: Path, cache_dir: Path, frame: str) -> None:
    """Had a release changed the layout without bumping FORMAT, the old layout must fail the shape checks, not load shifted fields."""
    real = vinalon(store_copy)
    entry = store_entry(store_copy)
    payload = marshal.dumps(["\x00record", "Store", _format_3(forged_store(store_copy))[2]])
    plant(entry, sealed(payload) if frame == "single-payload" else sealed_sections(payload))
    assert cached_store(Session(store_copy).digest) is None
    assert vinalon(store_copy) == real
    assert_rebuilt(store_copy, entry)


@pytest.mark.parametrize("fields", [12, 14], ids=["a-field-missing", "a-field-added"])
def test_records_of_another_length_are_refused(store_copy: Path, cache_dir: Path, fields: int) -> None:
    real = vinalon(store_copy)
    sections = cache.store_sections(forged_store(store_copy))
    for name in [n for n in sections if n.startswith("facts:")]:
        sections[name] = [(f + (None,))[:fields] for f in sections[name]]  # every fact one field short, or one field long
    entry = store_entry(store_copy)
    plant(entry, cache.seal_sections({name: marshal.dumps(value) for name, value in sections.items()}))
    assert cached_store(Session(store_copy).digest) is None
    assert vinalon(store_copy) == real
    assert_rebuilt(store_copy, entry)


def test_an_entry_replaced_by_a_symlink(store_copy: Path, cache_dir: Path, tmp_path: Path) -> None:
    real = vinalon(store_copy)
    entry = store_entry(store_copy)
    target = tmp_path / "elsewhere.bin"
    forged = encoded(forged_store(store_copy))
    plant(target, forged)
    entry.unlink()
    entry.symlink_to(target)
    assert vinalon(store_copy) == real
    assert target.read_bytes() == forged, "the link was replaced, its target never written through"
    assert_rebuilt(store_copy, entry)


def test_a_cache_directory_that_is_a_symlink(store_copy: Path, cache_dir: Path, tmp_path: Path) -> None:
    real_dir = tmp_path / "real-cache"
    real_dir.mkdir(mode=0o700)
    cache_dir.symlink_to(real_dir)
    assert vinalon(store_copy) == vinalon(store_copy)
    assert list(real_dir.iterdir()) == [], "nothing written through a symlinked directory"


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602], ids=["world-writable", "group-writable", "other-writable"])
def test_a_writable_by_others_and_tampered_entry(store_copy: Path, cache_dir: Path, mode: int) -> None:
    real = vinalon(store_copy)
    entry = store_entry(store_copy)
    plant(entry, encoded(forged_store(store_copy)), mode)
    assert vinalon(store_copy) == real
    assert_rebuilt(store_copy, entry)


def test_a_world_writable_cache_directory(store_copy: Path, cache_dir: Path) -> None:
    real = vinalon(store_copy)
    entry = store_entry(store_copy)
    plant(entry, encoded(forged_store(store_copy)))
    os.chmod(cache_dir, 0o777)
    assert vinalon(store_copy) == real
    assert FORGED.encode() in entry.read_bytes(), "not rewritten either: the directory is not trusted"


def test_an_entry_owned_by_someone_else(store_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files cannot be given away without root, so this one runs as 'another user' whose uid is not the owner's."""
    vinalon(store_copy)
    digest = Session(store_copy).digest
    assert cached_store(digest) is not None
    monkeypatch.setattr(cache.os, "getuid", lambda: os.geteuid() + 1)
    assert cached_store(digest) is None
    assert cache.read_sections(digest, "index", lambda name, value: value) is None


def _code_that_creates(marker: Path) -> bytes:
    return marshal.dumps(compile(f"open({str(marker)!r}, 'w').write('executed')", "<cache>", "exec"))


class _Creates:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda m: _code_that_creates(m), id="marshalled-code-object"),
        pytest.param(lambda m: marshal.dumps(["\x00record", "Store", _code_that_creates(m)]), id="code-inside-a-record"),
        pytest.param(lambda m: marshal.dumps(["\x00record", "Store", compile(f"open({str(m)!r}, 'w')", "<cache>", "eval")]), id="code-object-as-the-store"),
        pytest.param(lambda m: pickle.dumps(_Creates(m)), id="pickle-reduce"),
        pytest.param(lambda m: marshal.dumps(["\x00record", "Store", pickle.dumps(_Creates(m))]), id="pickle-inside-a-record"),
    ],
)
@pytest.mark.parametrize("kind", ["store", "index"])
def test_a_payload_that_would_run_code_is_never_executed(store_copy: Path, cache_dir: Path, tmp_path: Path, payload: Any, kind: str) -> None:
    marker = tmp_path / "executed"
    real = invoke("search", "vinalon", "--fields", "id,text", "--facts", str(store_copy)).stdout
    entry = cache.entry_path(Session(store_copy).digest, kind)
    assert entry is not None
    path = Path(entry)
    plant(path, sealed_sections(payload(marker), kind))
    session._LOADED.clear()
    result = invoke("search", "vinalon", "--fields", "id,text", "--facts", str(store_copy))
    assert result.exit_code == 0 and result.stdout == real, result.output
    assert not marker.exists(), "the cache payload was executed"
    assert cache.read_sections(Session(store_copy).digest, kind, lambda name, value: value) is not None, "rebuilt"


def test_the_installed_script_survives_every_tampered_entry_at_once(store_copy: Path, tmp_path: Path) -> None:
    """Both entries forged with valid checksums, in a process of its own: the output is the real one and the entries are rebuilt."""
    directory = tmp_path / "script-cache"
    env = clean_env(HAMHUNG_CACHE_DIR=str(directory))
    first = installed("search", "vinalon", "--facts", str(store_copy), env=env)
    assert first.returncode == 0 and {"store", "index"} <= {e.name.split("-")[1] for e in cache_entries(directory)}
    marker = tmp_path / "executed"
    for entry in cache_entries(directory):
        code = _code_that_creates(marker)
        entry.write_bytes(sealed(code) if "-stamp-" in entry.name else cache.seal_sections({"meta": code, "core": code}))
    again = installed("search", "vinalon", "--facts", str(store_copy), env=env)
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, "")
    assert not marker.exists()
    assert all(_code_that_creates(marker) not in e.read_bytes() for e in cache_entries(directory))


@pytest.mark.parametrize("where", ["postings", "documents", "phrases"])
def test_an_index_whose_numbers_point_past_its_end_is_rebuilt(store_copy: Path, cache_dir: Path, where: str) -> None:
    """Checksums and shapes all valid, but the content does not fit: a search notices, rebuilds the index and answers."""
    from array import array

    argv = ("search", "vinalon", "--fields", "id,text", "--facts", str(store_copy))
    real = invoke(*argv).stdout
    digest = Session(store_copy).digest
    path = cache.entry_path(digest, "index")
    assert path is not None
    sections = cache.read_sections(digest, "index", lambda name, value: value)
    assert sections is not None
    for name, value in sections.items():
        if where == "postings" and name.startswith("postings:") and "vinalon" in value:
            count = len(value["vinalon"]) // 5
            value["vinalon"] = array("I", [10**7] * count).tobytes() + value["vinalon"][4 * count :]
        if where == "documents" and name.startswith("docs:"):
            sections[name] = value[:1]
        if where == "phrases" and name.startswith("phrases:"):
            sections[name] = {phrase: array("I", [10**7]).tobytes() for phrase in value}
    plant(Path(path), cache.seal_sections({name: marshal.dumps(value) for name, value in sections.items()}))
    session._LOADED.clear()
    result = invoke(*argv)
    assert (result.exit_code, result.stdout) == (0, real) and "Traceback" not in result.stderr, result.output
    from hamhung_cli.search import check_section

    rewritten = cache.read_sections(digest, "index", check_section)
    assert rewritten is not None, "rewritten whole"
    assert not any(array("I", [10**7]).tobytes() in marshal.dumps(value) for value in rewritten.values()), "the forged numbers are gone"
    assert invoke(*argv).stdout == real


def _forged_sections(store_copy: Path, damage: str) -> dict[str, Any]:
    sections = cache.store_sections(Session(store_copy)._validated)
    first = sections["facts:0"]
    if damage == "unknown-source":
        first[0] = (*first[0][:3], (("no-such-source", ""),), *first[0][4:])
    elif damage == "other-topic":
        first[0] = (first[0][0], "no-such-topic", *first[0][2:])
    elif damage == "order":
        count = sum(len(v) for k, v in sections.items() if k.startswith("facts:"))
        sections["order"] = array("I", [0] * count).tobytes()
    return sections


@pytest.mark.parametrize("damage", ["unknown-source", "other-topic", "order"])
def test_store_sections_that_contradict_their_meta_are_rebuilt(store_copy: Path, cache_dir: Path, damage: str) -> None:
    """Shapes and checksums valid, but a fact cites a source the store lacks, sits in another topic's section, or the
    order names one section for every fact: each would crash a command that walks the facts. They are rebuilt instead."""
    argvs = [("sources", "--facts", str(store_copy)), ("fact", "economy.vinalon", "--facts", str(store_copy)), ("disputes", "--facts", str(store_copy))]
    real = [invoke(*argv).stdout for argv in argvs]
    entry = store_entry(store_copy)
    plant(entry, cache.seal_sections({name: marshal.dumps(value) for name, value in _forged_sections(store_copy, damage).items()}))
    for argv, expected in zip(argvs, real, strict=True):
        session._LOADED.clear()
        result = invoke(*argv)
        assert (result.exit_code, result.stdout) == (0, expected) and "Traceback" not in result.stderr, result.output
    assert_rebuilt(store_copy, entry)


@pytest.mark.parametrize("digest", ["../" * 21 + "x", "z" * 64, 7])
def test_a_forged_stamp_cannot_name_other_files(store_copy: Path, cache_dir: Path, digest: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp remembers the store's digest, which names cache files: anything but 64 hex digits is not used."""
    monkeypatch.setattr(session, "RACY_NS", -1)  # stamp even a store written a moment ago
    real = vinalon(store_copy)
    (stamp,) = [p for p in cache_dir.iterdir() if "-stamp-" in p.name]
    info = os.stat(store_copy)
    identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    plant(stamp, sealed(marshal.dumps((identity, digest))))
    assert Session(store_copy).digest == cache.content_digest(store_copy.read_bytes())
    assert vinalon(store_copy) == real
    assert sorted(p.parent for p in cache_dir.rglob("*.bin")) == [cache_dir] * len(list(cache_dir.rglob("*.bin")))
