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
from typing import Any

from .errors import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, HamhungError, NotFound, StoreError, UsageError
from .session import Session
from .terminal import default_format, from_shell, is_terminal, terminal_width, use_color

FORMATS = ("table", "plain", "tsv", "csv", "json", "jsonl", "markdown")
COLORS = ("auto", "always", "never")
ONLY = ("facts", "tables")
MAX_LIMIT = 10_000
# Each distinct query word costs a typo lookup over the vocabulary (about a millisecond): a 100 KB
# query took 40 s. A thousand characters is a long paragraph.
MAX_QUERY_CHARS = 1_000


class Output:
    """How this run prints: format, colour, width and field selection."""

    def __init__(self, fmt: str | None, as_json: bool, color: str | None, fields: str | None) -> None:
        if as_json and fmt not in (None, "json"):
            raise UsageError("--json and --format cannot both be given")
        self.format = "json" if as_json else (fmt or default_format())
        self.color = use_color(color) and self.format == "table"
        self.fields = [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None
        if fields is not None and not self.fields:
            raise UsageError("--fields needs at least one field name")

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
        render(listing, self.format, sys.stdout, self.color, terminal_width())


def guarded(action: Callable[[], int | None]) -> int:
    """Run a command; turn the core's errors into one stderr line and an exit code. Flush so write errors surface here."""
    try:
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


# --------------------------------------------------------------------------- commands


def overview(facts: str | None, color: str | None) -> int:
    def action() -> None:
        from .overview import write_overview

        write_overview(Session(facts).store, sys.stdout, is_terminal(), use_color(color), terminal_width())

    return guarded(action)


def topics(facts: str | None, fmt: str | None, as_json: bool, fields: str | None, color: str | None) -> int:
    def action() -> None:
        from .views import topics_listing

        out = Output(fmt, as_json, color, fields)
        out.emit(topics_listing(Session(facts).store))

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
) -> int:
    def action() -> None:
        from .views import facts_listing, require_topic, select_tables, tables_listing, topic_page

        store = Session(facts).store
        out = Output(fmt, as_json, color, fields)
        topic = require_topic(store, topic_name)
        tables, others = select_tables(store, topic, source)
        if out.is_table and not out.fields:
            from .overview import write_topic_page

            write_topic_page(store, topic_page(store, topic, tables, others, only, with_sources), sys.stdout, out.color, terminal_width())
        elif tables and only != "facts":
            out.emit(tables_listing(store, tables))
        else:
            out.emit(facts_listing(store, store.facts_in(topic), store.topics[topic].title, with_sources))

    return guarded(action)


def fact(ids: list[str], facts: str | None, fmt: str | None, as_json: bool, fields: str | None, color: str | None) -> int:
    def action() -> None:
        from .views import item_listing

        out = Output(fmt, as_json, color, fields)
        out.emit(item_listing(Session(facts).store, ids))

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
) -> int:
    def action() -> None:
        from .search import search as run_search
        from .views import no_results, require_topic, search_listing

        text = from_shell(" ".join(query))
        if not text.strip():
            raise UsageError("the search query is empty")
        if len(text) > MAX_QUERY_CHARS:
            raise UsageError(f"the search query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are allowed")
        session = Session(facts)
        out = Output(fmt, as_json, color, fields)
        store = session.store
        topic_id = require_topic(store, topic) if topic else None
        results = run_search(session.index, text, limit=min(limit, MAX_LIMIT), topic=topic_id)
        if not results:
            raise no_results(store, session.index, text)
        out.emit(search_listing(store, results, explain, with_sources))

    return guarded(action)


def sources(facts: str | None, fmt: str | None, as_json: bool, fields: str | None, color: str | None) -> int:
    def action() -> None:
        from .views import sources_listing

        out = Output(fmt, as_json, color, fields)
        out.emit(sources_listing(Session(facts).store))

    return guarded(action)


def disputes(facts: str | None, fmt: str | None, as_json: bool, fields: str | None, color: str | None, topic: str | None) -> int:
    def action() -> None:
        from .views import disputes_listing, require_topic

        store = Session(facts).store
        out = Output(fmt, as_json, color, fields)
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
