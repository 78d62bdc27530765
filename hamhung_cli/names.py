"""Entity names in the form a reader asks for: `--romanization mr|plain|rr|hangul`.

The store records the forms it knows (`names = { mr = …, rr = …, hangul = … }`); this module only picks one and never
makes one up: `plain` is McCune–Reischauer without breves and apostrophes, and a missing form falls back to the name
as stored. The choice is applied once, to a copy of the store, so every screen and format shows the same form.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable

from .errors import UsageError
from .store import RecordRow, Store, Table

ENV = "HAMHUNG_ROMANIZATION"
FORM_TITLES = {
    "mr": "McCune–Reischauer",
    "plain": "McCune–Reischauer, no diacritics",
    "rr": "Revised Romanization",
    "hangul": "Hangul",
}
FORMS = tuple(FORM_TITLES)
# The column whose cells a row's `names` spell in other forms.
NAME_COLUMN = "name"

_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)['’ʼ](?=\w)")
# "District (McCune–Reischauer)": a trailing note on which romanization a column uses.
_FORM_NOTE = re.compile(r"\s*\([^()]*(?:Reischauer|Romani[sz]ation|Hangul)[^()]*\)\s*$")


def resolve_form(option: str | None) -> str | None:
    """The form asked for: the option, else $HAMHUNG_ROMANIZATION, else None (names as the store spells them)."""
    choice = option if option is not None else os.environ.get(ENV, "")
    choice = choice.strip().lower()
    if not choice:
        return None
    if choice not in FORMS:
        where = "--romanization" if option is not None else ENV
        raise UsageError(f"{where} must be one of {', '.join(FORMS)}, not '{choice}'", [f for f in FORMS if f.startswith(choice[:1])])
    return choice


def plain(name: str) -> str:
    """McCune–Reischauer without diacritics: Hŭngnam → Hungnam, Sap'o → Sapo (Hangul and Hanja untouched)."""
    letters = []
    for char in name:
        if "\u0080" <= char <= "\u2fff":
            char = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        letters.append(char)
    return _APOSTROPHE_IN_WORD.sub("", "".join(letters))


def name_in(names: Iterable[tuple[str, str]], stored: str, form: str) -> str:
    """One entity's name in a form; the stored name where the store has no such form."""
    forms = dict(names)
    if form == "plain":
        return plain(forms.get("mr", stored))
    return forms.get(form, stored)


def romanized(store: Store, form: str | None) -> Store:
    """The store with every entity name in `form`: the city in titles, and the name cell of each table row that has
    `names`. Fact sentences and notes are the editors' prose and stay as written; JSON keeps every form under `names`."""
    if form is None:
        return store
    city = name_in(store.names, store.name, form)
    spellings = sorted({store.name, dict(store.names).get("mr", store.name)} - {city, ""}, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, spellings)) + r")(?!\w)") if spellings else None

    def retitle(text: str) -> str:
        return pattern.sub(city, text) if pattern else text

    topics = {key: topic._replace(title=retitle(topic.title)) for key, topic in store.topics.items()}
    tables = {key: _romanized_table(table, form, retitle) for key, table in store.tables.items()}
    return store._replace(name=city, topics=topics, tables=tables)


def _romanized_table(table: Table, form: str, retitle: Callable[[str], str]) -> Table:
    """The table retitled; where rows name their entity, the name column's cells in `form`, its heading saying so."""
    table = table._replace(title=retitle(table.title), columns=tuple(c._replace(title=retitle(c.title)) for c in table.columns))
    if not any(isinstance(r, RecordRow) and r.names for r in table.rows) or not any(c.key == NAME_COLUMN for c in table.columns):
        return table
    columns = tuple(c._replace(title=f"{_FORM_NOTE.sub('', c.title)} ({FORM_TITLES[form]})") if c.key == NAME_COLUMN else c for c in table.columns)
    rows = tuple(_romanized_row(r, form) if isinstance(r, RecordRow) and r.names else r for r in table.rows)
    return table._replace(columns=columns, rows=rows, note=_renoted(table.note, form))


# A note's sentence about which form the name column uses ("The 'name' column uses McCune–Reischauer …").
_NAME_COLUMN_SENTENCE = re.compile(rf"\b{NAME_COLUMN}['’]? column\b", re.IGNORECASE)


def _renoted(note: str | None, form: str) -> str | None:
    """The table's note, its sentence on the name column's form replaced by the form now shown."""
    if not note or not _NAME_COLUMN_SENTENCE.search(note):
        return note
    sentences = re.split(r"(?<=\.)\s+", note)
    shown = f"The '{NAME_COLUMN}' column shows {FORM_TITLES[form]} (--romanization {form})."
    return " ".join(shown if _NAME_COLUMN_SENTENCE.search(sentence) else sentence for sentence in sentences)


def _romanized_row(row: RecordRow, form: str) -> RecordRow:
    cells = tuple((key, name_in(row.names, value, form) if key == NAME_COLUMN and isinstance(value, str) else value) for key, value in row.cells)
    return row._replace(cells=cells)
