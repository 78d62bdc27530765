"""The store's words: what users read speaks of sources, documents and editors, a claim resting on one
source says whose claim it is, and a user's own store needs only what a user can know about a source."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.helptopics import TOPICS
from hamhung_cli.store import Fact, Store
from hamhung_cli.store import default_store_path as bundled_path
from hamhung_cli.validation import load

pytestmark = pytest.mark.usefixtures("shared_cache")  # these read the bundled store, never tamper with the cache
SENSITIVE_TOPICS = ("human-rights", "military", "governance")
FORMATS = ["plain", "tsv", "csv", "json", "jsonl", "markdown", "table"]
# How this project was made, which users never see: its working files and its word for the source documents.
WORKING_WORDS = re.compile(r"\bseed|conflicts\.md|\bthis store\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def store() -> Store:
    return load(bundled_path())


def publishers(store: Store, fact: Fact) -> set[str]:
    return {store.source_of(citation).publisher for citation in fact.all_citations()}


def names_its_source(text: str, publisher: str) -> bool:
    """'Grokipedia says …', 'according to Wikipedia …', 'the essay describes …' (an unsigned essay is named as 'the essay')."""
    word = "essay" if "essay" in publisher.casefold() else publisher
    return word.casefold() in text.casefold() or "according to" in text.casefold()


def test_single_source_facts_in_sensitive_topics_say_whose_claim_they_are(store: Store) -> None:
    single = [f for f in store.facts.values() if f.topic in SENSITIVE_TOPICS and len(publishers(store, f)) == 1]
    assert len(single) >= 40, "the three topics hold dozens of single-source facts"
    unattributed = [f.id for f in single if not names_its_source(f.text, next(iter(publishers(store, f))))]
    share = 1 - len(unattributed) / len(single)
    assert share >= 0.9, f"{share:.0%} attributed; these state a single source's claim as plain fact: {unattributed}"


def every_command(store: Store) -> list[list[str]]:
    """Each command with arguments that print everything the bundled store holds: every topic, table, fact, source."""
    commands = [[], ["topics"], ["districts"], ["climate", "--source", "both"], ["climate", "--chart"], ["population", "--chart"]]
    for topic in store.topics:
        commands += [["show", topic, "--sources"], ["show", topic, "--only", "facts", "--sources"]]
    commands += [["fact", *store.facts], ["sources"], ["disputes"], ["check"]]
    commands += [["search", query, "--explain", "--sources", "--limit", "50"] for query in ("vinalon", "prison camps", "famine", "port")]
    return commands


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_speaks_of_how_the_store_was_made(store: Store, fmt: str) -> None:
    runner = CliRunner()
    for command in every_command(store):
        argv = [*command, "--format", fmt] if command and command[0] != "check" else command
        result = runner.invoke(app, argv)
        assert result.exit_code == 0, (argv, result.output)
        for stream in (result.stdout, result.stderr):
            found = WORKING_WORDS.search(stream)
            assert found is None, f"{argv}: {stream[max(found.start() - 80, 0) : found.end() + 80]!r}" if found else ""


def test_no_help_speaks_of_how_the_store_was_made(runner: CliRunner) -> None:
    commands = [["--help"], ["help"], *(["help", topic] for topic in TOPICS)]
    commands += [[name, "--help"] for name in ("topics", "show", "climate", "districts", "fact", "search", "sources", "disputes", "check", "help")]
    for argv in commands:
        result = runner.invoke(app, argv)
        assert result.exit_code == 0, (argv, result.output)
        assert WORKING_WORDS.search(result.stdout + result.stderr) is None, argv


MINIMAL = """schema = 1

[[topic]]
id = "harbour"
title = "Harbour"

[[source]]
id = "log"
title = "Harbour master's log"
publisher = "Port office"

[[fact]]
id = "harbour.berths"
topic = "harbour"
text = "The port office's log counts four berths."
sources = ["log[2]"]
value = 4
"""


def test_a_source_needs_only_an_id_a_title_and_a_publisher(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "minimal.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    checked = runner.invoke(app, ["check", "--facts", str(path)])
    assert checked.exit_code == 0, checked.output
    assert ": ok" in checked.stdout, checked.stdout

    shown = runner.invoke(app, ["fact", "harbour.berths", "--facts", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "Port office, “Harbour master's log”, note [2]" in shown.stdout, "the citation reads well without a part"
    assert "None" not in shown.stdout
    listed = runner.invoke(app, ["sources", "--json", "--facts", str(path)])
    (source,) = json.loads(listed.stdout)
    assert source["id"] == "log" and source["document"] is None and source["part"] is None and source["facts"] == 1


def test_a_store_without_a_name_is_called_after_its_file(tmp_path: Path) -> None:
    store = tmp_path / "my-notes.toml"
    store.write_text(
        'schema = 1\n[[topic]]\nid = "t"\ntitle = "T"\nsummary = "S"\n[[source]]\nid = "s"\ntitle = "Doc"\npublisher = "Me"\n'
        '[[fact]]\nid = "t.a"\ntopic = "t"\ntext = "A fact."\nsources = ["s"]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["--facts", str(store)])
    assert result.exit_code == 0 and result.stdout.startswith("my-notes\t") and "this store" not in result.stdout
