"""What each command shows, as plain data: a Listing (listing.py) per command, and a topic's page.

The CLI picks a Listing, render.py draws it in the chosen format. Keeping this
apart from drawing is what makes every format show the same records. What a
page shows by default is decided here too: sized for reading at 80 columns,
with the rest one option or one command away (--sources, `hamhung fact ID`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .errors import NotFound, UsageError
from .items import cell_measure, document_citations, document_text, id_suggestions, split_item_id
from .listing import (
    Listing,
    ViewColumn,
    by_severity,
    citation_record,
    claim_lines,
    counted,
    fact_record,
    publishers,
    short_sources_line,
    sources_line,
)
from .phrasing import cell_text, format_number, row_text
from .store import MONTH_NAMES, MONTHS, Fact, MonthlyRow, RecordRow, Store, Table

if TYPE_CHECKING:
    from typing import Any

    from .search import Result  # listing a table must not import the search machinery

# --------------------------------------------------------------------------- facts


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
        are = "is" if disputed == 1 else "are"
        notes.append(f"{disputed} of these facts {are} disputed between sources: 'hamhung fact ID' shows each side, 'hamhung disputes' lists them all.")
    return Listing("facts", title, columns, rows, notes, json_rows=lambda: [fact_record(store, f) for f in facts])


# --------------------------------------------------------------------------- tables


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def monthly_listing(store: Store, tables: list[Table], full_sources: bool = False) -> Listing:
    """Climate-style tables: one record per measure, months as keys (as the sources print them).

    The source's own conversion (°F beside °C) has the same shape under `alt`: {unit, jan … dec, year}.
    Months as rows (one record per month) are the `transposed` listing: the terminal draws it, and
    --fields month,… selects from it.
    """
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
            full["alt"] = None
            if row.alt_unit:
                values = row.alt_values or (None,) * 12
                full["alt"] = {"unit": row.alt_unit, **dict(zip(MONTHS, values, strict=True)), "year": row.alt_year}
            full["period"] = table.period
            full["sources"] = [citation_record(store, c) for c in table.sources]
            json_rows.append(full)
    title = " / ".join(_table_title(t) for t in tables)
    notes = [_table_source_note(store, t, full_sources) for t in tables]
    listing = Listing("climate", title, columns, rows, notes, json_rows=json_rows)
    listing.transposed = _months_as_rows(tables)
    listing.source_notes = notes
    return listing


def _table_title(table: Table) -> str:
    return f"{table.title} ({table.period})" if table.period and table.period not in table.title else table.title


def _table_source_note(store: Store, table: Table, full: bool = True) -> str:
    if full:
        return f"Source for {table.id}: {sources_line(store, table.sources)}"
    return f"Source for {table.id}: {short_sources_line(store, table.sources)}"


def _heading(label: str, unit: str) -> str:
    """A measure's column heading: its label and unit, the unit left out where the label already says it (…days)."""
    if not unit or unit.casefold() in label.casefold().replace("(", " ").replace(")", " ").split():
        return label
    return f"{label} ({unit})" if unit.isalpha() and len(unit) > 2 else f"{label} {unit}"


def _months_as_rows(tables: list[Table]) -> Listing:
    """The same numbers turned: one record per month, one column per measure (TABLE:MEASURE when there are several tables)."""
    columns = [ViewColumn("month", "Month")]
    rows: list[dict[str, Any]] = [{"month": name[:3]} for name in MONTH_NAMES] + [{"month": "Year"}]
    for table in tables:
        prefix = f"{table.id}:" if len(tables) > 1 else ""
        for row in table.rows:
            assert isinstance(row, MonthlyRow)
            key = prefix + row.id
            columns.append(ViewColumn(key, _heading(row.label, row.unit), numeric=True))
            for month, value in enumerate(row.values):
                rows[month][key] = value
            rows[12][key] = row.year
    if all(r.get(c.key) is None for r in rows[12:] for c in columns[1:]):
        rows = rows[:12]
    return Listing("climate", "", columns, rows)


def _repeats_a_column(table: Table) -> bool:
    """Whether every row's id is, as text, the value of one of its columns (a year table's id is its year)."""
    rows = [r for r in table.rows if isinstance(r, RecordRow)]
    return bool(rows) and any(all(str(r.get(c.key)) == r.id for r in rows) for c in table.columns)


def records_listing(store: Store, table: Table, full_sources: bool = False) -> Listing:
    columns = [] if _repeats_a_column(table) else [ViewColumn("id", "ID")]
    numeric = {c.key for c in table.columns if all(_is_number(r.get(c.key)) or r.get(c.key) is None for r in table.rows if isinstance(r, RecordRow))}
    for column in table.columns:
        title = f"{column.title} ({column.unit})" if column.unit else column.title
        columns.append(ViewColumn(column.key, title, numeric=column.key in numeric, wide=column.key in ("note", "notes", "description", "role", "details")))
    # Revised Romanization alongside the table's own name columns, when rows carry it (McCune–Reischauer
    # is usually the name column itself): people search and write in either.
    # Not when the name column already shows it (--romanization rr).
    has_rr = any(isinstance(r, RecordRow) and dict(r.names).get("rr") not in (None, r.get("name")) for r in table.rows)
    has_rr = has_rr and "rr" not in {c.key for c in table.columns}
    if has_rr:
        columns.insert(next(i for i, c in enumerate(columns) if c.key != "id") + 1, ViewColumn("rr", "Revised Romanization"))
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
    notes = [n for n in (table.note,) if n] + [_table_source_note(store, table, full_sources)]
    listing = Listing(table.id, _table_title(table), columns, rows, notes, json_rows=json_rows)
    listing.source_notes = notes[-1:]
    return listing


