"""One run's store and search index, each built at most once, only when asked for, and cached across runs."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .store import Store, parse, read_bytes, resolve_store_path, validate

if TYPE_CHECKING:  # the search module (and rapidfuzz) load only when a command searches
    from .search import Index


class Session:
    def __init__(self, facts: str | Path | None = None) -> None:
        self.path = resolve_store_path(str(facts) if facts else None)

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

        cached = cache.read(self.digest, "store", Store)
        if cached is not None and cached.path == str(self.path):
            return cached
        text = _decode_text(self._data, self.path)
        built = validate(parse(text, str(self.path)), text, str(self.path))
        cache.write(self.digest, "store", built)
        return built

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


def _decode_text(data: bytes, path: Path) -> str:
    from .store import decode_text

    return decode_text(data, str(path))
