"""Output formats: a Listing drawn as a Rich table, plain lines, TSV, CSV, JSON, JSON lines or Markdown.

Only the `table` format imports Rich, and only inside the function that
draws. Text from a fact store is data: every renderer makes control and
bidi characters visible, and Rich gets Text objects, never markup, so a
fact containing "[bold]" or an escape sequence prints literally.
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

from .views import Listing, ViewColumn

if TYPE_CHECKING:
    from typing import IO, Any

FORMATS = ("table", "plain", "tsv", "csv", "json", "jsonl", "markdown")

# C0/C1 controls, bidi embeddings/overrides/isolates, zero-width characters, line/paragraph separators
# become visible <U+XXXX> marks; tab and newline become spaces. One str.translate: no regex to compile.
_INVISIBLE_RANGES = ((0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2028, 0x2029), (0x2060, 0x2064), (0x2066, 0x2069))
_INERT = {code: f"<U+{code:04X}>" for low, high in _INVISIBLE_RANGES for code in range(low, high + 1)}
_INERT[0xFEFF] = "<U+FEFF>"
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in _INERT}  # before tab and newline join: JSON's own layout uses them
_INERT[0x09] = _INERT[0x0A] = " "


def inert(text: str) -> str:
    """Text safe to print: invisible and control characters shown as <U+XXXX>, tabs and newlines as spaces.

    Every character _INERT changes is one str.isprintable() rejects, so a printable text (nearly all of
    them) is returned as it is after one fast scan instead of a dictionary lookup per character.
    """
    return text if text.isprintable() else text.translate(_INERT)


def cell(value: Any) -> str:
    """A value as one line of text: numbers as the store has them, lists joined, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if abs(value) < 1e16 else f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={cell(v)}" for k, v in value.items())
    return inert(str(value))


def _formula_safe(text: str) -> str:
    """Stop spreadsheets from running a cell as a formula (CSV injection)."""
    if text and text[0] in "=+-@\t\r" and not _is_numeric_text(text):
        return "'" + text
    return text


def _is_numeric_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- machine formats


def _json_safe(text: str) -> str:
    """JSON with bidi and zero-width characters escaped as \\uXXXX (they can only occur inside strings)."""
    return text.translate(_JSON_ESCAPES)


def write_json(listing: Listing, out: IO[str], lines: bool = False) -> None:
    import json

    records = listing.records()
    # A stream that cannot take all of Unicode (LANG=C, PYTHONIOENCODING=ascii) would transliterate inside
    # the strings (“ → ") and break the JSON: there, every non-ASCII character is written as \uXXXX.
    ascii_only = not _encodes(out, "\u0103\ud55c\U0001f600")
    if lines:
        for record in records:
            out.write(_json_safe(json.dumps(record, ensure_ascii=ascii_only)) + "\n")
    else:
        out.write(_json_safe(json.dumps(records, ensure_ascii=ascii_only, indent=2)) + "\n")


def write_delimited(listing: Listing, out: IO[str], header: bool) -> None:
    keys = [c.key for c in listing.columns]
    if header:
        out.write("\t".join(keys) + "\n")
    # Text cells (most of them) are made inert inline, and lines are written a thousand at a time:
    # a topic of thousands of facts is mostly this loop.
    table = _INERT
    rows = listing.rows
    for start in range(0, len(rows), 1000):
        lines = [
            "\t".join([(v if v.isprintable() else v.translate(table)) if type(v) is str else cell(v) for v in map(row.get, keys)])
            for row in rows[start : start + 1000]
        ]
        out.write("\n".join(lines) + "\n")


def write_csv(listing: Listing, out: IO[str]) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in listing.columns])
    for row in listing.rows:
        writer.writerow([_formula_safe(cell(row.get(c.key))) for c in listing.columns])


def write_plain(listing: Listing, out: IO[str]) -> None:
    """The pipe default: one record per line, tab-separated, no header, no decoration (like gh)."""
    write_delimited(listing, out, header=False)


# --------------------------------------------------------------------------- terminal


def make_console(out: IO[str], color: bool, width: int | None = None) -> Any:
    from rich.console import Console

    from .terminal import drop_bad_size_variables

    drop_bad_size_variables()
    console = Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        color_system=_color_system(color),
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        legacy_windows=False,
        safe_box=True,
    )
    console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
    # Never crop: a line too long for the terminal wraps there, untidy but whole. Rich crops at the edge by
    # default, which once cut most of each search answer at 80 columns without a sign (see column_widths).
    console.print = partial(console.print, crop=False)  # type: ignore[method-assign]
    return console


