"""Every command through Typer's CliRunner (not a terminal: the pipe path by default)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app

FORMATS = ["plain", "tsv", "csv", "json", "jsonl", "markdown", "table"]


def run(runner: CliRunner, *args: str, store: Path | None = None):  # type: ignore[no-untyped-def]
    argv = [*args, "--facts", str(store)] if store else list(args)
    return runner.invoke(app, argv)


def test_no_arguments_gives_an_overview(runner: CliRunner, mini: Path) -> None:
    result = runner.invoke(app, ["--facts", str(mini)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Hamhŭng\t")
    assert "\nclimate\t" in result.stdout


def test_topics_lists_counts(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "topics", store=mini)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    climate = next(r for r in rows if r[0] == "climate")
    assert climate[2:4] == ["1", "2"]


def test_climate_in_a_pipe_is_tab_separated_numbers(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "climate", store=mini)
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0].split("\t")
    assert first[:4] == ["climate-kma", "humidity", "Average relative humidity", "%"]
    assert first[4:] == ["63.6", "61.2", "61.4", "61.2", "69.4", "78.7", "84.0", "84.7", "79.9", "71.3", "67.0", "63.7", "70.5"]
    assert "━" not in result.stdout and "\x1b" not in result.stdout


def test_climate_json_keeps_numbers_as_numbers(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "climate", "--json", store=mini)
    data = json.loads(result.stdout)
    mean = next(r for r in data if r["measure"] == "mean")
    assert mean["jan"] == -3.4 and isinstance(mean["jan"], float)
    assert mean["alt"]["unit"] == "°F" and mean["alt"]["jan"] == 25.9, "the source's own conversion has the same month keys"
    assert "Korea Meteorological Administration" in mean["sources"][0]["cites"]


def test_climate_sources_can_be_picked_or_combined(runner: CliRunner, mini: Path) -> None:
    grok = json.loads(run(runner, "climate", "--source", "grokipedia", "--json", store=mini).stdout)
    assert {r["table"] for r in grok} == {"climate-grok"}
    both = json.loads(run(runner, "climate", "--source", "both", "--json", store=mini).stdout)
    assert {r["table"] for r in both} == {"climate-kma", "climate-grok"}
    bad = run(runner, "climate", "--source", "bbc", store=mini)
    assert bad.exit_code == 2 and "climate-kma" in bad.stderr


def test_climate_table_names_source_and_disagreement(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "climate", "--format", "table", store=mini)
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Source for climate-kma: Wikipedia, “Hamhung”, Climate table" in out and "1991–2020" in out
    assert "Korea Meteorological Administration" not in out and "--sources for every reference" in out, "the full reference is one option away"
    full = " ".join(run(runner, "climate", "--format", "table", "--sources", store=mini).stdout.split())
    assert "citing Korea Meteorological Administration" in full
    assert "climate.annual-precipitation: 830.0 mm (Wikipedia) · 1238 mm (Grokipedia)" in out
    assert "Daily mean °C" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_works_for_every_listing(runner: CliRunner, mini: Path, fmt: str) -> None:
    for command in (["topics"], ["climate"], ["districts"], ["sources"], ["disputes"], ["search", "humidity"], ["fact", "economy.vinalon"], ["history"]):
        result = run(runner, *command, "--format", fmt, store=mini)
        assert result.exit_code in (0,), (command, result.output)
        out = result.stdout
        if fmt == "json":
            assert isinstance(json.loads(out), list)
        elif fmt == "jsonl":
            assert all(isinstance(json.loads(line), dict) for line in out.splitlines())
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(out)))
            assert len({len(r) for r in rows}) == 1, "every CSV row has the header's width"
        elif fmt == "markdown":
            assert sum(line.startswith("|---") for line in out.splitlines()) == 1, out


def test_search_finds_vinalon_with_topic_id_and_score(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "search", "vinalon", store=mini)
    assert result.exit_code == 0, result.output
    score, topic, fact_id, text = result.stdout.splitlines()[0].split("\t")
    assert (topic, fact_id) == ("economy", "economy.vinalon") and int(score) >= 90 and "vinalon" in text


def test_search_nothing_found_exits_1_with_nothing_on_stdout(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "search", "Eiffel", "Tower", store=mini)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nothing found for 'Eiffel Tower'" in result.stderr


def test_search_hints_at_close_topics(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "search", "climat", "zzyzx", store=mini)
    assert result.exit_code == 1 and "no fact mentions: zzyzx" in result.stderr
    assert "topics near the words it knows: climate" in result.stderr


def test_search_options(runner: CliRunner, mini: Path) -> None:
    assert len(run(runner, "search", "humidity", "--limit", "2", store=mini).stdout.splitlines()) == 2
    assert run(runner, "search", "humidity", "--limit", "0", store=mini).exit_code == 2
    assert run(runner, "search", "humidity", "--topic", "economy", store=mini).exit_code == 1
    assert run(runner, "search", "humidity", "--topic", "nowhere", store=mini).exit_code == 2
    assert run(runner, "search", "  ", store=mini).exit_code == 2
    explained = json.loads(run(runner, "search", "vinylon", "--json", "--explain", store=mini).stdout)
    assert explained[0]["explain"][0]["matched"] == "vinylon"


def test_json_field_selection(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "search", "vinalon", "--json", "--fields", "id,score", store=mini)
    assert json.loads(result.stdout) == [{"id": "economy.vinalon", "score": 100}]
    bad = run(runner, "search", "vinalon", "--fields", "nope", store=mini)
    assert bad.exit_code == 2 and "unknown field" in bad.stderr


def test_fact_shows_sources_and_both_sides(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "fact", "climate.annual-precipitation", "--json", store=mini)
    (record,) = json.loads(result.stdout)
    assert record["disputed"] is True
    assert [c["value"] for c in record["claims"]] == [830.0, 1238]
    assert {s["publisher"] for s in record["sources"]} == {"Wikipedia", "Grokipedia"}
    card = run(runner, "fact", "climate.annual-precipitation", "-f", "table", store=mini).stdout
    assert "disputed" in card and "Grokipedia" in card and "830.0 mm" in card


def test_fact_can_name_a_table_cell(runner: CliRunner, mini: Path) -> None:
    (record,) = json.loads(run(runner, "fact", "climate-kma.humidity.aug", "--json", store=mini).stdout)
    assert record["value"] == 84.7 and record["unit"] == "%"


def test_unknown_fact_id_suggests(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "fact", "economy.vinalom", store=mini)
    assert result.exit_code == 1 and "economy.vinalon" in result.stderr and result.stdout == ""


def test_topic_as_command_and_show(runner: CliRunner, mini: Path) -> None:
    direct = run(runner, "economy", store=mini)
    shown = run(runner, "show", "economy", store=mini)
    alias = run(runner, "industry", store=mini)
    assert direct.exit_code == 0 and direct.stdout == shown.stdout == alias.stdout
    assert "economy.vinalon" in direct.stdout


def test_unknown_command_or_topic_suggests_and_exits_2(runner: CliRunner, mini: Path) -> None:
    result = runner.invoke(app, ["--facts", str(mini), "climat"])
    assert result.exit_code == 2
    assert "did you mean: climate" in result.stderr and result.stdout == ""
    result = runner.invoke(app, ["--facts", str(mini), "serch", "x"])
    assert result.exit_code == 2 and "search" in result.stderr


def test_disputes_lists_each_side(runner: CliRunner, mini: Path) -> None:
    rows = [line.split("\t") for line in run(runner, "disputes", store=mini).stdout.splitlines()]
    assert [r[0] for r in rows] == ["climate.annual-precipitation"] * 2
    assert "Wikipedia" in rows[0][3] and "Grokipedia" in rows[1][3]


def test_markup_and_escape_codes_in_a_store_print_literally(runner: CliRunner, mini: Path) -> None:
    table = run(runner, "fact", "culture.markup", "--format", "table", "--color", "always", store=mini).stdout
    assert "[bold red]theatre[/bold red]" in table
    assert "\x1b[31m" not in table and "<U+001B>[31m" in table
    assert "\u202e" not in table and "<U+202E>" in table
    plain = run(runner, "fact", "culture.markup", store=mini).stdout
    assert "\x1b" not in plain and "[bold red]" in plain
    data = json.loads(run(runner, "fact", "culture.markup", "--json", store=mini).stdout)
    assert "\x1b[31mred" in data[0]["text"] and "\u202e" in data[0]["text"]


def test_csv_cells_cannot_become_formulas(runner: CliRunner, tmp_path: Path, mini: Path) -> None:
    store = tmp_path / "f.toml"
    store.write_text(
        mini.read_text(encoding="utf-8").replace('text = "Hamhŭng makes textiles', 'text = "=HYPERLINK(1) Hamhŭng makes textiles'), encoding="utf-8"
    )
    rows = list(csv.reader(io.StringIO(run(runner, "fact", "economy.vinalon", "--format", "csv", store=store).stdout)))
    assert rows[1][2].startswith("'=HYPERLINK")
    climate = list(csv.reader(io.StringIO(run(runner, "climate", "--format", "csv", store=store).stdout)))
    assert climate[2][4] == "-3.4", "negative numbers are not mangled"


def test_color_rules(runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "\x1b[" in run(runner, "topics", "-f", "table", "--color", "always", store=mini).stdout
    assert "\x1b[" not in run(runner, "topics", "-f", "table", store=mini).stdout
    monkeypatch.setattr("hamhung_cli.terminal.is_terminal", lambda stream=None: True)
    assert "\x1b[" in run(runner, "topics", "-f", "table", store=mini).stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(runner, "topics", "-f", "table", store=mini).stdout
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert "\x1b[" not in run(runner, "topics", "-f", "table", store=mini).stdout
    assert "\x1b[" not in run(runner, "topics", "-f", "json", "--color", "always", store=mini).stdout


def test_bad_store_is_one_line_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "bad.toml"
    store.write_text('schema = 1\n[[topic]]\nid = "a"\ntitle = "A"\n[[fact]]\nid = "a.b"\ntopic = "zz"\ntext = "t"\n', encoding="utf-8")
    result = runner.invoke(app, ["topics", "--facts", str(store)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"hamhung: error: {store}:5: ")
    assert "Traceback" not in result.output


def test_check_lists_every_problem(runner: CliRunner, tmp_path: Path, mini: Path) -> None:
    assert runner.invoke(app, ["check", str(mini)]).exit_code == 0
    store = tmp_path / "bad.toml"
    store.write_text('[[topic]]\nid = "a"\ntitle = "A"\n[[fact]]\nid = "a.b"\ntopic = "zz"\ntext = "t"\n[[fact]]\nid = "a.b"\ntopic = "a"\n', encoding="utf-8")
    result = runner.invoke(app, ["check", str(store)])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert len(lines) >= 3 and all(line.startswith(f"{store}:") for line in lines)


def test_store_from_environment(runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMHUNG_FACTS", str(mini))
    result = runner.invoke(app, ["fact", "culture.markup"])
    assert result.exit_code == 0, result.output


def test_every_command_has_help_with_an_example(runner: CliRunner) -> None:
    from hamhung_cli.cli import app as typer_app

    names = [c.name or c.callback.__name__ for c in typer_app.registered_commands if not c.hidden]  # type: ignore[union-attr]
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.stdout, name
    top = runner.invoke(app, ["--help"]).stdout
    assert "Exit status: 0 found, 1 nothing found, 2 usage or data error" in top


def test_version(runner: CliRunner) -> None:
    from hamhung_cli import __version__

    assert runner.invoke(app, ["--version"]).stdout == f"hamhung {__version__}\n"


def test_completion_of_topics_and_ids(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hamhung_cli.cli import complete_id, complete_topic

    monkeypatch.setenv("HAMHUNG_FACTS", str(mini))
    assert complete_topic(None, "cl") == ["climate"]  # type: ignore[arg-type]
    assert "climate-kma.humidity" in complete_id(None, "climate-kma.h")  # type: ignore[arg-type]


OTHER_STORE = """schema = 1
[store]
name = "Elsewhere"
[[topic]]
id = "lighthouses"
title = "Lighthouses"
[[source]]
id = "n"
title = "Notes"
publisher = "Me"
document = "-"
part = "all"
[[fact]]
id = "lighthouses.north"
topic = "lighthouses"
text = "The north light flashes every ten seconds."
sources = ["n"]
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["--facts", "{store}", "topics"],
        ["topics", "--facts", "{store}"],
        ["--facts", "{store}", "lighthouses"],
        ["lighthouses", "--facts", "{store}"],
        ["lighthouses", "--facts={store}"],
        ["--facts", "{store}", "search", "north", "light"],
        ["--facts", "{store}", "fact", "lighthouses.north"],
    ],
)
def test_facts_option_works_before_or_after_the_command(runner: CliRunner, tmp_path: Path, argv: list[str]) -> None:
    store = tmp_path / "other.toml"
    store.write_text(OTHER_STORE, encoding="utf-8")
    result = runner.invoke(app, [a.replace("{store}", str(store)) for a in argv])
    assert result.exit_code == 0, result.output
    assert "lighthouse" in result.stdout and "climate" not in result.stdout


