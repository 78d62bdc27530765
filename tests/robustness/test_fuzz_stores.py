"""Property tests over generated fact stores, valid and broken.

Hypothesis writes small stores (random ids, topics, sources, texts with Hangul, combining marks, markup
and escape sequences, numbers including NaN and infinity, related ids, claims, monthly rows of 11 to 13
months) and sometimes damages the TOML itself. For each store:
- `check` exits 0 exactly when the store loads, and 2 otherwise, listing at least one problem with its file;
- every command exits 0, 1 or 2 (130 is Ctrl-C), without an uncaught exception; a broken store gets one stderr line;
- JSON output always parses, and the ids it holds exist in the store (search results are a subset of it);
- a second run, which reads the cache, prints exactly what the first printed.

CI-sized (the "ci" profile in conftest.py); HYPOTHESIS_PROFILE=long runs 3,000 examples per property.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hamhung_cli.errors import StoreError
from hamhung_cli.store import MONTHS, Store
from hamhung_cli.validation import load

from .conftest import EXIT_CODES
from .conftest import run as run_cli

SLUG = st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=8).filter(lambda s: s[0] != "-")
ODD_ID = st.sampled_from(["", "Bad Id", "-x", "a b", "ü", "x" * 300, "a..b", "[x]"])
HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=5)
COMBINING = st.builds(
    lambda base, marks: base + marks, st.sampled_from("aeiouhn"), st.text(alphabet=st.characters(min_codepoint=0x300, max_codepoint=0x36F), max_size=3)
)
HOSTILE = st.sampled_from(
    ["[bold red]x[/]", "[link=https://e.example]y[/link]", "\x1b[31m", "\x1b]0;t\x07", "\x1b]8;;u\x1b\\", "\u202e", "\u200b", "=1+1", "@cmd", "\x9b", "\n\t"]
)
WORD = st.one_of(st.sampled_from(["rain", "vinalon", "Hamhŭng", "함흥", "river", "1,238", "−3.4", "ch'ŏn"]), HANGUL, COMBINING, HOSTILE, st.text(max_size=12))
TEXT = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
NUMBER = st.one_of(st.integers(-(10**20), 10**20), st.floats(allow_nan=True, allow_infinity=True, width=64))


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if value != value else ("inf" if value == float("inf") else "-inf" if value == float("-inf") else repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    out = []
    for char in str(value):
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F or 0xD800 <= ord(char) <= 0xDFFF:
            out.append(f"\\u{ord(char):04X}" if not 0xD800 <= ord(char) <= 0xDFFF else "?")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


FINITE = st.one_of(st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False, width=64))


@st.composite
def stores(draw: st.DrawFn) -> str:
    """A store's TOML text: about two in three valid; the rest with wrong ids, references, numbers, month counts or damaged TOML."""
    valid = draw(st.integers(0, 2)) > 0
    odd = (lambda good, bad: good) if valid else (lambda good, bad: st.one_of(good, bad))  # noqa: E731
    topics = draw(st.lists(odd(SLUG, ODD_ID), min_size=1 if valid else 0, max_size=3, unique=True))
    sources = draw(st.lists(SLUG, min_size=1, max_size=2, unique=True))
    lines = ["schema = 1", "[store]", f"name = {toml_value(draw(TEXT))}", f"summary = {toml_value(draw(TEXT))}"]
    for topic in topics:
        lines += ["[[topic]]", f"id = {toml_value(topic)}", f"title = {toml_value(draw(TEXT))}", f"aliases = {toml_value(draw(st.lists(TEXT, max_size=2)))}"]
    for source in sources:
        lines += [
            "[[source]]",
            f"id = {toml_value(source)}",
            f"title = {toml_value(draw(TEXT))}",
            f"publisher = {toml_value(draw(TEXT))}",
            'document = "s.txt"',
            'part = "p"',
        ]
    topic_choice = odd(st.sampled_from(topics or ["nowhere"]), st.just("nowhere"))
    number = odd(FINITE, NUMBER)
    fact_ids = draw(st.lists(odd(st.builds(lambda t, s: f"{t}.{s}", SLUG, SLUG), ODD_ID), max_size=5, unique=True))
    for fact_id in fact_ids:
        lines += ["[[fact]]", f"id = {toml_value(fact_id)}", f"topic = {toml_value(draw(topic_choice))}", f"text = {toml_value(draw(TEXT))}"]
        cited = draw(st.lists(odd(st.sampled_from(sources), st.just("ghost")), min_size=1 if valid else 0, max_size=2))
        lines.append(f"sources = {toml_value(cited)}")
        if draw(st.booleans()):
            lines.append(f"value = {toml_value(draw(st.one_of(number, TEXT)))}")
        if draw(st.booleans()):
            lines.append(f"aliases = {toml_value(draw(st.lists(TEXT, max_size=2)))}")
        others = [f for f in fact_ids if f != fact_id]
        if draw(st.booleans()) and (others or not valid):
            lines.append(f"related = {toml_value(draw(st.lists(odd(st.sampled_from(others or ['x']), st.just('ghost.id')), max_size=2)))}")
        if draw(st.integers(0, 3)) == 0:
            for _ in range(draw(st.integers(2 if valid else 1, 3))):
                lines += ["[[fact.claim]]", f"text = {toml_value(draw(TEXT))}", f"sources = {toml_value([sources[0]])}", f"value = {toml_value(draw(number))}"]
    if draw(st.booleans()):
        lines += ["[[table]]", f"id = {toml_value(draw(SLUG.filter(lambda t: t not in fact_ids)))}", f"topic = {toml_value(draw(topic_choice))}"]
        lines += [f"title = {toml_value(draw(TEXT))}", 'kind = "monthly"', f"sources = {toml_value([sources[0]])}", 'period = "1991–2020"']
        for row in draw(st.lists(SLUG, min_size=1, max_size=2, unique=True)):
            values = draw(st.lists(number, min_size=12, max_size=12) if valid else st.lists(number, min_size=11, max_size=13))
            lines += ["[[table.row]]", f"id = {toml_value(row)}", f"label = {toml_value(draw(TEXT))}", 'unit = "mm"', f"values = {toml_value(values)}"]
    text = "\n".join(lines) + "\n"
    damage = 9 if valid else draw(st.integers(0, 4))
    if damage == 0:  # cut anywhere
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == 1:  # one character replaced by something TOML does not expect there
        at = draw(st.integers(0, max(0, len(text) - 1)))
        text = text[:at] + draw(st.sampled_from(['"', "[", "]", "=", "\x00", "\r", "{", "\\"])) + text[at + 1 :]
    return text


