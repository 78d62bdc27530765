"""The search index: SQLite's FTS5 full-text index over a store's documents, and the tables search needs beside it.

Written once into the store's cache database (cache.py), or into an in-memory database when there is no cache:
- documents: what a result shows (id, kind, topic, text), by the same rowid as in fts;
- fts: FTS5 over the documents' columns (documents.COLUMNS), with the Porter stemmer; the text goes in already
  folded by normalize.words (diacritics, case, Hangul and Hanja runs, one spelling), so queries and documents agree;
- words: every word the documents use, with its romanization key (Hamheung, Hamhŭng and 함흥 share one) and length,
  so a query word is matched across spellings and, within a few edits, across typos;
- names: each document's names and aliases as whole folded phrases, for a query that is exactly a thing's name;
- common_words: how common each common English word is (common_words.txt), for the unknown-word rule;
- meta: the city's own names (every document's implicit subject) and the document count.
"""

from __future__ import annotations

import os
import sqlite3

from .documents import COLUMNS, KIND_ORDER, Document, documents, subject
from .normalize import folded_phrase, romanization_key, words
from .store import Store

SCHEMA = f"""
CREATE TABLE search_meta(key TEXT PRIMARY KEY, value);
CREATE TABLE documents(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, topic TEXT NOT NULL, text TEXT NOT NULL, sort TEXT NOT NULL);
CREATE INDEX documents_by_topic ON documents(topic);
CREATE VIRTUAL TABLE fts USING fts5({", ".join(COLUMNS)}, content='', tokenize='porter unicode61 remove_diacritics 2');
CREATE TABLE words(word TEXT PRIMARY KEY, key TEXT NOT NULL, length INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX words_by_key ON words(key);
CREATE INDEX words_by_length ON words(length);
CREATE TABLE names(phrase TEXT NOT NULL, rowid INTEGER NOT NULL);
CREATE INDEX names_by_phrase ON names(phrase);
CREATE TABLE common_words(word TEXT PRIMARY KEY, zipf REAL NOT NULL) WITHOUT ROWID;
"""


def write_index(db: sqlite3.Connection, store: Store) -> None:
    """Create and fill the index's tables in db (inside the caller's transaction)."""
    for statement in filter(str.strip, SCHEMA.split(";")):  # not executescript, which would end the caller's transaction
        db.execute(statement)
    vocabulary: set[str] = set()
    count = 0
    for count, doc in enumerate(documents(store), 1):
        folded = {column: " ".join(words(doc.fields.get(column, ""))) for column in COLUMNS}
        for text in folded.values():
            vocabulary.update(text.split())
        db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)", (count, doc.id, doc.kind, doc.topic, doc.text, _sort_key(doc)))
        db.execute(f"INSERT INTO fts(rowid, {', '.join(COLUMNS)}) VALUES (?, {', '.join('?' * len(COLUMNS))})", (count, *folded.values()))
        names = {folded_phrase(phrase) for phrase in doc.fields.get("names", "").split(";")} - {""}
        db.executemany("INSERT INTO names VALUES (?, ?)", ((name, count) for name in names))
    db.executemany("INSERT INTO words VALUES (?, ?, ?)", ((w, romanization_key(w), len(w)) for w in sorted(vocabulary)))
    db.executemany("INSERT INTO common_words VALUES (?, ?)", common_words())
    db.executemany("INSERT INTO search_meta VALUES (?, ?)", (("subject", " ".join(words(subject(store)))), ("count", count)))


def _sort_key(doc: Document) -> str:
    """Equal scores in this order: facts first, then rows, tables and cells, each by id."""
    return f"{KIND_ORDER[doc.kind]}{doc.id}"


def common_words() -> list[tuple[str, float]]:
    """(word, Zipf frequency) of the common English words listed in common_words.txt."""
    pairs = []
    with open(os.path.join(os.path.dirname(__file__), "common_words.txt"), encoding="utf-8") as listed:
        lines = listed.read().splitlines()
    for line in lines:
        if line and not line.startswith("#"):
            zipf, *listed = line.split()
            pairs += [(word, float(zipf)) for word in listed]
    return pairs


def memory_index(store: Store) -> sqlite3.Connection:
    """The index in memory: when there is no cache to keep it in."""
    db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    db.execute("BEGIN")
    write_index(db, store)
    db.execute("COMMIT")
    return db
