"""One run's store and search index, each built at most once and only when asked for."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from .search import Index
from .store import Store, load, resolve_store_path


class Session:
    def __init__(self, facts: str | Path | None = None) -> None:
        self.path = resolve_store_path(str(facts) if facts else None)

    @cached_property
    def store(self) -> Store:
        return load(self.path)

    @cached_property
    def index(self) -> Index:
        from .search import index_store

        return index_store(self.store)
