"""What search can find: every fact, table, table row and monthly cell of a store as a Document of named fields.

The fields are the columns of the full-text index (index.py), each with its own weight in the ranking (search.py):
names (aliases, names in every romanization, row labels, month names), questions (those an editor wrote for the
fact), text (what the thing says, its figures and its id's words), notes, and context (the topic's and table's
names, which every document under them carries).
"""

from collections.abc import Iterator
from typing import NamedTuple

from .phrasing import cell_text, format_number, row_text
from .store import MONTH_NAMES, MONTHS, MonthlyRow, Store

COLUMNS = ("names", "questions", "text", "notes", "context")
KIND_ORDER = {"fact": 0, "row": 1, "table": 2, "cell": 3}  # equal scores: facts first, then by id


class Document(NamedTuple):
    """One searchable thing and the text a result shows for it."""

    id: str
    kind: str  # fact | table | row | cell
    topic: str
    text: str
    fields: dict[str, str]  # column → the text searched there; names hold phrases separated by " ; "


def documents(store: Store) -> Iterator[Document]:
    topics = {t.id: " ; ".join((t.title, t.id, *t.aliases)) for t in store.topics.values()}
    for fact in store.facts.values():
        text = [_id_words(fact.id), fact.text, *(c.text for c in fact.claims)]
        text += [str(v) for v in (fact.value, fact.unit, *(c.value for c in fact.claims)) if v is not None]
        yield Document(
            fact.id,
            "fact",
            fact.topic,
            fact.text,
            {
                "names": " ; ".join((*fact.aliases, *(n for _, n in fact.names))),
                "questions": " ; ".join(fact.questions),
                "text": " ; ".join(text),
                "notes": fact.note or "",
                "context": topics[fact.topic],
            },
        )
    for table in store.tables.values():
        context = " ; ".join((topics[table.topic], table.title, *table.aliases))
        title = table.title + (f" ({table.period})" if table.period else "")
        fields = {"names": " ; ".join(table.aliases), "questions": " ; ".join(table.questions), "text": title, "notes": table.note or ""}
        yield Document(table.id, "table", table.topic, title, {**fields, "context": topics[table.topic]})
        for row in table.rows:
            row_id = f"{table.id}.{row.id}"
            if isinstance(row, MonthlyRow):
                label = " ; ".join((row.label, *row.aliases, row.unit))
                yield Document(row_id, "row", table.topic, row_text(table, row), {"names": label, "context": context})
                for month in range(13 if row.year is not None else 12):
                    month_names = f"{MONTH_NAMES[month]} ; {MONTHS[month]}" if month < 12 else "year ; annual ; yearly"
                    value = row.values[month] if month < 12 else row.year
                    cell_id = f"{row_id}.{MONTHS[month] if month < 12 else 'year'}"
                    fields = {"names": f"{label} ; {month_names}", "text": format_number(value), "context": context}  # type: ignore[arg-type]
                    yield Document(cell_id, "cell", table.topic, cell_text(table, row, month), fields)
            else:
                names = " ; ".join((*row.aliases, *(n for _, n in row.names), *(str(value) for _, value in row.cells)))
                fields = {"names": names, "text": _id_words(row_id), "notes": row.note or "", "context": context}
                yield Document(row_id, "row", table.topic, row_text(table, row), fields)


def subject(store: Store) -> str:
    """The city's names: the subject of every document without being written in each."""
    return " ".join((store.name, *store.aliases, *(n for _, n in store.names)))


def _id_words(item_id: str) -> str:
    """An id is a name an editor chose ("economy.vinalon"): its words are searchable, minus the topic prefix."""
    return item_id.partition(".")[2].replace("-", " ").replace(".", " ")
