"""Ranked search over the full-text index (index.py): SQLite's FTS5 finds and ranks, our normalisation finds the words.

A query is folded as the documents were. Each word that is not a stop word stands for a group of indexed words: itself,
the words with its romanization key (Hamheung → Hamhŭng, 흥남 → Hungnam), or, when the store does not use it and it is
no common English word, the words within a typo or two of it, and failing all that, the stem or Hangul start it
shares with a store word ("shortfall" → short). FTS5 finds the documents holding any group and ranks them with bm25
over weighted columns. A document's score is the share of the query it covers, each word weighted by how rare it is
in the store and by the column it was found in, nudged by bm25. A word the store never uses counts against every
document in proportion to how specific it is: "during" or "life" barely, "Eiffel" fully, so a question full of filler
words still finds its answer and "Eiffel Tower" finds nothing. The bar is for the best result; near ones follow it.

No I/O but the queries on the database it is given; no printing.
"""

import math
import sqlite3
from typing import NamedTuple

from .documents import COLUMNS, Document
from .normalize import folded_phrase, romanization_key, spelling, tokens

# bm25's weight of each column, and how much of a query word a match there covers.
BM25_WEIGHTS = {"names": 10.0, "questions": 8.0, "text": 4.0, "notes": 1.5, "context": 1.0}
COVERS = {"names": 1.0, "questions": 1.0, "text": 0.9, "notes": 0.5, "context": 0.35}
BM25_SHARE = 0.3  # how far bm25 (relative to the best candidate's) moves a score

# Similarity of a query word to an indexed word, by how it matched.
SIM_KEY = 0.95  # same romanization key
SIM_FUZZY_BASE = 0.85  # minus FUZZY_STEP per further edit
FUZZY_STEP = 0.12
SIM_PREFIX = 0.8  # the query word begins a longer indexed word
MIN_PREFIX = 5
MAX_PREFIX_WORDS = 3
SIM_STEM = 0.7  # an unknown word begins with a stem the store uses: "creation" → created, "shortfall" → short
MIN_STEM = 5
MIN_SYLLABLES = 2

# A word the store never uses weighs UNKNOWN_WEIGHT of the rarest word's weight, times its specificity: 0 for English
# words at least as common as COMMON_HIGH (Zipf), 1 at COMMON_LOW and below (names, jargon, numbers, typos).
UNKNOWN_WEIGHT = 0.6
COMMON_HIGH = 6.5
COMMON_LOW = 5.0
NOT_A_TYPO = 4.0  # an English word this common is taken as spelt right, never corrected to a store word
MIN_SCORE = 0.7
FOLLOW_SHARE = 0.7  # below the best result, results down to this share of the bar are shown too
CANDIDATES = 200  # documents bm25 puts forward for scoring
MIN_PART = 2  # "hamhungsi" = "hamhung" + "si"

STOP_WORDS = frozenset(
    """a an and are as at be been being by can could did do does for from had has have how i in into is it its
    me my of on or please show tell that they them we us our ours he him his she her hers your yours am having should
    the their there these this those to was were what when where which
    who whom whose why will with would you about any many much give list find info information know
    also than then there here some such very really exactly roughly approximately currently today now
    get gets got lie lies located situated happen happened happens exist exists called call named
    tell say said does doing done one ones kind sort type thing things per each every
    go goes going went gone come comes came take takes took make makes made keep keeps kept put puts
    start starts started begin begins began run runs running turn turns help helps helped use used
    like just still right these days nowadays usually mostly mainly often ever even
    out off up down over around back away along together
    """.split()
)


class Match(NamedTuple):
    """Why a document matched one query word: for --explain."""

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


class Word(NamedTuple):
    """A query word, the indexed words it may stand for (with similarity and how), and its weight."""

    word: str
    terms: dict[str, tuple[float, str]]
    weight: float
    subject: bool  # the city's own name: every document is about it


