"""The `hamhung` command line: parse options, call the core, map errors to exit codes.

No logic lives here. Every command reads the store through a Session, asks
views.py for a Listing and hands it to render.py; every error the core
raises becomes one line on stderr and exit code 1 (nothing found) or 2
(usage or data error), inside `reporting()`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import EXIT_NOT_FOUND, EXIT_USAGE, HamhungError, NotFound, StoreError, UsageError
from .session import Session
from .terminal import default_format, degrade_streams, is_terminal, terminal_width, use_color

EXIT_CODES_HELP = "Exit status: 0 found, 1 nothing found, 2 usage or data error, 130 interrupted."


class Format(StrEnum):
    table = "table"
    plain = "plain"
    tsv = "tsv"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class Only(StrEnum):
    facts = "facts"
    tables = "tables"


# --------------------------------------------------------------------------- completion


def _session_for(ctx: typer.Context | None) -> Session:
    return _session(ctx, None)


def _session(ctx: typer.Context | None, facts: str | None) -> Session:
    """The store named by this command's --facts, else by one given before the command word, else the default."""
    while facts is None and ctx is not None:
        facts = ctx.params.get("facts")
        ctx = ctx.parent
    return Session(facts)


def complete_topic(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        store = _session_for(ctx).store
    except HamhungError:
        return []
    return [t for t in store.topics if t.startswith(incomplete.casefold())]


def complete_id(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        store = _session_for(ctx).store
    except HamhungError:
        return []
    ids = list(store.facts) + list(store.tables) + [f"{t.id}.{r.id}" for t in store.tables.values() for r in t.rows]
    return [i for i in ids if i.startswith(incomplete.casefold())]


# --------------------------------------------------------------------------- shared options

FactsOption = Annotated[
    str | None,
    typer.Option("--facts", envvar="HAMHUNG_FACTS", metavar="PATH", help="Read this fact store instead of the bundled one.", show_default=False),
]
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format", "-f", case_sensitive=False, help="Output format. Default: table on a terminal, plain (tab-separated lines) in a pipe.", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
FieldsOption = Annotated[
    str | None,
    typer.Option("--fields", metavar="A,B,…", help="Only these fields, in this order (like gh --json fields). Try --fields help.", show_default=False),
]
ColorOption = Annotated[
    Color | None,
    typer.Option(
        "--color", case_sensitive=False, help="Colour on a terminal: auto (default; honours NO_COLOR and TERM=dumb), always or never.", show_default=False
    ),
]


class Output:
    """How this run prints: format, colour, width and field selection."""

    def __init__(self, fmt: Format | None, as_json: bool, color: Color | None, fields: str | None) -> None:
        if as_json and fmt not in (None, Format.json):
            raise UsageError("--json and --format cannot both be given")
        self.format = "json" if as_json else (fmt.value if fmt else default_format())
        self.color = use_color(color.value if color else None) and self.format == "table"
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


@contextmanager
def reporting() -> Iterator[None]:
    """Turn the core's errors into one stderr line and an exit code; flush so write errors surface here."""
    try:
        yield
        sys.stdout.flush()
    except NotFound as error:
        _say(f"hamhung: {error}")
        if error.suggestions:
            _say(f"hamhung: did you mean: {', '.join(error.suggestions)}?")
        raise typer.Exit(EXIT_NOT_FOUND) from None
    except UsageError as error:
        _say(f"hamhung: error: {error}")
        if error.suggestions:
            _say(f"hamhung: did you mean: {', '.join(error.suggestions)}?")
        raise typer.Exit(EXIT_USAGE) from None
    except HamhungError as error:
        _say(f"hamhung: error: {error}")
        raise typer.Exit(error.exit_code) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(0) from None
    except OSError as error:
        _silence_stdout()
        _say(f"hamhung: error: cannot write output: {error.strerror or error}")
        raise typer.Exit(EXIT_USAGE) from None


def _say(message: str) -> None:
    from .render import inert

    try:
        sys.stderr.write(inert(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the exit-time flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# --------------------------------------------------------------------------- the group


def _facts_in(args: list[str]) -> str | None:
    """A --facts value among a topic command's own arguments (`hamhung TOPIC --facts PATH`)."""
    for position, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--facts" and position + 1 < len(args):
            return args[position + 1]
        if arg.startswith("--facts="):
            return arg.partition("=")[2]
    return None


class HamhungGroup(TyperGroup):
    """Commands, plus every topic of the store as a command (`hamhung history`), plus "did you mean"."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.commands:
            session = Session(ctx.params.get("facts") or _facts_in(args[1:]))
            try:
                store = session.store
            except StoreError as error:
                _say(f"hamhung: error: {error}")
                ctx.exit(EXIT_USAGE)
            from .views import find_topic, topic_suggestions

            topic = find_topic(store, name)
            if topic is not None:
                return "show", self.commands["show"], [topic, *args[1:]]
            visible = [c for c, cmd in self.commands.items() if not cmd.hidden]
            suggestions = topic_suggestions(store, name, visible)
            _say(f"hamhung: error: no command or topic '{name}'")
            if suggestions:
                _say(f"hamhung: did you mean: {', '.join(suggestions)}?")
            _say("hamhung: see 'hamhung --help' for commands and 'hamhung topics' for topics")
            ctx.exit(EXIT_USAGE)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=HamhungGroup,
    name="hamhung",
    help=(
        "Answers about Hamhŭng (함흥), North Korea's second city, from a curated fact store in which every fact names its source.\n\n"
        "Run it alone for an overview. 'hamhung TOPIC' shows any topic (climate, districts, history, …; see 'hamhung topics').\n\n"
        "Examples:\n\n"
        "  hamhung climate\n\n"
        "  hamhung search vinalon\n\n"
        "  hamhung search \"sister city\" --json | jq '.[0].text'\n\n"
        "  hamhung districts --format csv > districts.csv\n\n" + EXIT_CODES_HELP
    ),
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich" if is_terminal() else None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hamhung {__version__}")
        raise typer.Exit()


@app.callback()
def overview(
    ctx: typer.Context,
    facts: FactsOption = None,
    color: ColorOption = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Overview of the city, its topics and example commands."""
    if ctx.invoked_subcommand is not None:
        return
    with reporting():
        store = _session(ctx, facts).store
        from .overview import write_overview

        write_overview(store, sys.stdout, is_terminal(), use_color(color.value if color else None), terminal_width())


@app.command()
def topics(
    ctx: typer.Context, facts: FactsOption = None, fmt: FormatOption = None, as_json: JsonOption = False, fields: FieldsOption = None, color: ColorOption = None
) -> None:
    """List the topics with how many facts and tables each holds.

    Example:

      hamhung topics --format csv
    """
    with reporting():
        from .views import topics_listing

        out = Output(fmt, as_json, color, fields)
        out.emit(topics_listing(_session(ctx, facts).store))


def _show(
    ctx: typer.Context,
    topic_name: str,
    facts: str | None,
    fmt: Format | None,
    as_json: bool,
    fields: str | None,
    color: Color | None,
    source: str | None,
    only: Only | None,
    with_sources: bool,
) -> None:
    with reporting():
        from .views import facts_listing, require_topic, select_tables, topic_page

        store = _session(ctx, facts).store
        out = Output(fmt, as_json, color, fields)
        topic = require_topic(store, topic_name)
        tables, others = select_tables(store, topic, source)
        topic_facts = store.facts_in(topic)
        if out.is_table and not out.fields:
            from .overview import write_topic_page

            write_topic_page(
                store, topic_page(store, topic, tables, others, only.value if only else None, with_sources), sys.stdout, out.color, terminal_width()
            )
            return
        if tables and only != Only.facts:
            from .views import tables_listing

            out.emit(tables_listing(store, tables))
        else:
            out.emit(facts_listing(store, topic_facts, store.topics[topic].title, with_sources))


SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        "--table",
        metavar="NAME",
        help="Which table: a table id or a word from its source (e.g. kma, grokipedia), or 'both'/'all'.",
        show_default=False,
    ),
]
OnlyOption = Annotated[Only | None, typer.Option("--only", case_sensitive=False, help="Show only the facts or only the tables.", show_default=False)]
SourcesFlag = Annotated[bool, typer.Option("--sources", help="Add each fact's sources.")]


@app.command()
def show(
    ctx: typer.Context,
    topic: Annotated[str, typer.Argument(help="A topic id, title or alias (see 'hamhung topics').", autocompletion=complete_topic)],
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
    source: SourceOption = None,
    only: OnlyOption = None,
    with_sources: SourcesFlag = False,
) -> None:
    """Show a topic: its tables, then its facts. 'hamhung TOPIC' does the same.

    In a pipe or with a machine format, a topic with tables gives its table rows
    (use --only facts for the facts).

    Example:

      hamhung show history --sources
    """
    _show(ctx, topic, facts, fmt, as_json, fields, color, source, only, with_sources)


@app.command()
def climate(
    ctx: typer.Context,
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
    source: SourceOption = None,
    only: OnlyOption = None,
    with_sources: SourcesFlag = False,
) -> None:
    """Monthly climate normals, with their source and period.

    The Korea Meteorological Administration's 1991–2020 normals come first;
    --source grokipedia shows the other table, --source both shows the two,
    which disagree (annual precipitation 830.0 mm against about 1,238 mm).

    Example:

      hamhung climate --source both

      hamhung climate --json | jq '.[] | select(.measure == "precipitation") | .year'
    """
    _show(ctx, "climate", facts, fmt, as_json, fields, color, source, only, with_sources)


@app.command()
def districts(
    ctx: typer.Context,
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
    only: OnlyOption = None,
    with_sources: SourcesFlag = False,
) -> None:
    """The city's districts (guyŏk), with their names in each romanization.

    Example:

      hamhung districts --format csv
    """
    _show(ctx, "districts", facts, fmt, as_json, fields, color, None, only, with_sources)


@app.command()
def fact(
    ctx: typer.Context,
    ids: Annotated[
        list[str], typer.Argument(metavar="ID…", help="Fact ids (from search or a topic), or TABLE.ROW / TABLE.ROW.MONTH.", autocompletion=complete_id)
    ],
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
) -> None:
    """Show facts by id, each with its sources, and both sides of any dispute.

    Example:

      hamhung fact climate.annual-precipitation

      hamhung fact climate-kma.humidity.aug
    """
    with reporting():
        from .views import item_listing

        session = _session(ctx, facts)
        out = Output(fmt, as_json, color, fields)
        out.emit(item_listing(session.store, ids))


def _check_limit(value: int) -> int:
    if value < 1:
        raise typer.BadParameter("must be at least 1")
    return min(value, 10_000)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(metavar="QUERY…", help="Words to look for, in any spelling: vinalon, 흥남, 'relative humidity august'.")],
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", callback=_check_limit, help="At most this many results.")] = 10,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.", autocompletion=complete_topic, show_default=False)] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Show why each result matched.")] = False,
    with_sources: SourcesFlag = False,
) -> None:
    """Search facts, tables and single table cells; best first, with topic, id and score.

    Finds names in any romanization or in Hangul, tolerates typos and reads
    questions ("when did the trolleybus open"). Nothing relevant: a message on
    stderr and exit 1.

    Example:

      hamhung search vinalon

      hamhung search relative humidity august

      hamhung search "sister city" --json | jq -r '.[0].text'
    """
    with reporting():
        from .search import search as run_search
        from .views import no_results, require_topic, search_listing

        text = " ".join(query)
        if not text.strip():
            raise UsageError("the search query is empty")
        session = _session(ctx, facts)
        out = Output(fmt, as_json, color, fields)
        store = session.store
        topic_id = require_topic(store, topic) if topic else None
        results = run_search(session.index, text, limit=limit, topic=topic_id)
        if not results:
            raise no_results(store, session.index, text)
        out.emit(search_listing(store, results, explain, with_sources))


