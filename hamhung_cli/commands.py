"""What each command does, as plain functions returning an exit code: no Typer here.

Both entry paths call these: the Typer app (cli.py, which parses every form and
draws --help) and the fast path (fast.py, which parses only the common forms so
most runs never import Typer). Sharing them is what keeps the two byte-identical.
Every error the core raises becomes one stderr line and an exit code in `guarded`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from .errors import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, HamhungError, NotFound, StoreError, UsageError
from .pager import paged
from .session import Session
from .store import Store
from .terminal import default_format, from_shell, is_terminal, terminal_width, use_color

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from typing import Any

    from .search import Index, Result

FORMATS = ("table", "plain", "tsv", "csv", "json", "jsonl", "markdown")
COLORS = ("auto", "always", "never")
ONLY = ("facts", "tables")
MAX_LIMIT = 10_000
# Each distinct query word costs a typo lookup over the vocabulary (about a millisecond): a 100 KB
# query took 40 s. A thousand characters is a long paragraph.
MAX_QUERY_CHARS = 1_000


class Output:
    """How this run prints: format, colour, width and field selection."""

    def __init__(self, fmt: str | None, as_json: bool, color: str | None, fields: str | None, svg: str | None = None) -> None:
        if as_json and fmt not in (None, "json"):
            raise UsageError("--json and --format cannot both be given")
        self.format = "json" if as_json else (fmt or default_format())
        self.color = use_color(color) and self.format == "table"
        self.fields = [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None
        if fields is not None and not self.fields:
            raise UsageError("--fields needs at least one field name")
        self.svg = svg
        self.color_choice = color

    @property
    def is_table(self) -> bool:
        return self.format == "table"

    def emit(self, listing: Any) -> None:
        from .render import render, select_fields

        if self.fields == ["help"]:
            known = sorted({c.key for c in listing.columns} | {k for r in listing.records() for k in r})
            sys.stdout.write("\n".join(known) + "\n")
            return
        if self.fields:
            listing = select_fields(listing, self.fields)
        self.picture(lambda out, color, width: render(listing, "table", out, color, width))
        render(listing, self.format, sys.stdout, self.color, terminal_width())

    def picture(self, draw: Callable[[Any, bool, int], None]) -> None:
        """--svg FILE, once per run (a topic page saves the page, not each of its listings)."""
        path, self.svg = self.svg, None
        picture(path, self.color_choice, draw)


def picture(svg: str | None, color: str | None, draw: Callable[[Any, bool, int], None]) -> None:
    """--svg FILE: save draw(out, color, width), the terminal rendering, before anything goes to stdout."""
    if svg is None:
        return
    from .svg import save_svg, wants_color

    save_svg(svg, draw, wants_color(color), terminal_width())


def named(store: Store, romanization: str | None) -> Store:
    """The store with entity names in the form asked for (--romanization, else $HAMHUNG_ROMANIZATION)."""
    if romanization is None and not os.environ.get("HAMHUNG_ROMANIZATION"):
        return store
    from .names import resolve_form, romanized

    return romanized(store, resolve_form(romanization))


def guarded(action: Callable[[], int | None], pager: bool = True) -> int:
    """Run a command; turn the core's errors into one stderr line and an exit code. Flush so write errors surface here."""
    try:
        with paged(pager):  # a terminal page taller than the screen goes through $PAGER: pager.py
            code = action() or EXIT_OK
        sys.stdout.flush()
        return code
    except NotFound as error:
        say(f"hamhung: {error}")
        if error.suggestions:
            say(f"hamhung: did you mean: {', '.join(error.suggestions)}?")
        return EXIT_NOT_FOUND
    except UsageError as error:
        say(f"hamhung: error: {error}")
        if error.suggestions:
            say(f"hamhung: did you mean: {', '.join(error.suggestions)}?")
        return EXIT_USAGE
    except HamhungError as error:
        say(f"hamhung: error: {error}")
        return error.exit_code
    except OSError as error:
        return write_failed(error)


