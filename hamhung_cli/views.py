"""What each command shows, as plain data: a Listing (listing.py) per command, and a topic's page.

render.py draws a Listing in the chosen format, so every format shows the same records. Pages are sized
for reading at 80 columns, with the rest one option or one command away (--sources, `hamhung fact ID`).
"""

from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import NotFound, UsageError
from .items import document_citations, document_text, split_item_id
from .listing import (
    Listing,
    ViewColumn,
    by_severity,
    citation_record,
    claim_lines,
    counted,
    fact_record,
    figure,
    publishers,
    short_sources_line,
    sources_line,
)
from .phrasing import cell_text, row_text
from .store import MONTH_NAMES, MONTHS, Fact, MonthlyRow, RecordRow, Store, Table

if TYPE_CHECKING:
    from .search import Result  # listing a table must not import the search machinery

# No `from __future__ import annotations` here: typing.NamedTuple would compile each annotation string at start-up.

# --------------------------------------------------------------------------- facts


def facts_listing(store: Store, facts: list[Fact], title: str, with_sources: bool) -> Listing:
    columns = [ViewColumn("id", "ID"), ViewColumn("text", "Fact", wide=True), ViewColumn("disputed", "Disputed")]
    rows = [{"id": f.id, "topic": f.topic, "text": f.text, "disputed": "disputed" if f.disputed else ""} for f in facts]
    if with_sources:
        columns.append(ViewColumn("sources", "Sources", wide=True))
        for row, fact in zip(rows, facts, strict=True):
            row["sources"] = sources_line(store, fact.all_citations())
    notes = []
    disputed = sum(f.disputed for f in facts)
    if disputed:
        are = "is" if disputed == 1 else "are"
        notes.append(f"{disputed} of these facts {are} disputed between sources: 'hamhung fact ID' shows each side, 'hamhung disputes' lists them all.")
    return Listing(title, columns, rows, notes, json_rows=lambda: [fact_record(store, f) for f in facts])


# --------------------------------------------------------------------------- tables


def monthly_listing(store: Store, tables: list[Table], full_sources: bool = False) -> Listing:
    """Climate-style tables: one record per measure, months as keys (as the sources print them).

    JSON adds the source's own conversion (°F beside °C) in the same shape under `alt`: {unit, jan … dec, year}.
    """
    columns = [ViewColumn(key, key.capitalize()) for key in ("table", "measure", "label", "unit")]
    columns += [ViewColumn(key, key.capitalize(), numeric=True) for key in (*MONTHS, "year")]
    rows: list[dict[str, Any]] = []
    json_rows = []
    for table in tables:
        for row in table.rows:
            assert isinstance(row, MonthlyRow)
            record = {"table": table.id, "measure": row.id, "label": row.label, "unit": row.unit, **_by_month(row.values, row.year)}
            rows.append(record)
            alt = {"unit": row.alt_unit, **_by_month(row.alt_values or (None,) * 12, row.alt_year)} if row.alt_unit else None
            json_rows.append({**record, "alt": alt, "period": table.period, "sources": [citation_record(store, c) for c in table.sources]})
    notes = [_source_note(store, t, full_sources) for t in tables]
    listing = Listing(" / ".join(_table_title(t) for t in tables), columns, rows, notes, json_rows=json_rows)
    listing.transposed = _months_as_rows(tables)
    listing.source_notes = notes
    return listing


def _by_month(values: tuple[float | None, ...], year: float | None) -> dict[str, float | None]:
    return dict(zip((*MONTHS, "year"), (*values, year), strict=True))


def _table_title(table: Table) -> str:
    return f"{table.title} ({table.period})" if table.period and table.period not in table.title else table.title


def _source_note(store: Store, table: Table, full: bool) -> str:
    return f"Source for {table.id}: {(sources_line if full else short_sources_line)(store, table.sources)}"


def _heading(label: str, unit: str) -> str:
    """A measure's column heading: its label and unit, the unit left out where the label already says it (…days)."""
    if not unit or unit.casefold() in label.casefold().replace("(", " ").replace(")", " ").split():
        return label
    return f"{label} ({unit})" if unit.isalpha() and len(unit) > 2 else f"{label} {unit}"


