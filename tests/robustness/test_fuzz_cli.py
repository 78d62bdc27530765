"""Property tests: whatever argv or query a user types, no uncaught exception and a documented exit code.

CI-sized (bounded examples; the profiles are in conftest.py). For a longer run: HYPOTHESIS_PROFILE=long python -m pytest tests/robustness
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from hamhung_cli import commands, fast
from hamhung_cli.cli import app

MINI = Path(__file__).parent.parent / "data" / "mini.toml"
COMMANDS = ["", "topics", "climate", "districts", "show", "fact", "search", "sources", "disputes", "check", "history", "weather", "population", "nosuch"]
OPTIONS = [
    "--json",
    "--format",
    "-f",
    "--fields",
    "--color",
    "--limit",
    "-n",
    "--topic",
    "-t",
    "--source",
    "--only",
    "--explain",
    "--sources",
    "--chart",
    "--units",
    "--",
]
OPTIONS += ["--romanization"]
VALUES = [
    "json",
    "csv",
    "table",
    "plain",
    "tsv",
    "jsonl",
    "markdown",
    "yaml",
    "always",
    "never",
    "auto",
    "0",
    "-1",
    "5",
    "99999999999",
    "id,text",
    "help",
    "facts",
    "both",
    "metric",
    "imperial",
    "kma",
    "rr",
    "hangul",
    "",
]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=6)
WORD = st.one_of(st.sampled_from(["vinalon", "Hamhŭng", "humidity", "august", "함흥", "ch'ŏngch'ŏn", "[bold]", "\x1b[31m", "\u202e", "e\u0301"]), TEXT, HANGUL)


def with_store(argv: list[str]) -> list[str]:
    return [*argv, "--facts", str(MINI)] if argv and argv[0] != "check" else argv or ["--facts", str(MINI)]


def invoke(argv: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, with_store(argv))


def via_fast_path(argv: list[str]) -> tuple[int, str, str] | None:
    plan = fast.parse(with_store(argv))
    if plan is None:
        return None
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = commands.run(*plan)
    return None if code is None else (code, out.getvalue(), err.getvalue())


@given(
    command=st.sampled_from(COMMANDS),
    rest=st.lists(st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES), WORD), max_size=6),
)
def test_any_argv_ends_with_a_documented_exit_code(command: str, rest: list[str]) -> None:
    argv = [command, *rest] if command else rest
    result = invoke(argv)
    assert result.exit_code in (0, 1, 2), (argv, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (argv, repr(result.exception))
    fast_result = via_fast_path(argv)
    if fast_result is not None:  # the fast path took it: it must say exactly what Typer says
        assert fast_result == (result.exit_code, result.stdout, result.stderr), argv


@given(words=st.lists(WORD, min_size=1, max_size=5))
def test_any_query_gives_parseable_json_or_nothing_found(words: list[str]) -> None:
    result = invoke(["search", "--json", "--", *words])
    assert result.exit_code in (0, 1, 2), (words, result.output, result.exception)
    if result.exit_code == 0:
        records = json.loads(result.stdout)
        assert records and all(r["id"] and r["topic"] for r in records)
    else:
        assert result.stdout == ""