class Index:
    """The search tables of one store's database (see index.py)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        meta = dict(db.execute("SELECT key, value FROM search_meta"))
        self.count = int(meta["count"])
        self.subject = frozenset(str(meta["subject"]).split())
        self._frequency: dict[str, int] = {}

    def frequency(self, word: str) -> int:
        """How many documents hold the word (as FTS5 stems it: 'populations' finds 'population')."""
        if word not in self._frequency:
            self._frequency[word] = self.db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (_quoted(word),)).fetchone()[0]
        return self._frequency[word]

    def _column(self, sql: str, *args: object) -> list:
        """The first column of a query's rows."""
        return [row[0] for row in self.db.execute(sql, args)]

    def uses(self, word: str) -> bool:
        """Whether a document holds the word exactly as spelt (no stemming)."""
        return bool(self._column("SELECT 1 FROM words WHERE word = ?", word))

    def knows(self, word: str) -> bool:
        return word in self.subject or self.frequency(word) > 0

    def idf(self, word: str) -> float:
        return math.log(1 + self.count / max(self.count if word in self.subject else self.frequency(word), 1))

    def with_key(self, key: str) -> list[str]:
        return self._column("SELECT word FROM words WHERE key = ?", key)

    def words_near(self, word: str, edits: int, column: str = "word") -> list[str]:
        """Indexed words (or their romanization keys) whose length is within `edits` of the word's."""
        return self._column(f"SELECT DISTINCT {column} FROM words WHERE length({column}) BETWEEN ? AND ?", len(word) - edits, len(word) + edits)

    def starting_with(self, prefix: str, limit: int, inclusive: bool = False) -> list[str]:
        sql = f"SELECT word FROM words WHERE word {'>=' if inclusive else '>'} ? AND word < ? ORDER BY length(word) LIMIT ?"
        return self._column(sql, prefix, prefix + "\U0010ffff", limit)

    def zipf(self, word: str) -> float:
        """How common the word is in English (Zipf scale); 0 for words not listed as common."""
        return next(iter(self._column("SELECT zipf FROM common_words WHERE word = ?", word)), 0.0)

    def named(self, phrase: str) -> set[int]:
        return set(self._column("SELECT rowid FROM names WHERE phrase = ?", phrase))

    def names_near(self, phrase: str, edits: int) -> list[str]:
        return self._column("SELECT DISTINCT phrase FROM names WHERE length(phrase) BETWEEN ? AND ?", len(phrase) - edits, len(phrase) + edits)

    def document(self, rowid: int) -> Document:
        doc_id, kind, topic, text = self.db.execute("SELECT id, kind, topic, text FROM documents WHERE rowid = ?", (rowid,)).fetchone()
        return Document(doc_id, kind, topic, text, {})


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


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
    return [spelling(w) for w in tokens(query) if w not in STOP_WORDS]


def interpret(index: Index, query: str) -> list[Word]:
    """Each query word with the indexed words it may stand for; an unknown run-together word becomes its two parts,
    and failing that stands for the words it begins like."""
    found = []
    for word in query_terms(query):
        terms = _candidates(index, word)
        parts = None if terms else split_compound(index, word)
        if not terms and not parts and word.isalpha():
            terms = _shared_start(index, word)
        for part in parts or (word,):
            part_terms = _candidates(index, part) if parts else terms
            found.append(Word(part, part_terms, _weight(index, part, part_terms), bool(set(part_terms) & index.subject)))
    return found


def _candidates(index: Index, word: str) -> dict[str, tuple[float, str]]:
    """Indexed words close to a query word, with their similarity and how they matched."""
    found: dict[str, tuple[float, str]] = {}
    if index.knows(word):
        found[word] = (1.0, "exact")
    common = index.zipf(word) >= NOT_A_TYPO
    for other in index.with_key(romanization_key(word)):
        if not (common and index.zipf(other) >= NOT_A_TYPO):  # two English words ("line", "nine") are not spellings of one
            found.setdefault(other, (SIM_KEY, "romanization"))
    if len(word) >= MIN_PREFIX:  # the start of a longer word: "trolley" for "trolleybus"
        for other in index.starting_with(word, MAX_PREFIX_WORDS):
            found.setdefault(other, (SIM_PREFIX, "start of a word"))
    if not found and not common:
        found = _typos(index, word)
    return found