def table_listing(store: Store, table: Table, full_sources: bool = False) -> Listing:
    return monthly_listing(store, [table], full_sources) if table.kind == "monthly" else records_listing(store, table, full_sources)


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
        ViewColumn("part", "Part", wide=True),
        ViewColumn("cites", "Cites", wide=True, detail=True),
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
    documents = sorted({f"{s.publisher}, “{s.title}”" for s in store.sources.values()})
    notes = [
        f"{counted(len(rows), 'part')} of {counted(len(documents), 'document')}: {'; '.join(documents)}.",
        "The reference each part cites: 'hamhung sources --fields id,cites' (or --json).",
    ]
    return Listing("sources", "Sources", columns, rows, notes, json_rows=json_rows)


def disputes_listing(store: Store, topic: str | None = None) -> Listing:
    """One record per claim (machine formats); on a terminal, each disputed fact with its claims, one a line."""
    facts = by_severity([f for f in store.facts.values() if f.disputed and (topic is None or f.topic == topic)])
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
    more = "'hamhung fact ID' shows one in full: the question, each claim's reference and the editors' note."
    notes = [f"{counted(len(facts), 'disputed fact')}, most important first. {more}"]
    listing = Listing("disputes", "Where the sources disagree", columns, rows, notes, json_rows=lambda: [fact_record(store, f) for f in facts])
    listing.cards = [{"heading": f"{f.id} ({f.severity or 'medium'})", "claims": claim_lines(store, f, full=False)} for f in facts]
    listing.card_heading = "heading"
    listing.card_fields = [ViewColumn("claims", "Claims")]
    listing.card_list = True
    return listing


# --------------------------------------------------------------------------- search results


def search_listing(store: Store, results: list[Result], explain: bool = False, with_sources: bool = False) -> Listing:
    columns = [
        ViewColumn("score", "Score", numeric=True),
        ViewColumn("topic", "Topic", detail=True),  # an id starts with its topic or table: a terminal needs the room
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
        shown, measure = document_text(store, doc), cell_measure(store, doc)
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
    notes = ["'hamhung fact ID' shows one with its sources" + ("." if with_sources else "; --sources adds them here.")]
    return Listing("search", "Search results", columns, rows, notes, json_rows=json_rows)


# --------------------------------------------------------------------------- single items


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
    facts: list[Fact]  # in full: all of them with --sources, else those not disputed
    disputes: list[Fact]  # each in one line under the facts (none with --sources: the facts show their claims)
    with_sources: bool
    notes: list[str]


def topic_page(store: Store, topic: str, tables: list[Table], others: list[Table], only: str | None, with_sources: bool) -> TopicPage:
    """A topic's page, sized for reading: tables with a short source line; facts in full; each dispute one line, its sides and their publishers.

    --sources turns it into the full record: every reference, and disputed facts with each claim and its reference.
    """
    info = store.topics[topic]
    listings = [] if only == "facts" else [table_listing(store, t, with_sources) for t in tables]
    topic_facts = [] if only == "tables" else store.facts_in(topic)
    disputes = [] if with_sources else by_severity([f for f in topic_facts if f.disputed])
    facts = [f for f in topic_facts if f not in disputes]
    notes = []
    if others and only != "facts":
        names = ", ".join(f"{t.id} ({publishers(store, t.sources)})" for t in others)
        notes.append(f"Also: {names}, with other figures: --source both.")
    more = ["'hamhung fact ID' for one fact in full"] if topic_facts else []
    if not with_sources:
        more.append("--sources for every reference")
    if more:
        notes.append(f"More: {'; '.join(more)}.")
    return TopicPage(info.title, info.summary, listings, facts, disputes, with_sources, notes)


def page_listing(store: Store, topic: str, tables: list[Table], only: str | None, with_sources: bool) -> Listing:
    """`hamhung TOPIC` in any format but the terminal page: its tables' rows, or its facts.

    Formats with a header or a schema hold one kind of record: the rows of a topic's tables (its facts
    with --only facts, or when it has no tables). Plain text, what a pipe gets by default, prints the
    page's facts after the rows as well, so `hamhung climate | grep snow` finds what the page says.
    """
    facts = facts_listing(store, store.facts_in(topic), store.topics[topic].title, with_sources)
    if not tables or only == "facts":
        return facts
    listing = tables_listing(store, tables)
    if only is None and facts.rows:
        listing.plain_after = [facts]
    return listing
