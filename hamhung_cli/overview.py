"""Screens that are more than one listing: the overview and a topic's page.

On a terminal they are drawn with Rich (imported here, lazily); in a pipe
they fall back to plain lines with no decoration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .listing import claim_lines, counted, dispute_sides, figure, sources_line
from .phrasing import format_number
from .render import encodes, make_console, write_table
from .store import Store
from .text import inert
from .views import TopicPage, find_topic, topics_listing

if TYPE_CHECKING:
    from typing import IO, Any

# Commands to try, each with what it needs from the store (a topic, a fact or a table); one whose need is missing is not suggested.
EXAMPLES = (
    ("hamhung climate", "monthly normals, with their source", "climate"),
    ("hamhung climate --chart", "temperature and precipitation as a chart", "climate"),
    ("hamhung population --chart", "population by year, estimates marked", "population"),
    ("hamhung search vinalon", "search in any spelling: 비날론, vinylon …", "economy.vinalon"),
    ("hamhung search 'relative humidity august'", "a single table cell", "climate-kma"),
    ("hamhung disputes", "where the sources disagree", None),
    ("hamhung search 'sister city' --json | jq", "data for scripts", "twin-towns.shanghai"),
)


def examples(store: Store) -> list[tuple[str, str]]:
    """The examples this store can answer, and `hamhung fact ID --units imperial` with a real ID: its first fact with a convertible unit."""
    from .units import conversion

    def present(need: str | None) -> bool:
        return need is None or need in store.facts or need in store.tables or find_topic(store, need) is not None

    found = [(command, what) for command, what, need in EXAMPLES if present(need)]
    measured = next((f for f in store.facts.values() if conversion(f.unit, "imperial") is not None), None)
    if measured is not None:
        found.insert(-1, (f"hamhung fact {measured.id} --units imperial", "one fact with its sources, in imperial units"))
    return found


def _names_line(store: Store) -> str:
    """The city's other names (the store's own name is the heading already)."""
    return " · ".join(dict.fromkeys(name for _, name in store.names if name != store.name))


def write_overview(store: Store, out: IO[str], terminal: bool, color: bool, width: int | None) -> None:
    """`hamhung`: the dashboard on a terminal; in a pipe, the names, the summary and a line per topic."""
    if terminal:
        write_dashboard(store, out, color, width)
        return
    out.write(f"{inert(store.name)}\t{inert(_names_line(store))}\n")
    if store.summary:
        out.write(inert(store.summary) + "\n")
    for row in topics_listing(store).rows:
        out.write(f"{row['id']}\t{row['facts']}\t{inert(str(row['title']))}\n")


# --------------------------------------------------------------------------- the dashboard (#7)


def key_figures(store: Store) -> list[tuple[str, str]]:
    """The few numbers an almanac puts first, each taken from the store (and left out when the store lacks it)."""
    from .charts import climate_chart, latest_population, population_chart

    figures: list[tuple[str, str]] = []
    population = population_chart(store)
    if population is not None:
        point = latest_population(population)
        count = f"{point.population:,}" + (f" {population.unit}" if population.unit else "")
        figures.append(("Population", f"{count} ({point.year}{', ' + point.kind if point.kind else ''})"))
    for word in ("area", "elevation", "coordinates"):  # the first fact so named (by id or alias) that has a value
        named = (f for f in store.facts.values() if f.id.rpartition(".")[2] == word or word in (a.casefold() for a in f.aliases))
        fact = next((f for f in named if f.value is not None), None)
        if fact is not None:
            figures.append((word.capitalize(), figure(fact.value, fact.unit) + (" (disputed)" if fact.disputed else "")))
    climate = climate_chart(store, [t for t in store.tables.values() if t.kind == "monthly"][:1])
    if climate is not None:
        series = climate.series[0]
        parts = []
        if series.year_mean is not None:
            parts.append(f"{format_number(series.year_mean)} {series.temperature_unit} mean")
        if series.year_precipitation is not None:
            parts.append(f"{format_number(series.year_precipitation)} {series.precipitation_unit} precipitation")
        if parts:
            figures.append(("Climate", f"{', '.join(parts)} a year ({series.table}{', ' + series.period if series.period else ''})"))
    disputed = sum(f.disputed for f in store.facts.values())
    counts = f"{len(store.facts)} ({disputed} disputed) in {len(store.topics)} topics, {len(store.tables)} tables, {len(store.sources)} sources"
    figures.append(("Facts", counts))
    return figures


def write_dashboard(store: Store, out: IO[str], color: bool, width: int | None) -> None:
    """`hamhung` on a terminal: the name, the summary, then panels of key figures, topics and examples that stack on narrow screens."""
    from rich import box
    from rich.console import Group
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, color, width)
    width = console.size.width
    frame = box.ROUNDED if encodes(out, "╭─╮│") else box.ASCII

    def panel(body: Any, title: str) -> Any:
        return Panel(body, title=Text(title, style="bold"), title_align="left", box=frame, expand=True, padding=(0, 1))

    heading = Text(inert(store.name), style="bold")
    if store.names:
        heading.append("  " + inert(_names_line(store)), style="cyan")
    console.print(heading)
    if store.summary:
        console.print(Text(inert(store.summary)))
    console.print()

    figures = Table.grid(padding=(0, 2))
    figures.add_column(style="bold", no_wrap=True)
    figures.add_column(overflow="fold")
    for label, value in key_figures(store):
        figures.add_row(Text(label), Text(inert(value)))

    narrow = width < 60
    topics = Table(box=None, show_header=True, header_style="bold", pad_edge=False, padding=(0, 1))
    topics.add_column("Topic", style="green", no_wrap=True)
    topics.add_column("Facts", justify="right", no_wrap=True)
    if not narrow:
        topics.add_column("About", overflow="fold")
    for row in topics_listing(store).rows:
        extra = f" +{counted(row['tables'], 'table')}" if row["tables"] else ""
        cells = [Text(str(row["id"])), Text(f"{row['facts']}{extra}")]
        topics.add_row(*cells, *([] if narrow else [Text(inert(str(row["title"])))]))

    beside = Table.grid(padding=(0, 2))  # each command beside what it does, or, where that is too wide, above it
    beside.add_column(no_wrap=True, style="cyan")
    beside.add_column(overflow="fold", style="dim")
    stacked = Table.grid()
    stacked.add_column(overflow="fold")
    for command, what in examples(store):
        beside.add_row(Text(inert(command)), Text(what))
        stacked.add_row(Text(inert(command), style="cyan"))
        stacked.add_row(Padding(Text(what, style="dim"), (0, 0, 0, 2)))

    def natural(renderable: Any) -> int:
        """The width a panel takes with nothing wrapped (measured as if the terminal had no edge)."""
        return int(console.measure(renderable, options=console.options.update_width(10_000)).maximum)

    # Side by side only where every panel fits at its natural width: wrapped topic names read worse than stacked panels.
    try_width = natural(panel(beside, "Try"))
    left = max(natural(panel(figures, "Key figures")), try_width)
    right = natural(panel(topics, "Topics"))
    if left + 1 + right <= width:
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1)
        grid.add_column(width=right)
        grid.add_row(Group(panel(figures, "Key figures"), panel(beside, "Try")), panel(topics, "Topics"))
        console.print(grid)
    else:
        console.print(panel(figures, "Key figures"))
        console.print(panel(topics, "Topics"))
        console.print(panel(beside if try_width <= width else stacked, "Try"))
    console.print(Text("'hamhung --help' lists every command and option; --units imperial shows °F, in, ft and mi.", style="dim"))


def write_topic_page(store: Store, page: TopicPage, out: IO[str], color: bool, width: int | None) -> None:
    """A topic on a terminal: title and summary, its tables, its facts one paragraph each, then each dispute in one line."""
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, color, width)
    console.print(Text(inert(page.title), style="bold underline"))
    if page.summary:
        console.print(Text(inert(page.summary)))
    console.print()
    for listing in page.tables:
        write_table(listing, out, color, width)
        console.print()

    def items(heading: str, style: str) -> Any:
        console.print(Text(heading, style=style))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        return grid

    if page.facts:
        grid = items(f"Facts ({len(page.facts)})", "bold")
        for fact in page.facts:
            text = Text(inert(fact.text))
            text.append(f" [{inert(fact.id)}]", style="green")
            if page.with_sources:
                lines = claim_lines(store, fact) if fact.disputed else [f"Sources: {sources_line(store, fact.all_citations())}"]
                text.append("".join(f"\n{n}. {inert(line)}" if fact.disputed else f"\n{inert(line)}" for n, line in enumerate(lines, 1)), style="dim")
            grid.add_row(Text("!" if fact.disputed else "•", style="bold yellow" if fact.disputed else ""), text)
        console.print(grid)
    if page.disputes:
        if page.facts:
            console.print()
        grid = items(f"Where the sources disagree ({len(page.disputes)})", "bold yellow")
        for fact in page.disputes:
            text = Text(inert(fact.id), style="green")
            text.append(": " + inert(dispute_sides(store, fact)))
            grid.add_row(Text("!", style="bold yellow"), text)
        console.print(grid)
    if page.facts or page.disputes:
        console.print()
    for note in page.notes:
        console.print(Text(inert(note), style="dim"))
