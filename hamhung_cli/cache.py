"""A cache of the validated store and its search index, so a run skips TOML parsing and index building.

Never trusted blindly:
- The cache file is named by the store's content hash, the cache format and the Python version, so an
  edited store, a new release or another Python never reads a stale entry.
- The payload carries its own SHA-256; a truncated or corrupted file fails the check and is rebuilt.
- It is decoded with `marshal` (data only, nothing is executed, unlike pickle) into the project's own
  record types through an allow-list; anything unexpected is ignored and rebuilt.
- A cache directory or file that is a symlink, not owned by this user, or writable by others is not used.
- Writes go to a temporary file that is renamed into place, so readers never see half a file; a read-only,
  full or missing cache directory just means no cache.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import search, store

FORMAT = 3
MAGIC = b"HAMHUNG-CACHE\n"
_VERSION = f"{FORMAT}-{sys.version_info.major}.{sys.version_info.minor}-{marshal.version}"

# Only these types may be rebuilt from a cache file.
_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        store.Source, store.Citation, store.Claim, store.Fact, store.Topic, store.Column,
        store.MonthlyRow, store.RecordRow, store.Table, store.Store, search.Document, search.Index,
    )
}  # fmt: skip


def cache_dir() -> Path | None:
    """$HAMHUNG_CACHE_DIR, else $XDG_CACHE_HOME/hamhung, else ~/.cache/hamhung; None when there is no home."""
    explicit = os.environ.get("HAMHUNG_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None  # empty: caching switched off
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "hamhung"
    home = os.environ.get("HOME")
    if not home:
        return None
    return Path(home) / ".cache" / "hamhung"


def entry_path(digest: str, kind: str) -> Path | None:
    directory = cache_dir()
    return directory / f"{digest[:32]}-{kind}-{_VERSION}.bin" if directory else None


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- encoding


_RECORD = "\x00record"


def _encode(value: Any) -> Any:
    """Records (NamedTuples) become [marker, name, fields]; everything else is already something marshal stores."""
    if isinstance(value, search.Index):
        # The postings are a dict of bytes: stored as they are, not walked (they are most of the index).
        return [_RECORD, "Index", [_encode(value.documents), value.postings, value.keys, value.doc_terms, value.phrases, value.subject, value.field_table]]
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return [_RECORD, type(value).__name__, [_encode(v) for v in value]]
    if isinstance(value, tuple):
        return tuple(_encode(v) for v in value)
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool, frozenset)):
        return value
    raise TypeError(f"cannot cache {type(value).__name__}")


def _expect(condition: bool) -> None:
    if not condition:
        raise ValueError("unexpected index layout in cache")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        if len(value) == 3 and value[0] == _RECORD:
            cls = _TYPES[value[1]]  # KeyError for anything not on the allow-list
            if cls is search.Index:
                documents, postings, keys, doc_terms, phrases, subject, field_table = value[2]
                _expect(isinstance(postings, dict) and all(type(v) is bytes and len(v) % 5 == 0 for v in postings.values()))
                _expect(isinstance(keys, dict) and isinstance(phrases, dict) and isinstance(doc_terms, list) and isinstance(subject, frozenset))
                _expect(isinstance(field_table, tuple) and all(isinstance(f, tuple) and len(f) == 2 for f in field_table))
                return search.Index(_decode(documents), postings, keys, doc_terms, phrases, subject, field_table)
            return cls(*(_decode(v) for v in value[2]))
        return [_decode(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool, frozenset)):
        return value
    raise TypeError(f"unexpected {type(value).__name__} in cache")


# --------------------------------------------------------------------------- reading and writing


def _safe(path: Path) -> bool:
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
    path = entry_path(digest, kind)
    if path is None or not _safe(path.parent) or not _safe(path):
        return None
    try:
        blob = path.read_bytes()
        if not blob.startswith(MAGIC):
            return None
        checksum, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
        if hashlib.sha256(payload).digest() != checksum:
            return None
        value = _decode(marshal.loads(payload))
    except Exception:  # noqa: BLE001 - any failure to read a cache means "no cache"
        return None
    return value if isinstance(value, expected) else None


def write(digest: str, kind: str, value: Any) -> None:
    """Store an object; failures (read-only or full disk, no home) are silent: the cache is only an optimisation."""
    path = entry_path(digest, kind)
    if path is None:
        return
    try:
        payload = marshal.dumps(_encode(value))
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe(path.parent):
            return
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".bin")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, TypeError, ValueError):
        return
