"""The fast entry path (no Typer) against the full Typer app: same bytes, same exit codes, fewer imports."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli import commands, fast
from hamhung_cli.cli import app

from .conftest import clean_env

FORMS = [
    [],
    ["climate"],
    ["climate", "--json"],
    ["climate", "--source", "both", "-f", "csv"],
    ["climate", "--format", "TABLE"],
    ["climate", "--only", "facts", "--sources"],
    ["districts", "--format", "markdown"],
    ["history"],
    ["weather", "--json"],
    ["show", "economy", "--fields", "id,text"],
    ["topics", "--format=tsv"],
    ["sources", "--json"],
    ["disputes", "-t", "climate"],
    ["fact", "economy.vinalon", "climate-kma.humidity.aug"],
    ["fact", "economy.vinalom"],
    ["search", "vinalon"],
    ["search", "relative", "humidity", "august", "--json", "--explain"],
    ["search", "vinalon", "-n", "2", "--sources", "--color", "always", "-f", "table"],
    ["search", "Eiffel", "Tower"],
    ["search", "humidity", "--topic", "nowhere"],
    ["--color", "never", "topics", "-f", "table"],
    ["check"],
    ["search"],
    ["climate", "extra", "words"],
    ["population", "of", "hamhung", "--json"],
    ["nosuchthing"],
    ["vinalon", "-n", "1"],
    ["climat"],
    ["--json", "topics"],
    ["--no-color", "--plain", "sources"],
]


def via_fast(argv: list[str]) -> tuple[int, str, str] | None:
    plan = fast.parse(argv)
    if plan is None:
        return None
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = commands.run(*plan)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", FORMS, ids=lambda a: " ".join(a) or "(overview)")
def test_fast_and_full_paths_print_the_same_bytes(argv: list[str], mini: Path) -> None:
    argv = [*argv, "--facts", str(mini)] if argv else ["--facts", str(mini)]
    fast_result = via_fast(argv)
    assert fast_result is not None, f"{argv} should take the fast path"
    full = CliRunner().invoke(app, argv)
    assert (fast_result[0], fast_result[1], fast_result[2]) == (full.exit_code, full.stdout, full.stderr)


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["climate", "--help"],
        ["--version"],
        ["search", "x", "--limit", "0"],
        ["search", "x", "--limit", "many"],
        ["climate", "--format", "yaml"],
        ["climate", "--bogus"],
        ["-fjson", "topics"],
        ["topics", "--json=yes"],
        ["search", "--", "-3.4"],
        ["help", "formats"],
        ["climate", "--source", "--facts", "store.toml"],  # a value that looks like an option: Typer decides what it is
    ],
)
def test_unusual_forms_go_to_typer(argv: list[str]) -> None:
    assert fast.parse(argv) is None


@pytest.mark.parametrize(
    ("argv", "imported", "first_line"),
    [
        (["climate"], [], "climate-kma\tmean-max\t"),  # data into a pipe: no CLI framework, no Rich, no fuzzy matching
        # Typos are matched in plain Python while the nearby vocabulary is short (fuzzy.py): no rapidfuzz on the bundled store.
        (["search", "hamhng"], [], "100\toverview\t"),
        (["search", "vinalon"], [], "100\teconomy\t"),
    ],
)
def test_a_pipe_imports_only_what_the_command_needs(argv: list[str], imported: list[str], first_line: str) -> None:
    probe = (
        f"import sys; sys.argv = ['hamhung', *{argv!r}]\n"
        "from hamhung_cli.fast import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('typer', 'click', 'rich', 'rapidfuzz') if m in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=clean_env(), timeout=60)
    assert result.stderr.strip().splitlines()[-1] == repr(imported), result.stderr
    assert result.stdout.startswith(first_line)


def test_a_piped_page_imports_neither_rich_nor_typer(tmp_path: Path) -> None:
    """`hamhung climate | …` is served by the fast path: no Typer, no Rich; warm, it reads the cache, not the TOML."""
    heavy = ("typer", "click", "rich", "rapidfuzz", "tomllib")
    probe = (
        "import sys; sys.argv = ['hamhung', 'climate']\n"
        "from hamhung_cli.fast import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)"
    )
    env = clean_env(HAMHUNG_CACHE_DIR=str(tmp_path / "cache"))
    cold = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert cold.stderr.strip().splitlines()[-1] == "['tomllib']", cold.stderr
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert warm.stderr.strip().splitlines()[-1] == "[]", warm.stderr
    assert warm.stdout == cold.stdout and warm.stdout.startswith("climate-kma\tmean-max\t")


def test_the_installed_command_is_the_lean_script() -> None:
    """The installed `hamhung` is scripts/hamhung, not a generated wrapper that imports `re` first."""
    from .conftest import installed_command

    script = Path(installed_command()).read_text(encoding="utf-8")
    assert "from hamhung_cli.fast import main" in script
    assert "import re" not in script
