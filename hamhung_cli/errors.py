"""One exception family, so the CLI maps every failure to one line and one exit code."""

from typing import NamedTuple

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Problem(NamedTuple):
    """One thing wrong with a fact store, with where it is."""

    path: str
    line: int | None
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = (self.path, self.line, self.column)  # a column is only ever given with its line
        return ":".join(str(part) for part in where if part is not None) + f": {self.message}"


class HamhungError(Exception):
    """Base class: every error the tool reports to a user, with the names it may have meant and where to look instead."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, suggestions: list[str] | None = None, hints: list[str] | None = None) -> None:
        self.suggestions = suggestions or []
        self.hints = hints or []
        super().__init__(message)


class StoreError(HamhungError):
    """A fact store that cannot be read or does not validate."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s); run 'hamhung check')" if len(problems) > 1 else ""
        super().__init__(str(problems[0]) + more)


class UsageError(HamhungError):
    """A request the tool cannot carry out as given (unknown topic, bad option value)."""


class NotFound(HamhungError):
    """Nothing relevant was found: exit 1, the reason and hints on stderr."""

    exit_code = EXIT_NOT_FOUND
