"""Building the search index: every fact, table, row and monthly cell of a store as a Document, their postings,
and the index's sections (see search.Index), each handed on as soon as it is complete.

Searching the index is search.py's; this module is imported only when an index has to be built.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from . import search
from .normalize import folded_phrase, romanization_key, term, tokens
from .phrasing import cell_text, format_number, row_text
from .search import _DOC_NUMBER, BUCKET_TERMS, NO_CONTEXT, W_CONTEXT, W_LABEL, W_NAME, W_NOTE, W_TEXT, Document, Index, _shape, bucketing
from .store import MONTH_NAMES, MONTHS, Fact, MonthlyRow, Store

if TYPE_CHECKING:
    from typing import Any

CONTEXT_FIELDS = ("topic", "table")  # fields that repeat one text on many documents


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
        yield Document(fact.id, "fact", fact.topic, fact.text, tuple(f for f in fields if f and f[2]))


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


def _id_words(item_id: str) -> str:
    """A fact id is a name an editor chose ("economy.vinalon"): its words are searchable, minus the topic prefix."""
    return item_id.partition(".")[2].replace("-", " ")


def _distinct_terms(text: str) -> tuple[str, ...]:
    """A document field's terms, each once (not cached like _terms: a large store's fields are nearly all different)."""
    return tuple(dict.fromkeys(map(term, tokens(text))))


# How equal scores are ordered: by kind, then by id (a document's sort key is this letter and its id).
_KIND_ORDER = {"fact": "0", "row": "1", "table": "2", "cell": "3"}


class _Part:
    """The index being built, a document at a time.

    Field codes, contexts and topics get their numbers in order of first appearance. Documents go to `emit` as
    docs:C sections (search.DOC_CHUNK each) as soon as each is full.
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
        if (number + 1) % search.DOC_CHUNK == 0:
            self.emit_docs(number // search.DOC_CHUNK)

    def emit_docs(self, chunk: int) -> None:
        if self.docs:
            self.emit(f"docs:{chunk}", self.docs)
            self.docs = []

    def postings_of(self, word: str) -> tuple[bytes, bytes]:
        """A term's documents (packed numbers) and their codes, taken out of the part."""
        hits = self.numbers.pop(word)
        if type(hits) is int:
            return array(_DOC_NUMBER, (hits >> 8,)).tobytes(), bytes((hits & 255,))
        return hits.tobytes(), bytes(self.codes.pop(word))

    def numbers_of(self, word: str) -> array[int]:
        hits = self.numbers.get(word, array(_DOC_NUMBER))
        return array(_DOC_NUMBER, (hits >> 8,)) if type(hits) is int else hits


def lay_out_index(docs: Iterable[Document], subject_text: str, emit: Callable[[str, Any], None]) -> None:
    """The index's sections (see Index), each handed to `emit` as plain data once it is complete."""
    part = _Part(frozenset(_distinct_terms(subject_text)), emit)
    count = 0
    for count, doc in enumerate(docs, 1):
        part.add(count - 1, doc)
    part.emit_docs((count - 1) // search.DOC_CHUNK)
    _emit_index(part, count, emit)


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
    lay_out_index(docs, subject_text, sections.__setitem__)
    return sections


def store_subject(store: Store) -> str:
    """The city's names: in every document without being written in any."""
    return " ".join((store.name, *store.aliases, *(n for _, n in store.names)))


def store_index_sections(store: Store) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    lay_out_index(documents(store), store_subject(store), sections.__setitem__)
    return sections


def index_store(store: Store) -> Index:
    return Index(store_index_sections(store).__getitem__)
