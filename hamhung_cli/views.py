"""What each command shows, as plain data: a Listing of columns and rows.

The CLI picks a Listing, render.py draws it in the chosen format. Rows are
dicts whose values are JSON-ready (numbers stay numbers); `columns` says
which keys the tabular formats show and in what order. Keeping this apart
from drawing is what makes every format show the same records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .errors import NotFound, UsageError
from .phrasing import cell_text, format_number, row_text
from .store import MONTH_NAMES, MONTHS, Citation, Fact, MonthlyRow, RecordRow, Store, Table

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .search import Document, Result  # listing a table must not import the search machinery


class ViewColumn(NamedTuple):
    key: str
    title: str
    numeric: bool = False
    wide: bool = False  # long text: let it wrap on a terminal


class Listing:
    """One set of records, the same in every output format."""

    def __init__(
        self,
        name: str,
        title: str,
        columns: list[ViewColumn],
        rows: list[dict[str, Any]],
        notes: list[str] | None = None,
        json_rows: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]] | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes if notes is not None else []
        # For formats that nest (JSON), when a record is richer than a table row; a function when they cost
        # enough to build only for the formats that show them (a topic of thousands of facts, piped as text).
        self.json_rows = json_rows
        # Months as rows for a terminal, when the records carry months as columns.
        self.transposed: Listing | None = None
        # On a terminal, draw these as cards (one block per record) instead of a table.
        self.cards: list[dict[str, Any]] | None = None
        self.card_fields: list[ViewColumn] | None = None
        self.card_heading = "id"  # the field each card is headed with
        # Notes that only repeat the rows' sources: Markdown leaves them out, since it cites sources as footnotes.
        self.source_notes: list[str] = []

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
    return "; ".join(store.describe(c) for c in citations)


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


FACT_COLUMNS = [
    ViewColumn("id", "ID"),
    ViewColumn("text", "Fact", wide=True),
    ViewColumn("disputed", "Disputed"),
]


def _fact_row(store: Store, fact: Fact, with_sources: bool) -> dict[str, Any]:
    row = {"id": fact.id, "topic": fact.topic, "text": fact.text, "disputed": "disputed" if fact.disputed else ""}
    if with_sources:
        row["sources"] = sources_line(store, fact.all_citations())
    return row


def facts_listing(store: Store, facts: list[Fact], title: str, with_sources: bool = False) -> Listing:
    columns = list(FACT_COLUMNS)
    if with_sources:
        columns.append(ViewColumn("sources", "Sources", wide=True))
    rows = [_fact_row(store, f, with_sources) for f in facts]
    notes = []
    disputed = sum(f.disputed for f in facts)
    if disputed:
        notes.append(f"{disputed} of these facts are disputed between sources: 'hamhung fact ID' shows each side, 'hamhung disputes' lists them all.")
    return Listing("facts", title, columns, rows, notes, json_rows=lambda: [fact_record(store, f) for f in facts])


# --------------------------------------------------------------------------- tables


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def monthly_listing(store: Store, tables: list[Table]) -> Listing:
    """Climate-style tables: one record per measure, months as columns (as the sources print them)."""
    columns = [ViewColumn("table", "Table"), ViewColumn("measure", "Measure"), ViewColumn("label", "Label"), ViewColumn("unit", "Unit")]
    columns += [ViewColumn(m, m.capitalize(), numeric=True) for m in MONTHS]
    columns += [ViewColumn("year", "Year", numeric=True)]
    rows: list[dict[str, Any]] = []
    json_rows = []
    for table in tables:
        for row in table.rows:
            assert isinstance(row, MonthlyRow)
            record: dict[str, Any] = {"table": table.id, "measure": row.id, "label": row.label, "unit": row.unit}
            record.update(zip(MONTHS, row.values, strict=True))
            record["year"] = row.year
            rows.append(record)
            full = dict(record)
            full["alt_unit"] = row.alt_unit
            full["alt_values"] = list(row.alt_values) if row.alt_values else None
            full["alt_year"] = row.alt_year
            full["period"] = table.period
            full["sources"] = [citation_record(store, c) for c in table.sources]
            json_rows.append(full)
    title = " / ".join(_table_title(t) for t in tables)
    notes = [_table_source_note(store, t) for t in tables]
    listing = Listing("climate", title, columns, rows, notes, json_rows=json_rows)
    listing.transposed = _months_as_rows(tables)
    listing.source_notes = notes
    return listing


def _table_title(table: Table) -> str:
    return f"{table.title} ({table.period})" if table.period and table.period not in table.title else table.title


def _table_source_note(store: Store, table: Table) -> str:
    return f"Source for {table.id}: {sources_line(store, table.sources)}"


def _months_as_rows(tables: list[Table]) -> Listing:
    """The same numbers turned for a terminal: one line per month, one column per measure."""
    columns = [ViewColumn("month", "Month")]
    rows: list[dict[str, Any]] = [{"month": name[:3]} for name in MONTH_NAMES] + [{"month": "Year"}]
    for table in tables:
        prefix = f"{table.id}:" if len(tables) > 1 else ""
        for row in table.rows:
            assert isinstance(row, MonthlyRow)
            key = prefix + row.id
            unit = f" {row.unit}" if row.unit not in ("days",) else " (days)"
            columns.append(ViewColumn(key, f"{row.label}{unit}", numeric=True))
            for month, value in enumerate(row.values):
                rows[month][key] = value
            rows[12][key] = row.year
    if all(r.get(c.key) is None for r in rows[12:] for c in columns[1:]):
        rows = rows[:12]
    return Listing("climate", "", columns, rows)


def records_listing(store: Store, table: Table) -> Listing:
    columns = [ViewColumn("id", "ID")]
    numeric = {c.key for c in table.columns if all(_is_number(r.get(c.key)) or r.get(c.key) is None for r in table.rows if isinstance(r, RecordRow))}
    for column in table.columns:
        title = f"{column.title} ({column.unit})" if column.unit else column.title
        columns.append(ViewColumn(column.key, title, numeric=column.key in numeric, wide=column.key in ("note", "notes", "description", "role")))
    # Revised Romanization alongside the table's own name columns, when rows carry it (McCune–Reischauer
    # is usually the name column itself): people search and write in either.
    # Not when the name column already shows it (--romanization rr).
    has_rr = any(isinstance(r, RecordRow) and dict(r.names).get("rr") not in (None, r.get("name")) for r in table.rows)
    has_rr = has_rr and "rr" not in {c.key for c in table.columns}
    if has_rr:
        columns.insert(2, ViewColumn("rr", "Revised Romanization"))
    has_notes = any(isinstance(r, RecordRow) and r.note for r in table.rows)
    if has_notes:
        columns.append(ViewColumn("note", "Note", wide=True))
    rows = []
    json_rows = []
    for row in table.rows:
        assert isinstance(row, RecordRow)
        record: dict[str, Any] = {"id": row.id}
        record.update({c.key: row.get(c.key) for c in table.columns})
        if has_rr:
            record["rr"] = dict(row.names).get("rr")
        if has_notes:
            record["note"] = row.note
        rows.append(record)
        full = {"table": table.id, **record, "note": row.note, "names": dict(row.names), "aliases": list(row.aliases)}
        full["sources"] = [citation_record(store, c) for c in (row.sources or table.sources)]
        json_rows.append(full)
    notes = [n for n in (table.note,) if n] + [_table_source_note(store, table)]
    listing = Listing(table.id, _table_title(table), columns, rows, notes, json_rows=json_rows)
    listing.source_notes = notes[-1:]
    return listing


def table_listing(store: Store, table: Table) -> Listing:
    return monthly_listing(store, [table]) if table.kind == "monthly" else records_listing(store, table)


# --------------------------------------------------------------------------- topics


def find_topic(store: Store, name: str) -> str | None:
    """A topic id from its id, title or an alias, however it is spelt."""
    if name in store.topics:
        return name  # the common case, without loading the normaliser
    from .normalize import folded_phrase

    wanted = folded_phrase(name)
    if not wanted:
        return None
    for topic in store.topics.values():
        if wanted in {folded_phrase(topic.id), folded_phrase(topic.title), *(folded_phrase(a) for a in topic.aliases)}:
            return topic.id
    return None


def topic_suggestions(store: Store, name: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    from rapidfuzz import fuzz, process

    choices = list(store.topics) + [a for t in store.topics.values() for a in t.aliases] + list(extra)
    found = process.extract(name.casefold(), choices, scorer=fuzz.ratio, score_cutoff=72, limit=3)
    return list(dict.fromkeys(choice for choice, _, _ in found))


def require_topic(store: Store, name: str) -> str:
    topic = find_topic(store, name)
    if topic is None:
        suggestions = topic_suggestions(store, name)
        raise UsageError(f"no topic '{name}' (topics: {', '.join(store.topics)})", suggestions)
    return topic


def topics_listing(store: Store) -> Listing:
    columns = [
        ViewColumn("id", "Topic"),
        ViewColumn("title", "Title"),
        ViewColumn("facts", "Facts", numeric=True),
        ViewColumn("tables", "Tables", numeric=True),
        ViewColumn("summary", "Summary", wide=True),
    ]
    rows = []
    for topic in store.topics.values():
        rows.append(
            {
                "id": topic.id,
                "title": topic.title,
                "facts": store.fact_count(topic.id),
                "tables": len(store.tables_in(topic.id)),
                "summary": topic.summary,
            }
        )
    json_rows = [dict(r, aliases=list(store.topics[r["id"]].aliases)) for r in rows]
    total = sum(r["facts"] for r in rows)
    notes = [f"{total} facts and {len(store.tables)} tables in {len(rows)} topics. Show one with 'hamhung TOPIC'."]
    return Listing("topics", f"Topics in {store.name}", columns, rows, notes, json_rows=json_rows)


# --------------------------------------------------------------------------- sources, disputes


def sources_listing(store: Store) -> Listing:
    columns = [
        ViewColumn("id", "ID"),
        ViewColumn("publisher", "Publisher"),
        ViewColumn("part", "Part"),
        ViewColumn("cites", "Cites", wide=True),
        ViewColumn("facts", "Facts", numeric=True),
    ]
    used: dict[str, int] = dict.fromkeys(store.sources, 0)
    for fact in store.facts.values():
        for citation in fact.all_citations():
            used[citation.source] += 1
    for table in store.tables.values():
        for citation in table.sources:
            used[citation.source] += 1
    rows = [{"id": s.id, "publisher": s.publisher, "part": s.part or "", "cites": s.cites or "", "facts": used[s.id]} for s in store.sources.values()]
    json_rows = [
        {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "document": s.document,
            "part": s.part,
            "cites": s.cites,
            "url": s.url,
            "note": s.note,
            "facts": used[s.id],
        }
        for s in store.sources.values()
    ]
    return Listing("sources", "Sources", columns, rows, [], json_rows=json_rows)


_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def disputes_listing(store: Store, topic: str | None = None) -> Listing:
    facts = [f for f in store.facts.values() if f.disputed and (topic is None or f.topic == topic)]
    facts.sort(key=lambda f: _SEVERITY_ORDER.get(f.severity or "medium", 1))
    columns = [
        ViewColumn("id", "ID"),
        ViewColumn("severity", "Severity"),
        ViewColumn("claim", "Claim", wide=True),
        ViewColumn("source", "Source", wide=True),
    ]
    rows = []
    for fact in facts:
        for number, claim in enumerate(fact.claims, 1):
            rows.append(
                {
                    "id": fact.id,
                    "severity": fact.severity,
                    "question": fact.text,
                    "claim": claim.text,
                    "value": claim.value,
                    "unit": claim.unit,
                    "source": sources_line(store, claim.sources),
                    "side": number,
                }
            )
    notes = [f"{len(facts)} disputed facts. 'hamhung fact ID' shows one with its sources and the editors' note."]
    listing = Listing("disputes", "Where the sources disagree", columns, rows, notes, json_rows=lambda: [fact_record(store, f) for f in facts])
    listing.cards = [{"id": f.id, "severity": f.severity, "question": f.text, "claims": claim_lines(store, f), "note": f.note} for f in facts]
    listing.card_fields = [ViewColumn("severity", "Severity"), ViewColumn("question", "Question"), ViewColumn("claims", "Claims"), ViewColumn("note", "Note")]
    return listing


def claim_lines(store: Store, fact: Fact) -> list[str]:
    lines = []
    for claim in fact.claims:
        value = f" [{format_number(claim.value)}{' ' + claim.unit if claim.unit else ''}]" if claim.value is not None else ""
        lines.append(f"{claim.text}{value} — {sources_line(store, claim.sources)}")
    return lines


# --------------------------------------------------------------------------- search results


def search_listing(store: Store, results: list[Result], explain: bool = False, with_sources: bool = False) -> Listing:
    columns = [
        ViewColumn("score", "Score", numeric=True),
        ViewColumn("topic", "Topic"),
        ViewColumn("id", "ID"),
        ViewColumn("text", "Answer", wide=True),
    ]
    if with_sources:
        columns.append(ViewColumn("sources", "Sources", wide=True))
    if explain:
        columns.append(ViewColumn("explain", "Why", wide=True))
    rows = []
    json_rows = []
    for result in results:
        doc = result.document
        fact = store.facts.get(doc.id)
        shown, measure = document_text(store, doc), _cell_measure(store, doc)
        text = shown + (" [disputed]" if fact and fact.disputed else "")
        row: dict[str, Any] = {"score": result.percent, "topic": doc.topic, "id": doc.id, "text": text}
        citations = document_citations(store, doc.id)
        if with_sources:
            row["sources"] = sources_line(store, citations)
        explanation = [
            {"query": m.query_term, "matched": m.indexed_term, "field": m.field, "how": m.how, "similarity": round(m.similarity, 3), "field_weight": m.weight}
            for m in result.matches
        ]
        if explain:
            row["explain"] = "; ".join(f"{e['query']}→{e['matched']} in {e['field']} ({e['how']})" for e in explanation)
        rows.append(row)
        record: dict[str, Any] = {"score": result.percent, "kind": doc.kind, "topic": doc.topic, "id": doc.id, "text": shown}
        if fact:
            record.update({k: v for k, v in fact_record(store, fact).items() if k not in record})
        else:
            record.update(measure)
            record["disputed"] = False
            record["sources"] = [citation_record(store, c) for c in citations]
        if explain:
            record["explain"] = explanation
        json_rows.append(record)
    return Listing("search", "Search results", columns, rows, [], json_rows=json_rows)


def _cell_measure(store: Store, doc: Document) -> dict[str, Any]:
    """A table cell's value and unit for JSON, from the store as shown (so --units reaches it)."""
    if doc.kind == "cell":
        table, row, month = split_item_id(store, doc.id)
        if table is not None and isinstance(row, MonthlyRow) and month is not None:
            return {"value": row.values[month] if month < 12 else row.year, "unit": row.unit}
    return {}


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


