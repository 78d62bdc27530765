"""Table rows and single cells said as sentences, so a search hit on a cell reads as an answer.

Shared by the index (the sentence is the document's text) and by the views (which print it); kept
apart from search.py so that listing a table never imports the search machinery.
"""

from .store import MONTH_NAMES, MONTHS, MonthlyRow, RecordRow, Table


def format_number(value: float | int | str) -> str:
    """A number as the source wrote it (830.0 stays 830.0, -5 stays -5); huge floats in short form."""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e6 else f"{value}"
    return str(value)


def cell_text(table: Table, row: MonthlyRow, month: int) -> str:
    """One month (12: the year) of a measure: "Mean temperature in January: -5.1 °C (Climate …)"."""
    value = row.values[month] if month < 12 else row.year
    alt = (row.alt_values[month] if row.alt_values and month < 12 else row.alt_year) if row.alt_unit else None
    unit = "" if row.unit in ("days", "") else f" {row.unit}"
    extra = f" ({format_number(alt)} {row.alt_unit})" if alt is not None else ""
    when = f"in {MONTH_NAMES[month]}" if month < 12 else "over the year"
    return f"{row.label} {when}: {format_number(value)}{unit}{extra} ({table.title})"  # type: ignore[arg-type]


def row_text(table: Table, row: MonthlyRow | RecordRow) -> str:
    """A whole row: a measure's twelve months and year, or a record's columns with their titles and units."""
    if isinstance(row, MonthlyRow):
        values = ", ".join(f"{m.capitalize()} {format_number(v)}" for m, v in zip(MONTHS, row.values, strict=True))
        year = f"; year {format_number(row.year)}" if row.year is not None else ""
        return f"{row.label} ({row.unit}): {values}{year} ({table.title})"
    columns = {c.key: c for c in table.columns}
    parts = []
    for key, value in row.cells:
        column = columns[key]
        parts.append(f"{column.title}: {format_number(value)}" + (f" {column.unit}" if column.unit else ""))
    text = f"{table.title} — " + "; ".join(parts)
    return f"{text}. {row.note}" if row.note else text
