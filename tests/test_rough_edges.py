"""Rough edges found by using the tool as a new user would, each pinned so it cannot come back."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.store import MONTHS


def run(bundled: Path, *args: str, width: int = 100) -> str:
    result = CliRunner().invoke(app, [*args, "--facts", str(bundled)], env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 2), result.output
    return result.stdout + result.stderr


def test_converted_numbers_keep_their_trailing_zeros_so_a_column_lines_up(bundled: Path) -> None:
    table = run(bundled, "climate", "--units", "imperial", "--fields", "month,precipitation", "-f", "table")
    values = re.findall(r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Year)\s+(\S+)$", table, re.MULTILINE)
    assert len(values) == 13 and values[2] == "0.80" and values[7] == "6.80"
    assert {len(v.partition(".")[2]) for v in values} == {2}, values
    assert len({len(line) for line in table.splitlines() if line[:3] in ("Jan", "Mar", "Aug")}) == 1


def test_the_note_on_the_name_column_says_the_form_shown(bundled: Path) -> None:
    hangul = " ".join(run(bundled, "districts", "--romanization", "hangul", "--only", "tables", "-f", "table").split())
    assert "uses McCune–Reischauer" not in hangul
    assert "The 'name' column shows Hangul (--romanization hangul)." in hangul and "Names from Grokipedia" in hangul
    stored = " ".join(run(bundled, "districts", "--only", "tables", "-f", "table").split())
    assert "The 'name' column gives each name in standard McCune–Reischauer" in stored, "as the store says it, when no form is asked for"


def test_an_unknown_field_lists_the_fields_in_their_own_order(bundled: Path) -> None:
    message = run(bundled, "climate", "--fields", "nope")
    listed = message.partition("available: ")[2].strip().split(", ")
    assert [f for f in listed if f in MONTHS] == list(MONTHS), "January to December, not alphabetical"
    assert listed[:4] == ["table", "measure", "label", "unit"] and "month" in listed


def test_fields_help_lists_the_fields_in_their_own_order(bundled: Path) -> None:
    listed = run(bundled, "climate", "--fields", "help").split()
    assert [f for f in listed if f in MONTHS] == list(MONTHS), "January to December, not alphabetical"