def _shared_start(index: Index, word: str) -> dict[str, tuple[float, str]]:
    """An unknown word that begins like a word the store uses: "creation" (stem creat-, as in "created"), "shortfall"
    (short); in Hangul, whose compounds are written as one word, 흥남비료공장 (흥남비료, as in 흥남비료연합기업소)."""
    for cut in range(len(word) - 1, (MIN_STEM if word.isascii() else MIN_SYLLABLES) - 1, -1):
        start = word[:cut]
        if word.isascii() and index.frequency(start):  # FTS5 stems it as it stemmed the documents
            return {start: (SIM_STEM, "shared stem")}
        if not word.isascii() and (others := index.starting_with(start, MAX_PREFIX_WORDS, inclusive=True)):
            return dict.fromkeys(others, (SIM_STEM, "shared start"))
    return {}


def _typos(index: Index, word: str) -> dict[str, tuple[float, str]]:
    """Indexed words within a typo or two of a word the store does not use, spelt as typed or in another romanization."""
    found: dict[str, tuple[float, str]] = {}
    edits = max_edits(word)
    if not edits:
        return found
    from .fuzzy import within

    for other, distance in within(word, index.words_near(word, edits), edits):
        if other[0] != word[0] and distance > 1:
            continue  # a wrong first letter plus more is rarely a typo
        found.setdefault(other, (SIM_FUZZY_BASE - FUZZY_STEP * (distance - 1), f"typo ({distance} edit{'s' if distance > 1 else ''})"))
    key = romanization_key(word)
    if key != word and len(key) > 3:
        # Another romanization with a typo ("Hamheong"): near in its key, and as near as spelt.
        key_edits = max(1, edits - 1)
        for other_key, distance in within(key, index.words_near(key, key_edits, "key"), key_edits):
            for other, _ in within(word, index.with_key(other_key), edits):
                found.setdefault(other, (SIM_FUZZY_BASE - FUZZY_STEP * distance, f"romanization + typo ({distance})"))
    return found


def _weight(index: Index, word: str, terms: dict[str, tuple[float, str]]) -> float:
    """A known word weighs its rarity in the store (that of its best match); an unknown one, its specificity."""
    if terms:
        best = max(terms.items(), key=lambda item: (item[1][0], -index.idf(item[0])))
        return index.idf(best[0])
    # Words of another script have no frequency list here: half as specific as a rare English word.
    specificity = min(1.0, max(0.0, (COMMON_HIGH - index.zipf(word)) / (COMMON_HIGH - COMMON_LOW))) if word.isascii() else 0.5
    return math.log(1 + index.count) * UNKNOWN_WEIGHT * specificity


def split_compound(index: Index, word: str) -> tuple[str, str] | None:
    """Two known words that a word the store does not know runs together ("sistercity", "hamhungsi"), found together
    in at least one document; of several splits, the most even one."""
    if not word.isalpha() or len(word) < 2 * MIN_PART + 1 or index.zipf(word) >= NOT_A_TYPO:
        return None
    best: tuple[str, str] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if head in STOP_WORDS or tail in STOP_WORDS or (best is not None and min(cut, len(tail)) <= min(map(len, best))):
            continue
        if index.knows(head) and index.knows(tail) and (head in index.subject or tail in index.subject or index.frequency(f"{head} {tail}")):
            best = (head, tail)
    return best