# --------------------------------------------------------------------------- single items


def document_citations(store: Store, item_id: str) -> tuple[Citation, ...]:
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


def item_listing(store: Store, item_ids: list[str], with_sources: bool = True) -> Listing:
    """`hamhung fact ID…`: facts, tables, rows or cells, each with its sources."""
    facts: list[Fact] = []
    others: list[dict[str, Any]] = []
    missing = []
    for item_id in item_ids:
        key = item_id.strip().casefold()
        if key in store.facts:
            facts.append(store.facts[key])
            continue
        table, row, month = split_item_id(store, key)
        if table is None:
            missing.append(item_id)
            continue
        if row is None:
            text = f"{_table_title(table)}: {len(table.rows)} rows. Show it with 'hamhung {table.topic}'."
        elif month is None:
            text = row_text(table, row)
        else:
            assert isinstance(row, MonthlyRow)
            text = cell_text(table, row, month)
        citations = document_citations(store, key)
        value = None
        if isinstance(row, MonthlyRow) and month is not None:
            value = row.values[month] if month < 12 else row.year
        others.append(
            {
                "id": key,
                "topic": table.topic,
                "text": text,
                "value": value,
                "unit": row.unit if isinstance(row, MonthlyRow) and month is not None else None,
                "disputed": False,
                "sources": [citation_record(store, c) for c in citations],
                "_sources_line": sources_line(store, citations),
            }
        )
    if missing:
        known = list(store.facts) + [f"{t.id}.{r.id}" for t in store.tables.values() for r in t.rows] + list(store.tables)
        raise NotFound(f"no fact with id {', '.join(repr(m) for m in missing)}", id_suggestions(known, missing[0]))
    columns = [ViewColumn("id", "ID"), ViewColumn("topic", "Topic"), ViewColumn("text", "Fact", wide=True)]
    columns += [ViewColumn("value", "Value", numeric=True), ViewColumn("unit", "Unit"), ViewColumn("disputed", "Disputed")]
    if with_sources:
        columns.append(ViewColumn("sources", "Sources", wide=True))
    rows = []
    json_rows = []
    for fact in facts:
        row = {
            "id": fact.id,
            "topic": fact.topic,
            "text": fact.text,
            "value": fact.value,
            "unit": fact.unit,
            "disputed": "disputed" if fact.disputed else "",
            "sources": sources_line(store, fact.all_citations()),
        }
        rows.append(row)
        json_rows.append(fact_record(store, fact))
    for other in others:
        rows.append({**{k: v for k, v in other.items() if not k.startswith("_")}, "disputed": "", "sources": other["_sources_line"]})
        json_rows.append({k: v for k, v in other.items() if not k.startswith("_")})
    listing = Listing("fact", "", columns, rows, [], json_rows=json_rows)
    listing.cards = []
    for row, record in zip(rows, json_rows, strict=True):
        fact = store.facts.get(record["id"])
        card = dict(row)
        card["value"] = f"{format_number(row['value'])} {row['unit'] or ''}".strip() if row.get("value") is not None else None
        card["sources"] = [c["citation"] for c in record["sources"]]
        if fact is not None:
            card["claims"] = claim_lines(store, fact) if fact.disputed else None
            card["note"] = fact.note
            card["related"] = ", ".join(fact.related) or None
        listing.cards.append(card)
    listing.card_fields = [
        ViewColumn("topic", "Topic"), ViewColumn("text", "Fact"), ViewColumn("value", "Value"), ViewColumn("disputed", "Status"),
        ViewColumn("claims", "Claims"), ViewColumn("note", "Note"), ViewColumn("sources", "Sources"), ViewColumn("related", "See also"),
    ]  # fmt: skip
    return listing