def _months_as_rows(tables: list[Table]) -> Listing:
    """The same numbers turned, for a terminal and --fields month,…: one record per month, one column per measure
    (TABLE:MEASURE when there are several tables)."""
    columns = [ViewColumn("month", "Month")]
    rows: list[dict[str, Any]] = [{"month": name[:3]} for name in MONTH_NAMES] + [{"month": "Year"}]
    for table in tables:
        for row in table.rows:
            assert isinstance(row, MonthlyRow)
            key = f"{table.id}:{row.id}" if len(tables) > 1 else row.id
            columns.append(ViewColumn(key, _heading(row.label, row.unit), numeric=True))
            for record, value in zip(rows, (*row.values, row.year), strict=True):
                record[key] = value
    if all(rows[12].get(c.key) is None for c in columns[1:]):
        rows = rows[:12]
    return Listing("", columns, rows)


def records_listing(store: Store, table: Table, full_sources: bool) -> Listing:
    """A table of records: its columns, units in their titles; the row id unless a column repeats it (a year table's
    id is its year); Revised Romanization and notes when rows carry them."""
    entries = [r for r in table.rows if isinstance(r, RecordRow)]  # all of them, in a records table
    repeated = bool(entries) and any(all(str(r.get(c.key)) == r.id for r in entries) for c in table.columns)
    columns = [] if repeated else [ViewColumn("id", "ID")]
    for column in table.columns:
        values = [r.get(column.key) for r in entries]
        numeric = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values)
        title = f"{column.title} ({column.unit})" if column.unit else column.title
        columns.append(ViewColumn(column.key, title, numeric=numeric, wide=column.key in ("note", "notes", "description", "role", "details")))
    # Revised Romanization beside the name column (usually McCune–Reischauer): people search and write in either.
    # Not when the name column shows it already (--romanization rr).
    has_rr = "rr" not in {c.key for c in table.columns} and any(dict(r.names).get("rr") not in (None, r.get("name")) for r in entries)
    if has_rr:
        columns.insert(next(i for i, c in enumerate(columns) if c.key != "id") + 1, ViewColumn("rr", "Revised Romanization"))
    has_notes = any(r.note for r in entries)
    if has_notes:
        columns.append(ViewColumn("note", "Note", wide=True))
    rows = []
    json_rows = []
    for row in entries:
        record: dict[str, Any] = {"id": row.id, **{c.key: row.get(c.key) for c in table.columns}}
        if has_rr:
            record["rr"] = dict(row.names).get("rr")
        if has_notes:
            record["note"] = row.note
        rows.append(record)
        sources = [citation_record(store, c) for c in (row.sources or table.sources)]
        json_rows.append({"table": table.id, **record, "note": row.note, "names": dict(row.names), "aliases": list(row.aliases), "sources": sources})
    notes = ([table.note] if table.note else []) + [_source_note(store, table, full_sources)]
    listing = Listing(_table_title(table), columns, rows, notes, json_rows=json_rows)
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


def require_topic(store: Store, name: str) -> str:
    """find_topic, or a usage error suggesting the topics (ids and aliases) spelt most like `name`."""
    topic = find_topic(store, name)
    if topic is None:
        from rapidfuzz import fuzz, process

        choices = list(store.topics) + [a for t in store.topics.values() for a in t.aliases]
        found = process.extract(name.casefold(), choices, scorer=fuzz.ratio, score_cutoff=72, limit=3)
        suggestions = list(dict.fromkeys(choice for choice, _, _ in found))
        raise UsageError(f"no topic '{name}' (topics: {', '.join(store.topics)})", suggestions)
    return topic


def topics_listing(store: Store) -> Listing:
    columns = [ViewColumn("id", "Topic"), ViewColumn("title", "Title"), ViewColumn("facts", "Facts", numeric=True)]
    columns += [ViewColumn("tables", "Tables", numeric=True), ViewColumn("summary", "Summary", wide=True)]
    rows = [
        {"id": t.id, "title": t.title, "facts": store.fact_count(t.id), "tables": len(store.tables_in(t.id)), "summary": t.summary}
        for t in store.topics.values()
    ]
    json_rows = [dict(r, aliases=list(store.topics[r["id"]].aliases)) for r in rows]
    total = sum(r["facts"] for r in rows)
    notes = [f"{total} facts and {len(store.tables)} tables in {len(rows)} topics. Show one with 'hamhung TOPIC'."]
    return Listing(f"Topics in {store.name}", columns, rows, notes, json_rows=json_rows)


# --------------------------------------------------------------------------- sources, disputes


