"""Output drawn once and then replayed byte for byte: `--help` and the store's pages.

Drawing a page with Rich (or the help with Typer) costs more than everything else a run does:
importing Rich alone is about five times `python -c pass`. What is drawn depends only on the words
typed, the store's content, the terminal, a few environment variables and the code that draws it.
So a run records what it writes, and the cache keeps it under a key made of all of those. A later
run with the same key writes the recorded text back and imports neither Rich nor Typer.

A recording is kept only when it is whole: the command succeeded, wrote nothing to stderr and
every write reached stdout (a `| head -1` that closed the pipe leaves nothing behind). Entries
are checked like every cache entry (cache.py) and pruned to the most recently used.
"""

from __future__ import annotations

import os
import sys

from . import cache

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from collections.abc import Callable

# Environment that can change what is drawn: ours, Rich's, Typer's and Click's, and the locale's.
# tests/test_replay.py checks that every variable our code and Rich read is covered.
_ENV_NAMES = frozenset(
    {"COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "PY_COLORS", "TERMINAL_WIDTH", "UNICODE_VERSION", "SHELL"}
    | {"LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "DATABRICKS_RUNTIME_VERSION"}
)
_ENV_PREFIXES = ("HAMHUNG", "PYTHON", "TYPER", "_TYPER", "RICH", "CLICK", "TTY_", "JUPYTER", "VSCODE", "GITHUB_ACTIONS", "CI")
# Libraries whose code draws output: an upgrade must not replay what the old version drew.
_LIBRARIES = ("rich", "typer", "click")
# The largest output kept (a page of a very large store is drawn again instead); how many are kept: cache.KEEP_ENTRIES.
MAX_BYTES = 16 * 1024 * 1024


def affects_output(name: str) -> bool:
    """Whether an environment variable is part of the replay key."""
    return name in _ENV_NAMES or name.startswith(_ENV_PREFIXES)


def key(words: list[str], *context: object) -> str | None:
    """The replay key for these words in this terminal, environment and installation; None if stdout is unusual."""
    from . import __version__

    stream = sys.stdout
    try:
        tty = stream.isatty()
        encoding = stream.encoding
    except (AttributeError, ValueError, OSError):
        return None
    code = _code_stamp()
    if code is None:
        return None
    env = sorted((k, v) for k, v in os.environ.items() if affects_output(k))
    parts = (words, context, tty, _terminal_size(), encoding, env, __version__, code, sys.version_info[:2])
    return cache.content_digest(repr(parts).encode("utf-8", "surrogateescape"))


def _terminal_size() -> tuple[int, int] | None:
    """The size Rich would find: that of the first of stdin, stdout and stderr that is a terminal."""
    for descriptor in (0, 1, 2):
        try:
            return tuple(os.get_terminal_size(descriptor))  # type: ignore[return-value]
        except (OSError, ValueError):
            continue
    return None


def _code_stamp() -> list[tuple[str, int, int]] | None:
    """Name, modification time and size of each of our modules and of the drawing libraries' entry files."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        with os.scandir(here) as entries:
            stamp = [(entry.name, entry.stat().st_mtime_ns, entry.stat().st_size) for entry in entries if entry.name.endswith(".py")]
    except OSError:
        return None
    stamp.sort()
    for library in _LIBRARIES:
        for directory in sys.path:
            try:
                info = os.stat(os.path.join(directory or ".", library, "__init__.py"))
            except OSError:
                continue
            stamp.append((library, info.st_mtime_ns, info.st_ino))
            break
    return stamp


def replay(entry: str, kind: str) -> bool:
    """Write a recorded output to stdout; False when there is none (or it is damaged)."""
    payload = cache.read_blob(entry, kind)
    if payload is None:
        return False
    sys.stdout.write(payload.decode("utf-8", "surrogateescape"))
    sys.stdout.flush()
    cache.touch(entry, kind)
    return True


class Recorder:
    """Passes writes to a real stream and keeps a copy; notes any write or flush that failed."""

    def __init__(self, stream: object) -> None:
        self.stream = stream
        self.parts: list[str] = []
        self.failed = False

    def write(self, text: str) -> int:
        try:
            written: int = self.stream.write(text)  # type: ignore[attr-defined]
        except TypeError:
            raise  # Click probes with bytes, which a text stream refuses: not a failed write
        except BaseException:
            self.failed = True
            raise
        self.parts.append(text)
        return written

    def flush(self) -> None:
        try:
            self.stream.flush()  # type: ignore[attr-defined]
        except BaseException:
            self.failed = True
            raise

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def recorded(entry: str, kind: str, run: Callable[[], int | None], keep: Callable[[], bool] = lambda: True) -> int | None:
    """Run with stdout and stderr recorded; keep stdout under `entry` if the run succeeded quietly and `keep()` agrees.

    `run` may return an exit code or raise SystemExit (Typer does); either way the result is passed on.
    """
    out, err = Recorder(sys.stdout), Recorder(sys.stderr)
    sys.stdout, sys.stderr = out, err  # type: ignore[assignment]
    code: int | None = None
    try:
        code = run()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        raise
    finally:
        sys.stdout, sys.stderr = out.stream, err.stream  # type: ignore[assignment]
        if code == 0 and out.parts and not err.parts and not out.failed and not err.failed and keep():
            payload = "".join(out.parts).encode("utf-8", "surrogateescape")
            if len(payload) <= MAX_BYTES:
                cache.write_blob(entry, kind, payload)
    return code