def id_suggestions(known: list[str], wanted: str) -> list[str]:
    from rapidfuzz import fuzz, process

    found = process.extract(wanted.casefold(), known, scorer=fuzz.WRatio, score_cutoff=70, limit=3)
    return [choice for choice, _, _ in found]


# --------------------------------------------------------------------------- topic pages


def select_tables(store: Store, topic: str, source: str | None) -> tuple[list[Table], list[Table]]:
    """The tables to show for a topic, and the ones left out (alternative sources).

    By default: every records table, and the first monthly table (later ones
    are other sources' versions of the same normals). --source picks by table
    id or by a word of its source; 'both' or 'all' shows every table.
    """
    tables = store.tables_in(topic)
    if not tables:
        if source:
            raise UsageError(f"topic '{topic}' has no tables, so --source does not apply")
        return [], []
    if source is None:
        first_monthly = next((t for t in tables if t.kind == "monthly"), None)
        chosen = [t for t in tables if t.kind == "records" or t is first_monthly]
    elif source.strip().casefold() in ("both", "all"):
        chosen = list(tables)
    else:
        from .normalize import folded_phrase

        wanted = folded_phrase(source)
        chosen = [t for t in tables if wanted and any(wanted in w for w in _table_words(store, t))]
        if not chosen:
            raise UsageError(
                f"no table of topic '{topic}' matches --source '{source}' (tables: {', '.join(t.id for t in tables)}; or 'both')",
                [t.id for t in tables],
            )
    return chosen, [t for t in tables if t not in chosen]