def sources_listing(store: Store) -> Listing:
    columns = [ViewColumn("id", "ID"), ViewColumn("publisher", "Publisher"), ViewColumn("part", "Part", wide=True)]
    columns += [ViewColumn("cites", "Cites", wide=True, detail=True), ViewColumn("facts", "Facts", numeric=True)]
    used = Counter(c.source for f in store.facts.values() for c in f.all_citations())
    used.update(c.source for t in store.tables.values() for c in t.sources)
    rows = [{"id": s.id, "publisher": s.publisher, "part": s.part or "", "cites": s.cites or "", "facts": used[s.id]} for s in store.sources.values()]
    json_rows = [{k: v for k, v in s._asdict().items() if k != "line"} | {"facts": used[s.id]} for s in store.sources.values()]
    documents = sorted({f"{s.publisher}, “{s.title}”" for s in store.sources.values()})
    notes = [
        f"{counted(len(rows), 'part')} of {counted(len(documents), 'document')}: {'; '.join(documents)}.",
        "The reference each part cites: 'hamhung sources --fields id,cites' (or --json).",
    ]
    return Listing("Sources", columns, rows, notes, json_rows=json_rows)


def disputes_listing(store: Store, topic: str | None = None) -> Listing:
    """One record per claim (machine formats); on a terminal, each disputed fact with its claims, one a line."""
    facts = by_severity([f for f in store.facts.values() if f.disputed and (topic is None or f.topic == topic)])
    columns = [ViewColumn("id", "ID"), ViewColumn("severity", "Severity"), ViewColumn("claim", "Claim", wide=True), ViewColumn("source", "Source", wide=True)]
    rows = [
        {
            "id": fact.id,
            "severity": fact.severity,
            "question": fact.text,
            "claim": claim.text,
            "value": claim.value,
            "unit": claim.unit,
            "source": sources_line(store, claim.sources),
            "side": side,
        }
        for fact in facts
        for side, claim in enumerate(fact.claims, 1)
    ]
    more = "'hamhung fact ID' shows one in full: the question, each claim's reference and the editors' note."
    notes = [f"{counted(len(facts), 'disputed fact')}, most important first. {more}"]
    listing = Listing("Where the sources disagree", columns, rows, notes, json_rows=lambda: [fact_record(store, f) for f in facts])
    listing.cards = [{"id": f"{f.id} ({f.severity or 'medium'})", "claims": claim_lines(store, f, full=False)} for f in facts]
    listing.card_fields = [ViewColumn("claims", "Claims")]
    listing.card_list = True
    return listing


# --------------------------------------------------------------------------- search results


def search_listing(store: Store, results: "list[Result]", explain: bool, with_sources: bool) -> Listing:
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
        shown = document_text(store, doc)
        citations = document_citations(store, doc.id)
        row: dict[str, Any] = {"score": result.percent, "topic": doc.topic, "id": doc.id, "text": shown + (" [disputed]" if fact and fact.disputed else "")}
        record: dict[str, Any] = {"score": result.percent, "kind": doc.kind, "topic": doc.topic, "id": doc.id, "text": shown}
        if fact:
            record |= {k: v for k, v in fact_record(store, fact).items() if k not in record}
        else:
            _, measure, month = split_item_id(store, doc.id)
            if doc.kind == "cell" and isinstance(measure, MonthlyRow) and month is not None:  # its figure, in the --units asked for
                record |= {"value": measure.values[month] if month < 12 else measure.year, "unit": measure.unit}
            record |= {"disputed": False, "sources": [citation_record(store, c) for c in citations]}
        if with_sources:
            row["sources"] = sources_line(store, citations)
        if explain:
            row["explain"] = "; ".join(f"{m.query_term}→{m.indexed_term} in {m.field} ({m.how})" for m in result.matches)
            record["explain"] = [
                {
                    "query": m.query_term,
                    "matched": m.indexed_term,
                    "field": m.field,
                    "how": m.how,
                    "similarity": round(m.similarity, 3),
                    "field_weight": m.weight,
                }
                for m in result.matches
            ]
        rows.append(row)
        json_rows.append(record)
    notes = ["'hamhung fact ID' shows one with its sources" + ("." if with_sources else "; --sources adds them here.")]
    return Listing("Search results", columns, rows, notes, json_rows=json_rows)


# --------------------------------------------------------------------------- single items


