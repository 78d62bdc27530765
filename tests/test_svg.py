"""--svg FILE: the terminal rendering saved as SVG, atomically and deterministically, whatever stdout is."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env=env)


def svg_text(path: Path) -> str:
    """The characters the picture shows, line by line (Rich writes one <text> per styled run)."""
    svg = path.read_text(encoding="utf-8")
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace("\xa0", " ")


def fills(path: Path) -> set[str]:
    return set(re.findall(r"fill: (#[0-9a-f]{6})", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        ([], "lists every command"),
        (["topics"], "Topics in Hamhŭng"),
        (["climate"], "Where the sources disagree"),  # the topic page, as a terminal shows it
        (["economy"], "Facts (1)"),
        (["search", "vinalon"], "economy.vinalon"),
        (["fact", "economy.vinalon"], "Sources"),
        (["sources"], "wp-ref-3"),
        (["disputes"], "climate.annual-precipitation"),
    ],
)
def test_each_listing_command_saves_its_terminal_rendering(tmp_path: Path, mini: Path, argv: list[str], shown: str) -> None:
    picture = tmp_path / "shot.svg"
    plain = invoke(*argv, "--facts", str(mini))
    result = invoke(*argv, "--facts", str(mini), "--svg", str(picture))
    assert result.exit_code == 0, result.output
    assert result.stdout == plain.stdout, "stdout gets exactly the normal output"
    assert picture.read_text(encoding="utf-8").startswith("<svg")
    assert shown in svg_text(picture)


def test_the_picture_is_deterministic_and_ignores_the_terminal_settings(tmp_path: Path, mini: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    assert invoke("climate", "--facts", str(mini), "--svg", str(first)).exit_code == 0
    odd = {"TERM": "dumb", "NO_COLOR": "1", "COLORTERM": "truecolor", "LINES": "5"}
    assert invoke("climate", "--facts", str(mini), "--svg", str(second), env=odd).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert re.search(r"\.hamhung-[0-9a-f]{8}-matrix", first.read_text(encoding="utf-8")), "a content-derived id, not Rich's default"


def test_colour_unless_never(tmp_path: Path, mini: Path) -> None:
    coloured, grey = tmp_path / "c.svg", tmp_path / "g.svg"
    invoke("climate", "--facts", str(mini), "--svg", str(coloured))
    invoke("climate", "--facts", str(mini), "--svg", str(grey), "--color", "never")
    assert len(fills(coloured)) > len(fills(grey))
    assert "".join(svg_text(coloured).split()) == "".join(svg_text(grey).split()), "the same characters (Rich leaves out unstyled blank runs)"


def test_width_follows_columns(tmp_path: Path, mini: Path) -> None:
    narrow, wide = tmp_path / "n.svg", tmp_path / "w.svg"
    invoke("topics", "--facts", str(mini), "--svg", str(narrow), env={"COLUMNS": "60"})
    invoke("topics", "--facts", str(mini), "--svg", str(wide))

    def width(path: Path) -> float:
        return float(re.search(r'viewBox="0 0 ([0-9.]+)', path.read_text(encoding="utf-8")).group(1))  # type: ignore[union-attr]

    assert width(narrow) < width(wide)


def test_an_existing_file_is_replaced_atomically(tmp_path: Path, mini: Path) -> None:
    picture = tmp_path / "shot.svg"
    picture.write_text("old", encoding="utf-8")
    assert invoke("topics", "--facts", str(mini), "--svg", str(picture)).exit_code == 0
    assert picture.read_text(encoding="utf-8").startswith("<svg")
    assert [p.name for p in tmp_path.iterdir()] == ["shot.svg"], "no temporary file left behind"
    assert picture.stat().st_mode & 0o644 == 0o644, "an ordinary readable file, not mkstemp's 0600"


@pytest.mark.parametrize("where", ["missing/shot.svg", "."])
def test_an_unwritable_file_is_exit_2_with_nothing_on_stdout(tmp_path: Path, mini: Path, where: str) -> None:
    before = sorted(tmp_path.iterdir())
    result = invoke("climate", "--facts", str(mini), "--svg", str(tmp_path / where))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"hamhung: error: cannot write SVG to {tmp_path / where}: ") and result.stderr.count("\n") == 1
    assert sorted(tmp_path.iterdir()) == before


def test_fields_picture_shows_the_selected_listing(tmp_path: Path, bundled: Path) -> None:
    picture = tmp_path / "d.svg"
    result = invoke("districts", "--fields", "id,name,hangul", "--romanization", "rr", "--facts", str(bundled), "--svg", str(picture))
    assert result.exit_code == 0, result.output
    text = svg_text(picture)
    assert "Heungnam-guyeok" in text and "흥남구역" in text and "Spelling in Grokipedia" not in text


@pytest.mark.parametrize("fmt", ["table", "tsv"])
def test_a_chart_is_saved_as_drawn_whatever_the_format(tmp_path: Path, fmt: str) -> None:
    """--chart --svg saves the chart itself: with the table format (which then draws it too) and in a pipe (which then
    prints the chart's series as records)."""
    picture = tmp_path / "chart.svg"
    result = invoke("climate", "--chart", "--format", fmt, "--svg", str(picture))
    assert result.exit_code == 0, result.stderr
    shown = svg_text(picture)
    assert "climate by month" in shown and "Temperature" in shown
    assert ("climate by month" in result.stdout) == (fmt == "table")
