"""One run's store and search index: the store file read and hashed every run, then taken from the cache or parsed.

Hashing what was read (BLAKE2b, under a millisecond for the bundled store) names the cache database, so an edit is
always seen, whatever the file's times say, and the store that is shown is the store that was hashed.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import AbstractContextManager, nullcontext, suppress
from functools import cached_property
from typing import TYPE_CHECKING

from . import cache
from .store import Store, read_bytes, resolve_store_path
from .terminal import is_terminal

if TYPE_CHECKING:
    from .search import Index

try:  # the built-in BLAKE2b: hashlib would first load OpenSSL, a few milliseconds of every start
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

# Stores already loaded in this process, by path and content: `hamhung TOPIC` looks the topic up, then shows it.
_LOADED: dict[tuple[str, str], Store] = {}
# A store at least this large takes seconds to read and index the first time: a terminal shows what is going on.
ANNOUNCE_BYTES = 4 * 1024 * 1024


class Session:
    def __init__(self, facts: str | os.PathLike[str] | None = None) -> None:
        self.path = resolve_store_path(os.fspath(facts) if facts else None)

    @cached_property
    def _data(self) -> bytes:
        return read_bytes(self.path)

    @cached_property
    def digest(self) -> str:
        return blake2b(self._data, digest_size=32).hexdigest()

    @cached_property
    def parsed(self) -> Store:
        """The store read from its file and validated (StoreError lists every problem)."""
        from .validation import validate  # only when the store is read from its file

        with self._progress(f"Reading {self.path}"):
            return validate(self._data, self.path)

    @cached_property
    def _db(self) -> sqlite3.Connection | None:
        db = cache.open_entry(self.digest)
        if db is None:
            parsed = self.parsed
            with self._progress("Indexing the facts for search"):
                db = cache.write_entry(self.digest, parsed)
        return db

    @cached_property
    def store(self) -> Store:
        key = (self.path, self.digest)
        if key not in _LOADED:
            _LOADED.clear()
            cached = cache.cached_store(self._db, self.path, lambda: self.parsed.facts) if self._db else None
            _LOADED[key] = cached or self.parsed
        return _LOADED[key]

    @cached_property
    def index(self) -> Index:
        from .search import Index

        if self._db is not None:
            with suppress(sqlite3.Error):  # a damaged index: built from the file instead
                return Index(self._db)
        return self.rebuild_index()

    def rebuild_index(self) -> Index:
        """The index built in memory from the store file: when there is no cache, or the cached one proves damaged."""
        from .index import memory_index
        from .search import Index

        self.__dict__["index"] = index = Index(memory_index(self.parsed))
        return index

    def _progress(self, message: str) -> AbstractContextManager[object]:
        """A spinner with the message on a terminal's stderr while a large store is read or indexed; nothing otherwise."""
        if len(self._data) < ANNOUNCE_BYTES or not (sys.stderr and is_terminal(sys.stderr)):
            return nullcontext()
        from rich.console import Console
        from rich.text import Text

        return Console(stderr=True).status(Text(message))  # Text: a path's brackets are not markup
