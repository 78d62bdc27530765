"""Terminal pages as a person reads them at 80 columns: sized, with fair columns, the rest one command away."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.cli import app
from hamhung_cli.validation import load


def page(bundled: Path, *words: str, width: int = 80) -> str:
    """A page as the terminal draws it (a forced table format, the pager out of the way: CliRunner is no terminal)."""
    result = CliRunner().invoke(app, [*words, "--facts", str(bundled), "--format", "table"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


def lines(text: str) -> int:
    return len(text.splitlines())


@pytest.mark.parametrize(("words", "most"), [(["climate"], 60), (["disputes"], 250)], ids=["climate", "disputes"])
def test_a_page_fits_its_budget_at_80_columns(bundled: Path, words: list[str], most: int) -> None:
    assert lines(page(bundled, *words)) <= most


def test_the_longest_topic_fits_in_250_lines(bundled: Path) -> None:
    sizes = {topic: lines(page(bundled, topic)) for topic in load(bundled).topics}
    assert max(sizes.values()) <= 250, sizes
    assert sizes["history"] > 100, "history is the longest topic, and it is shown in full"


def test_a_dispute_is_shown_once_on_its_topic_page(bundled: Path) -> None:
    store = load(bundled)
    for topic in ("climate", "history", "districts"):
        shown = page(bundled, topic)
        for fact in store.facts_in(topic):
            assert shown.count(fact.id) == 1, (topic, fact.id)
            if fact.disputed:
                assert fact.text.split()[3] not in shown or shown.count(" ".join(fact.text.split()[:6])) <= 1


def test_a_dispute_is_one_line_with_each_side_and_its_publisher(bundled: Path) -> None:
    shown = page(bundled, "climate")
    line = next(line for line in shown.splitlines() if "climate.annual-precipitation" in line)
    assert line.rstrip() == "! climate.annual-precipitation: 830.0 mm (Wikipedia) · 1238 mm (Grokipedia)"
    assert "The sources disagree here" not in shown and "\n  ! " not in shown, "no second block, no ragged wrap"


def test_default_pages_cite_shortly_and_say_how_to_reach_the_rest(bundled: Path) -> None:
    climate = page(bundled, "climate")
    assert "Source for climate-kma: Wikipedia, “Hamhung”, Climate table" in climate and "citing" not in climate
    assert "'hamhung fact ID' for one fact in full; --sources for every reference." in climate
    assert "citing Korea Meteorological Administration" in " ".join(page(bundled, "climate", "--sources").split())
    assert "'hamhung fact ID' shows one in full" in " ".join(page(bundled, "disputes").split())
    assert "'hamhung sources --fields id,cites'" in " ".join(page(bundled, "sources").split())
    assert "'hamhung fact ID' shows one with its sources" in " ".join(page(bundled, "search", "vinalon").split())


def test_with_sources_a_topic_page_gives_every_claim_with_its_reference(bundled: Path) -> None:
    full = " ".join(page(bundled, "climate", "--sources").split())
    assert "Where the sources disagree" not in full, "the disputed facts show their claims instead"
    assert "1. KMA 1991–2020: 830.0 mm (32.68 in) a year. [830.0 mm] — Wikipedia, “Hamhung”, Climate table" in full


def test_a_count_agrees_with_its_noun(bundled: Path) -> None:
    one = " ".join(page(bundled, "districts", "--only", "facts", "--fields", "id,text").split())
    assert "1 of these facts is disputed" in one


def words(text: str) -> Counter[str]:
    """How often each word occurs (a word split in one place still shows whole in another: counts catch it)."""
    return Counter(word for word in text.split() if set(word) - set("━-"))


@pytest.mark.parametrize("words_typed", [["districts"], ["climate"], ["sources"]], ids=" ".join)
def test_no_word_is_split_at_80_columns(bundled: Path, words_typed: list[str]) -> None:
    """Every word of the page drawn 1,000 columns wide is whole at 80: columns are at least as wide as their longest word."""
    wide, narrow = page(bundled, *words_typed, width=1000), page(bundled, *words_typed)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    cards = "━" not in narrow  # too narrow for a table: a card per row, headed by its id, no ID header
    assert words(wide) - words(narrow) == (Counter({"ID": 1}) if cards else Counter())


def test_spare_room_goes_to_the_column_of_running_text(bundled: Path) -> None:
    """At 120 columns the districts table fits, names on one line each, and the notes take what is left."""
    table = page(bundled, "districts", "--only", "tables", width=120).splitlines()
    header = next(n for n, line in enumerate(table) if "━" in line) - 1
    note = table[header].index("Note")
    assert 120 - note >= 28
    assert any("Sŏngch'ŏn'gang-guyŏk" in line and "Seongcheongang-guyeok" in line for line in table)


def test_short_labels_never_wrap(bundled: Path) -> None:
    """Month names, ids and numbers stay on one line even when the headers above them wrap."""
    table = page(bundled, "climate", "--only", "tables").splitlines()
    rows = [line for line in table if line[:3] in {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Yea"}]
    assert len(rows) == 13 and all(len(line.split()) == 8 for line in rows)


def test_cards_line_their_values_up_from_card_to_card(bundled: Path) -> None:
    """Too narrow for the people table: a card per person, every card's values starting in the same column."""
    names = [line for line in page(bundled, "people", "--only", "tables").splitlines() if line.startswith("Name ")]
    starts = {len(line) - len(line[len("Name") :].lstrip()) for line in names}
    assert len(names) >= 5 and len(starts) == 1, names
