"""The console-script entry point: the common command forms without importing Typer.

Typer (with its vendored Click) costs more to import than the rest of a run.
This module parses only the plain forms people type most (`hamhung climate`,
`hamhung search vinalon --json`, `hamhung history`, `hamhung fact ID`) and
calls the same functions in commands.py that the Typer commands call. Anything
else — --help, completion, an unknown or malformed option, a bad value, an
unknown command — goes to the full Typer app, which parses and reports it. The
two paths give byte-identical output (tests/test_fast.py checks it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from . import commands

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    from .records import Record


class Opt(Record):
    dest: str
    flag: bool = False
    choices: tuple[str, ...] | None = None


_COMMON = {
    "--facts": Opt("facts"),
    "--format": Opt("format", choices=commands.FORMATS),
    "-f": Opt("format", choices=commands.FORMATS),
    "--json": Opt("json", flag=True),
    "--fields": Opt("fields"),
    "--color": Opt("color", choices=commands.COLORS),
}
_SHOW = {
    **_COMMON,
    "--source": Opt("source"),
    "--table": Opt("source"),
    "--only": Opt("only", choices=commands.ONLY),
    "--sources": Opt("sources", flag=True),
}
_TOPIC = {"--topic": Opt("topic"), "-t": Opt("topic")}
_SEARCH = {**_COMMON, **_TOPIC, "--limit": Opt("limit"), "-n": Opt("limit"), "--explain": Opt("explain", flag=True), "--sources": Opt("sources", flag=True)}
_GROUP = {"--facts": Opt("facts"), "--color": Opt("color", choices=commands.COLORS)}

# command → (its options, fewest positional arguments, most)
_COMMANDS: dict[str, tuple[dict[str, Opt], int, int]] = {
    "topics": (_COMMON, 0, 0),
    "sources": (_COMMON, 0, 0),
    "disputes": ({**_COMMON, **_TOPIC}, 0, 0),
    "climate": (_SHOW, 0, 0),
    "districts": ({k: v for k, v in _SHOW.items() if v.dest != "source"}, 0, 0),
    "show": (_SHOW, 1, 1),
    "fact": (_COMMON, 1, sys.maxsize),
    "search": (_SEARCH, 1, sys.maxsize),
    "check": ({"--facts": Opt("facts")}, 0, 1),
}
# Commands only the Typer app runs: never mistaken here for a store topic of the same name.
_TYPER_ONLY = frozenset({"help"})


class Plan(Record):
    command: str | None
    options: dict[str, object]
    arguments: list[str]


def parse(argv: list[str]) -> Plan | None:
    """A Plan for the forms handled here, or None to let Typer handle (and report on) the rest."""
    if any(name.startswith("_HAMHUNG_COMPLETE") for name in os.environ):
        return None
    command: str | None = None
    options: dict[str, object] = {}
    group: dict[str, object] = {}
    arguments: list[str] = []
    allowed = _GROUP
    position = 0
    while position < len(argv):
        arg = argv[position]
        position += 1
        if arg.startswith("-") and arg != "-":
            name, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            spec = allowed.get(name)
            if spec is None:
                return None  # --help, --version, --, an unknown or clustered option: Typer's job
            if spec.flag:
                if equals:
                    return None
                (options if command else group)[spec.dest] = True
                continue
            if not equals:
                if position >= len(argv):
                    return None
                value = argv[position]
                position += 1
            if spec.choices is not None:
                value = value.lower()
                if value not in spec.choices:
                    return None
            (options if command else group)[spec.dest] = value
        elif command is None:
            if arg in _TYPER_ONLY:
                return None
            command = arg
            found = _COMMANDS.get(arg)
            allowed = found[0] if found else _SHOW
        else:
            arguments.append(arg)
    if command is not None and command not in _COMMANDS:
        # `hamhung TOPIC`: a topic of the store, or else Typer's "did you mean".
        arguments = [command, *arguments]
        command = "topic"
        if len(arguments) != 1:
            return None
    elif command is not None:
        _, fewest, most = _COMMANDS[command]
        if not fewest <= len(arguments) <= most:
            return None
    elif arguments:
        return None
    if "limit" in options:
        limit = str(options["limit"])
        if not (limit.isascii() and limit.isdigit()) or int(limit) < 1:
            return None
    for name in ("facts", "color"):
        options.setdefault(name, group.get(name))
    if command == "check" and arguments:
        options["facts"] = arguments[0]
    return Plan(command, options, arguments)


def _topic_exists(name: str, facts: object) -> bool:
    from .errors import HamhungError
    from .session import Session
    from .views import find_topic

    try:
        return find_topic(Session(facts if isinstance(facts, str) else None).store, name) is not None
    except HamhungError:
        return False


def run(plan: Plan) -> int | None:
    """Carry out a plan; None when it turns out to need the full app (an unknown topic)."""
    o = plan.options
    facts = o.get("facts")
    fmt, as_json, fields, color = o.get("format"), bool(o.get("json")), o.get("fields"), o.get("color")
    common = (facts, fmt, as_json, fields, color)
    calls: dict[str | None, Callable[[], int]] = {
        None: lambda: commands.overview(facts, color),  # type: ignore[arg-type]
        "topics": lambda: commands.topics(*common),  # type: ignore[arg-type]
        "sources": lambda: commands.sources(*common),  # type: ignore[arg-type]
        "disputes": lambda: commands.disputes(*common, o.get("topic")),  # type: ignore[arg-type]
        "climate": lambda: commands.show("climate", *common, o.get("source"), o.get("only"), bool(o.get("sources"))),  # type: ignore[arg-type]
        "districts": lambda: commands.show("districts", *common, None, o.get("only"), bool(o.get("sources"))),  # type: ignore[arg-type]
        "show": lambda: commands.show(plan.arguments[0], *common, o.get("source"), o.get("only"), bool(o.get("sources"))),  # type: ignore[arg-type]
        "fact": lambda: commands.fact(plan.arguments, *common),  # type: ignore[arg-type]
        "search": lambda: commands.search(
            plan.arguments,
            *common,
            int(str(o.get("limit", 10))),
            o.get("topic"),
            bool(o.get("explain")),
            bool(o.get("sources")),  # type: ignore[arg-type]
        ),
        "check": lambda: commands.check(facts),  # type: ignore[arg-type]
    }
    if plan.command == "topic":  # `hamhung TOPIC` is `hamhung show TOPIC` once the topic is known to exist
        return calls["show"]() if _topic_exists(plan.arguments[0], facts) else None
    return calls[plan.command]()


# --------------------------------------------------------------------------- --help, replayed

_HELP_FLAGS = ("--help", "-h")
# What can change what --help looks like besides the words typed: terminal, colour and shell settings.
_HELP_ENV = ("COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "HAMHUNG_COLOR", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING")
_HELP_ENV_PREFIXES = ("TYPER", "_TYPER", "RICH", "CLICK", "TTY_", "JUPYTER", "VSCODE", "GITHUB_ACTIONS", "CI")


def _help_key(argv: list[str]) -> str | None:
    """A key for `hamhung --help` / `hamhung COMMAND --help` in this terminal and environment, else None.

    The help is drawn by Typer (and Rich on a terminal), which costs more to import than anything else
    the tool does. Its output depends only on the words, the terminal and the environment, so once drawn
    it is kept in the cache and replayed byte for byte (tests/test_fast.py checks the replay).
    """
    if not ((len(argv) == 1 and argv[0] in _HELP_FLAGS) or (len(argv) == 2 and argv[0] in _COMMANDS and argv[1] in _HELP_FLAGS)):
        return None
    if any(name.startswith("_HAMHUNG_COMPLETE") for name in os.environ):
        return None
    from . import __version__
    from .cache import content_digest

    stream = sys.stdout
    try:
        tty = stream.isatty()
        size = tuple(os.get_terminal_size(stream.fileno())) if tty else None
    except (OSError, ValueError, AttributeError):
        return None  # an unusual stdout: let Typer handle it, uncached
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        code = [os.stat(os.path.join(here, name)).st_mtime_ns for name in ("cli.py", "fast.py", "__init__.py")]
    except OSError:
        return None
    env = sorted((k, v) for k, v in os.environ.items() if k in _HELP_ENV or k.startswith(_HELP_ENV_PREFIXES))
    parts = (argv, tty, size, getattr(stream, "encoding", None), env, __version__, code, sys.version_info[:2])
    return content_digest(repr(parts).encode("utf-8", "surrogateescape"))


class _Recorder:
    """Passes writes to the real stdout and keeps a copy, so the help Typer draws can be cached."""

    def __init__(self, stream: object) -> None:
        self._stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        written: int = self._stream.write(text)  # type: ignore[attr-defined]  # first: Click probes with bytes, which must fail
        self.parts.append(text)
        return written

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _help(argv: list[str]) -> None:
    """Replay cached help, or draw it with Typer and cache it; exits like Typer does."""
    from . import cache

    key = _help_key(argv)
    if key is not None:
        cached = cache.read_blob(key, "help")
        if cached is not None:
            sys.stdout.write(cached.decode("utf-8", "surrogateescape"))
            sys.stdout.flush()
            sys.exit(0)
    from .cli import main as full_main

    recorder = _Recorder(sys.stdout)
    sys.stdout = recorder  # type: ignore[assignment]
    try:
        full_main()
    except SystemExit as done:
        if key is not None and not done.code and recorder.parts:
            cache.write_blob(key, "help", "".join(recorder.parts).encode("utf-8", "surrogateescape"))
        raise
    finally:
        sys.stdout = recorder._stream  # type: ignore[assignment]


def main() -> None:
    """Console-script entry point."""
    from .terminal import degrade_streams

    degrade_streams()
    if commands.stdout_is_closed():
        sys.exit(commands.EXIT_USAGE)
    try:
        argv = sys.argv[1:]
        if argv and argv[-1] in _HELP_FLAGS:
            _help(argv)
            return
        plan = parse(argv)
        code = run(plan) if plan is not None else None
        if code is None:
            from .cli import main as full_main

            full_main()
            return
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
