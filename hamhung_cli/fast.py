"""The console-script entry point: the common command forms parsed without importing Typer.

Typer costs more to import than the rest of a run. This parses from the declarations the Typer app is built from
(options.py) and runs commands.run as the app does; anything else (--help, completion, a malformed option or value)
goes to the app, which reports it. tests/test_fast.py checks that the two paths print the same bytes.
"""

import os
import sys
from typing import NamedTuple

from . import commands
from .errors import EXIT_INTERRUPTED, EXIT_USAGE
from .options import COMMANDS, OPTIONS, OUTPUT, RESERVED, WORDS, Command, Option, Options


def _flags(names: tuple[str, ...]) -> dict[str, Option]:
    """flag → option, for the options named."""
    return {flag: OPTIONS[name] for name in names for flag in OPTIONS[name].flags}


# The flags accepted before any command word (None), and after each command word or `hamhung WORDS…`.
_FLAGS = {None: _flags(OUTPUT)} | {command.name: _flags(command.options) for command in (*COMMANDS.values(), WORDS)}


class Plan(NamedTuple):
    command: str | None
    arguments: list[str]
    options: Options


def parse(argv: list[str]) -> Plan | None:
    """A Plan for the forms handled here, or None to let Typer handle (and report on) the rest."""
    if any(name.startswith("_HAMHUNG_COMPLETE") for name in os.environ):
        return None
    command: Command | None = None
    values: dict[str, object] = {}
    arguments: list[str] = []
    words = iter(argv)
    for arg in words:
        if arg.startswith("-") and arg != "-":
            name, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            spec = _FLAGS[command.name if command else None].get(name)
            if spec is None:
                return None  # --help, --version, --, an unknown or clustered option: Typer's job
            if spec.flag:
                parsed: object | None = None if equals else True
            else:
                parsed = _value(spec, value if equals else next(words, None))
            if parsed is None:
                return None  # `--json=yes`, a missing or bad value: Typer's message
            values[spec.name] = parsed
        elif command is None and arg in RESERVED and arg not in COMMANDS:
            return None  # `hamhung help …`: the Typer app's own command
        elif command is None:
            command = COMMANDS.get(arg, WORDS)  # any other word starts `hamhung WORDS…`
            if command is WORDS:
                arguments.append(arg)
        else:
            if command.topic is not None:  # `hamhung population of hamhung`: words after a topic page's command are a search
                command, arguments = WORDS, [command.name]
            arguments.append(arg)
    if command is not None and len(arguments) > len(command.arguments) and not any(a.many for a in command.arguments):
        return None  # an extra argument: Typer's message
    return Plan(command.name if command else None, arguments, Options(**values))  # type: ignore[arg-type]


def _value(spec: Option, value: str | None) -> object | None:
    """An option's value as the command takes it, or None when Typer should report it (or decide, as with a value that
    looks like an option: `--source --facts …`)."""
    if value is None or (value.startswith("-") and value != "-"):
        return None
    if spec.choices is not None:
        value = value.lower()
        return value if value in spec.choices else None
    if spec.number:
        return int(value) if value.isascii() and value.isdigit() and int(value) >= 1 else None
    return value


def main() -> None:
    """Console-script entry point: the plain forms here, everything else through the Typer app (cli.py)."""
    from .terminal import degrade_streams

    degrade_streams()
    if sys.stdout is None:  # started with stdout closed (`hamhung >&-`): say so before doing anything
        commands.say("hamhung: error: cannot write output: standard output is closed")
        sys.exit(EXIT_USAGE)
    try:
        plan = parse(sys.argv[1:])
        if plan is None:
            from .cli import main as full_main

            full_main()
            return
        code = commands.run(*plan)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    sys.exit(code)
