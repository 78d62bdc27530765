"""--units metric|imperial (and HAMHUNG_UNITS): one stored figure, converted, always with its unit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.store import MonthlyRow, Store
from hamhung_cli.units import convert, convert_store
from hamhung_cli.validation import load

from .test_fast import via_fast


@pytest.fixture(scope="module")
def store() -> Store:
    from hamhung_cli.store import default_store_path

    return load(default_store_path())


def invoke(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def half_step(figure: float) -> float:
    """Half the last decimal place the source printed (0.05 for 25.9, 0.005 for 0.48), plus float slack."""
    places = len(repr(figure).partition(".")[2])
    return 0.5 * 10**-places + 1e-9


def test_imperial_matches_the_sources_own_fahrenheit_and_inches(store: Store) -> None:
    """Wikipedia prints the KMA normals in °F and inches too: ours, converted from °C and mm, must agree to the source's rounding."""
    rows = [r for r in store.tables["climate-kma"].rows if isinstance(r, MonthlyRow) and r.alt_unit]
    assert {r.alt_unit for r in rows} == {"°F", "inch"}
    converted = {r.id: r for r in convert_store(store, "imperial").tables["climate-kma"].rows}
    for row in rows:
        ours = converted[row.id]
        assert ours.unit == {"°F": "°F", "inch": "in"}[row.alt_unit]
        assert row.alt_values is not None
        for value, theirs in zip((*ours.values, ours.year), (*row.alt_values, row.alt_year), strict=True):
            assert theirs is not None and abs(value - theirs) <= half_step(theirs), (row.id, value, theirs)


def test_metric_from_the_sources_fahrenheit_gives_back_the_stored_celsius(store: Store) -> None:
    for row in store.tables["climate-kma"].rows:
        if isinstance(row, MonthlyRow) and row.alt_unit == "°F":
            assert row.alt_values is not None
            for celsius, fahrenheit in zip(row.values, row.alt_values, strict=True):
                value, unit = convert(fahrenheit, "°F", "metric")
                assert unit == "°C" and abs(value - celsius) <= 0.05 + 1e-9, (row.id, fahrenheit, value, celsius)


@pytest.mark.parametrize(
    ("value", "unit", "system", "expected"),
    [
        (16, "m", "imperial", (52, "ft")),  # the store's own text says "16 m (52 ft)"
        (3.3, "cm", "imperial", (1.3, "in")),  # "about 1.3 inches (3.3 cm)"
        (9.5, "mph", "metric", (15.3, "km/h")),  # "9.5 mph (15.3 km/h)"
        (12, "km", "imperial", (7.5, "mi")),  # never fewer than two significant digits
        (1, "km²", "imperial", (0.39, "sq mi")),
        (-5, "°C", "imperial", (23, "°F")),
        (830.0, "mm", "metric", (830.0, "mm")),  # already metric
        (2400000, "people", "imperial", (2400000, "people")),  # not a measurement
        ("Dwa", None, "imperial", ("Dwa", None)),
    ],
)
def test_single_figures(value: object, unit: str | None, system: str, expected: tuple[object, str | None]) -> None:
    assert convert(value, unit, system) == expected
    assert type(convert(value, unit, system)[0]) is type(expected[0])


def test_default_is_the_stored_figures(store: Store) -> None:
    plain = json.loads(invoke("fact", "climate.wind", "geography.elevation", "--json").stdout)  # type: ignore[attr-defined]
    assert [(r["value"], r["unit"]) for r in plain] == [(store.facts["climate.wind"].value, "mph"), (16, "m")]


def test_climate_json_in_imperial_keeps_numbers_with_their_unit() -> None:
    result = invoke("climate", "--json", "--units", "imperial")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = {r["measure"]: r for r in json.loads(result.stdout)}  # type: ignore[attr-defined]
    mean, rain = rows["mean"], rows["precipitation"]
    assert (mean["unit"], mean["jan"], mean["year"]) == ("°F", 25.9, 51.4)
    assert (rain["unit"], rain["jul"], rain["year"]) == ("in", 8.07, 32.68)
    assert isinstance(mean["jan"], float) and isinstance(rain["year"], float)
    assert (mean["alt"]["unit"], mean["alt"]["jan"], mean["alt"]["year"]) == ("°C", -3.4, 10.8), "the stored figure travels with the converted one"
    assert rows["humidity"]["unit"] == "%" and rows["humidity"]["jan"] == 63.6


def test_climate_table_headers_name_the_converted_unit() -> None:
    out = invoke("climate", "-f", "table", "--units", "imperial").stdout  # type: ignore[attr-defined]
    flat = " ".join(out.split())
    assert "°F" in flat and "Daily mean °C" not in flat and " in " in flat