@app.command()
def sources(
    ctx: typer.Context, facts: FactsOption = None, fmt: FormatOption = None, as_json: JsonOption = False, fields: FieldsOption = None, color: ColorOption = None
) -> None:
    """List the sources: which part of which document, the reference it cites, and how many facts use it.

    Example:

      hamhung sources --json | jq '.[] | select(.facts > 10) | .id'
    """
    with reporting():
        from .views import sources_listing

        out = Output(fmt, as_json, color, fields)
        out.emit(sources_listing(_session(ctx, facts).store))


@app.command()
def disputes(
    ctx: typer.Context,
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.", autocompletion=complete_topic, show_default=False)] = None,
) -> None:
    """List the facts on which sources disagree, each side with its source, most important first.

    Example:

      hamhung disputes --topic climate
    """
    with reporting():
        from .views import disputes_listing, require_topic

        store = _session(ctx, facts).store
        out = Output(fmt, as_json, color, fields)
        listing = disputes_listing(store, require_topic(store, topic) if topic else None)
        if not listing.rows:
            raise NotFound("no disputed facts" + (f" in topic '{topic}'" if topic else ""))
        out.emit(listing)


@app.command()
def check(
    ctx: typer.Context,
    path: Annotated[
        str | None, typer.Argument(metavar="[PATH]", help="The store to check (default: --facts, $HAMHUNG_FACTS or the bundled store).", show_default=False)
    ] = None,
    facts: FactsOption = None,
) -> None:
    """Validate a fact store and list every problem with its file:line.

    Exit 0 when the store is valid, 2 when it is not.

    Example:

      hamhung check my-notes.toml
    """
    with reporting():
        session = _session(ctx, path or facts)
        try:
            store = session.store
        except StoreError as error:
            for problem in error.problems:
                sys.stdout.write(f"{problem}\n")
            sys.stdout.flush()
            _say(f"hamhung: {len(error.problems)} problem(s) in {session.path}")
            raise typer.Exit(EXIT_USAGE) from None
        rows = sum(len(t.rows) for t in store.tables.values())
        disputed = sum(f.disputed for f in store.facts.values())
        sys.stdout.write(
            f"{session.path}: ok — {len(store.facts)} facts ({disputed} disputed), {len(store.tables)} tables ({rows} rows), "
            f"{len(store.topics)} topics, {len(store.sources)} sources\n"
        )


def main() -> None:
    """Console-script entry point."""
    degrade_streams()
    try:
        app(prog_name="hamhung")
    except KeyboardInterrupt:
        sys.exit(130)
