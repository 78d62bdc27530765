"""A cache of the validated store and its search index in one SQLite database per store content.

A run hashes the bytes it read and opens `<cache dir>/<hash>-<version>.sqlite`, or parses the store and writes that
database once, whole (atomic.replacing): plain tables read with indexed queries, and index.py's FTS5 index beside them.

Never trusted blindly: named by content, format and Python version, so nothing stale is read; opened read-only
(`query_only`, `trusted_schema=OFF`) only when fstat on the opened descriptor shows a regular file of this user's, in a
directory of this user's, that nobody else may write; records are `marshal` data (nothing is executed) rebuilt field by
field. A damaged, foreign or locked database is passed over; a read-only, full or missing cache directory means no cache.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from typing import Any, TypeVar

from . import store
from .atomic import replacing

FORMAT = 15
_VERSION = f"{FORMAT}-{sys.version_info.major}.{sys.version_info.minor}-{marshal.version}"
KEEP_ENTRIES = 8  # databases kept, the most recently written: each edit of a store leaves a new one
STALE_TEMPORARY_NS = 3600 * 10**9  # a temporary file this old was left by a killed run
T = TypeVar("T")

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE sources(position INTEGER PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE topics(position INTEGER PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE facts(position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, topic TEXT NOT NULL, record BLOB NOT NULL);
CREATE INDEX facts_by_topic ON facts(topic, position);
CREATE TABLE store_tables(position INTEGER PRIMARY KEY, record BLOB NOT NULL);
"""


def entry_path(digest: str) -> str | None:
    """The database for this content in $HAMHUNG_CACHE_DIR (empty: no cache), $XDG_CACHE_HOME/hamhung or ~/.cache/hamhung."""
    directory = os.environ.get("HAMHUNG_CACHE_DIR")
    if directory is None:
        base = os.environ.get("XDG_CACHE_HOME")
        home = os.environ.get("HOME")
        directory = os.path.join(base, "hamhung") if base and os.path.isabs(base) else home and os.path.join(home, ".cache", "hamhung")
    return os.path.join(directory, f"{digest[:32]}-{_VERSION}.sqlite") if directory else None


def _ours(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _safe_directory(directory: str) -> bool:
    try:
        info = os.lstat(directory)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _ours(info)


def _connect(path: str, mode: str) -> sqlite3.Connection:
    uri = "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + f"?mode={mode}"
    # timeout=0: a database another process has locked is passed over at once, not waited for (SQLite's default: 5 s).
    db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=0)
    db.execute("PRAGMA trusted_schema=OFF")
    return db


# --------------------------------------------------------------------------- records as plain data


def _cites(items: tuple[Any, ...]) -> tuple[store.Citation, ...]:
    return tuple(store.Citation(*c) for c in items)


