"""What each command does, as plain functions of (arguments, Options): no Typer here.

Both parsers (the Typer app in cli.py, the fast path in fast.py) call `run`, which keeps them byte-identical: it pages
a command's output and turns every error the core raises into one stderr line and an exit code (`guarded`).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, HamhungError, NotFound, StoreError, UsageError
from .options import COMMANDS, RESERVED, WORDS, Command, Options
from .session import Session
from .store import Store
from .terminal import default_format, from_shell, is_terminal, terminal_width, use_color

if TYPE_CHECKING:
    from .search import Index, Result

MAX_LIMIT = 10_000
# Each distinct query word costs a typo lookup over the vocabulary (about a millisecond): a 100 KB
# query took 40 s. A thousand characters is a long paragraph.
MAX_QUERY_CHARS = 1_000
CLOSEST_SCORE = 0.45  # after "nothing found", results at least this good are named as the closest


class Output:
    """How this run prints: format, colour, width and field selection."""

    def __init__(self, opts: Options) -> None:
        chosen = {f for f in (opts.format, opts.json and "json", opts.plain and "plain") if f}
        if len(chosen) > 1:
            raise UsageError("--json, --plain and --format choose the same thing: give one of them")
        self.format = chosen.pop() if chosen else default_format()
        self.reading = self.format == "table" and not opts.format  # a terminal's default: pages made for reading
        self.color_choice = opts.color_choice
        self.color = use_color(self.color_choice) and self.format == "table"
        self.fields = [f.strip() for f in opts.fields.split(",") if f.strip()] if opts.fields is not None else None
        if opts.fields is not None and not self.fields:
            raise UsageError("--fields needs at least one field name")
        self.svg = opts.svg

    def emit(self, listing: Any) -> None:
        from .render import field_names, render, select_fields

        if self.fields == ["help"]:  # the fields in the listing's own order: months January to December
            sys.stdout.write("\n".join(field_names(listing)) + "\n")
            return
        if self.fields:
            listing = select_fields(listing, self.fields)
        if self.picture(lambda out, color, width: render(listing, "table", out, color, width)):
            return
        render(listing, self.format, sys.stdout, self.color, terminal_width())

    @property
    def draws(self) -> bool:
        """Whether a page drawn with Rich is wanted: for the table format or --svg, unless --fields picks records."""
        return not self.fields and (self.format == "table" or self.svg is not None)

    def drawn(self, draw: Callable[[Any, bool, int], None]) -> bool:
        """A page drawn with Rich (a topic page, a chart): --svg saves it, the table format prints it. False when its
        records are to be printed instead (--fields, or any other format once a picture is saved)."""
        if not self.draws:
            return False
        if self.picture(draw):
            return True
        if self.format == "table":
            draw(sys.stdout, self.color, terminal_width())
        return self.format == "table"

    def picture(self, draw: Callable[[Any, bool, int], None]) -> bool:
        """--svg FILE, once per run (a topic page saves the page, not each of its listings); True when the picture
        was the output (`--svg -`) and nothing else is to be printed."""
        path, self.svg = self.svg, None
        return picture(path, self.color_choice, draw)


def picture(svg: str | None, color: str | None, draw: Callable[[Any, bool, int], None]) -> bool:
    """--svg FILE: save draw(out, color, width), the terminal rendering, before anything goes to stdout."""
    if svg is None:
        return False
    from .svg import save_svg

    save_svg(svg, draw, color)
    return svg == "-"


def named(store: Store, romanization: str | None) -> Store:
    """The store with entity names in the form asked for (--romanization, else $HAMHUNG_ROMANIZATION)."""
    if romanization is None and not os.environ.get("HAMHUNG_ROMANIZATION"):
        return store
    from .names import resolve_form, romanized

    return romanized(store, resolve_form(romanization))


def measured(store: Store, units: str | None) -> Store:
    """The store in the units asked for (--units, else HAMHUNG_UNITS); as stored when neither is given."""
    if units is None and not os.environ.get("HAMHUNG_UNITS"):
        return store  # the common case, without loading the converter
    from .units import in_units

    return in_units(store, units)


def _as_asked(store: Store, opts: Options) -> Store:
    """The store in the units and name forms this run asks for."""
    return named(measured(store, opts.units), opts.romanization)


def guarded(action: Callable[[], int | None], pager: bool = True) -> int:
    """Run a command; turn the core's errors into one stderr line and an exit code. Flush so write errors surface here."""
    try:
        if pager and is_terminal():  # a terminal page taller than the screen goes through $PAGER: pager.py
            from .pager import paged

            with paged():
                code = action() or EXIT_OK
        else:
            code = action() or EXIT_OK
        sys.stdout.flush()
        return code
    except HamhungError as error:
        say(f"hamhung: {error}" if error.exit_code == EXIT_NOT_FOUND else f"hamhung: error: {error}")
        if error.suggestions:
            say(f"hamhung: did you mean: {', '.join(error.suggestions)}?")
        for hint in error.hints:
            say(f"hamhung: {hint}")
        return error.exit_code
    except OSError as error:
        return write_failed(error)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # noqa: BLE001 - a bug: one line, not a traceback
        return internal_error(error)