def store_ids(store: Store) -> set[str]:
    """Everything a result may name: facts, tables, rows and single monthly cells."""
    ids = set(store.facts) | set(store.tables)
    for table in store.tables.values():
        for row in table.rows:
            ids.add(f"{table.id}.{row.id}")
            ids.update(f"{table.id}.{row.id}.{month}" for month in (*MONTHS, "year"))
    return ids


def run(path: Path, *argv: str) -> tuple[int, str, str]:
    result = run_cli(*argv, "--facts", str(path))
    assert result.exit_code in EXIT_CODES, (argv, result.stderr)
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "generated.toml"


@given(text=stores(), query=WORD, fmt=st.sampled_from(["table", "plain", "csv", "markdown", "jsonl"]))
def test_generated_stores_never_crash_and_keep_their_promises(store_file: Path, text: str, query: str, fmt: str) -> None:
    store_file.write_text(text, encoding="utf-8")
    try:
        store = load(store_file)
    except StoreError:
        store = None

    code, out, err = run(store_file, "check")
    assert code == (0 if store else 2), (text, out, err)
    if store is None:
        assert out.startswith(f"{store_file}") and err.startswith("hamhung: "), out
        code, out, err = run(store_file, "search", "rain", "--json")
        assert code == 2 and out == "" and err.count("\n") == 1, err
        return

    ids = store_ids(store)
    assume(query.strip() and not query.startswith("-"))
    for argv in (["search", "--json", "--explain", query], ["search", "--json", next(iter(ids), "rain")], ["topics", "--json"], ["disputes", "--json"]):
        code, out, err = run(store_file, *argv)
        assert code in (0, 1), (argv, err)
        if code == 0:
            records = json.loads(out)
            if argv[0] == "search":
                assert {r["id"] for r in records} <= ids, "search results are a subset of the store"
                assert all(0 <= r["score"] <= 100 for r in records)
        else:
            assert out == ""
        if argv[0] == "search":
            assert run(store_file, *argv) == (code, out, err), "the cached store and index give the same answer"
    for topic in store.topics:
        code, out, err = run(store_file, "show", topic, "-f", fmt, "--sources")
        assert code == 0, (topic, fmt, err)
        if fmt == "jsonl":
            assert all(json.loads(line) for line in out.splitlines())
    if store.facts:
        code, out, _ = run(store_file, "fact", *store.facts, "--json")
        assert code == 0 and [r["id"] for r in json.loads(out)] == list(store.facts)


@given(text=stores())
def test_the_overview_and_every_topic_draw_on_a_terminal(store_file: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Rich paths (tables, cards, topic pages, the overview) with colour, at a narrow width."""
    store_file.write_text(text, encoding="utf-8")
    monkeypatch.setattr("hamhung_cli.commands.is_terminal", lambda *a: True)
    monkeypatch.setenv("COLUMNS", "40")
    code, out, _ = run(store_file, "--color", "always")
    if code == 2:
        return
    assert code == 0 and out
    for argv in (["topics", "-f", "table"], ["disputes", "-f", "table"], ["sources", "-f", "table", "--color", "always"]):
        code, out, _ = run(store_file, *argv)
        assert code in (0, 1)
