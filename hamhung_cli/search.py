"""Ranked search over facts, tables, table rows and single climate cells.

Every searchable thing becomes a Document with weighted fields. Documents
and queries go through the same normalisation (normalize.py); an inverted
index of normalised terms finds candidates, rapidfuzz supplies typo
tolerance over the index's vocabulary (never over whole documents, so the
cost grows with the vocabulary, not the store), and a document's score is
the IDF-weighted share of the query it covers. Query words that match
nothing in the store count against every document, which is what lets
"Eiffel Tower" find nothing instead of the least bad match.

Pure functions and data: no I/O, no printing.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from .normalize import folded_phrase, romanization_key, term, tokens
from .phrasing import cell_text, format_number, row_text
from .store import MONTH_NAMES, MONTHS, Fact, MonthlyRow, Store

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
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


class Index(Record):
    documents: list[Document]
    # term → packed hits: for each document holding the term, its number (uint32) and one byte saying in which
    # field (an index into field_table) and in how many fields (up to 3) it occurs. Bytes, not nested dicts and
    # tuples, so that a large index loads from the cache in one piece and is unpacked only for the query's terms.
    postings: dict[str, bytes]
    keys: dict[str, frozenset[str]]  # romanization key → terms with that key
    doc_terms: list[int]  # number of distinct terms per document
    phrases: dict[str, frozenset[int]]  # folded alias/name phrase → documents
    # The store's own subject ("Hamhŭng" and its names) is implicitly in every document. Its terms are kept
    # once here instead of in every document's postings.
    subject: frozenset[str] = frozenset()
    field_table: tuple[tuple[str, float], ...] = ()  # (field name, weight) by code

    @property
    def vocabulary(self) -> list[str]:
        return [*self.postings, *(w for w in self.subject if w not in self.postings)]

    def idf(self, indexed: str) -> float:
        count = len(self.documents) if indexed in self.subject else len(self.postings.get(indexed, b"")) // 5
        return math.log(1 + len(self.documents) / max(count, 1))

    def hits(self, indexed: str) -> Iterator[tuple[int, float, str, int]]:
        """(document, field weight, field name, fields holding the term) for each document holding it."""
        packed = self.postings.get(indexed)
        if not packed:
            return
        count = len(packed) // 5
        numbers = array(_DOC_NUMBER)
        numbers.frombytes(packed[: 4 * count])
        for number, code in zip(numbers, packed[4 * count :], strict=True):
            name, weight = self.field_table[code >> 2]
            yield number, weight, name, code & 3


# --------------------------------------------------------------------------- documents


def fact_text(fact: Fact) -> str:
    return fact.text


def documents(store: Store) -> list[Document]:
    """Every fact, table, table row and monthly cell as a searchable document."""
    docs: list[Document] = []
    for fact in store.facts.values():
        topic = store.topics[fact.topic]
        fields = [
            ("alias", W_NAME, " ; ".join((*fact.aliases, *(n for _, n in fact.names)))),
            ("id", W_LABEL, _id_words(fact.id)),
            ("text", W_TEXT, fact.text),
            ("claim", W_TEXT, " ; ".join(c.text for c in fact.claims)),
            ("value", W_TEXT, " ".join(str(v) for v in (fact.value, fact.unit, *(c.value for c in fact.claims)) if v is not None)),
            ("note", W_NOTE, fact.note or ""),
            ("topic", W_CONTEXT, " ".join((topic.title, topic.id, *topic.aliases))),
        ]
        docs.append(Document(fact.id, "fact", fact.topic, fact_text(fact), tuple(f for f in fields if f[2])))
    for table in store.tables.values():
        topic = store.topics[table.topic]
        context = " ".join((topic.title, topic.id, *topic.aliases))
        table_fields = (
            ("alias", W_NAME, " ; ".join(table.aliases)),
            ("title", W_LABEL, f"{table.title} {table.period or ''}"),
            ("note", W_NOTE, table.note or ""),
            ("topic", W_CONTEXT, context),
        )
        docs.append(Document(table.id, "table", table.topic, f"{table.title}" + (f" ({table.period})" if table.period else ""), table_fields))
        table_context = ("table", W_CONTEXT, " ; ".join((table.title, *table.aliases, context)))
        for row in table.rows:
            if isinstance(row, MonthlyRow):
                label = ("label", W_LABEL, " ; ".join((row.label, *row.aliases, row.unit)))
                docs.append(Document(f"{table.id}.{row.id}", "row", table.topic, row_text(table, row), (label, table_context)))
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
                    docs.append(Document(f"{table.id}.{row.id}.{month_id}", "cell", table.topic, cell_text(table, row, month), cell_fields))
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
                docs.append(Document(f"{table.id}.{row.id}", "row", table.topic, row_text(table, row), tuple(f for f in row_fields if f[2])))
    return docs


def _id_words(item_id: str) -> str:
    """A fact id is a name an editor chose ("economy.vinalon"): its words are searchable, minus the topic prefix."""
    return item_id.partition(".")[2].replace("-", " ")


@lru_cache(maxsize=8192)
def _terms(text: str) -> tuple[str, ...]:
    """The index terms of a text; cached because contexts (topic, table, the city's names) repeat on every document."""
    return tuple(term(t) for t in tokens(text))


def _distinct_terms(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_terms(text)))