def write_failed(error: OSError) -> int:
    """Output could not be written: a closed pipe (`| head -1`) ends quietly, anything else (a full disk) is an error."""
    silence_stdout()
    if isinstance(error, BrokenPipeError):
        return EXIT_OK
    say(f"hamhung: error: cannot write output: {error.strerror or error}")
    return EXIT_USAGE


def stdout_is_closed() -> bool:
    """Started with stdout closed (`hamhung >&-`): Python has no sys.stdout at all, so say so before doing anything."""
    if sys.stdout is not None:
        return False
    say("hamhung: error: cannot write output: standard output is closed")
    return True


def say(message: str) -> None:
    from .render import inert

    try:
        sys.stderr.write(inert(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # stderr closed too: nothing more can be done
        pass


def silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the exit-time flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# --------------------------------------------------------------------------- units and charts (#7)


def _measured(store: Any, units: str | None) -> Any:
    """The store in the units asked for (--units, else HAMHUNG_UNITS); as stored when neither is given."""
    if units is None and not os.environ.get("HAMHUNG_UNITS"):
        return store  # the common case, without loading the converter
    from .units import in_units

    return in_units(store, units)


def _chart(store: Any, topic: str, tables: list[Any], only: str | None, out: Output) -> None:
    """--chart: drawn with Rich for the table format, the chart's series as records in every other format."""
    from .charts import chart_for, chart_listing, draw_chart

    if only == "facts":
        raise UsageError("--chart draws a topic's tables, so it cannot be combined with --only facts")
    chart = chart_for(store, topic, tables)
    if out.is_table and not out.fields:
        draw_chart(chart, sys.stdout, out.color, terminal_width())
    else:
        out.emit(chart_listing(chart))


# --------------------------------------------------------------------------- commands


def overview(facts: str | None, color: str | None, *, units: str | None = None, romanization: str | None = None, svg: str | None = None) -> int:
    def action() -> None:
        from .overview import write_overview

        store = named(_measured(Session(facts).store, units), romanization)
        picture(svg, color, lambda out, c, width: write_overview(store, out, True, c, width))
        write_overview(store, sys.stdout, is_terminal(), use_color(color), terminal_width())

    return guarded(action)


def topics(
    facts: str | None, fmt: str | None, as_json: bool, fields: str | None, color: str | None, *, romanization: str | None = None, svg: str | None = None
) -> int:
    def action() -> None:
        from .views import topics_listing

        out = Output(fmt, as_json, color, fields, svg)
        out.emit(topics_listing(named(Session(facts).store, romanization)))

    return guarded(action)


def show(
    topic_name: str,
    facts: str | None,
    fmt: str | None,
    as_json: bool,
    fields: str | None,
    color: str | None,
    source: str | None,
    only: str | None,
    with_sources: bool,
    *,
    units: str | None = None,
    chart: bool = False,
    romanization: str | None = None,
    svg: str | None = None,
) -> int:
    def action() -> None:
        from .views import page_listing, require_topic, select_tables, topic_page

        store = named(_measured(Session(facts).store, units), romanization)
        out = Output(fmt, as_json, color, fields, svg)
        topic = require_topic(store, topic_name)
        tables, others = select_tables(store, topic, source)
        if chart:
            _chart(store, topic, tables, only, out)
            return
        if (out.is_table or out.svg is not None) and not out.fields:
            from .overview import write_topic_page

            page = topic_page(store, topic, tables, others, only, with_sources)
            out.picture(lambda o, c, width: write_topic_page(store, page, o, c, width))
            if out.is_table:
                write_topic_page(store, page, sys.stdout, out.color, terminal_width())
                return
        out.emit(page_listing(store, topic, tables, only, with_sources))  # what a page prints in a pipe: views.page_listing

    return guarded(action)


def fact(
    ids: list[str],
    facts: str | None,
    fmt: str | None,
    as_json: bool,
    fields: str | None,
    color: str | None,
    *,
    units: str | None = None,
    romanization: str | None = None,
    svg: str | None = None,
) -> int:
    def action() -> None:
        from .views import item_listing

        out = Output(fmt, as_json, color, fields, svg)
        out.emit(item_listing(named(_measured(Session(facts).store, units), romanization), ids))

    return guarded(action)


def search(
    query: list[str],
    facts: str | None,
    fmt: str | None,
    as_json: bool,
    fields: str | None,
    color: str | None,
    limit: int,
    topic: str | None,
    explain: bool,
    with_sources: bool,
    *,
    units: str | None = None,
    romanization: str | None = None,
    svg: str | None = None,
) -> int:
    def action() -> None:
        from .search import CacheDamage
        from .search import search as run_search
        from .views import no_results, require_topic, search_listing

        text = from_shell(" ".join(query))
        if not text.strip():
            raise UsageError("the search query is empty")
        if len(text) > MAX_QUERY_CHARS:
            raise UsageError(f"the search query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are allowed")
        session = Session(facts)
        out = Output(fmt, as_json, color, fields, svg)
        store = named(_measured(session.store, units), romanization)
        topic_id = require_topic(store, topic) if topic else None

        def find(index: Index) -> list[Result]:
            return run_search(index, text, limit=min(limit, MAX_LIMIT), topic=topic_id)

        try:
            results = find(session.index)
        except CacheDamage:  # a cached index that no version wrote: build it anew from the store
            results = find(session.rebuild_index())
        if not results:
            raise no_results(store, session.index, text)
        out.emit(search_listing(store, results, explain, with_sources))

    return guarded(action)


def sources(facts: str | None, fmt: str | None, as_json: bool, fields: str | None, color: str | None, *, svg: str | None = None) -> int:
    def action() -> None:
        from .views import sources_listing

        out = Output(fmt, as_json, color, fields, svg)
        out.emit(sources_listing(Session(facts).store))

    return guarded(action)


def disputes(
    facts: str | None,
    fmt: str | None,
    as_json: bool,
    fields: str | None,
    color: str | None,
    topic: str | None,
    *,
    units: str | None = None,
    svg: str | None = None,
) -> int:
    def action() -> None:
        from .views import disputes_listing, require_topic

        store = _measured(Session(facts).store, units)
        out = Output(fmt, as_json, color, fields, svg)
        listing = disputes_listing(store, require_topic(store, topic) if topic else None)
        if not listing.rows:
            raise NotFound("no disputed facts" + (f" in topic '{topic}'" if topic else ""))
        out.emit(listing)

    return guarded(action)


def check(path: str | None) -> int:
    def action() -> int:
        session = Session(path)
        try:
            store = session.store
        except StoreError as error:
            from .render import inert

            for problem in error.problems:  # the messages quote the store's own keys and values: inert, like all store text
                sys.stdout.write(inert(str(problem)) + "\n")
            sys.stdout.flush()
            say(f"hamhung: {len(error.problems)} problem(s) in {session.path}")
            return EXIT_USAGE
        rows = sum(len(t.rows) for t in store.tables.values())
        disputed = sum(f.disputed for f in store.facts.values())
        sys.stdout.write(
            f"{session.path}: ok — {len(store.facts)} facts ({disputed} disputed), {len(store.tables)} tables ({rows} rows), "
            f"{len(store.topics)} topics, {len(store.sources)} sources\n"
        )
        return EXIT_OK

    return guarded(action)


def help_topic(name: str | None) -> int:
    """`hamhung help [TOPIC]`: a reference text, or the list of them."""

    def action() -> None:
        from .helptopics import ALIASES, TOPICS, listing

        if name is None:
            sys.stdout.write(listing())
            return
        key = name.strip().lower()
        topic = TOPICS.get(ALIASES.get(key, key))
        if topic is None:
            import difflib

            suggestions = difflib.get_close_matches(key, [*TOPICS, *ALIASES], n=3, cutoff=0.5)
            raise UsageError(f"no help topic '{name}' (topics: {', '.join(TOPICS)})", list(dict.fromkeys(ALIASES.get(s, s) for s in suggestions)))
        sys.stdout.write(topic.text)

    return guarded(action)
