"""The Typer app: --help, completion, the man page and every form the fast path leaves to it.

Each command's parameters are made from the declarations in options.py (which fast.py parses with too), and each
command hands one Options value to commands.run, which does the work.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__, commands
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, HamhungError
from .options import COMMANDS, OPTIONS, OUTPUT, WORDS, Argument, Command, Option, Options
from .session import Session
from .store import Store
from .terminal import drop_bad_size_variables

# --------------------------------------------------------------------------- completion


def complete_topic(ctx: typer.Context, incomplete: str) -> list[str]:
    return _starting_with(ctx, incomplete, lambda store: store.topics)


def complete_id(ctx: typer.Context, incomplete: str) -> list[str]:
    return _starting_with(ctx, incomplete, lambda store: [*store.facts, *store.tables, *(f"{t.id}.{r.id}" for t in store.tables.values() for r in t.rows)])


def _starting_with(ctx: typer.Context, incomplete: str, names: Callable[[Store], Iterable[str]]) -> list[str]:
    """The names in the store the command line reads (none when it cannot be read) that start with what was typed."""
    try:
        store = Session(_inherited(ctx, "facts")).store
    except HamhungError:
        return []
    return [name for name in names(store) if name.startswith(incomplete.casefold())]


# What completes each argument or option, by name.
_COMPLETION: dict[str, Callable[[typer.Context, str], list[str]]] = {"topic": complete_topic, "ids": complete_id}


# --------------------------------------------------------------------------- parameters from the declarations


# Each option with choices as the enum Typer wants, made once: commands share them.
_CHOICES = {o.name: StrEnum(o.name.title().replace("_", ""), {c: c for c in o.choices}) for o in OPTIONS.values() if o.choices}


def _option_parameter(option: Option) -> inspect.Parameter:
    default: Any = False if option.flag else None
    kind: Any = bool if option.flag else int | None if option.number else _CHOICES[option.name] | None if option.choices else str | None
    info = typer.Option(
        *option.flags,
        help=option.help,
        metavar=option.metavar,
        case_sensitive=False,
        show_default=False,
        autocompletion=_COMPLETION.get(option.name),
        min=1 if option.number else None,
    )
    return inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind, info])


def _argument_parameter(argument: Argument) -> inspect.Parameter:
    info = typer.Argument(metavar=argument.metavar, help=argument.help, show_default=False, autocompletion=_COMPLETION.get(argument.name))
    kind: Any = list[str] if argument.many else str
    default = inspect.Parameter.empty if argument.required else None
    return inspect.Parameter(argument.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=Annotated[kind | None, info])


class HamhungCommand(TyperCommand):
    """A command run without its argument says what it does and shows examples (commands.missing_argument)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as error:
            if error.param is not None and error.param.param_type_name == "argument" and self.name in COMMANDS:
                ctx.exit(commands.missing_argument(COMMANDS[self.name]))
            raise


_PARAMETERS = {name: _option_parameter(option) for name, option in OPTIONS.items()}  # shared: Typer copies what it changes


def _signature(options: tuple[str, ...], arguments: tuple[Argument, ...] = (), *extra: inspect.Parameter) -> inspect.Signature:
    context = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    return inspect.Signature([context, *map(_argument_parameter, arguments), *(_PARAMETERS[name] for name in options), *extra])


def _inherited(ctx: typer.Context | None, name: str) -> Any:
    """This command's option, else the same option given before the command word (`hamhung --json topics`)."""
    value = None
    while value in (None, False) and ctx is not None:
        value = ctx.params.get(name, value)
        ctx = ctx.parent
    return value


def _options(ctx: typer.Context) -> Options:
    given = {name: _inherited(ctx, name) for name in Options._fields}
    return Options(**{name: value for name, value in given.items() if value is not None})


def _command_function(spec: Command) -> Callable[..., None]:
    def command(ctx: typer.Context, **values: Any) -> None:
        arguments: list[str] = []
        for argument in spec.arguments:
            value = values.get(argument.name)
            if argument.many:
                arguments += value or []
            elif value is not None:
                arguments.append(value)
        ctx.exit(commands.run(spec.name, arguments, _options(ctx)))

    command.__signature__ = _signature(spec.options, spec.arguments)  # type: ignore[attr-defined]
    command.__name__ = spec.name
    return command


# --------------------------------------------------------------------------- the group

_TAKES_A_VALUE = frozenset(flag for option in OPTIONS.values() if not option.flag for flag in option.flags)


def _words_after_a_topic_page(args: list[str]) -> bool:
    """`hamhung population of hamhung`: a topic page's command followed by words, which are a search."""
    spec = COMMANDS.get(args[0])
    if spec is None or spec.topic is None:
        return False
    after_option = False
    for arg in args[1:]:
        if arg == "--" or not (after_option or arg.startswith("-")):
            return True
        after_option = arg in _TAKES_A_VALUE
    return False


