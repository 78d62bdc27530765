"""A cache of the validated store and its search index, so a run skips TOML parsing and index building.

Each is one file of named sections (a table of contents, then the sections), so a run reads only what
it needs: `hamhung TOPIC` that topic's facts, a search the postings of its words and the documents it
shows. On a store of 100,000 facts that is a few per cent of the whole.

Never trusted blindly:
- The cache file is named by the store's content hash, the cache format and the Python version, so an
  edited store, a new release or another Python never reads a stale entry.
- The table of contents and every section carry their own BLAKE2b-256 checksum, checked as they are read; a truncated
  or corrupted file fails the check and is rebuilt from the store, even halfway through a run.
- It is decoded with `marshal` (data only, nothing is executed, unlike pickle) and rebuilt field by field
  into the store's and the index's own record types; any other shape raises and the entry is ignored and rebuilt.
- A cache directory or file that is a symlink, not owned by this user, or writable by others is not used.
- Writes go to a temporary file that is renamed into place, so readers never see half a file; a read-only,
  full or missing cache directory just means no cache.
"""

from __future__ import annotations

import itertools
import marshal
import os
import stat
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping

from . import store

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from typing import Any, TypeGuard

try:  # the built-in BLAKE2b: hashlib would first load OpenSSL, a few milliseconds of every start
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b


def checksum(data: bytes) -> bytes:
    """BLAKE2b-256: as strong as SHA-256 and three times faster here than the built-in SHA-256."""
    return blake2b(data, digest_size=32).digest()


FORMAT = 13
MAGIC = b"HAMHUNG-CACHE\n"  # an entry of one payload (the replayed --help, the store's stamp)
SECTIONS_MAGIC = b"HAMHUNG-SECTIONS\n"  # an entry of named sections (the store, the index)
_VERSION = f"{FORMAT}-{sys.version_info.major}.{sys.version_info.minor}-{marshal.version}"


# Entries kept of each kind, the most recently used: each change to a store leaves a new store and index entry
# (tens of megabytes for a large store), and each terminal size a new page, so the cache would only grow.
KEEP_ENTRIES = {"store": 8, "index": 8, "stamp": 256, "page": 200, "help": 200}


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
    return checksum(data).hex()


# --------------------------------------------------------------------------- the store in sections

FACT_CHUNK = 256  # facts per section: `hamhung TOPIC` loads its topic's sections, a search those of its results
WHERE_BUCKET = 2048  # about this many fact ids per section of the id → facts section map


def bucket_of(key: str, buckets: int) -> int:
    """A key's section number (of a map kept in several sections): stable across runs, unlike hash()."""
    if buckets == 1:
        return 0  # a small store's maps are one section each: no need even to import zlib
    return bucketing(buckets)(key)


def bucketing(buckets: int) -> Callable[[str], int]:
    """bucket_of for many keys: the same numbers, without a call and an import per key."""
    if buckets == 1:
        return lambda key: 0
    from zlib import crc32

    return lambda key: crc32(key.encode("utf-8", "surrogatepass")) % buckets


def _citations(citations: tuple[Any, ...]) -> tuple[tuple[str, str], ...]:
    # Interned: marshal then writes each repeated source id once and refers back to it.
    return tuple((sys.intern(c[0]), c[1]) for c in citations)


def _fact_plain(f: store.Fact, cited: Callable[[tuple[Any, ...]], tuple[tuple[str, str], ...]] = _citations) -> tuple[Any, ...]:
    claims = tuple((c.text, cited(c.sources), c.value, c.unit) for c in f.claims) if f.claims else ()
    return (f.id, sys.intern(f.topic), f.text, cited(f.sources), *f[4:10], claims, f.severity, f.line)


def _table_plain(t: store.Table) -> tuple[Any, ...]:
    def row(r: store.MonthlyRow | store.RecordRow) -> tuple[Any, ...]:
        if isinstance(r, store.RecordRow):
            return (r.id, r.cells, r.names, r.aliases, _citations(r.sources), r.note, r.line)
        return tuple(r)

    return (*t[:4], _citations(t.sources), tuple(tuple(c) for c in t.columns), tuple(row(r) for r in t.rows), *t[7:])


def store_sections(value: store.Store) -> dict[str, Any]:
    """The store as plain data in sections (see FactSections), by name."""
    sections: dict[str, Any] = {}
    laid_out = FactSections(sections.__setitem__)
    for fact in value.facts.values():
        laid_out.add(fact)
    laid_out.finish(value)
    return sections


