"""The `hamhung` command line: parse options, call the core, map errors to exit codes.

No logic lives here. Every command reads the store through a Session, asks
views.py for a Listing and hands it to render.py; every error the core
raises becomes one line on stderr and exit code 1 (nothing found) or 2
(usage or data error), inside `commands.guarded()`. The common forms of each
command are also parsed by fast.py without importing Typer; both call commands.py.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__, commands
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, HamhungError, StoreError
from .session import Session
from .terminal import degrade_streams, drop_bad_size_variables, is_terminal

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


class Romanization(StrEnum):
    mr = "mr"
    plain = "plain"
    rr = "rr"
    hangul = "hangul"


# --------------------------------------------------------------------------- completion


def _session_for(ctx: typer.Context | None) -> Session:
    return Session(_facts(ctx, None))


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


# Names and pictures (issue #7): one pair of options, added to every command that prints names or draws a table.
RomanizationOption = Annotated[
    Romanization | None,
    typer.Option(
        "--romanization",
        case_sensitive=False,
        help="Names as mr (Hamhŭng), plain (Hamhung), rr (Hamheung) or hangul (함흥). Default: $HAMHUNG_ROMANIZATION, else as the store spells them.",
        show_default=False,
    ),
]
SvgOption = Annotated[
    str | None,
    typer.Option("--svg", metavar="FILE", help="Also save the terminal rendering as an SVG picture in FILE (80 columns, or $COLUMNS).", show_default=False),
]


def _names(ctx: typer.Context, romanization: Romanization | None, svg: str | None) -> dict[str, str | None]:
    """--romanization and --svg as keyword arguments for commands.py, given after the command word or before it."""
    return {"romanization": _value(_inherited(ctx, "romanization", romanization)), "svg": _inherited(ctx, "svg", svg)}


def _inherited(ctx: typer.Context | None, name: str, value: Any) -> Any:
    """This command's option, else the same option given before the command word (`hamhung --facts P topics`)."""
    while value is None and ctx is not None:
        value = ctx.params.get(name)
        ctx = ctx.parent
    return value


def _facts(ctx: typer.Context | None, facts: str | None) -> str | None:
    return _inherited(ctx, "facts", facts)


def _color(ctx: typer.Context, color: Color | None) -> str | None:
    return _value(_inherited(ctx, "color", color))


# --------------------------------------------------------------------------- units and charts (#7)


class Units(StrEnum):
    metric = "metric"
    imperial = "imperial"


UnitsOption = Annotated[
    Units | None,
    typer.Option(
        "--units",
        case_sensitive=False,
        help="Metric (°C, mm, m, km) or imperial (°F, in, ft, mi) units, converted from the stored figure. Default: as stored, or $HAMHUNG_UNITS.",
        show_default=False,
    ),
]
ChartFlag = Annotated[
    bool, typer.Option("--chart", help="Draw the numbers as a chart (climate by month, population by year); in a pipe or another format, the chart's series.")
]


def _units(ctx: typer.Context, units: Units | None) -> str | None:
    return _value(_inherited(ctx, "units", units))


def _exit(code: int) -> None:
    if code:
        raise typer.Exit(code)


def _value(choice: StrEnum | str | None) -> str | None:
    """A choice as plain text (Typer hands over an enum member, or a string for a group option)."""
    return None if choice is None else str(choice)


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
                commands.say(f"hamhung: error: {error}")
                ctx.exit(EXIT_USAGE)
            from .views import find_topic, topic_suggestions

            topic = find_topic(store, name)
            if topic is not None:
                return "show", self.commands["show"], [topic, *args[1:]]
            visible = [c for c, cmd in self.commands.items() if not cmd.hidden]
            suggestions = topic_suggestions(store, name, visible)
            commands.say(f"hamhung: error: no command or topic '{name}'")
            if suggestions:
                commands.say(f"hamhung: did you mean: {', '.join(suggestions)}?")
            commands.say("hamhung: see 'hamhung --help' for commands and 'hamhung topics' for topics")
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
    units: UnitsOption = None,
    romanization: RomanizationOption = None,
    svg: SvgOption = None,
) -> None:
    """Overview of the city, its topics and example commands."""
    if ctx.invoked_subcommand is not None:
        return
    _exit(commands.overview(_facts(ctx, facts), _color(ctx, color), units=_units(ctx, units), **_names(ctx, romanization, svg)))


