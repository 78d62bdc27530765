"""The console-script entry point: the common command forms parsed without importing Typer.

Typer (with its vendored Click) costs more to import than the rest of a run. This module parses the plain forms
people type most (`hamhung climate`, `hamhung search vinalon --json`, `hamhung history`, `hamhung what is vinalon`)
from the same declarations (options.py) the Typer app is built from, and calls the same functions in commands.py.
Anything else (--help, --version, completion, an unknown or malformed option, a bad value) goes to the Typer app,
which parses and reports it. The two paths give byte-identical output (tests/test_fast.py checks it).
"""

import os
import sys
from typing import NamedTuple

from . import commands
from .errors import EXIT_INTERRUPTED, EXIT_USAGE
from .options import COMMANDS, OPTIONS, OUTPUT, RESERVED, WORDS, Option, Options


def _flags(names: tuple[str, ...]) -> dict[str, Option]:
    """flag → option, for the options named."""
    return {flag: OPTIONS[name] for name in names for flag in OPTIONS[name].flags}


# The flags accepted before any command word, by each command, and by `hamhung WORDS…`.
_GROUP_FLAGS = _flags(OUTPUT)
_FLAGS = {command: _flags(spec.options) for command, spec in COMMANDS.items()}
_WORDS_FLAGS = _flags(WORDS.options)


class Plan(NamedTuple):
    command: str | None
    arguments: list[str]
    options: Options


def parse(argv: list[str]) -> Plan | None:
    """A Plan for the forms handled here, or None to let Typer handle (and report on) the rest."""
    if any(name.startswith("_HAMHUNG_COMPLETE") for name in os.environ):
        return None
    command: str | None = None
    values: dict[str, object] = {}
    arguments: list[str] = []
    allowed = _GROUP_FLAGS
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
                values[spec.name] = True
                continue
            if not equals:
                if position >= len(argv):
                    return None
                value = argv[position]
                position += 1
            parsed = _value(spec, value)
            if parsed is None:
                return None
            values[spec.name] = parsed
        elif command is None:
            if arg in RESERVED and arg not in COMMANDS:
                return None  # `hamhung help …`: the Typer app's own command
            command = arg
            allowed = _FLAGS.get(arg, _WORDS_FLAGS)
        elif command in COMMANDS and COMMANDS[command].topic is not None and not arguments:
            allowed = _WORDS_FLAGS  # `hamhung population of hamhung`: words after a topic page's command are a search
            arguments.append(arg)
        else:
            arguments.append(arg)
    spec_of_command = COMMANDS.get(command or "")
    extra = spec_of_command is not None and spec_of_command.topic is None and len(arguments) > len(spec_of_command.arguments)
    if extra and not any(a.many for a in spec_of_command.arguments):  # type: ignore[union-attr]
        return None  # an extra argument: Typer's message
    return Plan(command, arguments, Options(**values))  # type: ignore[arg-type]


def _value(spec: Option, value: str) -> object | None:
    """An option's value as the command takes it, or None when Typer should report it."""
    if spec.choices is not None:
        value = value.lower()
        return value if value in spec.choices else None
    if spec.number:
        return int(value) if value.isascii() and value.isdigit() and int(value) >= 1 else None
    return value


def run(plan: Plan) -> int:
    return commands.run(plan.command, plan.arguments, plan.options)


def main() -> None:
    """Console-script entry point: the plain forms here, everything else through the Typer app (cli.py)."""
    from .terminal import degrade_streams

    degrade_streams()
    if commands.stdout_is_closed():
        sys.exit(EXIT_USAGE)
    try:
        plan = parse(sys.argv[1:])
        if plan is None:
            from .cli import main as full_main

            full_main()
            return
        code = run(plan)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    sys.exit(code)