class FactSections:
    """Lays a store's facts out in sections as they come, handing each section on (`emit`) once it is full:
    facts:N (FACT_CHUNK facts of one topic each, numbered in the order they were begun), then, from `finish`,
    where:B (fact id → its facts section, for ids in bucket B), order (each fact's section number in the store's
    order, or None if reading the sections in turn gives it) and meta (everything but the facts).

    Only the sections being filled are held, so a large store can be laid out as it is read (bulk.py).
    """

    def __init__(self, emit: Callable[[str, Any], None]) -> None:
        self._emit = emit
        self._filling: dict[str, tuple[int, list[tuple[Any, ...]]]] = {}  # topic → its open section's number and facts
        self._chunks: list[tuple[str, int]] = []
        self._chunk_of: dict[str, int] = {}
        self._in_order = array("I")
        self._cited: dict[tuple[Any, ...], tuple[tuple[str, str], ...]] = {}  # a store cites a few sources over and over

    def _citations(self, citations: tuple[Any, ...]) -> tuple[tuple[str, str], ...]:
        found = self._cited.get(citations)
        if found is None:
            found = self._cited[citations] = _citations(citations)
        return found

    def add(self, fact: store.Fact) -> None:
        filling = self._filling.get(fact.topic)
        if filling is None:
            filling = self._filling[fact.topic] = (len(self._chunks), [])
            self._chunks.append((fact.topic, 0))
        number, part = filling
        part.append(_fact_plain(fact, self._citations))
        self._chunk_of[fact.id] = number
        self._in_order.append(number)
        if len(part) == FACT_CHUNK:
            self._close(fact.topic)

    def _close(self, topic: str) -> None:
        number, part = self._filling.pop(topic)
        self._chunks[number] = (topic, len(part))
        self._emit(f"facts:{number}", part)

    def finish(self, value: store.Store) -> None:
        """The last sections: `value` gives everything but the facts (its own facts are not read)."""
        for topic in list(self._filling):
            self._close(topic)
        in_order = self._in_order
        buckets = max(1, len(self._chunk_of) // WHERE_BUCKET)
        where: list[dict[str, int]] = [{} for _ in range(buckets)]
        bucket = bucketing(buckets)
        for fact_id, number in self._chunk_of.items():
            where[bucket(fact_id)][fact_id] = number
        for b in range(buckets):
            self._emit(f"where:{b}", where[b])
        # The store's order, as each fact's section number, unless reading the sections one after another gives it.
        self._emit("order", None if all(a <= b for a, b in zip(in_order, in_order[1:], strict=False)) else in_order.tobytes())
        # Last in the entry: every run reads it first, so an entry cut short or damaged at its end is found at once.
        self._emit(
            "meta",
            (
                *value[:5],
                [tuple(x) for x in value.sources.values()],
                [tuple(x) for x in value.topics.values()],
                [_table_plain(t) for t in value.tables.values()],
                self._chunks,
                buckets,
            ),
        )


def _cites(items: tuple[Any, ...]) -> tuple[store.Citation, ...]:
    return tuple(store.Citation(*c) for c in items)


def _facts_from_plain(plain: list[Any], sources: Mapping[str, store.Source]) -> list[store.Fact]:
    """A section's facts as records: built with tuple.__new__ after checking each field count, since
    a topic page of thousands of facts spends most of its time here. Citations shared between facts
    are decoded (and their sources checked to exist) once."""
    width = len(store.Fact._fields)
    new, fact_type, claim = tuple.__new__, store.Fact, store.Claim
    citations: dict[tuple[Any, ...], tuple[store.Citation, ...]] = {}

    def cited(plain_citations: tuple[Any, ...]) -> tuple[store.Citation, ...]:
        found = citations.get(plain_citations)
        if found is None:
            found = citations[plain_citations] = _cites(plain_citations)
            _expect(all(c.source in sources for c in found))
        return found

    facts = []
    for f in plain:
        # Records have defaults: a tuple one field short would load with every later field shifted, so lengths must match exactly.
        _expect(type(f) is tuple and len(f) == width)
        cites = cited(f[3])
        claims = tuple(claim(text, cited(claim_sources), v, unit) for text, claim_sources, v, unit in f[10]) if f[10] else ()
        facts.append(new(fact_type, (f[0], f[1], f[2], cites, *f[4:10], claims, *f[11:])))
    return facts


def _table_from_plain(t: tuple[Any, ...]) -> store.Table:
    _expect(len(t) == len(store.Table._fields))
    _expect(all(len(r) == len((store.RecordRow if t[3] == "records" else store.MonthlyRow)._fields) for r in t[6]))
    if t[3] == "records":
        rows = tuple(store.RecordRow(*r[:4], _cites(r[4]), *r[5:]) for r in t[6])
    else:
        rows = tuple(store.MonthlyRow(*r) for r in t[6])
    return store.Table(*t[:4], _cites(t[4]), tuple(store.Column(*c) for c in t[5]), rows, *t[7:])


class StoreSections:
    """Decodes a cached store's sections into records, checking each against the shape this version writes
    and the facts against the meta section (read first): their count and topic, and that every source they
    cite exists. Any exception means the section is not used (cache.Sections rebuilds from the store)."""

    def __init__(self) -> None:
        self._meta: tuple[Any, ...] | None = None

    def __call__(self, name: str, plain: Any) -> Any:
        if name == "meta":
            self._meta = _meta_from_plain(plain)
            return self._meta
        if name.startswith("where:"):
            _expect(isinstance(plain, dict) and all(type(v) is int for v in plain.values()))
            return plain
        _expect(self._meta is not None)
        assert self._meta is not None
        if name == "order":
            return _order_from_plain(plain, self._meta[8])
        _expect(name.startswith("facts:") and isinstance(plain, list))
        sources, chunks = self._meta[5], self._meta[8]
        topic, count = chunks[int(name.partition(":")[2])]
        facts = _facts_from_plain(plain, sources)
        _expect(len(facts) == count and all(f.topic == topic for f in facts))
        return facts


def _order_from_plain(plain: Any, chunks: list[tuple[str, int]]) -> array[int] | None:
    """The store's order as each fact's section number (None: the sections in turn), if every section is named
    exactly as often as it holds facts."""
    if plain is None:
        return None
    from collections import Counter

    _expect(isinstance(plain, bytes) and len(plain) % 4 == 0)
    numbers = array("I")
    numbers.frombytes(plain)
    _expect(Counter(numbers) == {n: count for n, (_, count) in enumerate(chunks) if count})
    return numbers


def _meta_from_plain(plain: Any) -> tuple[Any, ...]:
    path, name, summary, names, aliases, sources, topics, tables, chunks, buckets = plain
    _expect(all(len(s) == len(store.Source._fields) for s in sources) and all(len(t) == len(store.Topic._fields) for t in topics))
    _expect(isinstance(chunks, list) and all(isinstance(c, tuple) and len(c) == 2 and isinstance(c[1], int) for c in chunks))
    _expect(type(buckets) is int and buckets >= 1)
    source_records = {s[0]: store.Source(*s) for s in sources}
    topic_records = {t[0]: store.Topic(*t) for t in topics}
    table_records = {t[0]: table for t in tables for table in (_table_from_plain(t),)}
    _expect(all(topic in topic_records for topic, _ in chunks) and all(t.topic in topic_records for t in table_records.values()))
    return (path, name, summary, names, aliases, source_records, topic_records, table_records, chunks, buckets)


class SectionedFacts(Mapping[str, "store.Fact"]):
    """Store.facts of a cached store: a read-only mapping that loads one section of facts at a time.

    `hamhung TOPIC` needs one topic's facts and a search only its results', so neither reads the other
    99 % of a large store. Iteration keeps the store's order.
    """

    def __init__(self, section: Callable[[str], Any], chunks: list[tuple[str, int]], buckets: int) -> None:
        self._section = section
        self._chunks = chunks
        self._buckets = buckets
        self._loaded: dict[int, list[store.Fact]] = {}
        self._where: dict[int, dict[str, int]] = {}
        self._by_id: dict[int, dict[str, store.Fact]] = {}  # a loaded section's facts by id, made on the first lookup

    def _chunk(self, number: int) -> list[store.Fact]:
        if number not in self._loaded:
            self._loaded[number] = self._section(f"facts:{number}")
        return self._loaded[number]

    def runs(self) -> list[tuple[int, Callable[[], list[store.Fact]]]]:
        """Each section's fact count and a function that reads it, without keeping it: for indexing a large store
        a section at a time (the sections in turn, not the store's order)."""
        return [(count, lambda number=number: self._section(f"facts:{number}")) for number, (_, count) in enumerate(self._chunks)]

    def in_topic(self, topic: str) -> list[store.Fact]:
        return [f for n, (t, _) in enumerate(self._chunks) if t == topic for f in self._chunk(n)]

    def count_in(self, topic: str) -> int:
        return sum(count for t, count in self._chunks if t == topic)

    def _chunk_number(self, fact_id: str) -> int | None:
        bucket = bucket_of(fact_id, self._buckets)
        if bucket not in self._where:
            self._where[bucket] = self._section(f"where:{bucket}")
        return self._where[bucket].get(fact_id)

    def __getitem__(self, fact_id: str) -> store.Fact:
        number = self._chunk_number(fact_id) if isinstance(fact_id, str) else None
        if number is None or not 0 <= number < len(self._chunks):
            raise KeyError(fact_id)
        if number not in self._by_id:
            self._by_id[number] = {fact.id: fact for fact in self._chunk(number)}
        return self._by_id[number][fact_id]  # a KeyError when the map names the wrong section

    def __contains__(self, fact_id: object) -> bool:
        try:
            self[fact_id]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return sum(count for _, count in self._chunks)

    def _in_order(self) -> Iterator[store.Fact]:
        numbers = self._section("order")
        if numbers is None:
            for number in range(len(self._chunks)):
                yield from self._chunk(number)
            return
        cursors = [0] * len(self._chunks)
        for number in numbers:
            yield self._chunk(number)[cursors[number]]
            cursors[number] += 1

    def __iter__(self) -> Iterator[str]:
        return (f.id for f in self._in_order())

    def values(self) -> Iterator[store.Fact]:  # type: ignore[override]
        return self._in_order()

    def items(self) -> Iterator[tuple[str, store.Fact]]:  # type: ignore[override]
        return ((f.id, f) for f in self._in_order())


def sectioned_store(section: Callable[[str], Any]) -> store.Store:
    """A Store whose facts load on demand, from a cached entry's sections (decoded by StoreSections)."""
    path, name, summary, names, aliases, sources, topics, tables, chunks, buckets = section("meta")
    return store.Store(path, name, summary, names, aliases, sources, topics, SectionedFacts(section, chunks, buckets), tables)


def _expect(condition: bool) -> None:
    if not condition:
        raise ValueError("unexpected layout in cache")


# --------------------------------------------------------------------------- reading and writing


def _trusted(path: str | None) -> TypeGuard[str]:
    """An entry that may be read: in a cache directory, both ours and safe."""
    return path is not None and _safe(os.path.dirname(path)) and _safe(path)


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


class Sections:
    """One cache entry's named sections, each read, checked and decoded only when asked for.

    If the entry is missing, or any section turns out damaged, every section (the one asked for and all
    later ones) comes from `build` instead, which is called at most once and whose result is written back.
    """

    def __init__(self, digest: str, kind: str, build: Callable[[], dict[str, Any]], decode: Callable[[str, Any], Any]) -> None:
        self._digest, self._kind, self._build, self._decode = digest, kind, build, decode
        self._entry = _open(entry_path(digest, kind))
        self._built: dict[str, Any] | None = None
        if self._entry is not None:
            touch(digest, kind)

    @property
    def from_cache(self) -> bool:
        return self._entry is not None

    def __call__(self, name: str) -> Any:
        if self._entry is not None:
            try:
                return self._decode(name, self._entry.load(name))
            except Exception:  # noqa: BLE001 - a damaged or foreign section: rebuild from the source
                self._entry = None
        if self._built is None:
            self._built = self._build()
            write_sections(self._digest, self._kind, self._built)
        return self._decode(name, self._built[name])


class _Entry:
    """An open sectioned entry: its table of contents checked, its sections checked as they are read."""

    def __init__(self, handle: Any, toc: dict[str, tuple[int, int, bytes]], start: int) -> None:
        self._handle, self._toc, self._start = handle, toc, start

    def names(self) -> list[str]:
        return list(self._toc)

    def close(self) -> None:
        self._handle.close()

    def load(self, name: str) -> Any:
        offset, length, expected = self._toc[name]
        # A positioned read: a forked child (parallel.py) shares this file's offset, and a seek then a read in each
        # process would read the wrong bytes.
        if hasattr(os, "pread"):
            blob = os.pread(self._handle.fileno(), length, self._start + offset)
        else:  # pragma: no cover - Windows, where there is no fork either
            self._handle.seek(self._start + offset)
            blob = self._handle.read(length)
        if len(blob) != length or checksum(blob) != expected:
            raise ValueError(f"cache section {name} is damaged")
        return marshal.loads(blob)


def _open(path: str | None) -> _Entry | None:
    """A sectioned entry, if it is ours, safe, and its table of contents is intact."""
    if not _trusted(path):
        return None
    try:
        handle = open(path, "rb")  # noqa: SIM115 - kept open while the run reads sections
    except OSError:
        return None
    try:
        head = handle.read(len(SECTIONS_MAGIC) + 36)
        if len(head) != len(SECTIONS_MAGIC) + 36 or not head.startswith(SECTIONS_MAGIC):
            raise ValueError
        expected, size = head[len(SECTIONS_MAGIC) : -4], int.from_bytes(head[-4:], "big")
        raw = handle.read(size)
        if len(raw) != size or checksum(raw) != expected:
            raise ValueError
        toc = marshal.loads(raw)
        if not isinstance(toc, dict) or not all(
            isinstance(k, str) and type(v) is tuple and len(v) == 3 and type(v[0]) is int and type(v[1]) is int and type(v[2]) is bytes for k, v in toc.items()
        ):
            raise ValueError
    except Exception:  # noqa: BLE001 - not an entry this version wrote
        handle.close()
        return None
    return _Entry(handle, toc, len(head) + size)


def seal_sections(blobs: dict[str, bytes]) -> bytes:
    """A sectioned entry's bytes: magic, the table of contents' checksum and length, the table of contents
    ({name: (offset, length, checksum)}), then the sections' marshalled bytes."""
    return b"".join(_sealed(blobs))


def _sealed(blobs: dict[str, bytes]) -> list[bytes]:
    toc, offset = {}, 0
    for name, blob in blobs.items():
        toc[name] = (offset, len(blob), checksum(blob))
        offset += len(blob)
    return [*_entry_head(toc), *blobs.values()]


def _entry_head(toc: dict[str, tuple[int, int, bytes]]) -> list[bytes]:
    """What comes before a sectioned entry's sections: magic, the table of contents' checksum and length, and the table."""
    raw = marshal.dumps(toc)
    return [SECTIONS_MAGIC, checksum(raw), len(raw).to_bytes(4, "big"), raw]


def write_entry(digest: str, kind: str, lay_out: Callable[[Callable[[str, Any], None]], bool]) -> bool:
    """Write an entry whose sections `lay_out` hands to the function it is given, one at a time, as each is complete
    (see SectionWriter). Whether the entry was written: not if the cache cannot take it, or if `lay_out` gives up
    (returns False) or raises (which is passed on)."""
    writer = SectionWriter(digest, kind)
    if not writer.usable:
        return False
    try:
        laid_out = lay_out(writer.add)
    except BaseException:
        writer.discard()
        raise
    if not laid_out:
        writer.discard()
        return False
    return writer.seal()


class SectionWriter:
    """A sectioned entry written one section at a time, for a store too large to hold all its sections in memory:
    each section goes to a temporary file in the cache directory as it comes, and `seal` writes the entry from it
    (atomically, like every entry). `usable` is False when the cache directory cannot take it."""

    def __init__(self, digest: str, kind: str) -> None:
        self._path, self._kind = entry_path(digest, kind), kind
        self._toc: dict[str, tuple[int, int, bytes]] = {}
        self._offset = 0
        self._body: Any = None
        if self._path is None:
            return
        try:
            created = _temporary(self._path)
            if created is not None:
                self._body_path, handle = created
                self._body = os.fdopen(handle, "w+b")
        except OSError:
            self._body = None

    @property
    def usable(self) -> bool:
        return self._body is not None

    def add(self, name: str, value: Any) -> None:
        if self._body is None:
            return
        blob = marshal.dumps(value)
        try:
            self._body.write(blob)
        except OSError:  # a full disk, say: the entry is not written
            self.discard()
            return
        self._toc[name] = (self._offset, len(blob), checksum(blob))
        self._offset += len(blob)

    def seal(self) -> bool:
        """Write the entry; whether it was written (silently not, on any failure)."""
        if self._body is None:
            return False
        try:
            self._body.flush()
            self._body.seek(0)
            blocks = iter(lambda: self._body.read(1 << 20), b"")
            written = _write(self._path, itertools.chain(_entry_head(self._toc), blocks))
        except OSError:
            written = False
        finally:
            self.discard()
        if written:
            prune(self._kind)
        return written

    def discard(self) -> None:
        """Remove the temporary file (the entry is not written)."""
        if self._body is not None:
            body, self._body = self._body, None
            for step in (body.close, lambda: os.unlink(self._body_path)):
                try:
                    step()  # closing flushes what is buffered, and a full disk or a file size limit fails it
                except OSError:
                    pass


def encode_sections(sections: dict[str, Any]) -> dict[str, bytes] | None:
    try:
        return {name: marshal.dumps(value) for name, value in sections.items()}
    except (TypeError, ValueError):
        return None


def write_sections(digest: str, kind: str, sections: dict[str, Any]) -> None:
    """Write a sectioned entry atomically (its parts one after another, never joined in memory); silent on failure."""
    blobs = encode_sections(sections)
    if blobs is not None:
        _write(entry_path(digest, kind), _sealed(blobs))
        prune(kind)


def read_sections(digest: str, kind: str, decode: Callable[[str, Any], Any]) -> dict[str, Any] | None:
    """Every section of an entry, checked and decoded; None if the entry or any section is unusable.
    (Runs read sections one at a time through Sections; this is for `hamhung check`-style checks and tests.)"""
    entry = _open(entry_path(digest, kind))
    if entry is None:
        return None
    try:
        # A store's meta section first, whatever its place in the entry: its facts are checked against it.
        names = sorted(entry.names(), key=lambda name: name != "meta")
        return {name: decode(name, entry.load(name)) for name in names}
    except Exception:  # noqa: BLE001 - any damaged section makes the entry unusable
        return None
    finally:
        entry.close()


def read_blob(digest: str, kind: str) -> bytes | None:
    """A cached entry's payload, if the entry is ours, untouched and complete."""
    path = entry_path(digest, kind)
    if not _trusted(path):
        return None
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except OSError:
        return None
    if not blob.startswith(MAGIC):
        return None
    expected, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
    return payload if checksum(payload) == expected else None


def write_blob(digest: str, kind: str, payload: bytes) -> None:
    """Write a single-payload entry (magic, checksum, payload) atomically; silent on failure."""
    _write(entry_path(digest, kind), [MAGIC, checksum(payload), payload])
    prune(kind)


def touch(digest: str, kind: str) -> None:
    """Mark an entry as just used, so pruning keeps it (silent when the cache is read-only)."""
    path = entry_path(digest, kind)
    if path is not None:
        try:
            os.utime(path)
        except OSError:
            pass


# A temporary file this old was left by a run that was killed (a finished or failed write removes its own).
STALE_TEMPORARY_NS = 3600 * 10**9


def prune(kind: str) -> None:
    """Remove all but the KEEP_ENTRIES[kind] most recently used entries of one kind (entries of older
    cache formats included): written and used entries have their modification time set to now. Temporary
    files left by killed runs go too (a large store's are tens of megabytes)."""
    directory = cache_dir()
    keep = KEEP_ENTRIES.get(kind)
    if directory is None or keep is None:
        return
    marker = f"-{kind}-"
    stale_before = time.time_ns() - STALE_TEMPORARY_NS
    try:
        with os.scandir(directory) as entries:
            listed = [(entry.name, entry.stat().st_mtime_ns, entry.path) for entry in entries if entry.name.endswith(".bin")]
    except OSError:
        return
    found = [(modified, path) for name, modified, path in listed if marker in name and not name.startswith(".tmp-")]
    found.sort(reverse=True)
    stale = [(modified, path) for name, modified, path in listed if name.startswith(".tmp-") and modified < stale_before]
    for _, path in found[keep:] + stale:
        try:
            os.unlink(path)
        except OSError:
            pass


def _write(path: str | None, parts: Iterable[bytes]) -> bool:
    """Write a file atomically (temporary file, then rename); whether it was written. Silent on failure: the cache is
    only an optimisation."""
    if path is None:
        return False
    try:
        created = _temporary(path)
        if created is None:
            return False
        temporary, handle = created
        try:
            with os.fdopen(handle, "wb") as out:
                out.writelines(parts)
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError:
        return False
    return True


def _temporary(path: str) -> tuple[str, int] | None:
    """A new file beside the entry `path` (its directory made if missing), readable by us alone, and its descriptor;
    None when the directory is not safe to use (see _safe). OSError when it cannot be made.

    What tempfile.mkstemp does, without importing tempfile (shutil, random, bz2, lzma: 15 ms): a name no other run
    can hold (process id, clock, random bits), created exclusively.
    """
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    if not _safe(directory):
        return None
    temporary = os.path.join(directory, f".tmp-{os.getpid()}-{time.monotonic_ns()}-{os.urandom(4).hex()}.bin")
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return temporary, os.open(temporary, flags, 0o600)
