"""`--svg FILE`: save what the command draws on a terminal as an SVG picture (Rich's SVG export).

The picture is the terminal rendering whatever stdout is: the same drawing
code writes into memory with colour on, and Rich turns those bytes into SVG.
Output is deterministic (fixed title, an id derived from the content, the width
of $COLUMNS or 80), so a script can regenerate README screenshots and a test can
check them byte for byte. The file is written atomically: a temporary file in
the same directory, then a rename. Rich is imported only here, on this path.
"""

from __future__ import annotations

import io
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from .atomic import replacing
from .errors import UsageError

# draw(out, color, width): writes a terminal rendering to out.
Draw = Callable[[IO[str], bool, int], None]
DEFAULT_WIDTH = 80
TITLE = "hamhung"


def wants_color(choice: str | None) -> bool:
    """Colour in the picture unless --color never (or HAMHUNG_COLOR=never): a picture is not a pipe."""
    return (choice or os.environ.get("HAMHUNG_COLOR") or "auto").strip().lower() != "never"


def render_svg(draw: Draw, color: bool, width: int = DEFAULT_WIDTH) -> str:
    """The SVG text of one terminal rendering."""
    from rich.console import Console
    from rich.text import Text

    drawn = io.StringIO()
    with _picture_environment():
        draw(drawn, color, width)
    recorder = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        force_terminal=True,
        color_system="truecolor" if color else None,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        _environ={},  # the picture must not depend on TERM, COLUMNS or NO_COLOR of whoever regenerates it
    )
    recorder.print(Text.from_ansi(drawn.getvalue().rstrip("\n")), overflow="ignore", crop=False)
    unique = f"hamhung-{zlib.crc32(drawn.getvalue().encode('utf-8')):08x}"
    return recorder.export_svg(title=TITLE, unique_id=unique)


# What Rich reads from the environment when it decides on colours and size.
_TERMINAL_VARIABLES = ("TERM", "COLORTERM", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES", "NO_COLOR")


@contextmanager
def _picture_environment() -> Iterator[None]:
    """While drawing the picture, a plain colour terminal: the drawing code's consoles read TERM and friends from os.environ."""
    saved = {name: os.environ.pop(name) for name in _TERMINAL_VARIABLES if name in os.environ}
    os.environ["TERM"] = "xterm-256color"
    try:
        yield
    finally:
        del os.environ["TERM"]
        os.environ.update(saved)


def save_svg(path: str, draw: Draw, color: bool, width: int | None = None) -> None:
    """Render and write atomically; any failure to write is a usage error (exit 2), reported before stdout gets anything."""
    text = render_svg(draw, color, width or DEFAULT_WIDTH)
    if path == "-":  # the picture is the output
        sys.stdout.write(text)
        return
    try:
        with replacing(path) as temporary, open(temporary, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except OSError as error:
        raise UsageError(f"cannot write SVG to {path}: {error.strerror or error}") from None
