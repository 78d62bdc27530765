"""One run's store and search index, each built at most once, only when asked for, and cached across runs."""

from __future__ import annotations

import os
import stat
from functools import cached_property

from .store import CollectorPaused, Store, decode_text, parse, read_bytes, resolve_store_path, validate

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py

if TYPE_CHECKING:  # the search module (and rapidfuzz) load only when a command searches
    from collections.abc import Callable
    from typing import Any

    from . import cache
    from .search import Index


# Stores loaded in this process, so the fast path's topic lookup and the command share one load.
_LOADED: dict[tuple[str, int, int], Store] = {}
# A store modified this recently may change again within the file system's timestamp resolution
# without its size or times changing ("racy git"): its content is hashed on every run until it settles.
RACY_NS = 3_000_000_000


class Session:
    def __init__(self, facts: str | os.PathLike[str] | None = None) -> None:
        self.path = resolve_store_path(os.fspath(facts) if facts else None)

    @cached_property
    def _data(self) -> bytes:
        return read_bytes(self.path)

    def forget_data(self) -> None:
        """Let go of the store's bytes (read again if they are needed after all)."""
        self.__dict__.pop("_data", None)

    @cached_property
    def digest(self) -> str:
        """The store's checksum (BLAKE2b-256), which names its cache entries.

        Hashing a large store costs more than the rest of a run, so the digest is remembered (in a
        "stamp" entry per store path) with the file's device, inode, size, modification and change
        times; while all five are unchanged the file is not read at all. The change time cannot be
        set back by anyone, so even an edit that restores the old modification time is seen.
        """
        import marshal

        from . import cache

        identity = self._identity = _identity(self.path)
        key = cache.content_digest(os.path.realpath(self.path).encode("utf-8", "surrogateescape"))
        if identity is not None:
            remembered = cache.read_blob(key, "stamp")
            try:
                seen, digest = marshal.loads(remembered) if remembered else (None, None)
            except Exception:  # noqa: BLE001 - a damaged stamp is no stamp
                seen, digest = None, None
            # A hex digest only: it becomes part of cache file names.
            if seen == identity and isinstance(digest, str) and len(digest) == 64 and not digest.strip("0123456789abcdef"):
                return digest
        digest = cache.content_digest(self._data)
        if self.settled:
            cache.write_blob(key, "stamp", marshal.dumps((identity, digest)))
        return digest

    @property
    def settled(self) -> bool:
        """Whether the store was last changed long enough ago that its size and times identify its content."""
        import time

        identity = self.__dict__.get("_identity") or _identity(self.path)
        return identity is not None and time.time_ns() - max(identity[3], identity[4]) > RACY_NS

    def unchanged(self) -> bool:
        """Whether the store's file is still the one whose digest was taken (nothing wrote to it meanwhile)."""
        return "digest" in self.__dict__ and self._identity is not None and _identity(self.path) == self._identity

    @cached_property
    def _validated(self) -> Store:
        text = decode_text(self._data, str(self.path))
        del self._data  # the text holds it now: a large store's bytes need not stay in memory too
        return validate(parse(text, str(self.path)), text, str(self.path))

    @cached_property
    def store(self) -> Store:
        from . import cache

        stamp = self._stamp()
        if stamp is not None and stamp in _LOADED:
            return _LOADED[stamp]
        sections = self._entry("store", self._store_sections, cache.StoreSections(), self._written_piece_by_piece)
        if sections.from_cache:
            # The entry is named by content, so a copy of the same store elsewhere shares it: the path is this one.
            loaded = cache.sectioned_store(sections)._replace(path=str(self.path))
        else:
            loaded = self._validated
            cache.write_sections(self.digest, "store", self._store_sections())
        if stamp is not None:
            _LOADED[stamp] = loaded
        return loaded

    def _written_piece_by_piece(self) -> bool:
        """Whether the store's cache entry has just been written by bulk.py, which never holds the whole store in memory
        (the plain way holds its text, parsed TOML and records at once: about 240 MiB for 100,000 facts)."""
        from .bulk import write_store_entry

        written = write_store_entry(self._data, str(self.path), self.digest)
        if written:
            self.forget_data()  # read again only if a section proves damaged later in the run
        return written

    def _store_sections(self) -> dict[str, object]:
        from . import cache

        with CollectorPaused():
            return cache.store_sections(self._validated)

    def _stamp(self) -> tuple[str, int, int] | None:
        """Path, size and modification time: enough to reuse a store already loaded in this process."""
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return (str(self.path), info.st_size, info.st_mtime_ns)

    @cached_property
    def index(self) -> Index:
        from .search import Index, check_section

        return Index(self._entry("index", self._index_sections, check_section, self._index_written))

    def _entry(self, kind: str, build: Callable[[], dict[str, Any]], decode: Callable[[str, Any], Any], write: Callable[[], bool]) -> cache.Sections:
        """The store's cache entry of this kind, written first (by `write`, section by section) if there is none.
        `build` makes the sections in memory when the entry cannot be written, or one of them proves damaged."""
        from . import cache

        sections = cache.Sections(self.digest, kind, build, decode)
        if not sections.from_cache and write():
            sections = cache.Sections(self.digest, kind, build, decode)
        return sections

    def _index_written(self) -> bool:
        """Whether the index's cache entry has just been written section by section: the documents of one section of
        facts at a time, and each finished section straight to disk, so only the postings are held whole."""
        from . import cache
        from .indexing import document_runs, lay_out_index, store_subject

        store = self.store

        def lay_out(emit: Callable[[str, Any], None]) -> bool:
            with CollectorPaused():
                lay_out_index(document_runs(store), store_subject(store), emit)
            return True

        return cache.write_entry(self.digest, "index", lay_out)

    def _index_sections(self) -> dict[str, object]:
        from .indexing import store_index_sections

        with CollectorPaused():
            return store_index_sections(self.store)

    def rebuild_index(self) -> Index:
        """The index built from the store and written to the cache again: for when a cached one proves damaged."""
        from . import cache
        from .search import Index

        sections = self._index_sections()
        cache.write_sections(self.digest, "index", sections)
        self.__dict__["index"] = Index(sections.__getitem__)
        return self.index


def _identity(path: str) -> tuple[int, int, int, int, int] | None:
    """Device, inode, size, modification and change times: what tells one version of a regular file from another.
    None for anything else: a pipe or a device (`--facts /dev/stdin`) gives different content under the same identity."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
