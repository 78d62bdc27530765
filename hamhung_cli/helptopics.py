"""`hamhung help TOPIC`: the reference texts, kept in one place.

The man page (scripts/manpage.py) is built from the same entries, and a test checks that README.md's exit-status table and
environment list say what these say. Plain text wrapped at 78 columns: help is read in a pipe or a pager as often
as on a terminal.
"""

import textwrap
from typing import NamedTuple

from .errors import UsageError

WIDTH = 78


class Entry(NamedTuple):
    """One term of a reference list: a format, an exit code, a variable."""

    term: str
    text: str


FORMATS = (
    Entry("table", "Rich table for reading on a terminal; the default there. Colour only on a terminal, and never in any other format."),
    Entry(
        "plain",
        "One record per line, tab-separated, no header: the default in a pipe. Tabs and newlines inside a value become spaces; "
        "a list or an object is compact JSON.",
    ),
    Entry("tsv", "Like plain, with a header line of field names."),
    Entry("csv", "RFC 4180 with a header. Text that a spreadsheet would run as a formula gets a leading apostrophe."),
    Entry("json", "One array of objects, UTF-8. Numbers stay numbers, a missing value is null, sources are objects."),
    Entry("jsonl", "The same objects, one per line."),
    Entry("markdown", "A pipe table padded to display width, with each record's sources as footnotes listed under it."),
)

EXIT_CODES = (
    Entry("0", "found: something was printed"),
    Entry("1", "nothing found (a search without a relevant result, an unknown fact id); the reason and any suggestions go to stderr"),
    Entry("2", "usage or data error: an unknown command, topic, option or field, a fact store that does not validate, a file that cannot be written"),
    Entry("130", "interrupted (Ctrl-C)"),
)

ENVIRONMENT = (
    Entry("HAMHUNG_FACTS", "Fact store to read, as with --facts."),
    Entry("HAMHUNG_COLOR", "auto, always or never, as with --color."),
    Entry("HAMHUNG_ROMANIZATION", "mr, plain, rr or hangul, as with --romanization."),
    Entry("HAMHUNG_UNITS", "metric or imperial, as with --units."),
    Entry("HAMHUNG_CACHE_DIR", "Where the parsed store and its search index are cached (one SQLite file per store); set it empty to switch the cache off."),
    Entry("XDG_CACHE_HOME", "The cache goes to $XDG_CACHE_HOME/hamhung when HAMHUNG_CACHE_DIR is unset (else $HOME/.cache/hamhung)."),
    Entry("HOME", "Home of the default cache directory, $HOME/.cache/hamhung; without it there is no cache unless one of the above is set."),
    Entry("HAMHUNG_DEBUG", "Any value adds the traceback to an internal error's one-line message."),
    Entry("NO_COLOR", "Any value turns colour off in auto mode."),
    Entry("TERM", "dumb turns colour off in auto mode."),
    Entry("COLUMNS", "Width of terminal tables and of --svg pictures (default: the terminal's width; 80 for pictures)."),
    Entry("LINES", "Height of the terminal, which decides when a page goes through the pager (default: the terminal's)."),
    Entry(
        "HAMHUNG_PAGER",
        "Pager for terminal pages taller than the screen; empty or cat turns paging off, as --no-pager does. "
        "Default: $PAGER, else less -FRX. Never used in a pipe, for another format than table, or when the program is missing.",
    ),
    Entry("PAGER", "The pager when HAMHUNG_PAGER is unset."),
)

ROMANIZATIONS = (
    Entry("mr", "McCune–Reischauer with its breves and apostrophes: Hamhŭng, Hŭngnam-guyŏk."),
    Entry("plain", "McCune–Reischauer without them: Hamhung, Hungnam-guyok."),
    Entry("rr", "Revised Romanization, South Korea's official system: Hamheung, Heungnam-guyeok."),
    Entry("hangul", "The Korean script: 함흥, 흥남구역."),
)

_STORE = """\
A fact store is one TOML file (UTF-8) with 'schema = 1' at the top. Check one
with 'hamhung check FILE'; every problem is reported as FILE:LINE: message.
Use one with --facts FILE or HAMHUNG_FACTS=FILE.

[store]      name, summary, names = { mr, rr, hangul, hanja }, aliases.
[[topic]]    id (a lowercase slug: 'hamhung ID' shows it), title, summary,
             aliases (other words that open the topic).
[[source]]   id, title (of the document), publisher, and optionally
             document (the file or copy it was read from), part (which
             section), cites (the reference that section gives), url and note.
[[fact]]     id (lowercase, with '.' and '-'), topic, text (one sentence or
             two, in the editors' own words), sources (source ids, each
             optionally followed by the document's note numbers, as in
             "grok-climate[15][16]"). Optional: value and unit (the headline
             figure), aliases, names, questions (plain questions the fact
             answers: searched, never shown), note, related (ids of other
             facts or tables), severity (high, medium or low; disputed facts
             only).
[[fact.claim]]
             Two or more claims make a fact disputed. Each has text and
             sources, and may have value and unit.
[[table]]    id, topic, title, kind, sources; optionally period, note,
             aliases and questions.
             kind = "monthly": each [[table.row]] is one measure with id,
             label, unit, values (exactly 12 numbers), and optionally year,
             alt_unit, alt_values, alt_year (the source's own conversion).
             kind = "records": columns = [{ key, title, unit }] and each
             [[table.row]] has an id and a value per column key, plus
             optionally names, aliases, sources (replacing the table's) and
             note. A row's names spell its 'name' column in other forms,
             which --romanization shows.

Unknown keys, missing or unknown ids, duplicates, wrong types, numbers that
are not finite and dangling 'related' ids are all errors.
"""