def search(index: Index, query: str, *, limit: int = 10, topic: str | None = None, min_score: float = MIN_SCORE) -> list[Result]:
    """Best documents first; an empty list when nothing is relevant enough."""
    words = interpret(index, query)
    total = sum(w.weight for w in words)
    searched = [w for w in words if w.terms and not w.subject] or [w for w in words if w.terms]
    if not searched or not total:
        return []
    expression = " OR ".join(_quoted(term) for w in searched for term in w.terms)
    where, args = "fts MATCH ?", [expression]
    if topic is not None:
        where, args = where + " AND rowid IN (SELECT rowid FROM documents WHERE topic = ?)", [expression, topic]
    weights = ", ".join(str(BM25_WEIGHTS[c]) for c in COLUMNS)
    ranked = index.db.execute(f"SELECT rowid, bm25(fts, {weights}) FROM fts WHERE {where} ORDER BY 2 LIMIT {CANDIDATES}", args).fetchall()
    phrase = folded_phrase(query)  # the whole query as typed, or without its stop words, may be a thing's name
    named = index.named(phrase) or index.named(phrase := folded_phrase(" ".join(query_terms(query))))
    near = _near_name(index, phrase) if not named else set()
    candidates = dict(ranked) | dict.fromkeys((named | near) - {r for r, _ in ranked}, 0.0)
    if topic is not None:
        in_topic = {r for (r,) in index.db.execute("SELECT rowid FROM documents WHERE topic = ?", (topic,))}
        candidates = {r: rank for r, rank in candidates.items() if r in in_topic}
    if not candidates:
        return []
    found = _columns_found(index, words, list(candidates))
    best_rank = min(candidates.values()) or -1.0
    scored = []
    for rowid, rank in candidates.items():
        matches = _best_matches(words, found.get(rowid, {}))
        coverage = sum(w.weight * m.similarity * m.weight for w, m in zip(words, matches, strict=True) if m is not None) / total
        score = coverage * (1 - BM25_SHARE + BM25_SHARE * (rank / best_rank if best_rank else 0.0))
        score += 1.0 if rowid in named else 0.9 if rowid in near else 0.0  # the whole query is this thing's name (or nearly)
        if score >= min_score * FOLLOW_SHARE:
            scored.append((score, rowid, [m for m in matches if m is not None]))
    if not any(score >= min_score for score, _, _ in scored):
        return []  # the bar is for the best result: once the store answers, near results follow it
    sort_keys = dict(index.db.execute(f"SELECT rowid, sort FROM documents WHERE rowid IN ({','.join(str(r) for _, r, _ in scored) or '0'})"))
    scored.sort(key=lambda item: (-item[0], sort_keys[item[1]]))
    return [Result(index.document(rowid), score, matches) for score, rowid, matches in scored[: max(limit, 0)]]


def _columns_found(index: Index, words: list[Word], rowids: list[int]) -> dict[int, dict[str, list[str]]]:
    """For each candidate, each indexed term of the query it holds and the columns it holds it in.

    One query a term: bm25 with every weight but one column's zero is non-zero exactly where that column holds the term.
    """
    found: dict[int, dict[str, list[str]]] = {}
    each_column = ", ".join(f"bm25(fts, {', '.join('1' if c == column else '0' for c in COLUMNS)})" for column in COLUMNS)
    listed = ",".join(map(str, rowids))
    for term in {t for w in words for t in w.terms}:
        sql = f"SELECT rowid, {each_column} FROM fts WHERE fts MATCH ? AND rowid IN ({listed})"
        for rowid, *scores in index.db.execute(sql, (_quoted(term),)):
            found.setdefault(rowid, {})[term] = [c for c, s in zip(COLUMNS, scores, strict=True) if s]  # in COLUMNS order: ties explain alike every run
    return found


def _best_matches(words: list[Word], held: dict[str, list[str]]) -> list[Match | None]:
    """Each query word's best match in a document (None where it has none); the city's name matches everywhere."""
    matches: list[Match | None] = []
    for word in words:
        best: Match | None = None
        for term, (similarity, how) in word.terms.items():
            for column in held.get(term, ()):
                if best is None or best.similarity * best.weight < similarity * COVERS[column]:
                    best = Match(word.word, term, column, how, similarity, COVERS[column])
        if word.subject and (best is None or best.weight < COVERS["context"]):
            term, (similarity, how) = next(iter(word.terms.items()))
            best = Match(word.word, term, "subject", how, similarity, COVERS["context"])
        matches.append(best)
    return matches


def _near_name(index: Index, phrase: str) -> set[int]:
    """Documents one of whose names is the whole query give or take a typo or two (scaled like single words)."""
    edits = max_edits(phrase.replace(" ", ""))
    if not edits or " " in phrase:
        return set()
    from .fuzzy import within

    return {rowid for name, _ in within(phrase, index.names_near(phrase, edits), edits) if name[:1] == phrase[:1] for rowid in index.named(name)}


def unmatched_terms(index: Index, query: str) -> list[str]:
    """Query words that match nothing in the store, for the "nothing found" message."""
    return [w.word for w in interpret(index, query) if not w.terms]
