"""Every command, argument and option of `hamhung`, declared once.

fast.py parses from these tables, and cli.py builds the Typer app (so --help, completion and the man page) from them;
either way a command receives one Options value.
"""

from typing import NamedTuple

FORMATS = ("table", "plain", "tsv", "csv", "json", "jsonl", "markdown")
COLORS = ("auto", "always", "never")
ONLY = ("facts", "tables")
UNITS = ("metric", "imperial")
ROMANIZATIONS = ("mr", "plain", "rr", "hangul")
DEFAULT_LIMIT = 10


class Option(NamedTuple):
    name: str  # the Options field it sets
    flags: tuple[str, ...]
    help: str
    choices: tuple[str, ...] | None = None
    flag: bool = False  # takes no value
    metavar: str | None = None
    number: bool = False  # a whole number of at least 1


class Argument(NamedTuple):
    name: str
    metavar: str
    help: str
    many: bool = False
    required: bool = True


class Command(NamedTuple):
    name: str
    summary: str  # the first line of its help
    details: str  # the rest of its help, before the examples
    examples: tuple[str, ...]
    options: tuple[str, ...]
    arguments: tuple[Argument, ...] = ()
    topic: str | None = None  # a topic page with a command of its own (`hamhung climate`)

    @property
    def help(self) -> str:
        examples = "\n\n".join(f"  {example}" for example in self.examples)
        return "\n\n".join(part for part in (self.summary, self.details, f"Example:\n\n{examples}" if examples else "") if part)


class Options(NamedTuple):
    """What the options of one run ask for; every field has the value an absent option means."""

    facts: str | None = None
    format: str | None = None
    json: bool = False
    plain: bool = False
    fields: str | None = None
    color: str | None = None
    no_color: bool = False
    no_pager: bool = False
    svg: str | None = None
    units: str | None = None
    romanization: str | None = None
    source: str | None = None
    only: str | None = None
    sources: bool = False
    chart: bool = False
    limit: int = DEFAULT_LIMIT
    topic: str | None = None
    explain: bool = False

    @property
    def color_choice(self) -> str | None:
        """--color, with --no-color as 'never'."""
        return "never" if self.no_color else self.color


OPTIONS = {
    o.name: o
    for o in (
        Option("facts", ("--facts",), "Read this fact store instead of the bundled one ('-': standard input); default $HAMHUNG_FACTS.", metavar="PATH"),
        Option("format", ("--format", "-f"), "Output format. Default: table on a terminal, plain (tab-separated lines) in a pipe.", FORMATS),
        Option("json", ("--json",), "Shorthand for --format json.", flag=True),
        Option("plain", ("--plain",), "Shorthand for --format plain.", flag=True),
        Option("fields", ("--fields",), "Only these fields, in this order (like gh --json fields). Try --fields help.", metavar="A,B,…"),
        Option("color", ("--color",), "Colour on a terminal: auto (default; honours NO_COLOR and TERM=dumb), always or never.", COLORS),
        Option("no_color", ("--no-color",), "Shorthand for --color never.", flag=True),
        Option("no_pager", ("--no-pager",), "Print a long page straight to the terminal instead of through $PAGER.", flag=True),
        Option(
            "svg", ("--svg",), "Also save the terminal rendering as an SVG picture in FILE (80 columns, or $COLUMNS); '-' prints it instead.", metavar="FILE"
        ),
        Option("units", ("--units",), "Metric (°C, mm, m, km) or imperial (°F, in, ft, mi), converted from the stored figure; default $HAMHUNG_UNITS.", UNITS),
        Option(
            "romanization",
            ("--romanization",),
            "Names as mr (Hamhŭng), plain (Hamhung), rr (Hamheung) or hangul (함흥). Default: $HAMHUNG_ROMANIZATION, else as the store spells them.",
            ROMANIZATIONS,
        ),
        Option("source", ("--source", "--table"), "Which table: a table id or a word from its source (e.g. kma, grokipedia), or 'both'/'all'.", metavar="NAME"),
        Option("only", ("--only",), "Show only the facts or only the tables.", ONLY),
        Option("sources", ("--sources",), "Add each fact's sources.", flag=True),
        Option("chart", ("--chart",), "Draw the numbers as a chart (climate by month, population by year); elsewhere, the chart's series.", flag=True),
        Option("limit", ("--limit", "-n"), f"At most this many results (default {DEFAULT_LIMIT}).", metavar="N", number=True),
        Option("topic", ("--topic", "-t"), "Only this topic.", metavar="TOPIC"),
        Option("explain", ("--explain",), "Show why each result matched.", flag=True),
    )
}