def test_facts_claims_cells_and_search_are_converted() -> None:
    (elevation, wind, cell) = json.loads(invoke("fact", "geography.elevation", "climate.wind", "climate-kma.mean.jan", "--json", "--units", "imperial").stdout)  # type: ignore[attr-defined]
    assert (elevation["value"], elevation["unit"]) == (52, "ft")
    assert (wind["value"], wind["unit"]) == (9.5, "mph")
    assert (cell["value"], cell["unit"]) == (25.9, "°F") and "25.9 °F (-3.4 °C)" in cell["text"]
    (wind_metric,) = json.loads(invoke("fact", "climate.wind", "--json", "--units", "metric").stdout)  # type: ignore[attr-defined]
    assert (wind_metric["value"], wind_metric["unit"]) == (15.3, "km/h")
    disputes = json.loads(invoke("disputes", "--topic", "climate", "--json", "--units", "imperial").stdout)  # type: ignore[attr-defined]
    precipitation = next(f for f in disputes if f["id"] == "climate.annual-precipitation")
    assert [(c["value"], c["unit"]) for c in precipitation["claims"]] == [(32.68, "in"), (48.7, "in")]
    found = json.loads(invoke("search", "average", "precipitation", "july", "--json", "--units", "imperial").stdout)  # type: ignore[attr-defined]
    july = next(r for r in found if r["id"] == "climate-kma.precipitation.jul")
    assert (july["value"], july["unit"]) == (8.07, "in") and july["text"].startswith("Average precipitation in July: 8.07 in (205.0 mm)")


def test_search_cell_text_is_unchanged_without_units() -> None:
    (july,) = json.loads(invoke("search", "average", "precipitation", "july", "--json", "-n", "1").stdout)  # type: ignore[attr-defined]
    assert july["text"].startswith("Average precipitation in July: 205.0 mm (8.07 inch)") and (july["value"], july["unit"]) == (205.0, "mm")


def test_units_before_the_command_and_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    before = json.loads(invoke("--units", "imperial", "fact", "geography.elevation", "--json").stdout)  # type: ignore[attr-defined]
    assert before[0]["unit"] == "ft"
    monkeypatch.setenv("HAMHUNG_UNITS", "imperial")
    assert json.loads(invoke("fact", "geography.elevation", "--json").stdout)[0]["unit"] == "ft"  # type: ignore[attr-defined]
    assert json.loads(invoke("fact", "geography.elevation", "--json", "--units", "metric").stdout)[0]["unit"] == "m", "the option wins"  # type: ignore[attr-defined]
    monkeypatch.setenv("HAMHUNG_UNITS", "furlongs")
    bad = invoke("climate")
    assert bad.exit_code == 2 and "HAMHUNG_UNITS must be metric or imperial" in bad.stderr and bad.stdout == ""  # type: ignore[attr-defined]
    assert invoke("climate", "--units", "cubits").exit_code == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("argv", [["climate"], ["climate", "--json"], ["fact", "geography.elevation", "climate-kma.mean.jan"], ["search", "july", "rain"], []])
def test_environment_units_print_the_same_bytes_on_the_fast_path(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMHUNG_UNITS", "imperial")
    fast = via_fast(argv)
    full = CliRunner().invoke(app, argv)
    assert fast is not None and fast == (full.exit_code, full.stdout, full.stderr)
    if argv[:1] == ["climate"]:
        assert "°F" in full.stdout


RECORDS_STORE = """schema = 1
[[topic]]
id = "roads"
title = "Roads"
[[source]]
id = "n"
title = "Notes"
publisher = "Me"
document = "-"
part = "all"
[[table]]
id = "roads"
topic = "roads"
title = "Roads"
kind = "records"
sources = ["n"]
columns = [{ key = "name", title = "Road" }, { key = "length", title = "Length", unit = "km" }]
[[table.row]]
id = "coast"
name = "Coast road"
length = 112
[[table.row]]
id = "short"
name = "Short road"
length = 4.5
"""


def test_record_table_columns_with_a_unit_are_converted(tmp_path: Path) -> None:
    path = tmp_path / "roads.toml"
    path.write_text(RECORDS_STORE, encoding="utf-8")
    rows = json.loads(invoke("roads", "--json", "--units", "imperial", "--facts", str(path)).stdout)  # type: ignore[attr-defined]
    assert [r["length"] for r in rows] == [69.6, 2.8]
    header = invoke("roads", "-f", "tsv", "--units", "imperial", "--facts", str(path)).stdout  # type: ignore[attr-defined]
    table = invoke("roads", "-f", "table", "--units", "imperial", "--facts", str(path)).stdout  # type: ignore[attr-defined]
    assert header.splitlines()[0].split("\t") == ["id", "name", "length"] and "Length (mi)" in table
