"""A pager for pages taller than the terminal, as git and gh do it.

On a terminal, a page drawn for reading (the `table` format: anything drawn through
render.make_console) that is taller than the screen goes through $HAMHUNG_PAGER, else
$PAGER, else `less -FRX` (quit at once if it fits, keep the colours, leave the text on
the screen). An empty value or `cat` turns paging off, and so does `pager=False` (the
--no-pager option). Nothing is paged in a pipe, in another format (JSON on a terminal
streams as it always did), or when the pager program is not installed: then the page
prints as it would without one.

While the pager runs, Ctrl-C belongs to it (less ends a search with it) and `q` ends
the page; either way the command then ends quietly with its own exit status.

Standard library only, and only `os` and `sys` until a page turns out to be too tall.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from .terminal import is_terminal

if TYPE_CHECKING:
    from typing import IO

DEFAULT = "less -FRX"
# What `less` should do when $PAGER names it without options (git sets the same): quit if the page fits, keep colours, no clearing.
LESS_DEFAULTS = {"LESS": "FRX", "LV": "-c"}
# A $PAGER with any of these is a shell command line ("less | tee"); without them it is a program and its arguments.
SHELL_CHARACTERS = "|&;<>()$`\\*?[#~=%\n"


class PageBuffer:
    """Stands in for stdout while a command runs: writes pass straight through until a page is drawn, which is kept whole."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.drawing = False
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        if not self.drawing:
            return self.stream.write(text)
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        if not self.drawing:
            self.stream.flush()

    def isatty(self) -> bool:
        return is_terminal(self.stream)

    def __getattr__(self, name: str) -> object:  # encoding, errors, fileno …: the terminal's own
        return getattr(self.stream, name)


def note_drawing(out: object) -> None:
    """Called when a page is drawn for a terminal on `out`: from here on, output is kept for the pager to judge."""
    if isinstance(out, PageBuffer):
        out.drawing = True


class paged:  # noqa: N801 - used as a function: `with paged(pager):`
    """Run a command's output through the pager when it is a terminal page taller than the screen (see the module's docstring).

    A class rather than contextlib.contextmanager: every run passes through here, and contextlib costs start-up time.
    """

    def __init__(self, pager: bool = True) -> None:
        self.pager = pager
        self.stream: IO[str] | None = None
        self.buffer: PageBuffer | None = None

    def __enter__(self) -> None:
        self.stream = sys.stdout
        if self.pager and is_terminal(self.stream):
            self.buffer = PageBuffer(self.stream)
            sys.stdout = self.buffer  # type: ignore[assignment]

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self.buffer is None or self.stream is None:
            return
        sys.stdout = self.stream
        text = "".join(self.buffer.parts)
        if text:
            show(text, self.stream, page=kind is None)  # after an error or Ctrl-C, what was drawn prints as it is


def show(text: str, stream: IO[str], page: bool = True) -> None:
    """Write a drawn page: through the pager when it is taller than the screen and one is set and installed."""
    height = screen_height(stream)
    if not page or not height or visual_lines(text, stream) < height:
        stream.write(text)
        stream.flush()
        return
    command = pager_command()
    if command is None:
        write_to_terminal(text, stream)
    else:
        run_pager(command, text, stream)


def pager_command() -> str | None:
    """$HAMHUNG_PAGER, else $PAGER, else `less -FRX`; None when that is empty, `cat`, or a program that is not installed."""
    chosen = os.environ.get("HAMHUNG_PAGER")
    if chosen is None:
        chosen = os.environ.get("PAGER")
    command = DEFAULT if chosen is None else chosen.strip()
    if not command or command == "cat":
        return None
    import shlex
    import shutil

    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):  # unbalanced quotes: not a command that can run
        return None
    return command if shutil.which(program) else None


def screen_height(stream: IO[str]) -> int:
    """Rows on the screen: $LINES (as Rich reads it), else the terminal's; 0 when unknown (a new pseudo-terminal says 0)."""
    lines = os.environ.get("LINES", "")
    if lines.isascii() and lines.isdigit() and int(lines) > 0:
        return int(lines)
    try:
        return os.get_terminal_size(stream.fileno()).lines
    except (AttributeError, ValueError, OSError):
        return 0


def visual_lines(text: str, stream: IO[str]) -> int:
    """Screen lines the text takes: a line wider than the terminal wraps onto the next ones."""
    import re

    from rich.cells import cell_len  # a page was drawn, so Rich is loaded already

    from .terminal import terminal_width

    width = terminal_width()
    if width is None:
        try:
            width = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            width = 80
    width = max(width, 1)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return sum(max(1, -(-cell_len(line) // width)) for line in plain.split("\n")[:-1] or [""])


def _encoded(text: str, stream: IO[str]) -> bytes:
    return text.encode(getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict")


def write_to_terminal(text: str, stream: IO[str]) -> None:
    """A tall page with no pager: to the terminal device itself, as a pager would write it (see the module's docstring)."""
    stream.flush()
    data = _encoded(text, stream)
    descriptor = stream.fileno()
    while data:
        data = data[os.write(descriptor, data) :]


def run_pager(command: str, text: str, stream: IO[str]) -> None:
    """Give the page to the pager on its stdin and wait for it; Ctrl-C is left to the pager, `q` closing early is no error."""
    import shlex
    import signal
    import subprocess

    stream.flush()
    environment = {**LESS_DEFAULTS, **os.environ}
    # Like git: a plain command runs directly, so Ctrl-C reaches the pager itself and not a shell between us.
    shell = any(char in command for char in SHELL_CHARACTERS)
    try:
        process = subprocess.Popen(command if shell else shlex.split(command), shell=shell, stdin=subprocess.PIPE, env=environment)
    except (OSError, ValueError):
        write_to_terminal(text, stream)
        return
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert process.stdin is not None
        try:
            process.stdin.write(_encoded(text, stream))
            process.stdin.close()
        except BrokenPipeError:  # `q` before the pager read the whole page
            pass
        process.wait()
    finally:
        signal.signal(signal.SIGINT, interrupt)
