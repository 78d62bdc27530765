"""Decisions about the terminal, made in one place and at call time (tests patch them).

Colour follows ripgrep: `--color always|never` win; `auto` means colour only
when stdout is a terminal, TERM is not "dumb" and NO_COLOR is unset. The
output format follows gh: a table on a terminal, tab-separated lines in a pipe.
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import IO


def is_terminal(stream: IO[str] | None = None) -> bool:
    stream = stream if stream is not None else sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def use_color(choice: str | None) -> bool:
    choice = (choice or os.environ.get("HAMHUNG_COLOR") or "auto").lower()
    if choice == "always":
        return True
    if choice == "never":
        return False
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb" and is_terminal()


def default_format() -> str:
    return "table" if is_terminal() else "plain"


def terminal_width() -> int | None:
    """COLUMNS as a number kept between 10 and 1000, else None (Rich asks the terminal)."""
    value = os.environ.get("COLUMNS", "")
    if value.isascii() and value.isdigit():
        return max(10, min(int(value), 1000))
    return None


def drop_bad_size_variables() -> None:
    """Rich (ours and Typer's help) reads COLUMNS and LINES itself: '²' passes isdigit() but not int(), and 0 prints nothing."""
    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name)
        if value is not None and not (value.isascii() and value.isdigit() and int(value) > 0):
            del os.environ[name]


def from_shell(text: str) -> str:
    """An argument the locale could not decode (LC_ALL=C without UTF-8 mode gives surrogate escapes): valid UTF-8 is recovered, anything else kept."""
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    try:
        return os.fsencode(text).decode("utf-8")
    except UnicodeError:
        return text


def degrade_streams() -> None:
    """Never crash on an encoding that cannot show ŭ or 함흥 (LANG=C, PYTHONIOENCODING=ascii): transliterate."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="hamhung-degrade")  # type: ignore[attr-defined]
        except (AttributeError, ValueError, OSError):
            pass


def _degrade(error: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: ŭ → u, 함흥 → hamheung, – → -, anything else → ?"""
    import unicodedata

    from .normalize import hangul_to_latin, is_hangul

    assert isinstance(error, UnicodeEncodeError)
    out = []
    for char in error.object[error.start : error.end]:
        if is_hangul(char):
            out.append(hangul_to_latin(char))
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(base if base and base.isascii() else _ASCII_LOOKALIKES.get(char, "?"))
    return "".join(out), error.end


_ASCII_LOOKALIKES = {
    "–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "·": ".", "…": "...",
    "°": " deg", "≥": ">=", "≤": "<=", "×": "x", "→": "->", "←": "<-", "•": "*", "\u00a0": " ",
}  # fmt: skip

codecs.register_error("hamhung-degrade", _degrade)