@app.command()
def topics(
    ctx: typer.Context,
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
    romanization: RomanizationOption = None,
    svg: SvgOption = None,
) -> None:
    """List the topics with how many facts and tables each holds.

    Example:

      hamhung topics --format csv
    """
    _exit(commands.topics(_facts(ctx, facts), _value(fmt), as_json, fields, _color(ctx, color), **_names(ctx, romanization, svg)))


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
    units: Units | None = None,
    chart: bool = False,
    romanization: Romanization | None = None,
    svg: str | None = None,
) -> None:
    names = _names(ctx, romanization, svg)
    _exit(
        commands.show(
            topic_name,
            _facts(ctx, facts),
            _value(fmt),
            as_json,
            fields,
            _color(ctx, color),
            source,
            _value(only),
            with_sources,
            units=_units(ctx, units),
            chart=chart,
            **names,
        )
    )


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
    units: UnitsOption = None,
    chart: ChartFlag = False,
    romanization: RomanizationOption = None,
    svg: SvgOption = None,
) -> None:
    """Show a topic: its tables, then its facts. 'hamhung TOPIC' does the same.

    In a pipe or with a machine format, a topic with tables gives its table rows
    (use --only facts for the facts). --chart draws the climate or population
    table as a chart.

    Example:

      hamhung show history --sources

      hamhung population --chart
    """
    _show(ctx, topic, facts, fmt, as_json, fields, color, source, only, with_sources, units=units, chart=chart, romanization=romanization, svg=svg)


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
    units: UnitsOption = None,
    chart: ChartFlag = False,
    romanization: RomanizationOption = None,
    svg: SvgOption = None,
) -> None:
    """Monthly climate normals, with their source and period.

    The Korea Meteorological Administration's 1991–2020 normals come first;
    --source grokipedia shows the other table, --source both shows the two,
    which disagree (annual precipitation 830.0 mm against about 1,238 mm).
    --chart draws temperature ranges and precipitation bars.

    Example:

      hamhung climate --source both

      hamhung climate --chart --source both --units imperial

      hamhung climate --json | jq '.[] | select(.measure == "precipitation") | .year'
    """
    _show(ctx, "climate", facts, fmt, as_json, fields, color, source, only, with_sources, units=units, chart=chart, romanization=romanization, svg=svg)


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
    romanization: RomanizationOption = None,
    svg: SvgOption = None,
) -> None:
    """The city's districts (guyŏk), with their names in each romanization.

    Example:

      hamhung districts --format csv
    """
    _show(ctx, "districts", facts, fmt, as_json, fields, color, None, only, with_sources, romanization=romanization, svg=svg)


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
    units: UnitsOption = None,
    romanization: RomanizationOption = None,
    svg: SvgOption = None,
) -> None:
    """Show facts by id, each with its sources, and both sides of any dispute.

    Example:

      hamhung fact climate.annual-precipitation

      hamhung fact climate-kma.humidity.aug
    """
    _exit(commands.fact(ids, _facts(ctx, facts), _value(fmt), as_json, fields, _color(ctx, color), units=_units(ctx, units), **_names(ctx, romanization, svg)))


def _check_limit(value: int) -> int:
    if value < 1:
        raise typer.BadParameter("must be at least 1")
    return value  # commands.search caps it at MAX_LIMIT, for both entry paths


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
    units: UnitsOption = None,
    romanization: RomanizationOption = None,
    svg: SvgOption = None,
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
    names = _names(ctx, romanization, svg)
    _exit(
        commands.search(
            query, _facts(ctx, facts), _value(fmt), as_json, fields, _color(ctx, color), limit, topic, explain, with_sources, units=_units(ctx, units), **names
        )
    )


@app.command()
def sources(
    ctx: typer.Context,
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
    svg: SvgOption = None,
) -> None:
    """List the sources: which part of which document, the reference it cites, and how many facts use it.

    Example:

      hamhung sources --json | jq '.[] | select(.facts > 10) | .id'
    """
    _exit(commands.sources(_facts(ctx, facts), _value(fmt), as_json, fields, _color(ctx, color), svg=_inherited(ctx, "svg", svg)))


@app.command()
def disputes(
    ctx: typer.Context,
    facts: FactsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    color: ColorOption = None,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.", autocompletion=complete_topic, show_default=False)] = None,
    units: UnitsOption = None,
    svg: SvgOption = None,
) -> None:
    """List the facts on which sources disagree, each side with its source, most important first.

    Example:

      hamhung disputes --topic climate
    """
    _exit(
        commands.disputes(
            _facts(ctx, facts), _value(fmt), as_json, fields, _color(ctx, color), topic, units=_units(ctx, units), svg=_inherited(ctx, "svg", svg)
        )
    )


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
    _exit(commands.check(path or _facts(ctx, facts)))


@app.command("help")
def help_(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Argument(metavar="[TOPIC]", help="A help topic, or a command name.", show_default=False)] = None,
) -> None:
    """Reference topics: formats, exit-codes, store, romanization, environment.

    Without a topic, lists them. 'hamhung help COMMAND' is 'hamhung COMMAND --help'.

    Example:

      hamhung help store
    """
    group = ctx.parent.command if ctx.parent is not None else None
    command = group.get_command(ctx, topic) if group is not None and topic and hasattr(group, "get_command") else None
    if command is not None:
        text = command.get_help(ctx.__class__(command, info_name=topic, parent=ctx.parent))
        if text:  # with rich help on a terminal, Typer has printed it already
            typer.echo(text)
        return
    _exit(commands.help_topic(topic))


def main() -> None:
    """Console-script entry point."""
    degrade_streams()
    drop_bad_size_variables()
    if commands.stdout_is_closed():
        sys.exit(EXIT_USAGE)
    try:
        app(prog_name="hamhung")
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except OSError as error:  # Typer's own output (--help, --version) to a full disk; the commands report theirs in guarded()
        if error.filename is not None:  # not output: a file (--install-completion writes a shell's rc file)
            commands.say(f"hamhung: error: {error.filename}: {error.strerror or error}")
            sys.exit(EXIT_USAGE)
        sys.exit(commands.write_failed(error))
