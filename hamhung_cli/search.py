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
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from .normalize import folded_phrase, romanization_key, term, tokens

if TYPE_CHECKING:
    from typing import Any

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


class Document(NamedTuple):
    """One searchable thing and the text a result shows for it."""

    id: str
    kind: str  # fact | table | row | cell
    topic: str
    text: str
    fields: tuple[tuple[str, float, str], ...]


class Match(NamedTuple):
    """Why a document matched one query term: for --explain."""

    query_term: str
    indexed_term: str
    field: str
    how: str
    similarity: float
    weight: float


class Result(NamedTuple):
    document: Document
    score: float
    matches: list[Match]

    @property
    def percent(self) -> int:
        return min(100, round(self.score * 100))  # an exact name match scores above 1.0 internally


DOC_CHUNK = 256  # documents per section: a search loads only the chunks of the results it shows
BUCKET_TERMS = 512  # about this many terms per postings (keys, phrases) section: a one-word search reads about 20 KB of each
MAX_DIGITS_GROUP = 4  # vocabulary groups by digit count: 0, 1, 2, 3, and 4 or more
NO_CONTEXT = 0xFFFFFFFF


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
    sections, built in memory (indexing.build_index) or read from the cache, each loaded when first needed:
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


@lru_cache(maxsize=8192)
def _terms(text: str) -> tuple[str, ...]:
    """A query's terms (cached: a session of searches repeats words)."""
    return tuple(map(term, tokens(text)))


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
