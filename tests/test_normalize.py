from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamhung_cli.normalize import folded_phrase, hangul_to_latin, romanization_key, spelling, tokens


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hamhŭng", "Hamhung"),
        ("Hamheung", "Hamhung"),
        ("함흥", "Hamhung"),
        ("Ch'ŏngch'ŏn", "Chongchon"),
        ("Cheongcheon", "Chongchon"),
        ("Hŭngnam", "Heungnam"),
        ("흥남", "Hungnam"),
        ("Ryongsong", "Yongsong"),
        ("Riwon", "Iwon"),
        ("jikhalsi", "chikhalsi"),
        ("Tonghŭng", "Donghung"),
        ("naengmyeon", "naengmyon"),
        ("비날론", "vinalon"),
        ("Songchŏn’gang", "Songchongang"),
    ],
)
def test_spellings_meet_on_one_key(a: str, b: str) -> None:
    assert folded_phrase(a) == folded_phrase(b)


@pytest.mark.parametrize(("a", "b"), [("Hamhung", "Pyongyang"), ("vinalon", "naengmyeon"), ("tower", "towers-ish")])
def test_different_words_stay_apart(a: str, b: str) -> None:
    assert folded_phrase(a) != folded_phrase(b)


def test_fold_separators_minus_and_digit_groups() -> None:
    assert tokens("Hamhŭng-si") == ["hamhung", "si"]
    assert tokens("−3.4 °C, 84.7 %") == ["-3.4", "celsius", "84.7", "percent"]
    assert tokens("1,238 mm") == ["1238", "mm"]
    assert tokens("1991–2020") == ["1991", "2020"]
    assert tokens("2·8 Vinalon") == ["2", "8", "vinalon"]


def test_hangul_is_kept_and_transliterated() -> None:
    assert tokens("함흥냉면 (咸興)") == ["함흥냉면", "咸興"]
    assert hangul_to_latin("함흥") == "hamheung"
    assert hangul_to_latin("흥남") == "heungnam"


def test_one_spelling_for_british_and_american_words_and_units() -> None:
    assert spelling("theatre") == spelling("theater") == "theater"
    assert spelling("harbour") == "harbor" and spelling("defence") == spelling("defense")
    assert spelling("kilometres") == spelling("kilometers") and spelling("metre") == "m"
    assert spelling("opened") == "opened", "stemming is the index's (FTS5's Porter stemmer)"
    assert romanization_key("Hamhung".casefold()) == romanization_key("hamheung")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_folding_any_text_is_the_three_tables_applied_in_turn(text: str) -> None:
    import unicodedata

    from hamhung_cli import normalize

    step = unicodedata.normalize("NFKC", text).casefold().replace("%", " percent ").replace("°c", " celsius ").replace("°f", " fahrenheit ")
    step = step.translate(normalize._MINUS).translate(normalize._APOSTROPHES).translate(normalize._SEPARATORS)
    if not step.isascii():
        step = step.translate(normalize._ACCENTS)
    assert normalize.fold(text) == normalize._DIGIT_GROUPS.sub("", step)
