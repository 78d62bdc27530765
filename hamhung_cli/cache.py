"""A cache of the validated store and its search index, so a run skips TOML parsing and index building.

Never trusted blindly:
- The cache file is named by the store's content hash, the cache format and the Python version, so an
  edited store, a new release or another Python never reads a stale entry.
- The payload carries its own SHA-256; a truncated or corrupted file fails the check and is rebuilt.
- It is decoded with `marshal` (data only, nothing is executed, unlike pickle) and rebuilt field by field
  into the store's and the index's own record types; any other shape raises and the entry is ignored and rebuilt.
- A cache directory or file that is a symlink, not owned by this user, or writable by others is not used.
- Writes go to a temporary file that is renamed into place, so readers never see half a file; a read-only,
  full or missing cache directory just means no cache.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys

from . import store

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from typing import Any

    from . import search

try:  # the built-in SHA-256: hashlib would first load OpenSSL, a few milliseconds of every start
    from _sha256 import sha256
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha256

FORMAT = 5
MAGIC = b"HAMHUNG-CACHE\n"
_VERSION = f"{FORMAT}-{sys.version_info.major}.{sys.version_info.minor}-{marshal.version}"


def cache_dir() -> str | None:
    """$HAMHUNG_CACHE_DIR, else $XDG_CACHE_HOME/hamhung, else ~/.cache/hamhung; None when there is no home."""
    explicit = os.environ.get("HAMHUNG_CACHE_DIR")
    if explicit is not None:
        return explicit or None  # empty: caching switched off
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return os.path.join(base, "hamhung")
    home = os.environ.get("HOME")
    if not home:
        return None
    return os.path.join(home, ".cache", "hamhung")


def entry_path(digest: str, kind: str) -> str | None:
    directory = cache_dir()
    return os.path.join(directory, f"{digest[:32]}-{kind}-{_VERSION}.bin") if directory else None


def content_digest(data: bytes) -> str:
    return sha256(data).hexdigest()


# --------------------------------------------------------------------------- encoding


_RECORD = "\x00record"


def _encode(value: store.Store | search.Index) -> list[Any]:
    """[marker, kind, plain data that marshal stores]: only the two things the cache holds."""
    if isinstance(value, store.Store):
        return [_RECORD, "Store", _store_plain(value)]
    # The postings are a dict of bytes: stored as they are, not walked (they are most of the index).
    documents = [tuple(d) for d in value.documents]  # Documents hold only text once built: plain tuples
    return [_RECORD, "Index", [documents, value.postings, value.keys, value.doc_terms, value.phrases, value.subject, value.field_table]]


def _decode(value: Any) -> store.Store | search.Index:
    """The inverse of _encode; anything else (another kind, another shape) raises and the cache is not used."""
    _expect(isinstance(value, list) and len(value) == 3 and value[0] == _RECORD)
    if value[1] == "Store":
        return _store_from_plain(value[2])
    _expect(value[1] == "Index")
    from . import search

    documents, postings, keys, doc_terms, phrases, subject, field_table = value[2]
    _expect(isinstance(postings, dict) and all(type(v) is bytes and len(v) % 5 == 0 for v in postings.values()))
    _expect(isinstance(keys, dict) and isinstance(phrases, dict) and isinstance(doc_terms, list) and isinstance(subject, frozenset))
    _expect(isinstance(field_table, tuple) and all(isinstance(f, tuple) and len(f) == 2 for f in field_table))
    return search.Index([search.Document(*d) for d in documents], postings, keys, doc_terms, phrases, subject, field_table)


# The store is encoded by its schema, not walked generically: plain tuples in, records rebuilt field by
# field on the way out (about three times faster to load, which matters for a large store).


def _citations(citations: tuple[Any, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((c[0], c[1]) for c in citations)


def _store_plain(value: store.Store) -> tuple[Any, ...]:
    def fact(f: store.Fact) -> tuple[Any, ...]:
        claims = tuple((c.text, _citations(c.sources), c.value, c.unit) for c in f.claims)
        return (*f[:3], _citations(f.sources), *f[4:10], claims, f.severity, f.line)

    def row(r: store.MonthlyRow | store.RecordRow) -> tuple[Any, ...]:
        if isinstance(r, store.RecordRow):
            return (r.id, r.cells, r.names, r.aliases, _citations(r.sources), r.note, r.line)
        return tuple(r)

    def table(t: store.Table) -> tuple[Any, ...]:
        return (*t[:4], _citations(t.sources), tuple(tuple(c) for c in t.columns), tuple(row(r) for r in t.rows), *t[7:])

    return (
        *value[:5],
        [tuple(x) for x in value.sources.values()],
        [tuple(x) for x in value.topics.values()],
        [fact(f) for f in value.facts.values()],
        [table(t) for t in value.tables.values()],
    )


def _store_from_plain(plain: tuple[Any, ...]) -> store.Store:
    citation = store.Citation

    def cites(items: tuple[Any, ...]) -> tuple[store.Citation, ...]:
        return tuple(citation(*c) for c in items)

    def fact(f: tuple[Any, ...]) -> store.Fact:
        claims = tuple(store.Claim(text, cites(sources), v, unit) for text, sources, v, unit in f[10])
        return store.Fact(*f[:3], cites(f[3]), *f[4:10], claims, *f[11:])

    def table(t: tuple[Any, ...]) -> store.Table:
        _expect(all(len(r) == len((store.RecordRow if t[3] == "records" else store.MonthlyRow)._fields) for r in t[6]))
        if t[3] == "records":
            rows = tuple(store.RecordRow(*r[:4], cites(r[4]), *r[5:]) for r in t[6])
        else:
            rows = tuple(store.MonthlyRow(*r) for r in t[6])
        return store.Table(*t[:4], cites(t[4]), tuple(store.Column(*c) for c in t[5]), rows, *t[7:])

    path, name, summary, names, aliases, sources, topics, facts, tables = plain
    # Records have defaults: a tuple one field short would load with every later field shifted, so lengths must match exactly.
    _expect(all(len(s) == len(store.Source._fields) for s in sources) and all(len(t) == len(store.Topic._fields) for t in topics))
    _expect(all(len(f) == len(store.Fact._fields) for f in facts) and all(len(t) == len(store.Table._fields) for t in tables))
    return store.Store(
        path,
        name,
        summary,
        names,
        aliases,
        {s[0]: store.Source(*s) for s in sources},
        {t[0]: store.Topic(*t) for t in topics},
        {f[0]: fact(f) for f in facts},
        {t[0]: table(t) for t in tables},
    )


def _expect(condition: bool) -> None:
    if not condition:
        raise ValueError("unexpected index layout in cache")


# --------------------------------------------------------------------------- reading and writing


def _safe(path: str) -> bool:
    """Ours, not a symlink, not writable by group or others."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if stat.S_ISLNK(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(digest: str, kind: str, expected: type) -> Any | None:
    """The cached object, or None if there is none or it cannot be trusted."""
    payload = read_blob(digest, kind)
    if payload is None:
        return None
    try:
        value = _decode(marshal.loads(payload))
    except Exception:  # noqa: BLE001 - any failure to read a cache means "no cache"
        return None
    return value if isinstance(value, expected) else None


def read_blob(digest: str, kind: str) -> bytes | None:
    """A cached entry's payload, if the entry is ours, untouched and complete."""
    path = entry_path(digest, kind)
    if path is None or not _safe(os.path.dirname(path)) or not _safe(path):
        return None
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except OSError:
        return None
    if not blob.startswith(MAGIC):
        return None
    checksum, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
    return payload if sha256(payload).digest() == checksum else None


def write(digest: str, kind: str, value: Any) -> None:
    """Store an object; failures (read-only or full disk, no home) are silent: the cache is only an optimisation."""
    try:
        payload = marshal.dumps(_encode(value))
    except (TypeError, ValueError):
        return
    write_blob(digest, kind, payload)


def write_blob(digest: str, kind: str, payload: bytes) -> None:
    """Write an entry atomically (temporary file, then rename); silent on failure."""
    path = entry_path(digest, kind)
    if path is None:
        return
    try:
        import tempfile

        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not _safe(directory):
            return
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".bin")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(MAGIC + sha256(payload).digest() + payload)
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError:
        return
