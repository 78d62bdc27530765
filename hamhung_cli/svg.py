"""`--svg FILE`: save what the command draws on a terminal as an SVG picture (Rich's SVG export).

The drawing code writes into memory with colour on, as for a plain colour terminal, and Rich turns
those bytes into SVG. The picture is deterministic (fixed title, an id derived from the content, the
width of $COLUMNS or 80), so README screenshots can be regenerated and checked byte for byte.
"""

from __future__ import annotations

import io
import os
import sys
import zlib
from collections.abc import Callable
from typing import IO

from .atomic import replacing
from .errors import UsageError
from .terminal import terminal_width

# draw(out, color, width): writes a terminal rendering to out.
Draw = Callable[[IO[str], bool, int], None]
# What Rich reads from the environment when it decides on colours and size: unset while drawing the picture.
_TERMINAL_VARIABLES = ("TERM", "COLORTERM", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES", "NO_COLOR")


def render_svg(draw: Draw, color: bool, width: int) -> str:
    """The SVG text of one terminal rendering."""
    from rich.console import Console
    from rich.text import Text

    drawn = io.StringIO()
    saved = {name: os.environ.pop(name) for name in _TERMINAL_VARIABLES if name in os.environ}
    os.environ["TERM"] = "xterm-256color"  # the drawing code's consoles read TERM and friends from os.environ
    try:
        draw(drawn, color, width)
    finally:
        del os.environ["TERM"]
        os.environ.update(saved)
    # The recorder must not depend on TERM, COLUMNS or NO_COLOR of whoever regenerates the picture either.
    recorder = Console(file=io.StringIO(), record=True, width=width, legacy_windows=False, _environ={})
    recorder.print(Text.from_ansi(drawn.getvalue().rstrip("\n")), overflow="ignore", crop=False)
    return recorder.export_svg(title="hamhung", unique_id=f"hamhung-{zlib.crc32(drawn.getvalue().encode('utf-8')):08x}")


def save_svg(path: str, draw: Draw, color_choice: str | None) -> None:
    """Render and write atomically; any failure to write is a usage error (exit 2), reported before stdout gets anything.
    Colour unless --color never (or HAMHUNG_COLOR=never): a picture is not a pipe."""
    color = (color_choice or os.environ.get("HAMHUNG_COLOR") or "auto").strip().lower() != "never"
    text = render_svg(draw, color, terminal_width() or 80)
    if path == "-":  # the picture is the output
        sys.stdout.write(text)
        return
    try:
        with replacing(path) as temporary, open(temporary, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except OSError as error:
        raise UsageError(f"cannot write SVG to {path}: {error.strerror or error}") from None
