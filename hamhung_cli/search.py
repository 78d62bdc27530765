"""Ranked search over facts, tables, table rows and single climate cells.

Every searchable thing becomes a Document with weighted fields. Documents
and queries go through the same normalisation (normalize.py); an inverted
index of normalised terms finds candidates, rapidfuzz (plain Python for short lists, fuzzy.py) supplies typo
tolerance over the index's vocabulary (never over whole documents, so the
cost grows with the vocabulary, not the store), and a document's score is
the IDF-weighted share of the query it covers. Query words that match
nothing in the store count against every document, which is what lets
"Eiffel Tower" find nothing instead of the least bad match.

Pure functions and data: no I/O, no printing.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from .cache import bucket_of, bucketing
from .normalize import folded_phrase, romanization_key, term, tokens
from .phrasing import cell_text, format_number, row_text
from .store import MONTH_NAMES, MONTHS, Fact, MonthlyRow, Store

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from typing import Any
    from typing import NamedTuple as Record
else:
    from .records import Record

# Field weights: a name or alias outranks a label, which outranks body text.
W_NAME = 1.0
W_LABEL = 0.9
W_TEXT = 0.85
W_NOTE = 0.45
W_CONTEXT = 0.35

# Similarity of a query term to an indexed term, by how it matched.
SIM_EXACT = 1.0
SIM_KEY = 0.95  # same romanization key: Hamheung = Hamhŭng, 흥남 = Hungnam
SIM_FUZZY_BASE = 0.85  # minus FUZZY_STEP per further edit
FUZZY_STEP = 0.12

MULTI_FIELD_BONUS = 0.04
UNKNOWN_WORD_WEIGHT = 0.5
MIN_SCORE = 0.65
SUBJECT_FIELD = "subject"
_DOC_NUMBER = next(code for code in "IL" if array(code).itemsize == 4)  # document numbers in packed postings

STOP_WORDS = frozenset(
    """a an and are as at be been being by can could did do does for from had has have how i in into is it its
    me my of on or please show tell that the their there these this those to was were what when where which
    who whom whose why will with would you about any many much give list find info information know
    also than then there here some such very really exactly roughly approximately currently today now
    get gets got lie lies located situated happen happened happens exist exists called call named
    tell say said does doing done one ones kind sort type thing things per each every
    """.split()
)


class Document(Record):
    """One searchable thing and the text a result shows for it."""

    id: str
    kind: str  # fact | table | row | cell
    topic: str
    text: str
    fields: tuple[tuple[str, float, str], ...]


class Match(Record):
    """Why a document matched one query term: for --explain."""

    query_term: str
    indexed_term: str
    field: str
    how: str
    similarity: float
    weight: float


class Result(Record):
    document: Document
    score: float
    matches: list[Match]

    @property
    def percent(self) -> int:
        return min(100, round(self.score * 100))  # an exact name match scores above 1.0 internally


DOC_CHUNK = 256  # documents per section: a search loads only the chunks of the results it shows
BUCKET_TERMS = 512  # about this many terms per postings (keys, phrases) section: a one-word search reads about 20 KB of each
MAX_DIGITS_GROUP = 4  # vocabulary groups by digit count: 0, 1, 2, 3, and 4 or more
CONTEXT_FIELDS = ("topic", "table")  # fields that repeat one text on many documents
NO_CONTEXT = 0xFFFFFFFF


def _shape(word: str) -> tuple[int, int]:
    """Length and digit count (grouped): one edit changes each by at most one, so typo matching
    within k edits need only look at the groups within k of the word's own."""
    if word.isalpha():
        return len(word), 0
    return len(word), min(MAX_DIGITS_GROUP, sum(map(str.isdigit, word)))


def _near_shapes(word: str, edits: int, shapes: frozenset[tuple[int, int]]) -> list[tuple[int, int]]:
    length, digits = _shape(word)
    low, high = min(MAX_DIGITS_GROUP, max(0, digits - edits)), min(MAX_DIGITS_GROUP, digits + edits)
    return sorted(shape for shape in shapes if abs(shape[0] - length) <= edits and low <= shape[1] <= high)


class CacheDamage(ValueError):
    """A cached section whose content does not fit the rest of the index (a document number past the end, say):
    written by no version of this tool. The command rebuilds the index from the store and tries again."""