def _table_words(store: Store, table: Table) -> list[str]:
    """Everything --source may match for a table, folded: its id, aliases and source names."""
    from .normalize import folded_phrase

    words = [table.id, *table.id.split("-"), *table.aliases]
    for citation in table.sources:
        source = store.source_of(citation)
        words += [source.id, source.publisher, source.cites or ""]
    return [folded_phrase(w) for w in words]


def tables_listing(store: Store, tables: list[Table]) -> Listing:
    """One Listing for several tables: climate tables side by side as measures, records tables stacked."""
    if all(t.kind == "monthly" for t in tables):
        return monthly_listing(store, tables)
    listings = [table_listing(store, t) for t in tables]
    if len(listings) == 1:
        return listings[0]
    columns = [ViewColumn("table", "Table")]
    for listing in listings:
        columns += [c for c in listing.columns if c.key not in {k.key for k in columns}]
    rows = [{"table": t.id, **r} for t, listing in zip(tables, listings, strict=True) for r in listing.rows]
    json_rows = [r for listing in listings for r in listing.records()]
    notes = [n for listing in listings for n in listing.notes]
    combined = Listing("tables", " / ".join(listing.title for listing in listings), columns, rows, notes, json_rows=json_rows)
    combined.source_notes = [n for listing in listings for n in listing.source_notes]
    return combined


