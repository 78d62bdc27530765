"""`--format markdown`: a pipe table for documents, with the sources as footnotes.

Each record's sources become footnote markers (`[^1]`), numbered in order of first use and listed once at the end:
on the title when every row has the same sources, else in a Sources column. Cells are escaped so that store text is
never read as Markdown, and padded to their display width so that Hangul lines up in a plain editor too.
Standard library only: no Rich in a pipe.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO

from .listing import Listing, ViewColumn
from .text import cell

# Everything CommonMark/GFM could read as markup inside a paragraph or a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BLOCK_START = re.compile(r"^(\s*)([-+#>=]|\d+[.)])")


def escape(text: str) -> str:
    """Text that Markdown shows literally: its punctuation backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def _paragraph(text: str) -> str:
    """An escaped paragraph that cannot start a list, heading or quote."""
    return _BLOCK_START.sub(r"\1\\\2", escape(text), count=1)


def display_width(text: str) -> int:
    """Columns a text takes in a monospaced font: wide (Hangul, Hanja) 2, combining marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def row_citations(listing: Listing) -> list[list[str]] | None:
    """Each row's citations, read from its record's `sources` (or, when rows are claims, from each claim's)."""
    records = listing.records()
    if len(records) != len(listing.rows):
        records = [c for r in records for c in (r.get("claims") or [])]
        if len(records) != len(listing.rows):
            return None
    found = [[s["citation"] for s in r.get("sources") or ()] for r in records]  # citation records (listing.py), if selected
    return found if any(found) else None


def write_markdown(listing: Listing, out: IO[str]) -> None:
    citations = row_citations(listing)
    columns = list(listing.columns)
    marker_column = next((c.key for c in columns if c.key in ("sources", "source")), None)
    on_title = citations is not None and marker_column is None and bool(listing.title) and all(c == citations[0] for c in citations)
    if citations is not None and marker_column is None and not on_title:
        marker_column = "sources"
        columns.append(ViewColumn("sources", "Sources"))
    numbers: dict[str, int] = {}  # each citation's footnote, numbered in order of first use

    def markers(cited: list[str]) -> str:
        return "".join(f"[^{numbers.setdefault(c, len(numbers) + 1)}]" for c in dict.fromkeys(cited))

    if listing.title:
        out.write(f"**{escape(cell(listing.title))}**{markers(citations[0]) if on_title and citations else ''}\n\n")
    table = [[escape(cell(c.title)) for c in columns]]
    for number, row in enumerate(listing.rows):
        cited = citations[number] if citations is not None else None
        table.append([markers(cited) if c.key == marker_column and cited is not None else escape(cell(row.get(c.key))) for c in columns])
    _write_table(out, columns, table)
    for note in listing.notes:
        if note not in listing.source_notes or citations is None:  # the footnotes say what a source note says
            out.write(f"\n{_paragraph(cell(note))}\n")
    if numbers:
        out.write("\n")
    for citation, number in numbers.items():
        out.write(f"[^{number}]: {escape(cell(citation))}\n")


def _write_table(out: IO[str], columns: list[ViewColumn], table: list[list[str]]) -> None:
    widths = [max(3, *(display_width(line[i]) for line in table)) for i in range(len(columns))]

    def padded(text: str, width: int, right: bool) -> str:
        space = " " * (width - display_width(text))
        return space + text if right else text + space

    header, *rows = table
    out.write("| " + " | ".join(padded(t, w, False) for t, w in zip(header, widths, strict=True)) + " |\n")
    out.write("|" + "|".join("-" * (w + 1) + ":" if c.numeric else "-" * (w + 2) for c, w in zip(columns, widths, strict=True)) + "|\n")
    for line in rows:
        out.write("| " + " | ".join(padded(t, w, c.numeric) for t, c, w in zip(line, columns, widths, strict=True)) + " |\n")
