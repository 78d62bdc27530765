"""`hamhung help [TOPIC]`: reference topics, kept in one place and in step with README.md."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli import errors, fast
from hamhung_cli.cli import app
from hamhung_cli.helptopics import ENVIRONMENT, EXIT_CODES, FORMATS, TOPICS, WIDTH, Entry

from .conftest import clean_env, installed_command

README = Path(__file__).parent.parent / "README.md"


def markdown_entries(entries: tuple[Entry, ...], header: tuple[str, str]) -> str:
    """A reference list as a Markdown table, as README.md carries it."""
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [f"| {e.term} | {e.text} |" for e in entries]
    return "\n".join(lines) + "\n"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_help_alone_lists_every_topic() -> None:
    result = invoke("help")
    assert result.exit_code == 0 and result.stderr == ""
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert listed == list(TOPICS)


@pytest.mark.parametrize("topic", list(TOPICS))
def test_each_topic_prints_its_text_within_the_width(topic: str) -> None:
    result = invoke("help", topic)
    assert result.exit_code == 0, result.output
    assert result.stdout == TOPICS[topic].text and result.stderr == ""
    assert all(len(line) <= WIDTH for line in result.stdout.splitlines())


def test_topic_words_people_try() -> None:
    assert invoke("help", "EXIT").stdout == TOPICS["exit-codes"].text
    assert invoke("help", "env").stdout == TOPICS["environment"].text


def test_unknown_topic_is_exit_2_with_did_you_mean() -> None:
    result = invoke("help", "exti-codes")
    assert result.exit_code == 2 and result.stdout == ""
    assert "no help topic 'exti-codes'" in result.stderr and "did you mean: exit-codes?" in result.stderr


def test_help_on_a_command_is_its_help() -> None:
    assert invoke("help", "search").stdout == invoke("search", "--help").stdout


def test_help_is_a_command_even_when_a_store_has_a_topic_called_help(tmp_path: Path) -> None:
    store = tmp_path / "s.toml"
    store.write_text('schema = 1\n[[topic]]\nid = "help"\ntitle = "Helpers"\n', encoding="utf-8")
    result = invoke("--facts", str(store), "help", "formats")
    assert result.exit_code == 0 and result.stdout == TOPICS["formats"].text
    # The console script too: its fast path must not take 'help' for the store's topic.
    assert fast.parse(["--facts", str(store), "help"]) is None
    script = subprocess.run([installed_command(), "help"], capture_output=True, text=True, env=clean_env(HAMHUNG_FACTS=str(store)), timeout=60)
    assert script.returncode == 0 and script.stdout == invoke("help").stdout


def test_exit_codes_are_the_ones_the_code_uses() -> None:
    used = {errors.EXIT_OK, errors.EXIT_NOT_FOUND, errors.EXIT_USAGE, errors.EXIT_INTERRUPTED}
    assert {int(entry.term) for entry in EXIT_CODES} == used


def test_formats_are_the_ones_the_cli_offers() -> None:
    from hamhung_cli.options import FORMATS as OFFERED

    assert tuple(entry.term for entry in FORMATS) == OFFERED


@pytest.mark.parametrize(("entries", "header"), [(EXIT_CODES, ("code", "meaning")), (ENVIRONMENT, ("variable", "what it does"))])
def test_readme_carries_the_same_tables(entries, header) -> None:  # type: ignore[no-untyped-def]
    assert markdown_entries(entries, header) in README.read_text(encoding="utf-8")


def test_environment_names_every_variable_the_code_reads() -> None:
    import re

    package = Path(__file__).parent.parent / "hamhung_cli"
    read = {m for path in package.glob("*.py") for m in re.findall(r"environ(?:\.get)?\(\s*\"([A-Z_]+)\"", path.read_text(encoding="utf-8"))}
    read |= {"HAMHUNG_ROMANIZATION"}  # names.ENV
    documented = {entry.term for entry in ENVIRONMENT}
    assert read <= documented, read - documented


def test_store_help_names_every_key_the_bundled_store_uses(bundled: Path) -> None:
    data = tomllib.loads(bundled.read_text(encoding="utf-8"))
    keys = set(data) | set(data["store"])
    for section in ("topic", "source", "fact"):
        keys |= {k for entry in data[section] for k in entry}
    keys |= {k for fact in data["fact"] for claim in fact.get("claim", []) for k in claim}
    for table in data["table"]:
        keys |= set(table)
        columns = {c["key"] for c in table.get("columns", [])}
        keys |= {k for row in table["row"] for k in row if k not in columns}
    keys -= {"claim", "row"}  # written as [[fact.claim]] and [[table.row]]
    text = TOPICS["store"].text
    assert [k for k in sorted(keys) if k not in text] == []