def internal_error(error: BaseException) -> int:
    """An exception no code path expected: one line naming it, the traceback only with HAMHUNG_DEBUG=1."""
    if os.environ.get("HAMHUNG_DEBUG"):
        import traceback

        traceback.print_exception(error)
    say(f"hamhung: internal error: {type(error).__name__}: {error} (HAMHUNG_DEBUG=1 shows the details; please report it)")
    return EXIT_USAGE


def write_failed(error: OSError) -> int:
    """Output could not be written: a closed pipe (`| head -1`) ends quietly, anything else (a full disk) is an error."""
    try:  # point stdout at /dev/null, so the flush at exit stays quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    if isinstance(error, BrokenPipeError):
        return EXIT_OK
    say(f"hamhung: error: cannot write output: {error.strerror or error}")
    return EXIT_USAGE


def say(message: str) -> None:
    from .text import inert

    try:
        sys.stderr.write(inert(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # stderr closed too: nothing more can be done
        pass


def missing_argument(command: Command) -> int:
    """A command run without the argument it needs: what it does and how it is used, on stderr, exit 2."""
    (argument,) = [a for a in command.arguments if a.required]
    say(f"hamhung {command.name}: {command.summary}")
    say(f"hamhung: error: missing {argument.metavar}; for example:")
    for example in command.examples[:2]:
        say(f"  {example}")
    return EXIT_USAGE


# --------------------------------------------------------------------------- commands


def overview(arguments: list[str], opts: Options) -> None:
    from .overview import write_overview

    store = _as_asked(Session(opts.facts).store, opts)
    color = opts.color_choice
    if picture(opts.svg, color, lambda out, c, width: write_overview(store, out, True, c, width)):
        return
    write_overview(store, sys.stdout, is_terminal(), use_color(color), terminal_width())


def topics(arguments: list[str], opts: Options) -> None:
    from .views import topics_listing

    Output(opts).emit(topics_listing(named(Session(opts.facts).store, opts.romanization)))


def show(arguments: list[str], opts: Options) -> None:
    from .views import page_listing, require_topic, select_tables, topic_page

    store = _as_asked(Session(opts.facts).store, opts)
    out = Output(opts)
    topic = require_topic(store, arguments[0])
    tables, others = select_tables(store, topic, opts.source)
    if opts.chart:
        _chart(store, topic, tables, opts.only, out)
        return
    if out.draws:  # the page is worked out only when it is to be drawn
        from .overview import write_topic_page

        page = topic_page(store, topic, tables, others, opts.only, opts.sources)
        if out.drawn(lambda o, color, width: write_topic_page(store, page, o, color, width)):
            return
    out.emit(page_listing(store, topic, tables, opts.only, opts.sources))  # what a page prints in a pipe: views.page_listing


def _chart(store: Store, topic: str, tables: list[Any], only: str | None, out: Output) -> None:
    """--chart: drawn with Rich for the table format and --svg, the chart's series as records in every other format."""
    from .charts import chart_for, chart_listing, draw_chart

    if only == "facts":
        raise UsageError("--chart draws a topic's tables, so it cannot be combined with --only facts")
    chart = chart_for(store, topic, tables)
    if not out.drawn(lambda o, color, width: draw_chart(chart, o, color, width)):
        out.emit(chart_listing(chart))


def fact(ids: list[str], opts: Options) -> None:
    from .views import item_listing

    Output(opts).emit(item_listing(_as_asked(Session(opts.facts).store, opts), ids))


def search(query: list[str], opts: Options) -> None:
    from .search import search as run_search
    from .views import require_topic, search_listing

    text = from_shell(" ".join(query))
    if not text.strip():
        raise UsageError("the search query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(f"the search query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are allowed")
    session = Session(opts.facts)
    out = Output(opts)
    store = _as_asked(session.store, opts)
    topic_id = require_topic(store, opts.topic) if opts.topic else None

    def find(index: Index) -> list[Result]:
        return run_search(index, text, limit=min(opts.limit, MAX_LIMIT), topic=topic_id)

    try:
        results = find(session.index)
    except sqlite3.Error:  # a cached index damaged under this run: build it anew from the store
        results = find(session.rebuild_index())
    if not results:
        raise nothing_found(session.index, text, topic_id)
    if out.reading and not out.fields and not opts.explain and not opts.sources:
        from .answer import clear_answer, write_answer

        if clear_answer(results):  # on a terminal: the answer first, then the next few results
            if not out.picture(lambda o, c, width: write_answer(store, results, o, c, width)):
                write_answer(store, results, sys.stdout, out.color, terminal_width())
            return
    out.emit(search_listing(store, results, opts.explain, opts.sources))


def nothing_found(index: Index, query: str, topic: str | None) -> NotFound:
    """Nothing relevant enough: say which words the store never uses, and where the words it does use lead."""
    from .search import search, unmatched_terms

    unknown = unmatched_terms(index, query)
    message = f"nothing found for '{query}'" + (f" (no fact mentions: {', '.join(unknown)})" if unknown else "")
    # What the words the store knows point at: only results that matched some word as typed, never by a typo alone.
    near = [r for r in search(index, query, limit=10, topic=topic, min_score=0.0) if any("typo" not in m.how for m in r.matches)]
    hints = []
    closest = [r for r in near if r.score >= CLOSEST_SCORE][:3]
    if closest:
        listed = ", ".join(f"{r.document.id} ({r.percent})" for r in closest)
        hints.append(f"closest, but below the bar: {listed}; see one with 'hamhung fact {closest[0].document.id}'")
    topics = list(dict.fromkeys(r.document.topic for r in near))[:3]
    if topics:
        hints.append(f"topics near the words it knows: {', '.join(topics)} (see 'hamhung {topics[0]}')")
    return NotFound(message, hints=hints)


def words(words: list[str], opts: Options) -> None:
    """`hamhung WORDS…`: a topic page when the words name a topic, a usage error when the first word is a typo of a
    command or topic (`hamhung climat`), else a search for all the words (`hamhung vinalon`)."""
    from .views import find_topic

    session = Session(opts.facts)
    if find_topic(session.store, " ".join(words)) is not None:
        return show([" ".join(words)], opts)
    suggestions = _typo_of_a_name(session.store, words[0])
    if suggestions and not _known_word(session, words[0]):
        raise UsageError(f"no command or topic '{words[0]}' (see 'hamhung --help' and 'hamhung topics')", suggestions)
    return search(words, opts)


def _typo_of_a_name(store: Store, word: str) -> list[str]:
    """The commands and topics (ids and aliases) within a typo of a word, as search counts typos."""
    from .fuzzy import within
    from .search import max_edits

    word = word.casefold()
    edits = max_edits(word)
    names = [*sorted(RESERVED), *store.topics, *(a.casefold() for t in store.topics.values() for a in t.aliases)]
    return list(dict.fromkeys(name for name, _ in within(word, names, edits))) if edits else []


def _known_word(session: Session, word: str) -> bool:
    """Whether the store uses this word (then it is a search, however close it is to a command's name)."""
    from .search import query_terms

    terms = query_terms(word)
    return bool(terms) and all(session.index.uses(t) for t in terms)


def sources(arguments: list[str], opts: Options) -> None:
    from .views import sources_listing

    Output(opts).emit(sources_listing(Session(opts.facts).store))


def disputes(arguments: list[str], opts: Options) -> None:
    from .views import disputes_listing, require_topic

    store = measured(Session(opts.facts).store, opts.units)
    out = Output(opts)
    listing = disputes_listing(store, require_topic(store, opts.topic) if opts.topic else None)
    if not listing.rows:
        raise NotFound("no disputed facts" + (f" in topic '{opts.topic}'" if opts.topic else ""))
    out.emit(listing)


def check(arguments: list[str], opts: Options) -> int:
    """Exit 0 for a valid store, 2 with every problem listed (on stdout: it is the command's output) for one that is not."""
    from .text import inert

    out = Output(opts)
    session = Session((arguments[0] if arguments else None) or opts.facts)
    try:
        store = session.store
        problems = _reserved_topic_names(store)
    except StoreError as error:
        problems = [str(p) for p in error.problems]
    counts = {} if problems else _counts(store)
    if out.format in ("json", "jsonl"):
        import json

        report = {"path": session.path, "ok": not problems, "problems": problems, **counts}
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2 if out.format == "json" else None) + "\n")
    elif problems:
        for problem in problems:  # the messages quote the store's own keys and values: inert, like all store text
            sys.stdout.write(inert(problem) + "\n")
    else:
        sys.stdout.write(
            "{path}: ok — {facts} facts ({disputed} disputed), {tables} tables ({rows} rows), {topics} topics, {sources} sources\n".format(
                path=session.path, **counts
            )
        )
    if problems:
        sys.stdout.flush()
        say(f"hamhung: {len(problems)} problem(s) in {session.path}")
        return EXIT_USAGE
    return EXIT_OK


def _counts(store: Store) -> dict[str, int]:
    return {
        "facts": len(store.facts),
        "disputed": sum(f.disputed for f in store.facts.values()),
        "tables": len(store.tables),
        "rows": sum(len(t.rows) for t in store.tables.values()),
        "topics": len(store.topics),
        "sources": len(store.sources),
    }


def _reserved_topic_names(store: Store) -> list[str]:
    """A topic id or alias that is also a command's name could never be shown with `hamhung TOPIC`."""
    problems = []
    for topic in store.topics.values():
        for name in (topic.id, *topic.aliases):
            command = COMMANDS.get(name.casefold())
            if name.casefold() in RESERVED and (command is None or command.topic != topic.id):
                where = f"{store.path}:{topic.line}" if topic.line else store.path
                problems.append(f"{where}: topic '{topic.id}' is named '{name}', which is a command of hamhung; choose another name")
    return problems


# Each command's work, by the name both parsers give it (None: `hamhung` alone).
ACTIONS: dict[str | None, Callable[[list[str], Options], int | None]] = {
    None: overview,
    "topics": topics,
    "show": show,
    "search": search,
    "fact": fact,
    "sources": sources,
    "disputes": disputes,
    "check": check,
    WORDS.name: words,
}


def run(command: str | None, arguments: list[str], opts: Options) -> int:
    """Carry out a parsed command line, whichever parser parsed it."""
    spec = COMMANDS.get(command or "")
    if spec is not None and spec.topic is not None:
        return run("show", [spec.topic], opts)  # `hamhung climate` is `hamhung show climate`
    if spec is not None and not arguments and any(a.required for a in spec.arguments):
        return missing_argument(spec)
    action = ACTIONS[command]
    return guarded(lambda: action(arguments, opts), not opts.no_pager)
