"""--romanization mr|plain|rr|hangul: names in the form asked for, in every format, with wide Hangul aligned."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.errors import UsageError
from hamhung_cli.names import name_in, plain, resolve_form, romanized
from hamhung_cli.store import RecordRow, Store
from hamhung_cli.validation import load

from .test_fast import via_fast

HUNGNAM = {"mr": "Hŭngnam-guyŏk", "plain": "Hungnam-guyok", "rr": "Heungnam-guyeok", "hangul": "흥남구역"}
CITY = {"mr": "Hamhŭng", "plain": "Hamhung", "rr": "Hamheung", "hangul": "함흥"}

# A store of our own: one row has every form, one only MR, one no names at all.
PARTIAL = """schema = 1
[store]
name = "Hamhŭng"
names = { mr = "Hamhŭng", hangul = "함흥" }
[[topic]]
id = "places"
title = "Places near Hamhŭng"
[[source]]
id = "n"
title = "Notes"
publisher = "Me"
document = "-"
part = "all"
[[table]]
id = "places"
topic = "places"
title = "Places around Hamhŭng"
kind = "records"
sources = ["n"]
columns = [{ key = "name", title = "Place (McCune–Reischauer)" }, { key = "km", title = "Distance", unit = "km" }]
[[table.row]]
id = "hungnam"
name = "Hŭngnam"
km = 12
names = { mr = "Hŭngnam", rr = "Heungnam", hangul = "흥남" }
[[table.row]]
id = "sapo"
name = "Sap'o"
km = 3
names = { mr = "Sap'o" }
[[table.row]]
id = "harbour"
name = "The harbour"
km = 13
"""


def display_width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.fixture(scope="module")
def store() -> Store:
    from hamhung_cli.store import default_store_path

    return load(default_store_path())


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env=env)


def test_plain_drops_breves_and_apostrophes_but_not_hangul() -> None:
    assert plain("Sŏngch'ŏn'gang-guyŏk") == "Songchongang-guyok"
    assert plain("Kim Ŭn'guk") == "Kim Unguk"
    assert plain("함흥 Hamhŭng") == "함흥 Hamhung"


@pytest.mark.parametrize("form", list(CITY))
def test_every_form_of_the_city_and_a_district(store: Store, form: str) -> None:
    assert name_in(store.names, store.name, form) == CITY[form]
    hungnam = next(r for r in store.tables["districts"].rows if r.id == "hungnam")
    assert isinstance(hungnam, RecordRow)
    assert name_in(hungnam.names, hungnam.get("name"), form) == HUNGNAM[form]


def test_missing_forms_fall_back_to_the_stored_name_never_an_invented_one() -> None:
    assert name_in({"mr": "Sap'o"}.items(), "Sap'o", "rr") == "Sap'o"
    assert name_in({"mr": "Sap'o"}.items(), "Sap'o", "hangul") == "Sap'o"
    assert name_in((), "The harbour", "plain") == "The harbour"


def test_no_form_leaves_the_store_as_it_is(store: Store) -> None:
    assert romanized(store, None) is store


@pytest.mark.parametrize("form", list(CITY))
def test_districts_name_column_in_each_form(bundled: Path, form: str) -> None:
    result = invoke("districts", "--romanization", form, "--format", "tsv", "--facts", str(bundled))
    assert result.exit_code == 0, result.output
    header, *rows = [line.split("\t") for line in result.stdout.splitlines()]
    hungnam = dict(zip(header, next(r for r in rows if r[0] == "hungnam"), strict=True))
    assert hungnam["name"] == HUNGNAM[form]
    assert hungnam["hangul"] == "흥남구역" and hungnam["source_spelling"] == "Hŭngnam-guyŏk", "other stored columns stay as stored"
    # The extra Revised Romanization column is there unless the name column already shows RR.
    assert ("rr" in header) == (form != "rr")


def test_json_keeps_every_stored_form(bundled: Path) -> None:
    result = invoke("people", "--json", "--romanization", "rr", "--facts", str(bundled))
    kim = next(r for r in json.loads(result.stdout) if r["id"] == "richard-e-kim")
    assert kim["name"] == "Gim Eun-guk"
    assert kim["names"] == {"mr": "Kim Ŭn'guk", "rr": "Gim Eun-guk", "hangul": "김은국", "hanja": "金恩國"}


def test_table_titles_and_headers_name_the_form(bundled: Path) -> None:
    document = invoke("districts", "-f", "markdown", "--romanization", "hangul", "--facts", str(bundled)).stdout
    title, _, table = document.partition("\n\n")
    assert title.startswith("**The seven guyŏk (districts) of 함흥**")
    header = [cell.strip() for cell in table.splitlines()[0].strip("|").split("|")]
    assert header[:3] == ["ID", "District (Hangul)", "Revised Romanization"]


def test_without_the_option_nothing_changes(bundled: Path) -> None:
    default = invoke("people", "-f", "tsv", "--facts", str(bundled)).stdout
    assert "Richard E. Kim" in default and "Gim Eun-guk" in default  # the stored name, plus the RR column


def test_fact_sentences_are_quoted_as_written(bundled: Path) -> None:
    text = invoke("fact", "districts.seven-guyok", "--romanization", "rr", "--facts", str(bundled)).stdout
    assert "Hamhŭng is divided into seven guyŏk" in text


def test_search_results_for_rows_use_the_form(bundled: Path) -> None:
    result = invoke("search", "hungnam", "district", "--json", "--romanization", "rr", "--facts", str(bundled))
    row = next(r for r in json.loads(result.stdout) if r["id"] == "districts.hungnam")
    assert "Heungnam-guyeok" in row["text"] and "of Hamheung" in row["text"]


def test_overview_and_topics_title_use_the_city_form(mini: Path) -> None:
    assert invoke("--facts", str(mini), "--romanization", "plain").stdout.startswith("Hamhung\t")
    assert invoke("topics", "-f", "table", "--romanization", "hangul", "--facts", str(mini)).stdout.startswith("Topics in 함흥")


def test_environment_variable_and_its_errors(mini: Path, bundled: Path) -> None:
    by_env = invoke("districts", "-f", "tsv", "--facts", str(bundled), env={"HAMHUNG_ROMANIZATION": "hangul"}).stdout
    assert by_env == invoke("districts", "-f", "tsv", "--facts", str(bundled), "--romanization", "hangul").stdout
    option_wins = invoke("districts", "-f", "tsv", "--facts", str(bundled), "--romanization", "mr", env={"HAMHUNG_ROMANIZATION": "hangul"}).stdout
    assert "\tHŭngnam-guyŏk\t" in option_wins
    bad = invoke("topics", "--facts", str(mini), env={"HAMHUNG_ROMANIZATION": "klingon"})
    assert bad.exit_code == 2 and bad.stdout == "" and "HAMHUNG_ROMANIZATION must be one of mr, plain, rr, hangul" in bad.stderr
    assert invoke("topics", "--romanization", "klingon", "--facts", str(mini)).exit_code == 2
    with pytest.raises(UsageError):
        resolve_form("Revised")


def test_option_before_the_command_and_fast_path_agreement(bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = invoke("--romanization", "rr", "districts", "-f", "tsv", "--facts", str(bundled)).stdout
    after = invoke("districts", "-f", "tsv", "--facts", str(bundled), "--romanization", "rr").stdout
    assert before == after and "Heungnam-guyeok" in before
    # The fast path parses the option as Typer does, and reads the variable exactly as Typer's path does.
    argv = ["districts", "-f", "tsv", "--facts", str(bundled)]
    assert via_fast([*argv, "--romanization", "rr"]) == (0, after, "")
    monkeypatch.setenv("HAMHUNG_ROMANIZATION", "rr")
    fast = via_fast(argv)
    assert fast is not None and fast[1] == after


def test_partial_names_fall_back_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "partial.toml"
    path.write_text(PARTIAL, encoding="utf-8")
    rows = json.loads(invoke("places", "--json", "--romanization", "rr", "--facts", str(path)).stdout)
    assert [r["name"] for r in rows] == ["Heungnam", "Sap'o", "The harbour"]
    rows = json.loads(invoke("places", "--json", "--romanization", "plain", "--facts", str(path)).stdout)
    assert [r["name"] for r in rows] == ["Hungnam", "Sapo", "The harbour"]
    # The city has Hangul but no RR: titles keep the stored name rather than guess one.
    table = invoke("places", "-f", "table", "--romanization", "rr", "--facts", str(path)).stdout
    assert "Places around Hamhŭng" in table and "Place (Revised Romanization)" in " ".join(table.split())
    assert "Places around 함흥" in invoke("places", "-f", "table", "--romanization", "hangul", "--facts", str(path)).stdout


@pytest.mark.parametrize("width", [60, 100])
def test_hangul_lines_up_in_the_terminal_table(bundled: Path, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = invoke("districts", "--fields", "id,name,rr,hangul", "-f", "table", "--romanization", "hangul", "--facts", str(bundled))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if "━" in line)
    end = rule + 1
    while end < len(lines) and ("구역" in lines[end] or lines[end].startswith(" ")):  # a row, or a row's wrapped line; then the notes
        end += 1
    body = lines[rule - 1 : end]  # the last header line, the rule, the rows (some wrapped onto two lines)
    rows = [line for line in body[2:] if line[1:2].strip()]
    assert len(rows) == 7 and all(line.count("구역") == 2 for line in rows), body
    assert len({display_width(line) for line in body}) == 1, body
    # The Hangul name column starts at the same display column in every row.
    starts = {display_width(line[: next(i for i, c in enumerate(line) if "\uac00" <= c <= "\ud7a3")]) for line in rows}
    assert len(starts) == 1, body
