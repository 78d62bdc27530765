"""--format markdown: sources as numbered footnotes, cells escaped, columns padded to display width."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.markdown import display_width, escape

FOOTNOTE = re.compile(r"^\[\^(\d+)\]: (.+)$")
MARKER = re.compile(r"\[\^(\d+)\]")


def markdown(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--format", "markdown"])
    assert result.exit_code == 0, result.output
    return result.stdout


def split(document: str) -> tuple[list[str], dict[int, str], str]:
    """The table lines, the footnotes by number, and everything else."""
    lines = document.splitlines()
    table = [line for line in lines if line.startswith("|")]
    notes = {int(m.group(1)): m.group(2) for m in map(FOOTNOTE.match, lines) if m}
    rest = "\n".join(line for line in lines if not line.startswith("|") and not FOOTNOTE.match(line))
    return table, notes, rest


def cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_each_fact_cites_its_sources_as_footnotes(mini: Path) -> None:
    document = markdown("fact", "climate.annual-precipitation", "economy.vinalon", "--facts", str(mini))
    table, notes, _ = split(document)
    header = cells(table[0])
    assert header[-1] == "Sources"
    records = json.loads(CliRunner().invoke(app, ["fact", "climate.annual-precipitation", "economy.vinalon", "--json", "--facts", str(mini)]).stdout)
    numbers: dict[str, int] = {}
    expected = [[str(numbers.setdefault(s["citation"], len(numbers) + 1)) for s in r["sources"]] for r in records]
    markers = [MARKER.findall(cells(line)[-1]) for line in table[2:]]
    assert markers == expected, "numbered in order of first use, a citation used again keeps its number"
    assert sorted(notes) == sorted(numbers.values()) and len(notes) >= 2
    assert notes[1].startswith("Wikipedia, “Hamhung”, Climate table; citing Korea Meteorological Administration")
    assert "Grokipedia" in notes[2] and "note \\[16\\]\\[15\\]" in notes[2], "note numbers escaped, not read as links"


def test_a_citation_used_twice_gets_one_footnote(mini: Path) -> None:
    table, notes, _ = split(markdown("disputes", "--facts", str(mini)))
    used = [m for line in table[2:] for m in MARKER.findall(line)]
    assert sorted(set(used), key=int) == [str(n) for n in sorted(notes)]
    assert len(notes) == len(set(notes.values())), "each citation text once"


def test_rows_that_share_their_sources_cite_them_once_on_the_title(mini: Path) -> None:
    document = markdown("climate", "--facts", str(mini))
    title = document.splitlines()[0]
    assert title.startswith("**Climate normals") and title.endswith("[^1]")
    table, notes, rest = split(document)
    assert "Sources" not in cells(table[0]) and list(notes) == [1]
    assert "Source for climate-kma" not in rest, "the source note is the footnote now, not a repeated paragraph"


def test_sources_that_differ_by_row_get_a_column(mini: Path) -> None:
    table, notes, _ = split(markdown("climate", "--source", "both", "--facts", str(mini)))
    by_table = {cells(line)[0]: cells(line)[-1] for line in table[2:]}
    assert by_table == {"climate-kma": "[^1]", "climate-grok": "[^2]"}
    assert "Korea Meteorological" in notes[1] and "Grokipedia" in notes[2]


def test_fields_without_sources_mean_no_footnotes(mini: Path) -> None:
    document = markdown("fact", "economy.vinalon", "--fields", "id,text", "--facts", str(mini))
    assert "[^" not in document and cells(document.splitlines()[0]) == ["ID", "Fact"]


def test_markup_pipes_and_html_in_a_store_stay_literal(tmp_path: Path, mini: Path) -> None:
    store = tmp_path / "f.toml"
    hostile = "A | pipe, *stars*, _under_, `tick`, <b>html</b>, [link](x) & ~~strike~~"
    store.write_text(mini.read_text(encoding="utf-8").replace('text = "Hamhŭng makes textiles', f'text = "{hostile} Hamhŭng makes textiles'), encoding="utf-8")
    table, _, _ = split(markdown("fact", "economy.vinalon", "--facts", str(store)))
    row = cells(table[2])
    assert len(row) == len(cells(table[0])), "an escaped pipe does not split the cell"
    text = row[2]
    for raw in ("*stars*", "_under_", "`tick`", "<b>", "[link](x)", "~~strike~~", " & "):
        assert raw not in text, raw
    assert re.sub(r"\\(.)", r"\1", text).startswith(hostile), "unescaping gives the stored text back"


def test_escape_covers_commonmark_punctuation() -> None:
    assert escape("a|b*c_d`e[f]g<h>i~j&k\\l") == "a\\|b\\*c\\_d\\`e\\[f\\]g\\<h\\>i\\~j\\&k\\\\l"


@pytest.mark.parametrize("command", [["districts"], ["people", "--only", "tables"]])
def test_columns_are_padded_to_display_width_with_hangul(bundled: Path, command: list[str]) -> None:
    table, _, _ = split(markdown(*command, "--facts", str(bundled)))
    assert any(re.search("[\uac00-\ud7a3]", line) for line in table)
    assert len({display_width(line) for line in table}) == 1, "every line of the table is as wide on screen"
    bars = {tuple(display_width(line[:i]) for i, c in enumerate(line) if c == "|" and line[i - 1 : i] != "\\") for line in table}
    assert len(bars) == 1, "the column bars line up"


def test_numbers_are_right_aligned(mini: Path) -> None:
    table, _, _ = split(markdown("climate", "--facts", str(mini)))
    separator = cells(table[1])
    assert separator[0].endswith("-") and separator[4].endswith(":")
    jan = [cells(line)[4] for line in table[2:]]
    assert len({len(v) for v in jan}) == 1


def test_display_width() -> None:
    assert display_width("함흥") == 4 and display_width("Hamhŭng") == 7 and display_width("e\u0301") == 1
