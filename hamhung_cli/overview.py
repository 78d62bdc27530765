"""Screens that are more than one listing: the overview and a topic's page.

On a terminal they are drawn with Rich (imported here, lazily); in a pipe
they fall back to plain lines with no decoration.
"""

from __future__ import annotations

from .render import inert, render
from .store import Store
from .views import TopicPage, topics_listing

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from typing import IO

EXAMPLES = (
    ("hamhung climate", "monthly normals, with their source"),
    ("hamhung districts", "the seven districts"),
    ("hamhung search vinalon", "search in any spelling: 비날론, vinylon …"),
    ("hamhung search 'relative humidity august'", "a single table cell"),
    ("hamhung disputes", "where the sources disagree"),
    ("hamhung fact ID", "one fact with its sources"),
    ("hamhung search 'sister city' --json | jq", "data for scripts"),
)


def _names_line(store: Store) -> str:
    return " · ".join(name for _, name in store.names)


def write_overview(store: Store, out: IO[str], terminal: bool, color: bool, width: int | None = None) -> None:
    listing = topics_listing(store)
    if not terminal:
        out.write(f"{inert(store.name)}\t{inert(_names_line(store))}\n")
        if store.summary:
            out.write(inert(store.summary) + "\n")
        for row in listing.rows:
            out.write(f"{row['id']}\t{row['facts']}\t{inert(str(row['title']))}\n")
        return
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from .render import make_console

    console = make_console(out, color, width)
    heading = Text(inert(store.name), style="bold")
    if store.names:
        heading.append("  " + inert(_names_line(store)), style="cyan")
    console.print(heading)
    if store.summary:
        console.print(Padding(Text(inert(store.summary)), (0, 0, 1, 0)))
    topics = Table(box=None, show_header=True, header_style="bold", pad_edge=False, title=None)
    topics.add_column("Topic", style="green" if color else "", no_wrap=True)
    topics.add_column("Facts", justify="right", no_wrap=True)
    topics.add_column("About", overflow="fold")
    for row in listing.rows:
        extra = f" (+{row['tables']} table{'s' if row['tables'] > 1 else ''})" if row["tables"] else ""
        topics.add_row(Text(str(row["id"])), Text(f"{row['facts']}{extra}"), Text(inert(str(row["title"]))))
    console.print(topics)
    console.print()
    console.print(Text("Try:", style="bold"))
    examples = Table(box=None, show_header=False, pad_edge=False)
    examples.add_column(no_wrap=True, style="cyan" if color else "")
    examples.add_column(overflow="fold", style="dim" if color else "")
    for command, what in EXAMPLES:
        examples.add_row(Text(command), Text(what))
    console.print(Padding(examples, (0, 0, 0, 2)))
    console.print(Text("hamhung --help lists every command and option.", style="dim"))


def write_topic_page(store: Store, page: TopicPage, out: IO[str], color: bool, width: int | None = None) -> None:
    from rich.text import Text

    from .render import make_console

    console = make_console(out, color, width)
    console.print(Text(inert(page.title), style="bold underline" if color else ""))
    if page.summary:
        console.print(Text(inert(page.summary)))
    console.print()
    for listing in page.tables:
        render(listing, "table", out, color, width)
        console.print()
    if page.facts:
        render(page.facts, "table", out, color, width)
    for note in page.notes:
        console.print(Text(inert(note), style="yellow" if color else ""))