def build_index(docs: list[Document], subject_text: str = "") -> Index:
    subject = frozenset(_distinct_terms(subject_text))
    field_codes: dict[tuple[str, float], int] = {}
    numbers: dict[str, array[int]] = {}
    codes: dict[str, bytearray] = {}
    phrases: dict[str, set[int]] = defaultdict(set)
    doc_terms = []
    for number, doc in enumerate(docs):
        # word → [best field weight, that field's code, fields holding it]; the subject's words count as one more field
        best: dict[str, list[float | int]] = {}
        for name, weight, text in doc.fields:
            code = field_codes.setdefault((name, weight), len(field_codes))
            for word in _distinct_terms(text):
                entry = best.get(word)
                if entry is None:
                    best[word] = [weight, code, 2 if word in subject else 1]
                else:
                    if entry[0] < weight:
                        entry[0], entry[1] = weight, code
                    entry[2] += 1
            if name in ("alias", "title", "cells") or (name == "label" and doc.kind == "row"):
                for phrase in text.split(";"):
                    folded = folded_phrase(phrase)
                    if folded:
                        phrases[folded].add(number)
        doc_terms.append(len(best))
        for word, (_, code, fields) in best.items():
            packed_code = int(code) << 2 | min(int(fields), 3)
            if word in numbers:
                numbers[word].append(number)
                codes[word].append(packed_code)
            else:
                numbers[word] = array(_DOC_NUMBER, (number,))
                codes[word] = bytearray((packed_code,))
    packed = {word: hits.tobytes() + codes[word] for word, hits in numbers.items()}
    keys: dict[str, set[str]] = defaultdict(set)
    for word in (*packed, *subject):
        keys[romanization_key(word)].add(word)
    return Index(
        [doc._replace(fields=()) for doc in docs],  # the field texts were for building; results need only the rest
        packed,
        {k: frozenset(v) for k, v in keys.items()},
        doc_terms,
        {k: frozenset(v) for k, v in phrases.items()},
        subject,
        tuple(field_codes),
    )