def test_districts_show_every_romanization(runner: CliRunner, bundled: Path) -> None:
    result = runner.invoke(app, ["districts", "--format", "tsv", "--facts", str(bundled)])
    header, *rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 7 and "rr" in header and "hangul" in header
    hungnam = next(dict(zip(header, r, strict=True)) for r in rows if r[0] == "hungnam")
    assert (hungnam["rr"], hungnam["hangul"]) == ("Heungnam-guyeok", "흥남구역")


@pytest.mark.parametrize("width", [52, 64, 80, 100, 133])
def test_a_wrapped_table_loses_no_character(width: int, runner: CliRunner, bundled: Path) -> None:
    """Rich honours a column's minimum width past the console's width and crops every line at the edge: search
    answers at 80 columns once lost most of their words. The answers read down the column must be the answers."""
    argv = ["search", "vinalon", "--facts", str(bundled)]
    table = runner.invoke(app, [*argv, "-f", "table"], env={"COLUMNS": str(width)}).stdout.splitlines()
    assert all(len(line) <= width for line in table)
    header = next((n for n, line in enumerate(table) if line.rstrip().endswith("Answer")), None)
    if header is not None:  # a table: the Answer column, read down
        start = table[header].index("Answer")
        shown = "".join(line[start:] for line in table[header + 2 :] if not line.startswith("'hamhung"))
    else:  # too narrow for one: a card per answer, each value beside its label and under it
        start = len(table[2]) - len(table[2].split("  ", 1)[1].lstrip())
        shown = "".join(line[start:] for line in table if line.startswith(("Answer", " " * start)))
    plain = runner.invoke(app, [*argv, "--format", "plain"]).stdout  # score, topic, id, answer: the answer as the table shows it
    expected = "".join(line.split("\t")[3] for line in plain.splitlines())
    assert "".join(shown.split()) == "".join(expected.split())


@pytest.mark.parametrize("width", [10, 24, 40, 60, 80, 100])
@pytest.mark.parametrize(
    "words", [["climate"], ["districts"], ["history"], ["people"], ["topics"], ["sources"], ["disputes"], ["search", "rainfall"]], ids=" ".join
)
def test_a_terminal_page_fits_any_width_without_cropping(words: list[str], width: int, runner: CliRunner, bundled: Path) -> None:
    """Nothing is cropped (make_console), so every line within the width means every cell was laid out to fit:
    as a table where one fits with readable columns, else one card per record."""
    result = runner.invoke(app, [*words, "--facts", str(bundled), "--format", "table"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= width


def test_a_year_is_shown_as_its_number_on_a_fact_card(runner: CliRunner) -> None:
    """A figure whose unit is "year" reads 1416, as on every other page, not "1416 year"; other units stay."""
    result = runner.invoke(app, ["fact", "overview.name-1416", "climate-kma.humidity.aug", "--format", "table"])
    values = [line.split(None, 1)[1].strip() for line in result.stdout.splitlines() if line.startswith("Value")]
    assert result.exit_code == 0 and values == ["1416", "84.7 %"], result.stdout