def _entries(entries: tuple[Entry, ...]) -> str:
    """A reference list: each term, then its text wrapped in a hanging column."""
    column = max(len(e.term) for e in entries) + 4
    lines = []
    for entry in entries:
        lead = "  " + entry.term.ljust(column - 2)
        lines += textwrap.wrap(entry.text, WIDTH, initial_indent=lead, subsequent_indent=" " * column, break_on_hyphens=False)
    return "\n".join(lines) + "\n"


def _page(*blocks: str | tuple[Entry, ...]) -> str:
    """Paragraphs (wrapped) and reference lists, with a blank line between them."""
    return "\n".join(_entries(b) if isinstance(b, tuple) else textwrap.fill(b, WIDTH, break_on_hyphens=False) + "\n" for b in blocks)


class Topic(NamedTuple):
    summary: str
    text: str
    aliases: tuple[str, ...]  # other words people try: `hamhung help exit`, `help env`, `help names`


TOPICS = {
    "formats": Topic(
        "the output formats of --format",
        _page(
            "Every listing command takes --format (-f) or --json. Without it you get table on a terminal and plain in a pipe. "
            "--fields a,b,c keeps those fields, in that order, in every format; --fields help lists them.",
            FORMATS,
            "In a pipe a page gives the records it shows, without decoration. 'hamhung TOPIC' in plain prints its tables' rows, "
            "then its facts, so 'hamhung climate | grep snow' finds the snowfall fact. The formats with a header or a schema "
            "(tsv, csv, json, jsonl, markdown) hold one kind of record: the tables' rows, or the facts for a topic without "
            "tables; --only facts or --only tables chooses.",
            "Monthly tables (climate) give one record per measure, with the months as keys jan ... dec and year; 'alt' has "
            "the source's own conversion (°F beside °C) with the same keys. For one record per month, name month among the "
            "fields: hamhung climate --json --fields month,mean,precipitation.",
            "--svg FILE also saves the terminal rendering as an SVG picture, whatever the format on stdout.",
        ),
        ("format", "output"),
    ),
    "exit-codes": Topic(
        "what each exit status means",
        _page(EXIT_CODES, "Messages go to stderr and never to stdout. A closed pipe ends a command quietly with status 0."),
        ("exit", "exit-code", "exit-status", "status"),
    ),
    "store": Topic("the fact-store file format (TOML, schema 1)", _STORE, ("facts", "schema", "toml")),
    "romanization": Topic(
        "the name forms of --romanization",
        _page(
            ROMANIZATIONS,
            "The option (or HAMHUNG_ROMANIZATION) changes names where they stand for a thing: the city in titles, "
            "and the name column of tables whose rows record their names (districts, people). Fact sentences are quoted "
            "as written. A form the store does not record falls back to the stored name; none is made up.",
        ),
        ("names", "romanisation"),
    ),
    "environment": Topic("environment variables", _entries(ENVIRONMENT), ("env", "variables")),
}
ALIASES = {alias: name for name, topic in TOPICS.items() for alias in topic.aliases}


def text(name: str | None) -> str:
    """What `hamhung help [NAME]` prints: the topic's text, or without a name the list of topics."""
    if name is None:
        width = max(len(name) for name in TOPICS) + 2
        lines = ["Help topics ('hamhung help TOPIC'):", ""]
        lines += [f"  {name.ljust(width)}{topic.summary}" for name, topic in TOPICS.items()]
        lines += ["", "'hamhung COMMAND --help' describes a command; 'hamhung --help' lists them."]
        return "\n".join(lines) + "\n"
    key = name.strip().lower()
    topic = TOPICS.get(ALIASES.get(key, key))
    if topic is None:
        import difflib

        suggestions = difflib.get_close_matches(key, [*TOPICS, *ALIASES], n=3, cutoff=0.5)
        raise UsageError(f"no help topic '{name}' (topics: {', '.join(TOPICS)})", list(dict.fromkeys(ALIASES.get(s, s) for s in suggestions)))
    return topic.text
