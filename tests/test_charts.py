"""--chart: models computed from the store's tables, drawn with Rich on a terminal, clean records in a pipe."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.charts import chart_for, climate_chart, latest_population, population_chart
from hamhung_cli.cli import app
from hamhung_cli.store import MONTHS, MonthlyRow, RecordRow, Store, default_store_path
from hamhung_cli.validation import load

from .conftest import MINI, clean_env, installed_command

ESCAPE = re.compile("\x1b\\[")


@pytest.fixture(scope="module")
def store() -> Store:
    return load(default_store_path())


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env=env)


def rows_of(store: Store, table: str) -> dict[str, MonthlyRow]:
    return {r.id: r for r in store.tables[table].rows if isinstance(r, MonthlyRow)}


def test_climate_model_is_the_tables_own_rows(store: Store) -> None:
    chart = climate_chart(store, [store.tables["climate-kma"], store.tables["climate-grok"]])
    assert chart is not None
    kma, grok = chart.series
    rows = rows_of(store, "climate-kma")
    assert [m.low for m in kma.months] == list(rows["mean-min"].values)
    assert [m.high for m in kma.months] == list(rows["mean-max"].values)
    assert [m.mean for m in kma.months] == list(rows["mean"].values)
    assert [m.precipitation for m in kma.months] == list(rows["precipitation"].values)
    assert (kma.year_mean, kma.year_precipitation, kma.period) == (rows["mean"].year, rows["precipitation"].year, "1991–2020")
    grok_rows = rows_of(store, "climate-grok")
    assert [m.mean for m in grok.months] == list(grok_rows["mean"].values) and all(m.low is None for m in grok.months)
    assert grok.year_precipitation == sum(grok_rows["precipitation"].values), "no year column: the months' total"
    assert "Korea Meteorological Administration" in kma.source and "Grokipedia" in grok.source


def test_population_model_keeps_the_tables_marks(store: Store) -> None:
    chart = population_chart(store)
    assert chart is not None
    table = [r for r in store.tables["population"].rows if isinstance(r, RecordRow)]
    assert [(p.year, p.population, p.kind) for p in chart.points] == sorted((r.get("year"), r.get("population"), r.get("kind")) for r in table)
    latest = latest_population(chart)
    assert latest.kind not in ("projection", "forecast") and latest.year == max(p.year for p in chart.points if p.kind != "projection")


def test_a_topic_without_numbers_to_chart_is_a_usage_error(store: Store) -> None:
    from hamhung_cli.errors import UsageError

    with pytest.raises(UsageError):
        chart_for(store, "history", [])
    result = invoke("history", "--chart")
    assert result.exit_code == 2 and "nothing to chart" in result.stderr and result.stdout == ""
    assert invoke("climate", "--chart", "--only", "facts").exit_code == 2


def test_chart_in_a_pipe_is_clean_tab_separated_series(store: Store) -> None:
    result = invoke("climate", "--chart")
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(lines) == 12 and [line[2] for line in lines] == list(MONTHS)
    rows = rows_of(store, "climate-kma")
    assert lines[0] == [
        "climate-kma",
        "1991–2020",
        "jan",
        str(rows["mean-min"].values[0]),
        str(rows["mean"].values[0]),
        str(rows["mean-max"].values[0]),
        "°C",
        str(rows["precipitation"].values[0]),
        "mm",
    ]
    assert not ESCAPE.search(result.stdout) and "█" not in result.stdout and "━" not in result.stdout


def test_chart_json_of_both_sources_in_imperial() -> None:
    data = json.loads(invoke("climate", "--chart", "--source", "both", "--json", "--units", "imperial").stdout)
    assert {r["table"] for r in data} == {"climate-kma", "climate-grok"} and len(data) == 24
    january = next(r for r in data if r["table"] == "climate-kma" and r["month"] == "jan")
    assert (january["mean"], january["temperature_unit"], january["precipitation"], january["precipitation_unit"]) == (25.9, "°F", 0.48, "in")
    assert next(r for r in data if r["table"] == "climate-grok")["mean_min"] is None


def test_population_chart_records_say_which_figures_are_estimates(store: Store) -> None:
    data = json.loads(invoke("population", "--chart", "--json").stdout)
    kinds = {r.get("year"): r.get("kind") for r in store.tables["population"].rows if isinstance(r, RecordRow)}
    assert {r["year"]: r["kind"] for r in data} == kinds and {r["unit"] for r in data} == {"people"}


def drawn(*args: str, columns: int, color: str = "never", env: dict[str, str] | None = None) -> str:
    result = invoke(*args, "--chart", "-f", "table", "--color", color, env={"COLUMNS": str(columns), **(env or {})})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
@pytest.mark.parametrize("command", [["climate"], ["climate", "--source", "both"], ["population"], ["climate", "--units", "imperial"]])
def test_drawn_charts_fit_the_width(command: list[str], columns: int) -> None:
    out = drawn(*command, columns=columns)
    assert max(len(line) for line in out.splitlines()) <= columns, out


def test_temperature_chart_marks_each_months_range_and_mean(store: Store) -> None:
    out = drawn("climate", columns=80)
    rows = rows_of(store, "climate-kma")
    assert "Temperature, °C" in out and "Precipitation, mm" in out and "1991–2020" in out and "Korea Meteorological Administration" in out
    for number, month in enumerate(MONTHS):
        line = next(line for line in out.splitlines() if line.startswith(month.capitalize() + " ") and "●" in line)
        assert line.index("━") < line.index("●") < line.rindex("━"), f"the mean sits inside the min-to-max range: {line}"
        figures = line.split()[-3:]
        assert figures == [f"{rows[r].values[number]:.1f}" for r in ("mean-min", "mean", "mean-max")]


def test_both_sources_sit_on_one_scale_so_their_disagreement_shows(store: Store) -> None:
    out = drawn("climate", "--source", "both", columns=80)
    kma_aug = next(line for line in out.splitlines() if line.startswith("Aug kma") and "█" in line)
    grok_aug = next(line for line in out.splitlines() if line.strip().startswith("grok") and "▒" in line and line.split()[-1] == "304")
    assert grok_aug.rindex("▒") > kma_aug.rindex("█"), "Grokipedia's wetter August is the longer bar"
    assert "◆" in out and "●" in out and "kma:" in out and "grok:" in out


def test_forty_columns_drop_nothing_essential() -> None:
    out = drawn("climate", "--source", "both", columns=40)
    assert "min mean  max" in out and "Jan kma" in out and "grok" in out and "Source:" in out


def test_population_chart_marks_estimates_projections_and_models(store: Store) -> None:
    out = drawn("population", columns=80)
    for row in store.tables["population"].rows:
        assert isinstance(row, RecordRow)
        line = next(line for line in out.splitlines() if line.startswith(str(row.get("year"))))
        assert line.endswith(f"{row.get('population'):,} {row.get('kind')}"), line
    legend = out.splitlines()[1]
    assert all(kind in legend for kind in ("model", "estimate", "projection"))
    assert "not census counts" in out and "Source: Grokipedia" in out


def test_a_kind_of_a_stores_own_gets_a_bar_of_its_own(tmp_path: Path) -> None:
    """A kind the chart has no style for (here "survey", after the known "model" and "estimate") takes the spare bar,
    not the bar of a census count."""
    text = (Path(__file__).parent.parent / "facts.toml").read_text(encoding="utf-8").replace('kind = "projection"', 'kind = "survey"')
    store = tmp_path / "facts.toml"
    store.write_text(text, encoding="utf-8")
    out = drawn("population", "--facts", str(store), columns=80)
    legend = out.splitlines()[1]
    marks = {kind: legend[legend.index(kind) - 3 : legend.index(kind) - 1] for kind in ("model", "estimate", "survey")}
    assert len(set(marks.values())) == 3 and "█" not in marks["survey"], legend


def test_colour_only_when_asked_and_characters_carry_the_meaning_without_it() -> None:
    plain = drawn("climate", "--source", "both", columns=80)
    coloured = drawn("climate", "--source", "both", columns=80, color="always")
    assert not ESCAPE.search(plain) and ESCAPE.search(coloured)
    assert ESCAPE.sub("", re.sub("\x1b\\[[0-9;]*m", "", coloured)) == plain
    assert {"━", "●", "◆", "█", "▒"} <= set(plain)


def test_markup_in_a_store_stays_text_in_a_chart(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8")
    title = re.search(r'id = "climate-kma"\ntopic = "climate"\ntitle = "([^"]*)"', text)
    assert title is not None
    path = tmp_path / "m.toml"
    path.write_text(text.replace(title.group(1), "[bold red]Normals[/bold red] \\u001b[31m"), encoding="utf-8")
    out = invoke("climate", "--chart", "-f", "table", "--color", "always", "--facts", str(path), env={"COLUMNS": "80"}).stdout
    assert "[bold red]Normals[/bold red]" in out and "<U+001B>[31m" in out and "\x1b[31m" not in out


def test_ascii_terminal_gets_an_ascii_chart() -> None:
    for args, expected in ((["climate", "--source", "both"], "Jan kma  "), (["population"], "1950 %%%")):
        result = subprocess.run(
            [installed_command(), *args, "--chart", "-f", "table"],
            capture_output=True,
            text=True,
            env=clean_env(PYTHONIOENCODING="ascii", COLUMNS="60"),
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii() and expected in result.stdout, result.stdout


@pytest.mark.parametrize("argv", [["climate", "--chart"], ["population", "--chart", "--json"], ["climate", "--units", "imperial"]])
def test_a_pipe_never_imports_rich(argv: list[str]) -> None:
    probe = (
        f"import sys; sys.argv = ['hamhung', *{argv!r}]\n"
        "from hamhung_cli.fast import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('rich' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=clean_env(), timeout=60)
    assert result.stderr.strip().splitlines()[-1] == "False", result.stderr
    assert result.stdout and not ESCAPE.search(result.stdout)