def _color_system(color: bool) -> str | None:
    """Rich detects none for TERM=dumb even when --color always asks for colour: then the basic 16 colours."""
    if not color:
        return None
    return "standard" if os.environ.get("TERM") == "dumb" else "auto"


def _broken_pipe() -> None:
    """Rich's own handler exits with status 1, which here means "nothing found": let commands.guarded end quietly with 0, as in every other format."""
    import errno

    raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if value == round(value, 1) else cell(value)
    return cell(value)


def write_table(listing: Listing, out: IO[str], color: bool, width: int | None = None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if listing.cards is not None:
        write_cards(listing, out, color, width)
        return
    console = make_console(out, color, width)
    shown = listing.transposed or listing
    texts = cell_texts(shown)
    widths = column_widths(shown, texts, console.width)
    if widths is None:
        write_cards(as_cards(listing), out, color, width)
        return
    ascii_only = not _encodes(out, "─│")
    table = Table(
        title=Text(inert(listing.title), style="bold") if listing.title else None,
        box=box.ASCII if ascii_only else box.SIMPLE_HEAVY,
        header_style="bold cyan" if color else "",
        title_justify="left",
        expand=False,
        pad_edge=False,
    )
    for column, column_width in zip(shown.columns, widths, strict=True):
        table.add_column(Text(inert(column.title)), justify="right" if column.numeric else "left", overflow="fold", width=column_width)
    for number, row in enumerate(shown.rows):
        cells = []
        for column, column_texts in zip(shown.columns, texts, strict=True):
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


# The narrowest a text column may be for a table to stay readable (a wide one, such as a fact's text, 12);
# a terminal too narrow for that gets one card per record instead.
MIN_TEXT_WIDTH = 8
MIN_WIDE_WIDTH = 12


def cell_texts(shown: Listing) -> list[list[str]]:
    """Each column's cells as the table shows them (numbers to one decimal where they have one)."""
    return [[_number_text(r.get(c.key)) if c.numeric else cell(r.get(c.key)) for r in shown.rows] for c in shown.columns]


def column_widths(shown: Listing, cells: list[list[str]], width: int) -> list[int] | None:
    """Each column's width for a table `width` characters wide, or None when no readable table fits.

    Rich's own layout can end wider than the console when columns have minimum widths, and then
    every line is cut at the edge (search answers at 80 columns lost most of their words). So the
    widths are worked out here and given to Rich as fixed: every column as wide as its widest cell and
    header when that fits; otherwise the widest columns give way first, down to what each needs.
    Numbers, ids and months need their widest value (ids give way first, then numbers, when even that
    does not fit); text needs its longest word, at most MIN_TEXT_WIDTH (then it wraps and folds).
    """
    from rich.cells import cell_len  # terminal cells, not characters: a Hangul syllable takes two

    columns = shown.columns
    available = width - (3 * len(columns) - 1)  # a space each side of a cell, one rule between cells
    titles = [inert(c.title) for c in columns]
    widest = [max(map(cell_len, values), default=1) for values in cells]
    words = [max((cell_len(w) for text in (title, *values) for w in text.split()), default=1) for title, values in zip(titles, cells, strict=True)]
    # Values on one line first; headers are cheaper to wrap ("Mean daily maximum °C" over three lines).
    want = [max(v, w) for v, w in zip(widest, words, strict=True)]
    flexible = [MIN_WIDE_WIDTH if c.wide else min(MIN_TEXT_WIDTH, n) for c, n in zip(columns, words, strict=True)]
    pins = [c.numeric or c.key in ("id", "month") for c in columns]
    numbers = [c.numeric for c in columns]
    for pinned in (pins, numbers, [False] * len(columns)):
        need = [min(w, max(v, flexible[i])) if pin else min(w, flexible[i]) for i, (w, v, pin) in enumerate(zip(want, widest, pinned, strict=True))]
        if sum(need) <= available:
            widths = _level(want, need, available)
            headers = [max(w, cell_len(title)) for w, title in zip(widths, titles, strict=True)]
            return _level(headers, widths, available)  # room to spare: headers on fewer lines
    return None


def _level(want: list[int], need: list[int], available: int) -> list[int]:
    """Widths between need and want that add up to at most `available`, taking space from the widest first."""
    if sum(want) <= available:
        return want

    def total(level: int) -> int:
        return sum(max(n, min(w, level)) for w, n in zip(want, need, strict=True))

    low, high = 0, max(want)
    while low < high:  # the highest level whose total fits
        middle = (low + high + 1) // 2
        low, high = (middle, high) if total(middle) <= available else (low, middle - 1)
    widths = [max(n, min(w, low)) for w, n in zip(want, need, strict=True)]
    spare = available - sum(widths)
    for i, w in enumerate(want):  # what is left, a character each, to the columns still short of their want
        if spare and widths[i] < w:
            widths[i] += 1
            spare -= 1
    return widths


def as_cards(listing: Listing) -> Listing:
    """The listing drawn one record per block, for a terminal too narrow for its table. Each block is headed by
    the first column that tells the records apart (the measure, not the table every row of a climate table shares)."""
    from .views import Listing

    distinct = [c for c in listing.columns if len({cell(r.get(c.key)) for r in listing.rows}) == len(listing.rows)]
    heading = (distinct or listing.columns)[0]
    cards = Listing(listing.name, listing.title, listing.columns, listing.rows, listing.notes)
    cards.cards = listing.rows
    cards.card_heading = heading.key
    cards.card_fields = [c for c in listing.columns if c is not heading]
    return cards


def write_cards(listing: Listing, out: IO[str], color: bool, width: int | None = None) -> None:
    """One block per record: the id as a heading, then labelled fields; lists become indented lines."""
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, color, width)
    if listing.title:
        console.print(Text(inert(listing.title), style="bold"))
    for number, card in enumerate(listing.cards or []):
        if number:
            console.print()
        console.print(Text(cell(card.get(listing.card_heading)), style="bold green" if color else ""))
        grid = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
        grid.add_column(style="bold" if color else "", overflow="fold", max_width=max(MIN_TEXT_WIDTH, console.width // 3))
        grid.add_column(overflow="fold")
        for column in listing.card_fields or listing.columns:
            value = card.get(column.key)
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                text = Text("\n".join(f"{i}. {inert(str(v))}" if len(value) > 1 else inert(str(v)) for i, v in enumerate(value, 1)))
            else:
                text = Text(cell(value))
            if column.key in ("disputed", "severity") and value:
                text.stylize("bold yellow" if color else "")
            grid.add_row(Text(column.title), text)
        console.print(grid)
    for note in listing.notes:
        console.print(Text(inert(note), style="dim"))


def _encodes(out: IO[str], sample: str) -> bool:
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        sample.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# --------------------------------------------------------------------------- dispatch


def render(listing: Listing, fmt: str, out: IO[str], color: bool = False, width: int | None = None) -> None:
    if fmt == "table":
        write_table(listing, out, color, width)
    elif fmt == "plain":
        write_plain(listing, out)
    elif fmt == "tsv":
        write_delimited(listing, out, header=True)
    elif fmt == "csv":
        write_csv(listing, out)
    elif fmt == "json":
        write_json(listing, out)
    elif fmt == "jsonl":
        write_json(listing, out, lines=True)
    elif fmt == "markdown":
        from .markdown import write_markdown

        write_markdown(listing, out)
    else:  # guarded by the CLI's choices; kept for direct callers
        raise ValueError(f"unknown format {fmt!r}")


def select_fields(listing: Listing, fields: list[str]) -> Listing:
    """gh-style --fields: keep only these keys, in this order, in every format."""
    known = {c.key for c in listing.columns} | {k for r in listing.records() for k in r}
    unknown = [f for f in fields if f not in known]
    if unknown:
        from .errors import UsageError

        raise UsageError(f"unknown field(s) {', '.join(unknown)}; available: {', '.join(sorted(known))}")
    columns = [next((c for c in listing.columns if c.key == f), ViewColumn(f, f)) for f in fields]
    merged = [{**j, **r} for r, j in zip(listing.rows, listing.records(), strict=False)] if len(listing.rows) == len(listing.records()) else listing.records()
    rows = [{f: r.get(f) for f in fields} for r in merged]
    json_rows = [{f: r.get(f) for f in fields} for r in listing.records()]
    return Listing(listing.name, listing.title, columns, rows if len(rows) == len(listing.rows) else json_rows, listing.notes, json_rows=json_rows)