class HamhungGroup(TyperGroup):
    """The declared commands; any other first word is a topic page or a search (commands.words)."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if args and not name.startswith("-") and (name not in self.commands or _words_after_a_topic_page(args)):
            return "search", self.commands[WORDS.name], args
        return super().resolve_command(ctx, args)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Commands first, then the options (Click's default is the other way round)."""
        self.format_commands(ctx, formatter)
        records = [record for param in self.get_params(ctx) if (record := param.get_help_record(ctx))]
        if records:
            with formatter.section("Options"):
                formatter.write_dl(records)


app = typer.Typer(
    cls=HamhungGroup,
    name="hamhung",
    help=(
        "Answers about Hamhŭng (함흥), North Korea's second city, from a curated fact store in which every fact names its source.\n\n"
        "Run it alone for an overview. 'hamhung TOPIC' shows any topic (climate, districts, history, …; see 'hamhung topics'), "
        "and 'hamhung QUESTION…' searches when the first word is neither a command nor a topic.\n\n"
        "Examples:\n\n"
        "  hamhung climate\n\n"
        "  hamhung what is vinalon\n\n"
        "  hamhung search \"sister city\" --json | jq '.[0].text'\n\n"
        "  hamhung districts --format csv > districts.csv\n\n"
        "Exit status: 0 found, 1 nothing found, 2 usage or data error, 130 interrupted."
    ),
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hamhung {__version__}")
        raise typer.Exit()


def overview(
    ctx: typer.Context,
    *,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
    **values: Any,
) -> None:
    """Overview of the city, its topics and example commands."""
    if ctx.invoked_subcommand is None:
        ctx.exit(commands.run(None, [], _options(ctx)))


overview.__signature__ = _signature(OUTPUT, (), inspect.signature(overview, eval_str=True).parameters["version"])  # type: ignore[attr-defined]
app.callback()(overview)

for _spec in COMMANDS.values():
    app.command(_spec.name, help=_spec.help, cls=HamhungCommand)(_command_function(_spec))
# `hamhung WORDS…`, never listed: a topic page, a typo of a command or topic, or a search.
app.command(WORDS.name, hidden=True)(_command_function(WORDS))


@app.command("help")
def help_(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Argument(metavar="[TOPIC]", help="A help topic, or a command name.", show_default=False)] = None,
) -> None:
    """Reference topics: formats, exit-codes, store, romanization, environment.

    Without a topic, lists them. 'hamhung help COMMAND' is 'hamhung COMMAND --help'.

    Example:

      hamhung help store
    """
    command = ctx.parent.command.get_command(ctx, topic) if ctx.parent is not None and topic else None  # type: ignore[attr-defined]
    if command is not None and not command.hidden:
        typer.echo(command.get_help(ctx.__class__(command, info_name=topic, parent=ctx.parent)))
        return

    def reference() -> None:
        from .helptopics import text

        sys.stdout.write(text(topic))

    ctx.exit(commands.guarded(reference))


# What Typer's --install-completion may write, for each shell: it names only the completion script, not the
# start-up file it edits, so hamhung says which of these changed.
_SHELL_FILES = (
    "~/.bashrc",
    "~/.bash_completions/hamhung.sh",
    "~/.zshrc",
    "~/.zfunc/_hamhung",
    "~/.config/fish/completions/hamhung.fish",
    "~/.config/powershell/Microsoft.PowerShell_profile.ps1",
)


def _shell_files() -> dict[str, tuple[int, int] | None]:
    """Each file's modification time and size, None when it does not exist."""
    found: dict[str, tuple[int, int] | None] = dict.fromkeys(map(os.path.expanduser, _SHELL_FILES))
    for path in found:
        try:
            info = os.stat(path)
            found[path] = (info.st_mtime_ns, info.st_size)
        except OSError:
            pass
    return found


def main() -> None:
    """Run the Typer app: fast.main, the console-script entry point, leaves to it the forms it does not parse."""
    drop_bad_size_variables()
    watched = _shell_files() if "--install-completion" in sys.argv else None
    try:
        app(prog_name="hamhung")
    except SystemExit:
        if watched is not None:
            changed = [path for path, stamp in _shell_files().items() if stamp != watched[path]]
            if changed:
                commands.say(f"hamhung: changed {', '.join(changed)}; remove the 'hamhung' lines there to undo")
        raise
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except OSError as error:  # Typer's own output (--help, --version) to a full disk; the commands report theirs in guarded()
        if error.filename is not None:  # not output: a file (--install-completion writes a shell's rc file)
            commands.say(f"hamhung: error: {error.filename}: {error.strerror or error}")
            sys.exit(EXIT_USAGE)
        sys.exit(commands.write_failed(error))
    except Exception as error:  # noqa: BLE001 - a bug in parsing: one line, not a traceback
        sys.exit(commands.internal_error(error))