# Accepted before the command word as well as after it (`hamhung --json topics`).
OUTPUT = ("facts", "format", "json", "plain", "fields", "color", "no_color", "no_pager", "svg", "units", "romanization")
_PAGE = (*OUTPUT, "source", "only", "sources", "chart")


def _topic_page(name: str, summary: str, details: str, examples: tuple[str, ...]) -> Command:
    return Command(name, summary, details, examples, _PAGE, topic=name)


COMMANDS = {
    c.name: c
    for c in (
        Command(
            "topics",
            "List the topics with how many facts and tables each holds.",
            "",
            ("hamhung topics --format csv",),
            OUTPUT,
        ),
        Command(
            "show",
            "Show a topic: its tables, then its facts. 'hamhung TOPIC' does the same.",
            "In a pipe (plain) a topic gives its table rows, then its facts; the other formats give one kind of record, "
            "the rows where there are tables (--only facts or --only tables chooses). --chart draws the climate or population table.",
            ("hamhung show history --sources", "hamhung population --chart"),
            _PAGE,
            (Argument("topic", "TOPIC", "A topic id, title or alias (see 'hamhung topics')."),),
        ),
        _topic_page(
            "climate",
            "Monthly climate normals, with their source and period.",
            "The Korea Meteorological Administration's 1991–2020 normals come first; --source grokipedia shows the other table, "
            "--source both shows the two, which disagree (annual precipitation 830.0 mm against about 1,238 mm). "
            "--chart draws temperature ranges and precipitation bars.",
            (
                "hamhung climate --source both",
                "hamhung climate --chart --source both --units imperial",
                "hamhung climate --json | jq '.[] | select(.measure == \"precipitation\") | .year'",
            ),
        ),
        _topic_page(
            "districts",
            "The city's districts (guyŏk), with their names in each romanization.",
            "",
            ("hamhung districts --format csv", "hamhung districts --romanization hangul"),
        ),
        _topic_page(
            "population",
            "Population estimates over the years, with migration, ethnic make-up and social classes.",
            "--chart draws the estimates as bars by year, each marked as the table marks it.",
            ("hamhung population --chart", "hamhung population --only tables --format csv"),
        ),
        Command(
            "search",
            "Search facts, tables and single table cells; best first, with topic, id and score.",
            "Finds names in any romanization or in Hangul, tolerates typos and reads questions "
            '("when did the trolleybus open"). Nothing relevant: a message on stderr and exit 1. '
            "'hamhung QUESTION…' does the same when its first word is not a command or topic.",
            ("hamhung search vinalon", "hamhung search relative humidity august", "hamhung search \"sister city\" --json | jq -r '.[0].text'"),
            (*OUTPUT, "limit", "topic", "explain", "sources"),
            (Argument("query", "QUERY…", "Words to look for, in any spelling: vinalon, 흥남, 'relative humidity august'.", many=True),),
        ),
        Command(
            "fact",
            "Show facts by id, each with its sources, and both sides of any dispute.",
            "",
            ("hamhung fact climate.annual-precipitation", "hamhung fact climate-kma.humidity.aug"),
            (*OUTPUT, "sources"),
            (Argument("ids", "ID…", "Fact ids (from search or a topic), or TABLE.ROW / TABLE.ROW.MONTH.", many=True),),
        ),
        Command(
            "sources",
            "List the sources: which part of which document, the reference it cites, and how many facts use it.",
            "",
            ("hamhung sources --json | jq '.[] | select(.facts > 10) | .id'",),
            OUTPUT,
        ),
        Command(
            "disputes",
            "List the facts on which sources disagree, each side with its source, most important first.",
            "",
            ("hamhung disputes --topic climate",),
            (*OUTPUT, "topic"),
        ),
        Command(
            "check",
            "Validate a fact store and list every problem with its file:line.",
            "Exit 0 when the store is valid, 2 when it is not. '-' reads the store from standard input.",
            ("hamhung check my-notes.toml", "hamhung check - < my-notes.toml"),
            ("facts", "format", "json", "plain"),
            (Argument("path", "[PATH]", "The store to check (default: --facts, $HAMHUNG_FACTS or the bundled store).", required=False),),
        ),
    )
}
# Words that are never taken for a topic or a search: the commands, and the Typer app's own.
RESERVED = frozenset({*COMMANDS, "help"})
# `hamhung WORDS…` is a topic page or a search, so it takes the options of either.
WORDS = Command("_words", "", "", (), tuple(dict.fromkeys((*COMMANDS["show"].options, *COMMANDS["search"].options))), COMMANDS["search"].arguments)
