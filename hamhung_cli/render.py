"""Output formats: a Listing drawn as a Rich table, plain lines, TSV, CSV, JSON, JSON lines or Markdown.

Only the `table` format imports Rich, inside the functions that draw. Store text is data: every renderer makes
control and bidi characters visible, and Rich gets Text objects, never markup ("[bold]" prints literally).
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

from .listing import Listing, ViewColumn
from .text import INERT, cell, formula_safe, inert, json_safe

if TYPE_CHECKING:
    from typing import IO, Any

# --------------------------------------------------------------------------- machine formats


def write_json(listing: Listing, out: IO[str], lines: bool = False) -> None:
    import json

    records = listing.records()
    # A stream that cannot take all of Unicode (LANG=C, PYTHONIOENCODING=ascii) would transliterate inside
    # the strings (“ → ") and break the JSON: there, every non-ASCII character is written as \uXXXX.
    ascii_only = not encodes(out, "\u0103\ud55c\U0001f600")
    if lines:
        for record in records:
            out.write(json_safe(json.dumps(record, ensure_ascii=ascii_only)) + "\n")
    else:
        out.write(json_safe(json.dumps(records, ensure_ascii=ascii_only, indent=2)) + "\n")


def write_delimited(listing: Listing, out: IO[str], header: bool) -> None:
    keys = [c.key for c in listing.columns]
    if header:
        out.write("\t".join(keys) + "\n")
    # Text cells (most of them) are made inert inline, and lines are written a thousand at a time:
    # a topic of thousands of facts is mostly this loop.
    table = INERT
    rows = listing.rows
    for start in range(0, len(rows), 1000):
        lines = [
            "\t".join([(v if v.isprintable() else v.translate(table)) if type(v) is str else cell(v) for v in map(row.get, keys)])
            for row in rows[start : start + 1000]
        ]
        if header:  # TSV is opened in spreadsheets as often as CSV: the same guard against formulas
            lines = ["\t".join(map(formula_safe, line.split("\t"))) for line in lines]
        out.write("\n".join(lines) + "\n")


def write_csv(listing: Listing, out: IO[str]) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in listing.columns])
    for row in listing.rows:
        writer.writerow([formula_safe(cell(row.get(c.key))) for c in listing.columns])


def write_plain(listing: Listing, out: IO[str]) -> None:
    """The pipe default: one record per line, tab-separated, no header (like gh); then any records of another kind."""
    for part in (listing, *listing.plain_after):
        write_delimited(part, out, header=False)


# --------------------------------------------------------------------------- terminal


def make_console(out: IO[str], color: bool, width: int | None) -> Any:
    """A Rich console on `out` that reads no markup, emoji or highlighting into store text and never crops."""
    from rich.console import Console

    from .pager import note_drawing
    from .terminal import drop_bad_size_variables

    note_drawing(out)  # a page drawn for a terminal: the pager may take it (pager.py)
    drop_bad_size_variables()
    console = Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        # Rich detects no colours for TERM=dumb even when --color always asks for them: then the basic 16.
        # Without colour, no colour system: Rich then draws no style at all, so drawing code styles unconditionally.
        color_system=("standard" if os.environ.get("TERM") == "dumb" else "auto") if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        legacy_windows=False,
        safe_box=True,
    )
    console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
    # Never crop: a line too long for the terminal wraps there, untidy but whole. Rich crops at the edge by
    # default, which once cut most of each search answer at 80 columns without a sign (see fair_widths).
    console.print = partial(console.print, crop=False)  # type: ignore[method-assign]
    return console


def _broken_pipe() -> None:
    """Rich's own handler exits with status 1, which here means "nothing found": let commands.guarded end quietly with 0, as in every other format."""
    import errno

    raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def write_table(listing: Listing, out: IO[str], color: bool, width: int | None) -> None:
    """A table as wide as its content allows, else one card per record (see fair_widths); then the notes."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    if listing.cards is not None:
        write_cards(listing, out, color, width)
        return
    console = make_console(out, color, width)
    shown = listing.transposed or listing
    columns = [c for c in shown.columns if not c.detail]
    # Each column's cells as shown; the numbers of a column to the same decimal places, so they line up.
    texts = [number_texts([r.get(c.key) for r in shown.rows]) if c.numeric else [cell(r.get(c.key)) for r in shown.rows] for c in columns]
    titles = [inert(c.title) for c in columns]
    widths = fair_widths(columns, titles, texts, console.width - GAP * (len(columns) - 1))
    if widths is None:
        write_cards(listing, out, color, width)
        return
    table = Table(
        title=Text(inert(listing.title), style="bold") if listing.title else None,
        # A rule under the header and nothing else; in ASCII where the output cannot encode box drawing.
        box=box.SIMPLE_HEAVY if encodes(out, "━") else box.Box("    \n    \n -- \n    \n    \n -- \n    \n    \n", ascii=True),
        header_style="bold cyan",
        title_justify="left",
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,  # one space and the column rule between columns: GAP
    )
    for column, title, values, column_width in zip(columns, titles, texts, widths, strict=True):
        # Labels, ids, months and numbers are single words, never wrapped; fold splits only a word wider than its column.
        single = cell_len(title) <= column_width and all(" " not in v for v in values)
        table.add_column(Text(title), justify="right" if column.numeric else "left", width=column_width, no_wrap=single, overflow="fold")
    for number, row in enumerate(shown.rows):
        cells = []
        for column, column_texts in zip(columns, texts, strict=True):
            value = row.get(column.key)
            text = Text(column_texts[number])
            if column.key == "disputed" and value:
                text.stylize("bold yellow")
            elif column.key == "text" and isinstance(value, str) and value.endswith("[disputed]"):
                text.stylize("yellow", len(value) - len("[disputed]"))
            elif column.key == "id":
                text.stylize("green")
            elif column.numeric and isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                text.stylize("blue")
            cells.append(text)
        table.add_row(*cells)
    console.print(table)
    for note in listing.notes:
        console.print(Text(inert(note), style="dim"))


# Between two columns: one space of padding and the (blank) column rule.
GAP = 2
# Running text (a fact, a note) narrower than this reads badly: such a table is drawn as cards instead.
READABLE_TEXT = 20


def number_texts(values: list[Any]) -> list[str]:
    """Numbers with as many decimals as the most precise of them (0.48 and 0.8 become 0.48 and 0.80); text as it is."""
    from .units import decimals, is_number

    floats = [v for v in values if isinstance(v, float) and is_number(v) and abs(v) < 1e16]
    places = min(max(map(decimals, floats)), 6) if floats else 0
    return [f"{v:.{places}f}" if places and is_number(v) else cell(v) for v in values]


def fair_widths(columns: list[ViewColumn], titles: list[str], cells: list[list[str]], available: int) -> list[int] | None:
    """Each column's width in a table `available` cells wide (gaps excluded), or None when no readable table fits.

    Every column gets at least its longest word (header included), so no word is split; running text at
    least READABLE_TEXT. What is left is shared in proportion to how much more each column could use:
    a long note takes the room a column of short names does not need. Widths are in terminal cells, not
    characters: a Hangul syllable takes two.
    """
    from rich.cells import cell_len

    lengths = [[cell_len(w) for text in (title, *values) for w in text.split()] or [1] for title, values in zip(titles, cells, strict=True)]
    natural = [max(cell_len(text) for text in (title, *values)) for title, values in zip(titles, cells, strict=True)]
    least = [max(max(words), min(whole, READABLE_TEXT) if column.wide else 0) for column, words, whole in zip(columns, lengths, natural, strict=True)]
    spare = available - sum(least)
    if spare < 0:
        return None
    wants = [whole - low for whole, low in zip(natural, least, strict=True)]
    if sum(wants) <= spare:
        return natural
    shares = [spare * want // sum(wants) for want in wants]
    left = spare - sum(shares)
    for i in sorted(range(len(wants)), key=lambda i: spare * wants[i] % sum(wants), reverse=True)[:left]:  # largest remainders
        shares[i] += 1
    return [low + share for low, share in zip(least, shares, strict=True)]


def write_cards(listing: Listing, out: IO[str], color: bool, width: int | None) -> None:
    """One block per record: a heading, then labelled fields (lists as numbered lines), a blank line between blocks.

    A card list (listing.card_list) is tighter: the heading, then each field's lines indented under it, no labels, no gaps.
    A listing without cards of its own (a table too wide for the terminal) gets a card per row, headed by the first
    column that tells the rows apart (the measure, not the table every row of a climate table shares).
    """
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, color, width)
    if listing.title:
        console.print(Text(inert(listing.title), style="bold"))
    cards, heading, fields = listing.cards, "id", listing.card_fields or listing.columns
    if cards is None:
        columns = [c for c in listing.columns if not c.detail]
        distinct = [c for c in columns if len({cell(r.get(c.key)) for r in listing.rows}) == len(listing.rows)]
        cards, heading = listing.rows, (distinct or columns)[0].key
        fields = [c for c in columns if c.key != heading] or columns
    # One label width for every card, so the values line up from card to card; at most a third of the screen.
    labels = min(max((cell_len(inert(c.title)) for c in fields), default=1), max(8, console.width // 3))
    for number, card in enumerate(cards):
        if number and not listing.card_list:
            console.print()
        console.print(Text(cell(card.get(heading)), style="bold green"))
        grid = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0) if listing.card_list else (0, 1))
        if listing.card_list:
            grid.add_column(width=1)  # the indent
            grid.add_column(justify="right", no_wrap=True)  # 1. 2. …
        else:
            grid.add_column(style="bold", overflow="fold", width=labels)
        grid.add_column(overflow="fold")
        for column in fields:
            value = card.get(column.key)
            if value in (None, "", []):
                continue
            if listing.card_list:  # a list field: its lines numbered
                for item, line in enumerate(value, 1):
                    grid.add_row(Text(""), Text(f"{item}."), Text(cell(line)))
                continue
            if isinstance(value, list):
                text = Text("\n".join(f"{i}. {inert(str(v))}" if len(value) > 1 else inert(str(v)) for i, v in enumerate(value, 1)))
            else:
                text = Text(cell(value))
            if column.key in ("disputed", "severity") and value:
                text.stylize("bold yellow")
            grid.add_row(Text(inert(column.title)), text)
        console.print(grid)
    if listing.notes and listing.card_list:
        console.print()
    for note in listing.notes:
        console.print(Text(inert(note), style="dim"))


def encodes(out: IO[str], sample: str) -> bool:
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        sample.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# --------------------------------------------------------------------------- dispatch


WRITERS = {"plain": write_plain, "tsv": partial(write_delimited, header=True), "csv": write_csv, "json": write_json, "jsonl": partial(write_json, lines=True)}


def render(listing: Listing, fmt: str, out: IO[str], color: bool, width: int | None) -> None:
    """Draw a listing in one of the --format choices."""
    if fmt == "table":
        write_table(listing, out, color, width)
    elif fmt == "markdown":
        from .markdown import write_markdown

        write_markdown(listing, out)
    else:
        WRITERS[fmt](listing, out)


def field_names(listing: Listing) -> list[str]:
    """Every field --fields can name, in the records' own order (months January to December, not alphabetical);
    with months as keys, also `month` and the measures, for one record per month."""
    names = dict.fromkeys(c.key for c in listing.columns)
    for record in listing.records():
        names.update(dict.fromkeys(record))
    if listing.transposed is not None:
        names.update(dict.fromkeys(c.key for c in listing.transposed.columns))
    return list(names)


def select_fields(listing: Listing, fields: list[str]) -> Listing:
    """gh-style --fields: keep only these keys, in this order, in every format.

    Monthly tables have a record per measure; naming `month` among the fields (with measures) gives a record per month.
    """
    title, per_month = listing.title, listing.transposed
    if per_month is not None and "month" in fields and set(fields) <= {c.key for c in per_month.columns}:
        listing = per_month
    known = field_names(listing)
    unknown = [f for f in fields if f not in known]
    if unknown:
        from .errors import UsageError

        raise UsageError(f"unknown field(s) {', '.join(unknown)}; available: {', '.join(known)}")
    columns = [next((c for c in listing.columns if c.key == f), ViewColumn(f, f)) for f in fields]
    records = listing.records()
    # A row's own values (as tables show them) over its record's, where there is a record per row.
    merged = [{**j, **r} for r, j in zip(listing.rows, records, strict=True)] if len(records) == len(listing.rows) else records
    rows = [{f: r.get(f) for f in fields} for r in merged]
    return Listing(title, columns, rows, listing.notes, json_rows=[{f: r.get(f) for f in fields} for r in records])