class TopicPage(NamedTuple):
    """Everything `hamhung TOPIC` shows on a terminal."""

    title: str
    summary: str
    tables: list[Listing]
    facts: Listing | None
    notes: list[str]


def dispute_summary(store: Store, fact: Fact) -> str:
    sides = []
    for claim in fact.claims:
        publishers = sorted({store.source_of(c).publisher for c in claim.sources})
        figure = f"{format_number(claim.value)}{' ' + claim.unit if claim.unit else ''}" if claim.value is not None else claim.text
        sides.append(f"{figure} ({', '.join(publishers)})")
    return f"{fact.text} — " + " vs ".join(sides) + f"  [hamhung fact {fact.id}]"


def topic_page(store: Store, topic: str, tables: list[Table], others: list[Table], only: str | None, with_sources: bool) -> TopicPage:
    info = store.topics[topic]
    listings = [] if only == "facts" else [table_listing(store, t) for t in tables]
    topic_facts = store.facts_in(topic)
    facts = None if only == "tables" or not topic_facts else facts_listing(store, topic_facts, f"Facts: {info.title}", with_sources)
    notes = []
    if others and only != "facts":
        names = ", ".join(f"{t.id} ({sources_line(store, t.sources)})" for t in others)
        notes.append(f"Not shown: {names}. Its figures differ; see both with --source both.")
    disputed = [f for f in topic_facts if f.disputed]
    if disputed:
        notes.append("The sources disagree here:")
        notes += [f"  ! {dispute_summary(store, f)}" for f in sorted(disputed, key=lambda f: _SEVERITY_ORDER.get(f.severity or "medium", 1))]
    return TopicPage(info.title, info.summary, listings, facts, notes)
