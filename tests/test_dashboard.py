"""`hamhung` on a terminal: a dashboard of key figures, topics and examples, each figure taken from the store."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.charts import latest_population, population_chart
from hamhung_cli.cli import app
from hamhung_cli.store import Store, default_store_path
from hamhung_cli.validation import load

from .test_cli import OTHER_STORE


@pytest.fixture(scope="module")
def store() -> Store:
    return load(default_store_path())


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hamhung_cli.commands.is_terminal", lambda stream=None: True)


def dashboard(*args: str, columns: int = 80) -> str:
    result = CliRunner().invoke(app, [*args, "--color", "never"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def flat(text: str) -> str:
    """The words of a drawing without its frame, so wrapped lines read as one."""
    return " ".join(text.replace("│", " ").split())


@pytest.mark.usefixtures("terminal")
def test_key_figures_come_from_the_store(store: Store) -> None:
    out = flat(dashboard())
    chart = population_chart(store)
    assert chart is not None
    latest = latest_population(chart)
    assert f"Population {latest.population:,} people ({latest.year}, {latest.kind})" in out
    elevation = store.facts["geography.elevation"]
    assert f"Elevation {elevation.value} {elevation.unit}" in out
    mean = next(r for r in store.tables["climate-kma"].rows if r.id == "mean")
    assert f"Climate {mean.year} °C mean" in out  # type: ignore[union-attr]
    assert f"Facts {len(store.facts)} ({sum(f.disputed for f in store.facts.values())} disputed) in {len(store.topics)} topics" in out
    for topic in store.topics:
        assert f" {topic} {len(store.facts_in(topic))}" in out, topic
    assert "hamhung climate --chart" in out and "hamhung population --chart" in out


@pytest.mark.usefixtures("terminal")
def test_units_reach_the_dashboard() -> None:
    out = flat(dashboard("--units", "imperial"))
    assert "Elevation 52 ft" in out and "51.4 °F mean, 32.68 in precipitation" in out


@pytest.mark.usefixtures("terminal")
@pytest.mark.parametrize("columns", [40, 60, 80, 119, 120, 160, 200])
def test_it_fits_any_width_and_sits_side_by_side_when_wide(columns: int) -> None:
    out = dashboard(columns=columns)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= columns
    beside = any("Key figures" in line and "Topics" in line for line in lines)
    assert beside == (columns >= 160), "side by side only where every panel fits at its natural width"
    if columns >= 60:  # wide enough for the About column: no topic's title is wrapped
        assert all(any(title in line for line in lines) for title in ("Overview and names", "Districts and administration", "Human rights and prisons"))
    if columns >= 110:
        assert any("--units imperial  one fact with its sources" in line for line in lines), "each example on one line beside what it does"


@pytest.mark.usefixtures("terminal")
def test_the_heading_gives_the_other_names_once(store: Store) -> None:
    heading = dashboard().splitlines()[0]
    assert heading == "Hamhŭng  Hamheung · 함흥 · 咸興"


@pytest.mark.usefixtures("terminal")
def test_every_example_runs(store: Store) -> None:
    """Each suggestion answers on this store; `hamhung fact ID` names a real fact (it once said ID itself)."""
    commands = [line.strip("│ ").split("  ")[0] for line in dashboard(columns=200).splitlines() if line.startswith("│ hamhung ")]
    assert len(commands) >= 7 and "hamhung fact geography.elevation --units imperial" in commands
    for command in commands:
        words = shlex.split(command.split(" | ")[0])
        result = CliRunner().invoke(app, words[1:])
        assert result.exit_code == 0, (command, result.output)


@pytest.mark.usefixtures("terminal")
def test_a_store_without_figures_still_gets_a_dashboard(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(OTHER_STORE, encoding="utf-8")
    out = flat(dashboard("--facts", str(path)))
    assert "Facts 1 (0 disputed) in 1 topics" in out and "lighthouses 1" in out
    assert "Population" not in out and "Climate" not in out and "Elevation" not in out


def test_a_pipe_keeps_the_plain_lines(store: Store) -> None:
    out = dashboard()
    assert out.startswith(f"{store.name}\t") and "╭" not in out and "Key figures" not in out
    assert [line.split("\t")[0] for line in out.splitlines()[2:]] == list(store.topics)
