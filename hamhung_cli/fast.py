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
from typing import NamedTuple

from . import commands
from .errors import EXIT_INTERRUPTED, EXIT_USAGE


class Opt(NamedTuple):
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


class Plan(NamedTuple):
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


def main() -> None:
    """Console-script entry point: the plain forms here, everything else through the Typer app (cli.py)."""
    from .terminal import degrade_streams

    degrade_streams()
    if commands.stdout_is_closed():
        sys.exit(EXIT_USAGE)
    try:
        plan = parse(sys.argv[1:])
        code = None if plan is None else run(plan)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    if code is None:
        from .cli import main as full_main

        full_main()
        return
    sys.exit(code)
