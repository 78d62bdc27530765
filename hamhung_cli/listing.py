"""A Listing (columns and rows, the same records in every format) and the records facts and sources become.

Rows are dicts of JSON-ready values; `columns` says which keys the tabular formats show, in what order.
Citations come in two lengths: the full reference (JSON, `hamhung fact ID`, --sources) and a short one for pages.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from .phrasing import format_number
from .store import Citation, Fact, Store

# No `from __future__ import annotations` here: typing.NamedTuple would compile each annotation string at start-up.


class ViewColumn(NamedTuple):
    key: str
    title: str
    numeric: bool = False
    wide: bool = False  # running text: it takes the room other columns do not need
    detail: bool = False  # data for pipes and --fields: a terminal table leaves it out (a full reference, say)


class Listing:
    """One set of records, the same in every output format."""

    def __init__(
        self,
        title: str,
        columns: list[ViewColumn],
        rows: list[dict[str, Any]],
        notes: list[str] | None = None,
        json_rows: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]] | None = None,
    ) -> None:
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes if notes is not None else []
        # For formats that nest (JSON), when a record is richer than a table row; a function when they cost
        # enough to build only for the formats that show them (a topic of thousands of facts, piped as text).
        self.json_rows = json_rows
        # Months as rows for a terminal (and for --fields month,…), when the records carry months as columns.
        self.transposed: Listing | None = None
        # On a terminal, draw these as cards (one block per record, headed by its "id") instead of a table.
        self.cards: list[dict[str, Any]] | None = None
        self.card_fields: list[ViewColumn] | None = None
        self.card_list = False  # cards as a list: heading, then each field's lines indented, no labels, no gaps
        # Notes that only repeat the rows' sources: Markdown leaves them out, since it cites sources as footnotes.
        self.source_notes: list[str] = []
        # More records of another kind that the plain format prints after these: a topic's facts after its table rows.
        self.plain_after: list[Listing] = []

    def records(self) -> list[dict[str, Any]]:
        if callable(self.json_rows):
            self.json_rows = self.json_rows()
        return self.json_rows if self.json_rows is not None else self.rows


# --------------------------------------------------------------------------- sources


def citation_record(store: Store, citation: Citation) -> dict[str, Any]:
    source = store.source_of(citation)
    return {
        "id": source.id,
        "notes": citation.notes or None,
        "publisher": source.publisher,
        "title": source.title,
        "part": source.part,
        "cites": source.cites,
        "citation": source.describe(citation.notes),
    }


def sources_line(store: Store, citations: tuple[Citation, ...]) -> str:
    """The full references, for JSON-like detail: part, note numbers and the reference each part cites."""
    return "; ".join(store.describe(c) for c in citations)


def short_sources_line(store: Store, citations: tuple[Citation, ...]) -> str:
    """Publisher, title and part, once each: enough to know where a figure comes from."""
    sources = (store.source_of(c) for c in citations)
    return "; ".join(dict.fromkeys(f"{s.publisher}, “{s.title}”, {s.part}" for s in sources))


def publishers(store: Store, citations: tuple[Citation, ...]) -> str:
    """Who says it, in one or two words: "Wikipedia", "Grokipedia, Wikipedia"."""
    return ", ".join(dict.fromkeys(store.source_of(c).publisher for c in citations))


# --------------------------------------------------------------------------- facts


def fact_record(store: Store, fact: Fact) -> dict[str, Any]:
    return {
        "id": fact.id,
        "topic": fact.topic,
        "text": fact.text,
        "value": fact.value,
        "unit": fact.unit,
        "disputed": fact.disputed,
        "severity": fact.severity,
        "claims": [
            {
                "text": claim.text,
                "value": claim.value,
                "unit": claim.unit,
                "sources": [citation_record(store, c) for c in claim.sources],
            }
            for claim in fact.claims
        ],
        "note": fact.note,
        "aliases": list(fact.aliases),
        "names": dict(fact.names),
        "related": list(fact.related),
        "sources": [citation_record(store, c) for c in fact.all_citations()],
    }


def figure(value: Any, unit: str | None) -> str:
    """A value and its unit, except "year", which a year's number says already (1392, not 1392 year)."""
    return f"{format_number(value)}{' ' + unit if unit and unit != 'year' else ''}"


def claim_lines(store: Store, fact: Fact, full: bool = True) -> list[str]:
    """One line per claim: its sentence and who says it; in `full`, its figure and the full reference too."""
    lines = []
    for claim in fact.claims:
        if full:
            value = f" [{figure(claim.value, claim.unit)}]" if claim.value is not None else ""
            lines.append(f"{claim.text}{value} — {sources_line(store, claim.sources)}")
        else:
            lines.append(f"{claim.text} — {publishers(store, claim.sources)}")
    return lines


def dispute_sides(store: Store, fact: Fact) -> str:
    """A dispute said shortly: each claim's figure and its publisher, or, when a claim has no figure, the fact's own
    sentence (which the editors write to name each side)."""
    if any(c.value is None for c in fact.claims):
        return fact.text
    return " · ".join(f"{figure(c.value, c.unit)} ({publishers(store, c.sources)})" for c in fact.claims)


def by_severity(facts: list[Fact]) -> list[Fact]:
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(facts, key=lambda f: order.get(f.severity or "medium", 1))


def counted(number: int, noun: str) -> str:
    """ "1 fact", "2 facts": a count with its noun agreeing."""
    return f"{number} {noun if number == 1 else noun + 's'}"