def _plain_cites(citations: tuple[store.Citation, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(c) for c in citations)  # type: ignore[misc]


def fact_plain(f: store.Fact) -> bytes:
    claims = tuple((c.text, _plain_cites(c.sources), c.value, c.unit) for c in f.claims)
    return marshal.dumps((*f[:3], _plain_cites(f.sources), *f[4:10], claims, *f[11:]))


def fact_record(data: bytes) -> store.Fact:
    f = marshal.loads(data)
    if type(f) is not tuple or len(f) != len(store.Fact._fields):
        raise ValueError("not a fact")
    claims = tuple(store.Claim(text, _cites(cites), value, unit) for text, cites, value, unit in f[10])
    return store.Fact(*f[:3], _cites(f[3]), *f[4:10], claims, *f[11:])


def table_plain(t: store.Table) -> bytes:
    rows = tuple((*r[:4], _plain_cites(r.sources), *r[5:]) if isinstance(r, store.RecordRow) else tuple(r) for r in t.rows)
    return marshal.dumps((*t[:4], _plain_cites(t.sources), tuple(map(tuple, t.columns)), rows, *t[7:]))


def table_record(data: bytes) -> store.Table:
    t = marshal.loads(data)
    if type(t) is not tuple or len(t) != len(store.Table._fields):
        raise ValueError("not a table")
    row_type = store.RecordRow if t[3] == "records" else store.MonthlyRow
    if any(len(r) != len(row_type._fields) for r in t[6]):
        raise ValueError("not a table row")
    rows = tuple(store.RecordRow(*r[:4], _cites(r[4]), *r[5:]) if row_type is store.RecordRow else store.MonthlyRow(*r) for r in t[6])
    return store.Table(*t[:4], _cites(t[4]), tuple(store.Column(*c) for c in t[5]), rows, *t[7:])


class CachedFacts(Mapping[str, store.Fact]):
    """A store's facts read from the database as they are asked for: a topic's facts, one fact, or all in order.

    If the database fails part-way through a run (damaged on disk meanwhile), the facts come from `fallback`, the
    store read from its file, so a run never ends in a traceback or with half an answer."""

    def __init__(self, db: sqlite3.Connection, fallback: Callable[[], Mapping[str, store.Fact]]) -> None:
        self._db = db
        self._fallback = fallback
        self._whole: Mapping[str, store.Fact] | None = None

    def _ask(self, sql: str, arg: object, answer: Callable[[list[Any]], T], otherwise: Callable[[Mapping[str, store.Fact]], T]) -> T:
        """`answer` to the query's rows; once the database has failed, `otherwise` of the facts read from the file."""
        if self._whole is None:
            try:
                return answer(self._db.execute(sql, () if arg is None else (arg,)).fetchall())
            except (sqlite3.Error, ValueError, TypeError, EOFError):
                self._whole = self._fallback()
        return otherwise(self._whole)

    def in_topic(self, topic: str) -> list[store.Fact]:
        sql = "SELECT record FROM facts WHERE topic = ? ORDER BY position"
        return self._ask(sql, topic, _fact_records, lambda whole: [f for f in whole.values() if f.topic == topic])

    def count_in(self, topic: str) -> int:
        sql = "SELECT count(*) FROM facts WHERE topic = ?"
        return self._ask(sql, topic, lambda rows: rows[0][0], lambda whole: sum(f.topic == topic for f in whole.values()))

    def __getitem__(self, fact_id: str) -> store.Fact:
        if not isinstance(fact_id, str):
            raise KeyError(fact_id)
        found = self._ask("SELECT record FROM facts WHERE id = ?", fact_id, _fact_records, lambda whole: [whole[fact_id]])
        if not found:
            raise KeyError(fact_id)
        return found[0]

    def __len__(self) -> int:
        return self._ask("SELECT count(*) FROM facts", None, lambda rows: rows[0][0], len)

    def __iter__(self) -> Iterator[str]:
        return self._ask("SELECT id FROM facts ORDER BY position", None, lambda rows: (fact_id for (fact_id,) in rows), iter)

    def values(self) -> list[store.Fact]:  # type: ignore[override]
        return self._ask("SELECT record FROM facts ORDER BY position", None, _fact_records, lambda whole: list(whole.values()))

    def items(self) -> list[tuple[str, store.Fact]]:  # type: ignore[override]
        return [(f.id, f) for f in self.values()]


def _fact_records(rows: list[Any]) -> list[store.Fact]:
    return [fact_record(data) for (data,) in rows]


# --------------------------------------------------------------------------- reading


def open_entry(digest: str) -> sqlite3.Connection | None:
    """The database cached for this store content, opened read-only; None when there is none we can trust."""
    path = entry_path(digest)
    if path is None or not _safe_directory(os.path.dirname(path)):
        return None
    try:
        # O_NONBLOCK: a FIFO put in the entry's place must not hang the run; O_NOFOLLOW: nor a symlink lead elsewhere.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        opened = os.fstat(descriptor)
        if not (stat.S_ISREG(opened.st_mode) and _ours(opened)):
            return None
        db = _connect(path, "ro")
        now = os.lstat(path)  # what SQLite opened is the file checked above, not one swapped in since
        if (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino):
            db.execute("PRAGMA query_only=ON")
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("format") == _VERSION and meta.get("digest") == digest:
                return db
        db.close()
        return None
    except (OSError, sqlite3.Error):
        return None
    finally:
        os.close(descriptor)


def cached_store(db: sqlite3.Connection, path: str, fallback: Callable[[], Mapping[str, store.Fact]]) -> store.Store | None:
    """The store from its database: sources, topics and tables now (they are few), facts when asked for; None if damaged."""
    try:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        name, summary, names, aliases = marshal.loads(meta["store"])
        sources = [store.Source(*marshal.loads(r)) for (r,) in db.execute("SELECT record FROM sources ORDER BY position")]
        topics = [store.Topic(*marshal.loads(r)) for (r,) in db.execute("SELECT record FROM topics ORDER BY position")]
        tables = [table_record(r) for (r,) in db.execute("SELECT record FROM store_tables ORDER BY position")]
    except (sqlite3.Error, KeyError, ValueError, TypeError, EOFError):
        return None
    facts = CachedFacts(db, fallback)
    return store.Store(path, name, summary, names, aliases, {s.id: s for s in sources}, {t.id: t for t in topics}, facts, {t.id: t for t in tables})


# --------------------------------------------------------------------------- writing


def write_entry(digest: str, value: store.Store) -> sqlite3.Connection | None:
    """Write the store and its index as this content's database, and open it; None when there is no usable cache."""
    path = entry_path(digest)
    if path is None:
        return None
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not _safe_directory(directory):
            return None
        with replacing(path, mode=0o600) as temporary:
            db = _connect(temporary, "rw")
            try:
                db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;" + SCHEMA)  # then write_index adds its tables
                _fill(db, digest, value)
                from .index import write_index  # only when a database is written

                write_index(db, value)
                db.execute("COMMIT")
            finally:
                db.close()
        _prune(directory)
    except (OSError, sqlite3.Error):
        return None
    return open_entry(digest)


def _fill(db: sqlite3.Connection, digest: str, value: store.Store) -> None:
    meta = {"format": _VERSION, "digest": digest, "store": marshal.dumps((value.name, value.summary, value.names, value.aliases))}
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    db.executemany("INSERT INTO sources VALUES (?, ?)", enumerate(marshal.dumps(tuple(s)) for s in value.sources.values()))
    db.executemany("INSERT INTO topics VALUES (?, ?)", enumerate(marshal.dumps(tuple(t)) for t in value.topics.values()))
    db.executemany("INSERT INTO facts VALUES (?, ?, ?, ?)", ((n, f.id, f.topic, fact_plain(f)) for n, f in enumerate(value.facts.values())))
    db.executemany("INSERT INTO store_tables VALUES (?, ?)", enumerate(map(table_plain, value.tables.values())))


def _prune(directory: str) -> None:
    """Keep the KEEP_ENTRIES most recently written databases, and remove temporary files that killed runs left."""
    stale_before = time.time_ns() - STALE_TEMPORARY_NS
    try:
        with os.scandir(directory) as entries:
            listed = [(entry.stat(follow_symlinks=False).st_mtime_ns, entry.name, entry.path) for entry in entries]
    except OSError:
        return
    databases = sorted((item for item in listed if item[1].endswith(".sqlite") and not item[1].startswith(".")), reverse=True)
    stale = [item for item in listed if item[1].startswith(".") and item[1].endswith(".tmp") and item[0] < stale_before]
    for _, _, path in databases[KEEP_ENTRIES:] + stale:
        with suppress(OSError):
            os.unlink(path)