class Index:
    """The search index, as named sections of plain data that load one at a time.

    A query needs the postings of a few terms, the vocabulary of a few word lengths (for typos) and the
    few documents it shows; on a large store that is a small part of the whole. So the index is kept in
    sections, built in memory (build_index) or read from the cache, each loaded when first needed:
    - core: counts, the subject's terms, the field table, per-document term counts and topics;
    - postings:B: term → packed hits, for the terms whose bucket_of is B (each document's number as an
      unsigned 32-bit integer, then one byte per document: field code << 2 | fields holding the term);
    - keys:B: romanization key → the terms with that key;
    - vocab:N.D / keyvocab:N.D: the terms / keys of N characters and D digits, newline-joined (typo matching);
    - contexts / context-docs:C: the words of each context field (a topic's or table's names, which all its
      documents carry), kept once with the documents of that context instead of in every document's postings;
    - phrases:B: folded name or alias phrase → its documents' numbers (packed as in postings), in hash buckets; phrasevocab:N: the phrases of N
      characters, newline-joined (a one-word query near a name); docs:C: DOC_CHUNK documents as plain tuples.
    Documents are numbered in the order they were indexed; core's doc_rank orders equal scores (by kind, then id)
    without reading any document.
    """

    def __init__(self, section: Callable[[str], Any]) -> None:
        self._section = section
        self._loaded: dict[str, Any] = {}
        core = self.section("core")
        self.count: int = core["count"]
        self.buckets: int = core["buckets"]
        self.subject: frozenset[str] = core["subject"]
        self.field_table: tuple[tuple[str, float], ...] = core["field_table"]
        self.topics: tuple[str, ...] = core["topics"]
        self.shapes: frozenset[tuple[int, int]] = core["shapes"]
        self.key_shapes: frozenset[tuple[int, int]] = core["key_shapes"]
        self.phrase_buckets: int = core["phrase_buckets"]
        self.phrase_lengths: frozenset[int] = core["phrase_lengths"]
        self._doc_terms = array(_DOC_NUMBER)
        self._doc_terms.frombytes(core["doc_terms"])
        self._doc_topics = array(_DOC_NUMBER)
        self._doc_topics.frombytes(core["doc_topics"])
        self._doc_rank = array(_DOC_NUMBER)
        self._doc_rank.frombytes(core["doc_rank"])

    def section(self, name: str) -> Any:
        if name not in self._loaded:
            self._loaded[name] = self._section(name)
        return self._loaded[name]

    def postings(self, word: str) -> bytes | None:
        found: bytes | None = self.section(f"postings:{bucket_of(word, self.buckets)}").get(word)
        return found

    def knows(self, word: str) -> bool:
        return word in self.subject or self.postings(word) is not None or word in self.section("contexts")["words"]

    def with_key(self, key: str) -> tuple[str, ...]:
        """The indexed terms whose romanization key this is."""
        found: tuple[str, ...] = self.section(f"keys:{bucket_of(key, self.buckets)}").get(key, ())
        return found

    def vocabulary_near(self, word: str, edits: int) -> list[str]:
        """The indexed terms (the subject's included) that could be within `edits` edits of a word."""
        return self._near("vocab", self.shapes, word, edits)

    def keys_near(self, key: str, edits: int) -> list[str]:
        """The romanization keys that could be within `edits` edits of a key."""
        return self._near("keyvocab", self.key_shapes, key, edits)

    def _near(self, kind: str, shapes: frozenset[tuple[int, int]], word: str, edits: int) -> list[str]:
        return [w for n, d in _near_shapes(word, edits, shapes) for w in self.section(f"{kind}:{n}.{d}").split("\n")]

    def named(self, phrase: str) -> frozenset[int]:
        """The documents one of whose names (or aliases, titles, labels) folds to this phrase."""
        packed = self.section(f"phrases:{bucket_of(phrase, self.phrase_buckets)}").get(phrase)
        return frozenset() if packed is None else frozenset(self._documents(packed, f"the documents named {phrase!r}"))

    def _documents(self, packed: bytes, what: str) -> array[int]:
        """Document numbers packed as 32-bit integers (postings, names, contexts), each checked to lie within the index."""
        numbers = array(_DOC_NUMBER)
        numbers.frombytes(packed)
        if numbers and max(numbers) >= self.count:
            raise CacheDamage(f"{what} point past the index")
        return numbers

    def phrases_near(self, phrase: str, edits: int) -> list[str]:
        """The names that could be within `edits` edits of a phrase (those of a length within `edits` of its own)."""
        lengths = sorted(n for n in self.phrase_lengths if abs(n - len(phrase)) <= edits)
        return [name for n in lengths for name in self.section(f"phrasevocab:{n}").split("\n")]

    def document(self, number: int) -> Document:
        chunk, offset = divmod(number, DOC_CHUNK)
        try:
            return Document(*self.section(f"docs:{chunk}")[offset], ())
        except (IndexError, KeyError):
            raise CacheDamage(f"document {number} is not in the index") from None

    def terms_in(self, number: int) -> int:
        """How many distinct terms a document has (for precision)."""
        return self._doc_terms[number]

    def topic_of(self, number: int) -> str:
        return self.topics[self._doc_topics[number]]

    def rank_of(self, number: int) -> int:
        """A document's place among equal scores (by kind, then id)."""
        return self._doc_rank[number]

    def idf(self, indexed: str) -> float:
        if indexed in self.subject:
            count = self.count
        else:
            count = len(self.postings(indexed) or b"") // 5 + self.section("contexts")["only"].get(indexed, 0)
        return math.log(1 + self.count / max(count, 1))

    def hits(self, indexed: str) -> Iterator[tuple[int, float, str, int]]:
        """(document, field weight, field name, fields holding the term) for each document holding it."""
        packed = self.postings(indexed) or b""
        count = len(packed) // 5
        numbers = self._documents(packed[: 4 * count], f"postings of {indexed!r}")
        codes = packed[4 * count :]
        if len(packed) % 5 or (codes and max(codes) >> 2 >= len(self.field_table)):
            raise CacheDamage(f"postings of {indexed!r} point past the index")
        for number, code in zip(numbers, codes, strict=True):
            name, weight = self.field_table[code >> 2]
            yield number, weight, name, code & 3
        contexts = self.section("contexts")
        found = contexts["words"].get(indexed)
        if found:
            # Documents that hold the word only in their context field (those that hold it elsewhere too came above).
            held = 2 if indexed in self.subject else 1
            own = set(numbers)
            for context in found:
                try:
                    name, weight = self.field_table[contexts["fields"][context]]
                except (IndexError, TypeError):
                    raise CacheDamage(f"context {context} of {indexed!r} is not in the index") from None
                for number in self._documents(self.section(f"context-docs:{context}"), f"context {context}'s documents"):
                    if number not in own:
                        yield number, weight, name, held

    def section_names(self) -> list[str]:
        names = ["core", "contexts", *(f"vocab:{n}.{d}" for n, d in sorted(self.shapes)), *(f"keyvocab:{n}.{d}" for n, d in sorted(self.key_shapes))]
        names += [f"phrases:{b}" for b in range(self.phrase_buckets)] + [f"phrasevocab:{n}" for n in sorted(self.phrase_lengths)]
        names += [f"context-docs:{n}" for n in range(len(self.section("contexts")["fields"]))]
        names += [f"{kind}:{b}" for kind in ("postings", "keys") for b in range(self.buckets)]
        return names + [f"docs:{n}" for n in range(-(-self.count // DOC_CHUNK))]

    def __eq__(self, other: object) -> bool:
        """Same content, section by section (loads everything: for tests)."""
        if not isinstance(other, Index):
            return NotImplemented
        names = self.section_names()
        return names == other.section_names() and all(self.section(n) == other.section(n) for n in names)

    __hash__ = None  # type: ignore[assignment]


_SECTION_TYPES = {
    "core": dict,
    "phrases": dict,
    "phrasevocab": str,
    "contexts": dict,
    "context-docs": bytes,
    "vocab": str,
    "keyvocab": str,
    "postings": dict,
    "keys": dict,
    "docs": list,
}


def check_section(name: str, value: Any) -> Any:
    """A section read from the cache, if it has the shape this version writes; ValueError otherwise."""
    kind = name.partition(":")[0]
    if not isinstance(value, _SECTION_TYPES.get(kind, ())):
        raise ValueError(f"index section {name}: unexpected type")
    if kind == "core":
        expected = {
            "count",
            "buckets",
            "subject",
            "field_table",
            "topics",
            "shapes",
            "key_shapes",
            "phrase_buckets",
            "phrase_lengths",
            "doc_terms",
            "doc_topics",
            "doc_rank",
        }
        per_document = ("doc_terms", "doc_topics", "doc_rank")
        ok = set(value) == expected and all(isinstance(value[k], bytes) and len(value[k]) == 4 * value["count"] for k in per_document)
        ok = ok and isinstance(value["subject"], frozenset) and isinstance(value["count"], int)
        ok = ok and all(isinstance(value[k], int) and value[k] >= 1 for k in ("buckets", "phrase_buckets"))
        ok = ok and max(array(_DOC_NUMBER, value["doc_topics"]) if ok else (), default=0) < max(len(value["topics"]), 1)
        ok = ok and all(isinstance(f, tuple) and len(f) == 2 for f in value["field_table"])
    elif kind == "postings":
        # Types here, at C speed; lengths, document numbers and field codes when a term's hits are read (CacheDamage).
        ok = set(map(type, value)) <= {str} and set(map(type, value.values())) <= {bytes}
    elif kind == "keys":
        ok = set(map(type, value)) <= {str} and set(map(type, value.values())) <= {tuple}
    elif kind == "contexts":
        ok = set(value) == {"fields", "words", "only"} and all(type(v) is tuple for v in value["words"].values())
        ok = ok and all(type(v) is int for v in value["only"].values()) and isinstance(value["fields"], tuple)
    elif kind == "context-docs":
        ok = len(value) % 4 == 0
    elif kind == "phrases":
        ok = set(map(type, value)) <= {str} and set(map(type, value.values())) <= {bytes} and all(len(v) % 4 == 0 for v in value.values())
    elif kind == "docs":
        ok = all(type(d) is tuple and len(d) == 4 and all(type(x) is str for x in d) for d in value)
    else:
        ok = True
    if not ok:
        raise ValueError(f"index section {name}: unexpected layout")
    return value


# --------------------------------------------------------------------------- documents


def fact_text(fact: Fact) -> str:
    return fact.text


def documents(store: Store) -> list[Document]:
    """Every fact, table, table row and monthly cell as a searchable document."""
    return [*_fact_documents(store.facts.values(), _topic_contexts(store)), *_table_documents(store)]


def _topic_contexts(store: Store) -> dict[str, tuple[str, float, str]]:
    # One context field per topic, shared by its documents (the index keeps its words once per context).
    return {t.id: ("topic", W_CONTEXT, " ".join((t.title, t.id, *t.aliases))) for t in store.topics.values()}


def _fact_documents(facts: Iterable[Fact], contexts: dict[str, tuple[str, float, str]]) -> Iterator[Document]:
    for fact in facts:
        fields = [
            ("alias", W_NAME, " ; ".join((*fact.aliases, *(n for _, n in fact.names)))) if fact.aliases or fact.names else None,
            ("id", W_LABEL, _id_words(fact.id)),
            ("text", W_TEXT, fact.text),
        ]
        if fact.claims:
            fields.append(("claim", W_TEXT, " ; ".join(c.text for c in fact.claims)))
        if fact.value is not None or fact.unit is not None or fact.claims:
            fields.append(("value", W_TEXT, " ".join(str(v) for v in (fact.value, fact.unit, *(c.value for c in fact.claims)) if v is not None)))
        fields += [("note", W_NOTE, fact.note or ""), contexts[fact.topic]]
        yield Document(fact.id, "fact", fact.topic, fact_text(fact), tuple(f for f in fields if f and f[2]))


def _table_documents(store: Store) -> Iterator[Document]:
    for table in store.tables.values():
        topic = store.topics[table.topic]
        context = " ".join((topic.title, topic.id, *topic.aliases))
        table_fields = (
            ("alias", W_NAME, " ; ".join(table.aliases)),
            ("title", W_LABEL, f"{table.title} {table.period or ''}"),
            ("note", W_NOTE, table.note or ""),
            ("topic", W_CONTEXT, context),
        )
        yield Document(table.id, "table", table.topic, f"{table.title}" + (f" ({table.period})" if table.period else ""), table_fields)
        table_context = ("table", W_CONTEXT, " ; ".join((table.title, *table.aliases, context)))
        for row in table.rows:
            if isinstance(row, MonthlyRow):
                label = ("label", W_LABEL, " ; ".join((row.label, *row.aliases, row.unit)))
                yield Document(f"{table.id}.{row.id}", "row", table.topic, row_text(table, row), (label, table_context))
                for month in range(13 if row.year is not None else 12):
                    month_names = f"{MONTH_NAMES[month]} {MONTHS[month]}" if month < 12 else "year annual yearly"
                    value = row.values[month] if month < 12 else row.year
                    cell_fields = (
                        label,
                        ("month", W_NAME if month < 12 else W_LABEL, month_names),
                        ("value", W_TEXT, format_number(value)),  # type: ignore[arg-type]
                        table_context,
                    )
                    month_id = MONTHS[month] if month < 12 else "year"
                    yield Document(f"{table.id}.{row.id}.{month_id}", "cell", table.topic, cell_text(table, row, month), cell_fields)
            else:
                names = " ; ".join((*row.aliases, *(n for _, n in row.names)))
                cells = " ; ".join(f"{value}" for _, value in row.cells)
                row_fields = (
                    ("alias", W_NAME, names),
                    ("id", W_LABEL, _id_words(f"{table.id}.{row.id}")),
                    ("cells", W_NAME, cells),
                    ("note", W_TEXT, row.note or ""),
                    table_context,
                )
                yield Document(f"{table.id}.{row.id}", "row", table.topic, row_text(table, row), tuple(f for f in row_fields if f[2]))


def document_runs(store: Store) -> list[tuple[int, Callable[[], Iterable[Document]]]]:
    """The store's documents in runs of (how many, a function that makes them), in the order the index numbers them.

    A cached store's facts come a section at a time, each read only while its documents are indexed, so a large
    store's facts are never all in memory; a store read whole gives its facts in runs of DOC_CHUNK. The tables'
    documents (a few hundred) come last, in one run.
    """
    contexts = _topic_contexts(store)
    fact_runs = getattr(store.facts, "runs", None)
    if fact_runs is not None:
        facts = fact_runs()
    else:
        every = list(store.facts.values())
        facts = [(len(part), lambda part=part: part) for part in (every[n : n + DOC_CHUNK] for n in range(0, len(every), DOC_CHUNK))]
    runs: list[tuple[int, Callable[[], Iterable[Document]]]] = [(count, lambda read=read: _fact_documents(read(), contexts)) for count, read in facts]
    tables = list(_table_documents(store))
    return [*runs, (len(tables), lambda: tables)]


def _id_words(item_id: str) -> str:
    """A fact id is a name an editor chose ("economy.vinalon"): its words are searchable, minus the topic prefix."""
    return item_id.partition(".")[2].replace("-", " ")


@lru_cache(maxsize=8192)
def _terms(text: str) -> tuple[str, ...]:
    """The index terms of a text; cached because contexts (topic, table, the city's names) repeat on every document."""
    return tuple(map(term, tokens(text)))


def _distinct_terms(text: str) -> tuple[str, ...]:
    """A document field's terms, each once (not cached like _terms: a large store's fields are nearly all different)."""
    return tuple(dict.fromkeys(map(term, tokens(text))))


def build_index(docs: list[Document], subject_text: str = "") -> Index:
    return Index(index_sections(docs, subject_text).__getitem__)


# A store with at least this many documents is indexed in two halves at once (parallel.py), when it can be.
PARALLEL_DOCS = 20_000
# How equal scores are ordered: by kind, then by id (a document's sort key is this letter and its id).
_KIND_ORDER = {"fact": "0", "row": "1", "table": "2", "cell": "3"}


class _Part:
    """The index of a run of consecutive documents, numbered as in the whole index.

    Field codes, contexts and topics get their own numbers here, in order of first appearance; `join` renumbers a
    later part's into this one's, so two parts joined are exactly what one pass over both would build. Documents go to
    `emit` as docs:C sections (DOC_CHUNK each) as soon as each is full.
    """

    def __init__(self, subject: frozenset[str], emit: Callable[[str, Any], None]) -> None:
        self.subject = subject
        self.emit = emit
        self.field_codes: dict[tuple[str, float], int] = {}  # (field name, weight) → code
        self.contexts: dict[tuple[str, float, str], int] = {}  # context field → its number
        self.context_words: list[tuple[str, ...]] = []  # each context's words
        self.topics: dict[str, int] = {}
        # term → the documents holding it, and for each of those (in codes) field code << 2 | fields holding it; a term in
        # one document only is one int, its number << 8 | its code (see postings_of).
        self.numbers: dict[str, int | array[int]] = {}
        self.codes: dict[str, bytearray] = {}
        self.phrases: dict[str, set[int]] = {}
        self.doc_terms = array(_DOC_NUMBER)
        self.doc_contexts = array(_DOC_NUMBER)
        self.doc_topics = array(_DOC_NUMBER)
        self.sort_keys: list[str] = []
        self.docs: list[tuple[str, str, str, str]] = []  # the docs section being filled

    def add(self, number: int, doc: Document) -> None:
        subject, field_codes = self.subject, self.field_codes
        fields = doc.fields
        context = NO_CONTEXT
        # A context field (the topic's or the table's names, last on every document and the lowest weighted) is the
        # same text on many documents: its words are kept once per context, not in every document's postings.
        if fields and fields[-1][0] in CONTEXT_FIELDS and all(w > fields[-1][1] for _, w, _ in fields[:-1]):
            context = self.contexts.get(fields[-1], NO_CONTEXT)
            if context == NO_CONTEXT:
                context = self.contexts[fields[-1]] = len(self.contexts)
                self.context_words.append(_distinct_terms(fields[-1][2]))
                field_codes.setdefault(fields[-1][:2], len(field_codes))
            fields = fields[:-1]
        # word → (best field weight, that field's code); how many fields hold a word is counted (in `held`) only for
        # words in more than one (most words are in one): the subject's words count as one more field.
        best: dict[str, tuple[float, int]] = {}
        held: dict[str, int] = {}
        for name, weight, text in fields:
            code = field_codes.get((name, weight))
            if code is None:
                code = field_codes[name, weight] = len(field_codes)
            words = _distinct_terms(text)
            if best.keys().isdisjoint(words):
                best.update(dict.fromkeys(words, (weight, code)))
            else:
                for word in words:
                    entry = best.get(word)
                    if entry is None:
                        best[word] = (weight, code)
                    else:
                        held[word] = held.get(word, 2 if word in subject else 1) + 1
                        if entry[0] < weight:
                            best[word] = (weight, code)
            if name in ("alias", "title", "cells") or (name == "label" and doc.kind == "row"):
                for phrase in text.split(";"):
                    folded = folded_phrase(phrase)
                    if folded:
                        self.phrases.setdefault(folded, set()).add(number)
        context_only = 0
        if context != NO_CONTEXT:
            # As if the context field came last, as it does: it adds one to the fields holding a word the
            # document has anyway (never the best field: its weight is the lowest), and counts the rest.
            for word in self.context_words[context]:
                if word in best:
                    held[word] = held.get(word, 2 if word in subject else 1) + 1
                else:
                    context_only += 1
        self.doc_terms.append(len(best) + context_only)
        self.doc_contexts.append(context)
        self.doc_topics.append(self.topics.setdefault(doc.topic, len(self.topics)))
        self.sort_keys.append(_KIND_ORDER.get(doc.kind, "9") + doc.id)
        alone = not held and subject.isdisjoint(best)  # every word in one field: nearly every document
        numbers, codes = self.numbers, self.codes
        for word, (_, code) in best.items():
            if alone:
                packed_code = code << 2 | 1
            else:
                fields_holding = held[word] if word in held else 2 if word in subject else 1
                packed_code = code << 2 | (fields_holding if fields_holding < 3 else 3)
            hits = numbers.get(word)
            if hits is None:
                numbers[word] = number << 8 | packed_code  # one document so far (most terms of a large store): one int
            elif type(hits) is int:
                numbers[word] = array(_DOC_NUMBER, (hits >> 8, number))
                codes[word] = bytearray((hits & 255, packed_code))
            else:
                hits.append(number)
                codes[word].append(packed_code)
        self.docs.append((doc.id, doc.kind, doc.topic, doc.text))
        if (number + 1) % DOC_CHUNK == 0:
            self.emit_docs(number // DOC_CHUNK)

    def emit_docs(self, chunk: int) -> None:
        if self.docs:
            self.emit(f"docs:{chunk}", self.docs)
            self.docs = []

    def plain(self) -> tuple[Any, ...]:
        """As marshal-able data, to come back from the child that built it (its documents already emitted): each
        term's hits in one run of bytes, so the reply is a few large objects instead of two per term. Empties the part."""
        words = list(self.numbers)
        counts = array(_DOC_NUMBER, (1 if type(hits) is int else len(hits) for hits in self.numbers.values()))
        postings = [self.postings_of(word) for word in words]  # empties numbers and codes
        packed_numbers = b"".join(numbers for numbers, _ in postings)
        packed_codes = b"".join(codes for _, codes in postings)
        del postings
        return (
            list(self.field_codes),
            list(self.contexts),
            self.context_words,
            list(self.topics),
            words,
            counts.tobytes(),
            packed_numbers,
            packed_codes,
            {phrase: tuple(holders) for phrase, holders in self.phrases.items()},
            self.doc_terms.tobytes(),
            self.doc_contexts.tobytes(),
            self.doc_topics.tobytes(),
            self.sort_keys,
        )

    def postings_of(self, word: str) -> tuple[bytes, bytes]:
        """A term's documents (packed numbers) and their codes, taken out of the part."""
        hits = self.numbers.pop(word)
        if type(hits) is int:
            return array(_DOC_NUMBER, (hits >> 8,)).tobytes(), bytes((hits & 255,))
        return hits.tobytes(), bytes(self.codes.pop(word))

    def numbers_of(self, word: str) -> array[int]:
        hits = self.numbers.get(word, array(_DOC_NUMBER))
        return array(_DOC_NUMBER, (hits >> 8,)) if type(hits) is int else hits

    def join(self, plain: tuple[Any, ...]) -> None:
        """Add the part that follows this one (as `plain` gives it), its field codes, contexts and topics renumbered
        into this one's."""
        field_codes, contexts, context_words, topics, words, counts, packed_numbers, packed_codes, phrases = plain[:9]
        doc_terms, doc_contexts, doc_topics, sort_keys = plain[9:]
        moved = bytearray(range(256))  # packed field codes: the later part's code << 2 | n → this one's << 2 | n
        for code, key in enumerate(field_codes):
            mine = self.field_codes.setdefault(tuple(key), len(self.field_codes))  # type: ignore[arg-type]
            moved[code << 2 : (code << 2) + 4] = bytes(mine << 2 | n for n in range(4))
        context_numbers = []
        for context, key in enumerate(contexts):
            mine = self.contexts.setdefault(tuple(key), len(self.contexts))  # type: ignore[arg-type]
            if mine == len(self.context_words):
                self.context_words.append(tuple(context_words[context]))
            context_numbers.append(mine)
        topic_numbers = [self.topics.setdefault(topic, len(self.topics)) for topic in topics]
        hit_counts = array(_DOC_NUMBER)
        hit_counts.frombytes(counts)
        all_numbers, all_codes = memoryview(packed_numbers), packed_codes.translate(moved)
        start = 0
        numbers, codes = self.numbers, self.codes
        for word, count in zip(words, hit_counts, strict=True):
            stop = start + count
            hits = numbers.get(word)
            if hits is None and count == 1:
                numbers[word] = int.from_bytes(all_numbers[4 * start : 4 * stop], sys.byteorder) << 8 | all_codes[start]
                start = stop
                continue
            if hits is None:
                numbers[word] = hits = array(_DOC_NUMBER)
                codes[word] = bytearray()
            elif type(hits) is int:
                codes[word] = bytearray((hits & 255,))
                numbers[word] = hits = array(_DOC_NUMBER, (hits >> 8,))
            hits.frombytes(all_numbers[4 * start : 4 * stop])
            codes[word] += all_codes[start:stop]
            start = stop
        for phrase, holders in phrases.items():
            self.phrases.setdefault(phrase, set()).update(holders)
        self.doc_terms.frombytes(doc_terms)
        for target, packed, numbering in ((self.doc_contexts, doc_contexts, context_numbers), (self.doc_topics, doc_topics, topic_numbers)):
            theirs = array(_DOC_NUMBER)
            theirs.frombytes(packed)
            target.extend(array(_DOC_NUMBER, (n if n == NO_CONTEXT else numbering[n] for n in theirs)))
        self.sort_keys.extend(sort_keys)


def _documents_between(runs: list[tuple[int, Callable[[], Iterable[Document]]]], start: int, stop: int) -> Iterator[Document]:
    """Documents start to stop-1 of the runs, making only the runs that hold some of them."""
    from itertools import islice

    position = 0
    for count, make in runs:
        if position + count > start and position < stop:
            yield from islice(make(), max(0, start - position), min(count, stop - position))
        position += count
        if position >= stop:
            return


def lay_out_index(runs: list[tuple[int, Callable[[], Iterable[Document]]]], subject_text: str, emit: Callable[[str, Any], None]) -> None:
    """The index's sections (see Index), each handed to `emit` as plain data once it is complete.

    Documents are numbered in the order the runs give them and read once; only the postings are held until the end.
    A large store is indexed in two halves at once (parallel.py): the child sends its postings and its documents'
    sections (marshalled, so the parent never holds them as objects) back through a pipe.
    """
    import marshal
    import os

    subject = frozenset(_distinct_terms(subject_text))
    count = sum(n for n, _ in runs)
    parent = os.getpid()

    def work(start: int, stop: int) -> tuple[_Part, dict[str, bytes]]:
        # Documents start to stop-1. The child keeps its documents' sections to send back; here they go straight to emit.
        in_child = os.getpid() != parent
        sent: dict[str, bytes] = {}
        part = _Part(subject, (lambda name, value: sent.__setitem__(name, marshal.dumps(value))) if in_child else emit)
        for number, doc in zip(range(start, stop), _documents_between(runs, start, stop), strict=True):
            part.add(number, doc)
        part.emit_docs((stop - 1) // DOC_CHUNK)
        return part, sent

    middle = count // 2 // DOC_CHUNK * DOC_CHUNK  # at a docs section's edge: each half writes whole sections
    if count >= PARALLEL_DOCS and middle:
        from .parallel import in_two

        (whole, _), (later, sent) = in_two(count, work, lambda done: (done[0].plain(), done[1]), _checked_half, middle)
        for name in list(sent):  # the child's documents, a section at a time
            emit(name, marshal.loads(sent.pop(name)))
        whole.join(later.plain() if isinstance(later, _Part) else later)
    else:
        whole, _ = work(0, count)
    _emit_index(whole, count, emit)


def _checked_half(plain: Any) -> tuple[tuple[Any, ...], dict[str, bytes]]:
    """The child's reply, if it has the shape _Part.plain and work give (else the parent does that half itself)."""
    half, sent = plain
    if not (isinstance(half, tuple) and len(half) == 13 and isinstance(sent, dict) and all(isinstance(b, bytes) for b in sent.values())):
        raise ValueError("not a half of the index")
    return half, sent


def _emit_index(part: _Part, count: int, emit: Callable[[str, Any], None]) -> None:
    """Every section but the documents' (already emitted), from the whole index's part, which this empties.

    The order keeps a large store's peak memory down: each thing is let go of as soon as its sections are written.
    """
    numbers, phrases, subject = part.numbers, part.phrases, part.subject
    field_codes, context_words, doc_contexts = part.field_codes, part.context_words, part.doc_contexts
    # Each document's place among equal scores: by kind, then id (then the order of the runs).
    rank = array(_DOC_NUMBER, bytes(4 * count))
    for place, number in enumerate(sorted(range(count), key=part.sort_keys.__getitem__)):
        rank[number] = place
    part.sort_keys = []
    context_docs: list[array[int]] = [array(_DOC_NUMBER) for _ in context_words]
    for number, context in enumerate(doc_contexts):
        if context != NO_CONTEXT:
            context_docs[context].append(number)
    in_contexts: dict[str, list[int]] = defaultdict(list)
    for context, words in enumerate(context_words):
        for word in words:
            in_contexts[word].append(context)
    only_by_context = {}
    for word, found in in_contexts.items():
        own = set(part.numbers_of(word))
        only_by_context[word] = sum(len(context_docs[c]) for c in found) - sum(1 for n in own if doc_contexts[n] in found)
    emit(
        "contexts",
        {
            "fields": tuple(field_codes[c[:2]] for c in part.contexts),
            "words": {w: tuple(c) for w, c in in_contexts.items()},
            "only": only_by_context,
        },
    )
    for context, numbers_in in enumerate(context_docs):
        emit(f"context-docs:{context}", numbers_in.tobytes())
    del context_docs, only_by_context
    # Every term once: the postings' (all different), then the contexts' and the subject's that are not among them.
    terms = [*numbers, *(w for w in in_contexts if w not in numbers), *(w for w in subject if w not in numbers and w not in in_contexts)]
    keys: dict[str, list[str]] = defaultdict(list)  # (terms are distinct: lists, a third of the memory of sets)
    for word in terms:
        keys[romanization_key(word)].append(word)
    buckets = max(1, len(keys) // BUCKET_TERMS)
    phrase_buckets = max(1, len(phrases) // BUCKET_TERMS)
    # The typo vocabularies: terms and keys grouped by shape.
    shapes: set[tuple[int, int]] = set()
    key_shapes: set[tuple[int, int]] = set()
    for kind, words, found in (("vocab", terms, shapes), ("keyvocab", keys, key_shapes)):
        groups: defaultdict[tuple[int, int], list[str]] = defaultdict(list)
        for word in words:
            groups[_shape(word)].append(word)
        for (n, d), grouped in groups.items():
            emit(f"{kind}:{n}.{d}", "\n".join(grouped))
        found.update(groups)
    del terms, groups
    # The postings and keys a bucket at a time, each term's hits let go of once written: they are most of the memory.
    bucket = bucketing(buckets)
    words_in: list[list[str]] = [[] for _ in range(buckets)]
    for word in numbers:
        words_in[bucket(word)].append(word)
    keys_in: list[list[str]] = [[] for _ in range(buckets)]
    for key in keys:
        keys_in[bucket(key)].append(key)
    for b in range(buckets):
        emit(f"postings:{b}", {word: b"".join(part.postings_of(word)) for word in words_in[b]})
        emit(f"keys:{b}", {key: tuple(sorted(keys.pop(key))) for key in keys_in[b]})
    del words_in, keys_in
    phrase_bucket = bucketing(phrase_buckets)
    phrases_in: list[dict[str, bytes]] = [{} for _ in range(phrase_buckets)]
    by_length: dict[int, list[str]] = defaultdict(list)
    for phrase, holders in phrases.items():
        phrases_in[phrase_bucket(phrase)][phrase] = array(_DOC_NUMBER, sorted(holders)).tobytes()
        by_length[len(phrase)].append(phrase)
    for b in range(phrase_buckets):
        emit(f"phrases:{b}", phrases_in[b])
    for n, names in by_length.items():
        emit(f"phrasevocab:{n}", "\n".join(names))
    # Last in the entry: every search reads it first, so an entry cut short or damaged at its end is found at once.
    emit(
        "core",
        {
            "count": count,
            "buckets": buckets,
            "subject": subject,
            "field_table": tuple(field_codes),
            "topics": tuple(part.topics),
            "shapes": frozenset(shapes),
            "key_shapes": frozenset(key_shapes),
            "phrase_buckets": phrase_buckets,
            "phrase_lengths": frozenset(map(len, phrases)),
            "doc_terms": part.doc_terms.tobytes(),
            "doc_topics": part.doc_topics.tobytes(),
            "doc_rank": rank.tobytes(),
        },
    )


def index_sections(docs: list[Document], subject_text: str = "") -> dict[str, Any]:
    """The index's sections (see Index) by name, as plain data that the cache stores as it is."""
    sections: dict[str, Any] = {}
    lay_out_index([(len(docs), lambda: docs)], subject_text, sections.__setitem__)
    return sections


def store_subject(store: Store) -> str:
    """The city's names: in every document without being written in any."""
    return " ".join((store.name, *store.aliases, *(n for _, n in store.names)))


def store_index_sections(store: Store) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    lay_out_index(document_runs(store), store_subject(store), sections.__setitem__)
    return sections


def index_store(store: Store) -> Index:
    return Index(store_index_sections(store).__getitem__)


# --------------------------------------------------------------------------- querying


def max_edits(word: str) -> int:
    """Typos tolerated in a word of this length: none in short words, so "tower" never meets "towers"-like noise."""
    if len(word) <= 3 or word.isdigit() or not word.isascii():
        return 0
    if len(word) <= 7:
        return 1
    if len(word) <= 10:
        return 2
    return 3


def query_terms(query: str) -> list[str]:
    return [w for w in _terms(query) if w not in STOP_WORDS]


MIN_PART = 2  # "hamhungsi" = "hamhung" + "si"


def _spelt_in(index: Index, word: str) -> set[int]:
    """Documents holding a word as spelt or by its romanization key (no typos); all of them for the city's name."""
    terms = {word, *index.with_key(romanization_key(word))}
    if terms & index.subject:
        return set(range(index.count))
    return {number for indexed in terms for number, *_ in index.hits(indexed)}


def split_compound(index: Index, word: str) -> tuple[str, str] | None:
    """Two known words that a word the store does not know runs together ("sistercity", "hamhungsi").

    The parts must be found as spelt or by their romanization keys, never by a typo, and together in at
    least one document, so a foreign word is not explained away as two unrelated short ones. Of several
    splits, the most even one wins.
    """
    if not word.isalpha() or len(word) < 2 * MIN_PART + 1:
        return None
    best: tuple[str, str] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if head in STOP_WORDS or tail in STOP_WORDS or (best is not None and min(cut, len(tail)) <= min(map(len, best))):
            continue
        if _spelt_in(index, head) & _spelt_in(index, tail):
            best = (head, tail)
    return best


def _query_words(index: Index, query: str) -> list[tuple[str, dict[str, tuple[float, str]]]]:
    """Each query word with the indexed terms it may stand for; an unknown run-together word becomes its two parts."""
    found = []
    for word in query_terms(query):
        candidates = _candidates(index, word)
        parts = None if candidates else split_compound(index, word)
        if parts is None:
            found.append((word, candidates))
        else:
            found.extend((part, _candidates(index, part)) for part in parts)
    return found


def _candidates(index: Index, word: str) -> dict[str, tuple[float, str]]:
    """Indexed terms close to a query term, with their similarity and how they matched."""
    found: dict[str, tuple[float, str]] = {}
    if index.knows(word):
        found[word] = (SIM_EXACT, "exact")
    for other in index.with_key(romanization_key(word)):
        found.setdefault(other, (SIM_KEY, "romanization"))
    edits = max_edits(word)
    if edits:
        from .fuzzy import within

        for other, distance in within(word, index.vocabulary_near(word, edits), edits):
            if other[0] != word[0] and distance > 1:
                continue  # a wrong first letter plus more is rarely a typo
            found.setdefault(other, (SIM_FUZZY_BASE - FUZZY_STEP * (distance - 1), f"typo ({distance} edit{'s' if distance > 1 else ''})"))
        key = romanization_key(word)
        if key != word and len(key) > 3:
            key_edits = max(1, edits - 1)
            keys = index.keys_near(key, key_edits)
            for other_key, distance in within(key, keys, key_edits):
                for other in index.with_key(other_key):
                    found.setdefault(other, (SIM_FUZZY_BASE - FUZZY_STEP * distance, f"romanization + typo ({distance})"))
    return found


def search(index: Index, query: str, *, limit: int = 10, topic: str | None = None, min_score: float = MIN_SCORE) -> list[Result]:
    """Best documents first; an empty list when nothing is relevant enough."""
    words = _query_words(index, query)
    if not words:
        return []
    # document → query word position → (similarity, weight, indexed term, field, how): plain tuples, made into
    # Match records only for the results shown (a common word can touch thousands of documents).
    per_doc: dict[int, dict[int, tuple[float, float, str, str, str]]] = defaultdict(dict)
    subject_terms: list[tuple[int, str, tuple[float, str, str]]] = []
    weights = []
    max_idf = math.log(1 + index.count)
    for position, (word, candidates) in enumerate(words):
        # The word's weight is that of its best match (the most common spelling on ties): "hamhung" is
        # everywhere and weighs little, even though a rare misspelt alias of it also exists.
        best = max(candidates.items(), key=lambda item: (item[1][0], -index.idf(item[0])), default=None)
        # A word the store never uses counts against every result, but less than the rarest real word:
        # enough that "Eiffel Tower" finds nothing, not so much that one odd verb sinks a good answer.
        weight = index.idf(best[0]) if best else max_idf * UNKNOWN_WORD_WEIGHT
        weights.append(weight)
        implicit = [(similarity, indexed, how) for indexed, (similarity, how) in candidates.items() if indexed in index.subject]
        if implicit:
            subject_terms.append((position, word, max(implicit)))
        for indexed, (similarity, how) in candidates.items():
            for number, field_weight, field_name, fields in index.hits(indexed):
                # A word found in several fields (name and text, say) counts a little more: it is what the thing is about.
                score = similarity * field_weight * (1 + MULTI_FIELD_BONUS * min(fields - 1, 2))
                matches = per_doc[number]
                best = matches.get(position)
                if best is None or best[0] * best[1] < score:
                    matches[position] = (similarity, score / similarity, indexed, field_name, how)
    # The subject's words are in every document: they match wherever nothing better matched them.
    # (A document that matched nothing else could never reach the cut-off on them alone.)
    for position, _, (similarity, indexed, how) in subject_terms:
        for matches in per_doc.values():
            best = matches.get(position)
            if best is None or best[0] * best[1] < similarity * W_CONTEXT:
                matches[position] = (similarity, W_CONTEXT, indexed, SUBJECT_FIELD, how)
    total = sum(weights)
    phrase = folded_phrase(query)
    exact_docs = index.named(phrase)
    near_docs = _near_name(index, phrase) if not exact_docs else frozenset()
    scored = []
    for number, matches in per_doc.items():
        if topic and index.topic_of(number) != topic:
            continue
        covered = sum(weights[p] * m[0] * m[1] for p, m in matches.items())
        coverage = covered / total
        own = sum(m[3] != SUBJECT_FIELD for m in matches.values())
        if not own:
            coverage *= 0.9  # only the city's own name matched
        precision = min(1.0, own / max(index.terms_in(number), 1))
        score = coverage * (0.85 + 0.15 * precision)
        if number in exact_docs:
            score += 1.0  # the whole query is this thing's name; coverage still orders several such
        elif number in near_docs:
            score += 0.9  # the whole query is this thing's name with a typo ("hamhng")
        if score >= min_score:
            scored.append((-score, index.rank_of(number), number))
    scored.sort()  # equal scores by kind, then id
    results = []
    for score, _, number in scored[: max(limit, 0)]:
        matches = per_doc[number]
        explained = [Match(words[p][0], m[2], m[3], m[4], m[0], m[1]) for p in sorted(matches) for m in (matches[p],)]
        results.append(Result(index.document(number), -score, explained))
    return results


def _near_name(index: Index, phrase: str) -> frozenset[int]:
    """Documents one of whose names is the whole query give or take a typo or two (scaled like single words)."""
    edits = max_edits(phrase.replace(" ", ""))
    if not edits or " " in phrase:
        return frozenset()
    from .fuzzy import within

    found = within(phrase, index.phrases_near(phrase, edits), edits)
    return frozenset(number for name, _ in found if name[:1] == phrase[:1] for number in index.named(name))


def unmatched_terms(index: Index, query: str) -> list[str]:
    """Query words that match nothing in the store, for the "nothing found" message."""
    return [word for word, candidates in _query_words(index, query) if not candidates]
