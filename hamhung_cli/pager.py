"""A pager for pages taller than the terminal, as git and gh do it (which pager: pager_command).

Only a page drawn for reading (through render.make_console) on a terminal is paged: never in a pipe, in another
format, with --no-pager (commands.guarded then never enters `paged`) or when the pager is not installed.
While the pager runs, Ctrl-C belongs to it and `q` ends the page quietly. Standard library only, and only
`os` and `sys` until a page turns out to be too tall.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import IO

DEFAULT = "less -FRX"
# What `less` should do when $PAGER names it without options (git sets the same): quit if the page fits, keep colours, no clearing.
LESS_DEFAULTS = {"LESS": "FRX", "LV": "-c"}
# A $PAGER with any of these is a shell command line ("less | tee"); without them it is a program and its arguments.
SHELL_CHARACTERS = "|&;<>()$`\\*?[#~=%\n"


class paged:  # noqa: N801 - used as a function: `with paged():`
    """Stands in for stdout on a terminal while a command runs: writes pass straight through until a page is drawn,
    which is kept whole and shown when the command ends.

    A class rather than contextlib.contextmanager: every run on a terminal passes through here, and contextlib costs start-up time.
    """

    def __init__(self) -> None:
        self.stream = sys.stdout
        self.drawing = False
        self.parts: list[str] = []

    def __enter__(self) -> None:
        sys.stdout = self  # type: ignore[assignment]

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        """Show the drawn page: through the pager when it is taller than the screen and one is set and installed;
        after an error or Ctrl-C, as it is."""
        sys.stdout = stream = self.stream
        text = "".join(self.parts)
        if not text:
            return
        height = screen_height(stream)
        if kind is None and height and visual_lines(text, stream) >= height:
            command = pager_command()
            if command is not None and run_pager(command, text, stream):
                return
        stream.write(text)
        stream.flush()

    def write(self, text: str) -> int:
        if not self.drawing:
            return self.stream.write(text)
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        if not self.drawing:
            self.stream.flush()

    def __getattr__(self, name: str) -> object:  # encoding, errors, fileno, isatty …: the terminal's own
        return getattr(self.stream, name)


def note_drawing(out: object) -> None:
    """Called when a page is drawn for a terminal on `out`: from here on, output is kept for the pager to judge."""
    if isinstance(out, paged):
        out.drawing = True


def pager_command() -> str | None:
    """$HAMHUNG_PAGER, else $PAGER, else `less -FRX`; None when that is empty, `cat`, or a program that is not installed."""
    command = os.environ.get("HAMHUNG_PAGER", os.environ.get("PAGER", DEFAULT)).strip()
    if not command or command == "cat":
        return None
    import shlex
    import shutil

    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):  # unbalanced quotes: not a command that can run
        return None
    return command if shutil.which(program) else None


def _terminal_size(stream: IO[str]) -> os.terminal_size | None:
    try:
        return os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return None


def screen_height(stream: IO[str]) -> int:
    """Rows on the screen: $LINES (as Rich reads it), else the terminal's; 0 when unknown (a new pseudo-terminal says 0)."""
    lines = os.environ.get("LINES", "")
    if lines.isascii() and lines.isdigit() and int(lines) > 0:
        return int(lines)
    size = _terminal_size(stream)
    return size.lines if size else 0


def visual_lines(text: str, stream: IO[str]) -> int:
    """Screen lines the text takes: a line wider than the terminal wraps onto the next ones."""
    import re

    from rich.cells import cell_len  # a page was drawn, so Rich is loaded already

    from .terminal import terminal_width

    size = _terminal_size(stream)
    width = max(terminal_width() or (size.columns if size else 80), 1)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return sum(max(1, -(-cell_len(line) // width)) for line in plain.split("\n")[:-1] or [""])


def run_pager(command: str, text: str, stream: IO[str]) -> bool:
    """Give the page to the pager on its stdin and wait for it (False when it cannot start); Ctrl-C is left to the pager, `q` closing early is no error."""
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
        return False
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert process.stdin is not None
        try:
            process.stdin.write(text.encode(getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"))
            process.stdin.close()
        except BrokenPipeError:  # `q` before the pager read the whole page
            pass
        process.wait()
    finally:
        signal.signal(signal.SIGINT, interrupt)
    return True
