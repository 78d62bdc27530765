"""What the machine formats hold: one rule for a page in a pipe, one shape for monthly tables, nested fields as JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.store import MONTHS


def run(bundled: Path, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--facts", str(bundled)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_topic_page_in_a_pipe_prints_its_rows_then_its_facts(bundled: Path) -> None:
    lines = [line.split("\t") for line in run(bundled, "climate").splitlines()]
    rows = [line for line in lines if line[0] == "climate-kma"]
    facts = [line for line in lines if line[0].startswith("climate.")]
    assert len(rows) == 7 and len(facts) == 15 and len(rows) + len(facts) == len(lines)
    assert lines[: len(rows)] == rows, "the table's rows first"
    assert any("snowfall" in line[1] for line in facts), "hamhung climate | grep snow finds the snowfall fact"
    assert run(bundled, "climate", "--only", "tables").count("\n") == 7
    assert all(line.startswith("climate.") for line in run(bundled, "climate", "--only", "facts").splitlines())


def test_formats_with_a_header_or_a_schema_hold_one_kind_of_record(bundled: Path) -> None:
    header, *rows = [line.split("\t") for line in run(bundled, "climate", "-f", "tsv").splitlines()]
    assert header[:2] == ["table", "measure"] and len(rows) == 7 and {len(r) for r in rows} == {len(header)}
    assert {r["table"] for r in json.loads(run(bundled, "climate", "--json"))} == {"climate-kma"}
    assert len(list(csv.reader(io.StringIO(run(bundled, "climate", "-f", "csv"))))) == 8


def test_help_formats_states_the_rule() -> None:
    text = " ".join(CliRunner().invoke(app, ["help", "formats"]).stdout.split())
    assert "'hamhung TOPIC' in plain prints its tables' rows, then its facts" in text
    assert "hold one kind of record" in text and "--fields month,mean,precipitation" in text


def test_monthly_values_and_their_conversion_share_one_shape(bundled: Path) -> None:
    records = json.loads(run(bundled, "climate", "--source", "both", "--json"))
    for record in records:
        assert all(isinstance(record[m], (int, float)) for m in MONTHS)
        alt = record["alt"]
        if alt is not None:
            assert set(alt) == {"unit", *MONTHS, "year"}, "the source's conversion has the value's month keys"
    mean = next(r for r in records if (r["table"], r["measure"]) == ("climate-kma", "mean"))
    assert (mean["alt"]["unit"], mean["alt"]["jan"], mean["alt"]["year"]) == ("°F", 25.9, 51.4)
    assert not any(key.startswith("alt_") for r in records for key in r)


def test_naming_month_among_the_fields_gives_one_record_per_month(bundled: Path) -> None:
    months = json.loads(run(bundled, "climate", "--json", "--fields", "month,mean,precipitation"))
    assert len(months) == 13 and months[0] == {"month": "Jan", "mean": -3.4, "precipitation": 12.3}
    assert months[-1] == {"month": "Year", "mean": 10.8, "precipitation": 830.0}
    tsv = run(bundled, "climate", "-f", "tsv", "--fields", "month,humidity").splitlines()
    assert tsv[0] == "month\thumidity" and tsv[8] == "Aug\t84.7"


def test_a_nested_field_in_plain_tsv_and_csv_is_compact_json(bundled: Path) -> None:
    argv = ("fact", "climate.annual-precipitation", "--fields", "id,claims")
    (record,) = json.loads(run(bundled, *argv, "--json"))
    plain = run(bundled, *argv).rstrip("\n").split("\t")
    assert plain[0] == "climate.annual-precipitation" and json.loads(plain[1]) == record["claims"]
    assert '"sources":[{"id":"wp-ref-3"' in plain[1], "compact: no spaces after separators"
    assert json.loads(run(bundled, *argv, "-f", "tsv").splitlines()[1].split("\t")[1]) == record["claims"]
    assert json.loads(list(csv.reader(io.StringIO(run(bundled, *argv, "-f", "csv"))))[1][1]) == record["claims"]
    aliases = run(bundled, "fact", "economy.vinalon", "--fields", "aliases").strip()
    assert json.loads(aliases)[:2] == ["vinalon", "vinylon"], "a list too, not words joined by semicolons"


def test_a_records_table_drops_an_id_that_only_repeats_a_column(bundled: Path) -> None:
    header = run(bundled, "population", "--only", "tables", "-f", "tsv").splitlines()[0].split("\t")
    assert header[0] == "year" and "id" not in header, "the population table's id is its year"
    assert json.loads(run(bundled, "population", "--only", "tables", "--json"))[0]["id"] == "1950", "JSON keeps the id"
    assert run(bundled, "districts", "--only", "tables", "-f", "tsv").splitlines()[0].startswith("id\tname\trr\t"), "a district's id is its own"
