"""One run's store and search index, each built at most once, only when asked for, and cached across runs."""

from __future__ import annotations

import os
from functools import cached_property

from .store import Store, decode_text, parse, read_bytes, resolve_store_path, validate

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py

if TYPE_CHECKING:  # the search module (and rapidfuzz) load only when a command searches
    from .search import Index


# Stores loaded in this process, so the fast path's topic lookup and the command share one load.
_LOADED: dict[tuple[str, int, int], Store] = {}


class Session:
    def __init__(self, facts: str | os.PathLike[str] | None = None) -> None:
        self.path = resolve_store_path(os.fspath(facts) if facts else None)

    @cached_property
    def _data(self) -> bytes:
        return read_bytes(self.path)

    @cached_property
    def digest(self) -> str:
        from .cache import content_digest

        return content_digest(self._data)

    @cached_property
    def store(self) -> Store:
        from . import cache

        stamp = self._stamp()
        if stamp is not None and stamp in _LOADED:
            return _LOADED[stamp]
        cached = cache.read(self.digest, "store", Store)
        if cached is None or cached.path != str(self.path):
            text = decode_text(self._data, str(self.path))
            cached = validate(parse(text, str(self.path)), text, str(self.path))
            cache.write(self.digest, "store", cached)
        if stamp is not None:
            _LOADED[stamp] = cached
        return cached

    def _stamp(self) -> tuple[str, int, int] | None:
        """Path, size and modification time: enough to reuse a store already loaded in this process."""
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return (str(self.path), info.st_size, info.st_mtime_ns)

    @cached_property
    def index(self) -> Index:
        from . import cache
        from .search import Index, index_store

        cached = cache.read(self.digest, "index", Index)
        if cached is not None:
            return cached
        built = index_store(self.store)
        cache.write(self.digest, "index", built)
        return built
