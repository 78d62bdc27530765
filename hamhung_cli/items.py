"""Items by id: a fact, a table, a row (TABLE.ROW) or a cell (TABLE.ROW.MONTH), as `hamhung fact` and search results name them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .phrasing import cell_text, row_text
from .store import MONTHS, Citation, MonthlyRow, RecordRow, Store, Table

if TYPE_CHECKING:
    from .search import Document  # naming an item must not import the search machinery


def document_citations(store: Store, item_id: str) -> tuple[Citation, ...]:
    """An item's sources: a fact's, a row's own, else its table's."""
    fact = store.facts.get(item_id)
    if fact:
        return fact.all_citations()
    table, row, _ = split_item_id(store, item_id)
    if table is None:
        return ()
    if isinstance(row, RecordRow) and row.sources:
        return row.sources
    return table.sources


def split_item_id(store: Store, item_id: str) -> tuple[Table | None, MonthlyRow | RecordRow | None, int | None]:
    """TABLE, TABLE.ROW or TABLE.ROW.MONTH → its parts (None where absent or unknown)."""
    head, _, rest = item_id.partition(".")
    table = store.tables.get(head)
    if table is None:
        return None, None, None
    if not rest:
        return table, None, None
    row_id, _, month = rest.partition(".")
    row = next((r for r in table.rows if r.id == row_id), None)
    if row is None:
        return None, None, None
    if not month:
        return table, row, None
    if isinstance(row, MonthlyRow):
        if month in MONTHS:
            return table, row, MONTHS.index(month)
        if month == "year" and row.year is not None:
            return table, row, 12
    return None, None, None


def document_text(store: Store, doc: Document) -> str:
    """A result's text from this run's store, not the index's copy: the same words, but names in the --romanization asked for."""
    if doc.kind == "fact":
        return store.facts[doc.id].text if doc.id in store.facts else doc.text
    table, row, month = split_item_id(store, doc.id)
    if table is None:
        return doc.text
    if row is None:
        return table.title + (f" ({table.period})" if table.period else "")
    if month is None:
        return row_text(table, row)
    assert isinstance(row, MonthlyRow)
    return cell_text(table, row, month)