def index_store(store: Store) -> Index:
    return build_index(documents(store), " ".join((store.name, *store.aliases, *(n for _, n in store.names))))


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
    terms = {word, *index.keys.get(romanization_key(word), ())}
    if terms & index.subject:
        return set(range(len(index.documents)))
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
    if word in index.postings or word in index.subject:
        found[word] = (SIM_EXACT, "exact")
    for other in index.keys.get(romanization_key(word), ()):
        found.setdefault(other, (SIM_KEY, "romanization"))
    edits = max_edits(word)
    if edits:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        for other, distance, _ in process.extract(word, index.vocabulary, scorer=Levenshtein.distance, score_cutoff=edits, limit=None):
            if other[0] != word[0] and distance > 1:
                continue  # a wrong first letter plus more is rarely a typo
            found.setdefault(other, (SIM_FUZZY_BASE - FUZZY_STEP * (distance - 1), f"typo ({distance} edit{'s' if distance > 1 else ''})"))
        key = romanization_key(word)
        if key != word and len(key) > 3:
            for other_key, distance, _ in process.extract(key, list(index.keys), scorer=Levenshtein.distance, score_cutoff=max(1, edits - 1), limit=None):
                for other in index.keys[other_key]:
                    found.setdefault(other, (SIM_FUZZY_BASE - FUZZY_STEP * distance, f"romanization + typo ({distance})"))
    return found


def search(index: Index, query: str, *, limit: int = 10, topic: str | None = None, min_score: float = MIN_SCORE) -> list[Result]:
    """Best documents first; an empty list when nothing is relevant enough."""
    words = _query_words(index, query)
    if not words:
        return []
    per_doc: dict[int, dict[int, Match]] = defaultdict(dict)
    subject_terms: list[tuple[int, str, tuple[float, str, str]]] = []
    weights = []
    max_idf = math.log(1 + len(index.documents))
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
                best = per_doc[number].get(position)
                if best is None or best.similarity * best.weight < score:
                    per_doc[number][position] = Match(word, indexed, field_name, how, similarity, score / similarity)
    # The subject's words are in every document: they match wherever nothing better matched them.
    # (A document that matched nothing else could never reach the cut-off on them alone.)
    for position, word, (similarity, indexed, how) in subject_terms:
        for matches in per_doc.values():
            best = matches.get(position)
            if best is None or best.similarity * best.weight < similarity * W_CONTEXT:
                matches[position] = Match(word, indexed, SUBJECT_FIELD, how, similarity, W_CONTEXT)
    total = sum(weights)
    phrase = folded_phrase(query)
    exact_docs = index.phrases.get(phrase, frozenset())
    near_docs = _near_name(index, phrase) if not exact_docs else frozenset()
    results = []
    for number, matches in per_doc.items():
        doc = index.documents[number]
        if topic and doc.topic != topic:
            continue
        covered = sum(weights[p] * m.similarity * m.weight for p, m in matches.items())
        coverage = covered / total
        if all(m.field == SUBJECT_FIELD for m in matches.values()):
            coverage *= 0.9  # only the city's own name matched
        precision = min(1.0, len([m for m in matches.values() if m.field != SUBJECT_FIELD]) / max(index.doc_terms[number], 1))
        score = coverage * (0.85 + 0.15 * precision)
        if number in exact_docs:
            score += 1.0  # the whole query is this thing's name; coverage still orders several such
        elif number in near_docs:
            score += 0.9  # the whole query is this thing's name with a typo ("hamhng")
        if score >= min_score:
            results.append(Result(doc, score, [matches[p] for p in sorted(matches)]))
    results.sort(key=lambda r: (-r.score, _KIND_ORDER.get(r.document.kind, 9), r.document.id))
    return results[: max(limit, 0)]


def _near_name(index: Index, phrase: str) -> frozenset[int]:
    """Documents one of whose names is the whole query give or take a typo or two (scaled like single words)."""
    edits = max_edits(phrase.replace(" ", ""))
    if not edits or " " in phrase:
        return frozenset()
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    found = process.extract(phrase, list(index.phrases), scorer=Levenshtein.distance, score_cutoff=edits, limit=None)
    return frozenset(number for name, _, _ in found if name[:1] == phrase[:1] for number in index.phrases[name])


_KIND_ORDER = {"fact": 0, "row": 1, "table": 2, "cell": 3}


def unmatched_terms(index: Index, query: str) -> list[str]:
    """Query words that match nothing in the store, for the "nothing found" message."""
    return [word for word, candidates in _query_words(index, query) if not candidates]
