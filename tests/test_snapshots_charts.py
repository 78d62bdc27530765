"""Golden files: the charts and the overview dashboard as drawn at fixed widths, colour off, from the bundled store.

After a deliberate change to the drawing or to the store's numbers, regenerate them and read the diff before committing:

    HAMHUNG_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots_charts.py
    git diff tests/snapshots/

A mismatch fails with a unified diff of what changed.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("HAMHUNG_UPDATE_SNAPSHOTS") == "1"

CHARTS = {
    "climate-chart": ["climate", "--chart"],
    "climate-chart-both": ["climate", "--chart", "--source", "both"],
    "climate-chart-imperial": ["climate", "--chart", "--units", "imperial"],
    "population-chart": ["population", "--chart"],
}
CASES = [(name, argv + ["-f", "table", "--color", "never"], width, False) for name, argv in CHARTS.items() for width in (40, 80)]
CASES += [("dashboard", ["--color", "never"], width, True) for width in (40, 80, 160)]


def compare(name: str, actual: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path.name}; create it with HAMHUNG_UPDATE_SNAPSHOTS=1 python -m pytest {Path(__file__).name}")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), f"{path.name} (stored)", f"{path.name} (now)"))
        pytest.fail(f"{path.name} changed; if intended, regenerate (see this module's docstring) and review the diff:\n{diff}", pytrace=False)


@pytest.mark.parametrize(("name", "argv", "width", "terminal"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_snapshot(name: str, argv: list[str], width: int, terminal: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if terminal:  # the dashboard is what a terminal gets; CliRunner is a pipe
        monkeypatch.setattr("hamhung_cli.commands.is_terminal", lambda stream=None: True)
    result = CliRunner().invoke(app, argv, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= width
    compare(f"{name}-{width}", result.stdout)