def item_listing(store: Store, item_ids: list[str]) -> Listing:
    """`hamhung fact ID…`: facts (first), then tables, rows or cells, each with its sources; on a terminal, a card each."""
    facts: list[Fact] = []
    parts = []
    missing = []
    for item_id in item_ids:
        key = item_id.strip().casefold()
        table, row, month = split_item_id(store, key)
        if key in store.facts:
            facts.append(store.facts[key])
        elif table is not None:
            parts.append((key, table, row, month))
        else:
            missing.append(item_id)
    if missing:
        from rapidfuzz import fuzz, process

        known = list(store.facts) + [f"{t.id}.{r.id}" for t in store.tables.values() for r in t.rows] + list(store.tables)
        found = process.extract(missing[0].casefold(), known, scorer=fuzz.WRatio, score_cutoff=70, limit=3)
        raise NotFound(f"no fact with id {', '.join(repr(m) for m in missing)}", [choice for choice, _, _ in found])
    records = [fact_record(store, f) for f in facts]
    for key, table, row, month in parts:
        value = unit = None
        if row is None:
            text = f"{_table_title(table)}: {len(table.rows)} rows. Show it with 'hamhung {table.topic}'."
        elif month is None:
            text = row_text(table, row)
        else:
            assert isinstance(row, MonthlyRow)
            text, value, unit = cell_text(table, row, month), row.values[month] if month < 12 else row.year, row.unit
        sources = [citation_record(store, c) for c in document_citations(store, key)]
        records.append({"id": key, "topic": table.topic, "text": text, "value": value, "unit": unit, "disputed": False, "sources": sources})
    columns = [ViewColumn("id", "ID"), ViewColumn("topic", "Topic"), ViewColumn("text", "Fact", wide=True), ViewColumn("value", "Value", numeric=True)]
    columns += [ViewColumn("unit", "Unit"), ViewColumn("disputed", "Disputed"), ViewColumn("sources", "Sources", wide=True)]
    rows = []
    cards = []
    for record in records:
        citations = [s["citation"] for s in record["sources"]]
        row = {c.key: record[c.key] for c in columns} | {"disputed": "disputed" if record["disputed"] else "", "sources": "; ".join(citations)}
        rows.append(row)
        value = None if row["value"] is None else figure(row["value"], row["unit"])
        card = row | {"value": value, "sources": citations}
        fact = store.facts.get(record["id"])
        if fact is not None:
            card |= {"claims": claim_lines(store, fact) if fact.disputed else None, "note": fact.note, "related": ", ".join(fact.related) or None}
        cards.append(card)
    listing = Listing("", columns, rows, json_rows=records)
    listing.cards = cards
    listing.card_fields = [
        ViewColumn("topic", "Topic"), ViewColumn("text", "Fact"), ViewColumn("value", "Value"), ViewColumn("disputed", "Status"),
        ViewColumn("claims", "Claims"), ViewColumn("note", "Note"), ViewColumn("sources", "Sources"), ViewColumn("related", "See also"),
    ]  # fmt: skip
    return listing


# --------------------------------------------------------------------------- topic pages


def select_tables(store: Store, topic: str, source: str | None) -> tuple[list[Table], list[Table]]:
    """The tables to show for a topic, and the ones left out (alternative sources).

    By default: every records table, and the first monthly table (later ones are other sources' versions of the
    same normals). --source picks by a word of a table's id, aliases or source; 'both' or 'all' shows every table.
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
        chosen = [t for t in tables if wanted and any(wanted in folded_phrase(w) for w in _table_words(store, t))]
        if not chosen:
            raise UsageError(
                f"no table of topic '{topic}' matches --source '{source}' (tables: {', '.join(t.id for t in tables)}; or 'both')",
                [t.id for t in tables],
            )
    return chosen, [t for t in tables if t not in chosen]


def _table_words(store: Store, table: Table) -> list[str]:
    """Everything --source may match for a table: its id, aliases and source names."""
    words = [table.id, *table.id.split("-"), *table.aliases]
    for citation in table.sources:
        source = store.source_of(citation)
        words += [source.id, source.publisher, source.cites or ""]
    return words


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
    combined = Listing(" / ".join(listing.title for listing in listings), columns, rows, notes, json_rows=json_rows)
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
    """A topic's page, sized for reading: tables with a short source line, facts in full, each dispute in one line;
    --sources makes it the full record: every reference, and each disputed fact's claims with theirs."""
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
    """`hamhung TOPIC` in any format but the terminal page: its tables' rows, or its facts (with --only facts, or
    when it has no tables). Plain text, a pipe's default, prints the facts after the rows too, so that
    `hamhung climate | grep snow` finds what the page says."""
    facts = facts_listing(store, store.facts_in(topic), store.topics[topic].title, with_sources)
    if not tables or only == "facts":
        return facts
    listing = tables_listing(store, tables)
    if only is None and facts.rows:
        listing.plain_after = [facts]
    return listing
