"""Text normalisation shared by the search index, the query and name lookups.

Everything a person might type for the same thing should fold to the same
form: case, diacritics (ŭ ŏ → u o), apostrophes, hyphens and middle dots,
Unicode minus and dashes, British/American spellings, McCune–Reischauer vs
Revised Romanization, and Hangul (transliterated so that 함흥 meets Hamhung).
The same functions run over the store and over the query, so both sides
always agree. Pure functions, standard library only: this module is on the
start-up path.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters that separate words: hyphens, dashes (not the minus), middle
# dots, slashes, brackets and the rest of ASCII punctuation except . , -
_SEPARATORS = dict.fromkeys(
    map(
        ord,
        '\u2010\u2011\u2012\u2013\u2014\u2015\u00b7\u2027\u30fb\u2219/\\|_()[]{}<>«»"“”„:;!?*&+=~^#@$%…',
    ),
    " ",
)
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʻ`´′"), None)
_MINUS = {ord("\u2212"): "-", ord("\ufe63"): "-", ord("\uff0d"): "-"}

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3

# Revised Romanization, syllable by syllable (no sound-change rules: the
# romanization key below absorbs most of what they would change).
_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_MEDIALS = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo",
    "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
]  # fmt: skip
_FINALS = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
    "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
]  # fmt: skip

# Small character classes only: a class spanning thousands of code points costs milliseconds to
# compile, on every start. Non-ASCII runs are split into Hangul and Han runs by `_script_runs`.
_TOKEN = re.compile(
    r"(?<![a-z0-9.])-?\d+(?:\.\d+)?"  # numbers, with a leading minus sign
    r"|[a-z0-9]+"  # Latin words (after diacritics are gone)
    r"|[^\x00-\x7f]+"  # anything else: kept only where it is Hangul or Han
)
_DIGIT_GROUPS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

# British → one spelling (applied to whole tokens, both sides of a match).
_SPELLING_SUFFIXES = (
    ("tres", "ters"),
    ("tre", "ter"),
    ("ours", "ors"),
    ("our", "or"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("iser", "izer"),
    ("ise", "ize"),
    ("isation", "ization"),
    ("ogue", "og"),
    ("ence", "ense"),
)
_SPELLING_WORDS = {"grey": "gray", "aluminium": "aluminum", "programme": "program"}
# Units written out or abbreviated meet on one form (after the British → American step).
_UNIT_WORDS = {
    "millimeter": "mm", "millimetre": "mm", "centimeter": "cm", "centimetre": "cm", "kilometer": "km",
    "kilometre": "km", "meter": "m", "metre": "m", "inch": "in", "inche": "in", "feet": "ft", "foot": "ft",
    "percentage": "percent", "pct": "percent", "tonne": "ton",
}  # fmt: skip


# The three tables touch disjoint characters and none maps to a character another one changes, so one
# table does what applying them one after another does.
_PUNCTUATION = {**_MINUS, **_APOSTROPHES, **_SEPARATORS}


def fold(text: str) -> str:
    """Case, compatibility forms, diacritics, apostrophes and separators folded away.

    Hangul and Han characters are kept as they are (NFKD would split Hangul syllables into jamo).
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("%", " percent ").replace("°c", " celsius ").replace("°f", " fahrenheit ")
    text = text.translate(_PUNCTUATION)
    if not text.isascii():
        text = text.translate(_ACCENTS)
    return _DIGIT_GROUPS.sub("", text) if "," in text else text


def _base_letter(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _LATIN_EXTRA.get(base, base)


_LATIN_EXTRA = {"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "œ": "oe", "ı": "i"}


class _AccentTable(dict[int, str]):
    """Code point → the same letter without diacritics, worked out on first sight, so str.translate runs in C.

    Only U+0080–U+2FFF can carry diacritics; Hangul and Han lie above and are kept (NFKD would split
    Hangul syllables into jamo). A regex class over that range would cost ~10 ms to compile at start-up.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = _base_letter(char) if 0x80 <= code <= 0x2FFF else char
        self[code] = base
        return base


_ACCENTS = _AccentTable()
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def _script(char: str) -> int:
    """1 for a Hangul syllable, 2 for a Han character (Hanja), 0 for anything else."""
    code = ord(char)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return 1
    return 2 if any(low <= code <= high for low, high in _HAN_RANGES) else 0


def _script_runs(run: str) -> list[str]:
    """The Hangul and Han runs of a non-ASCII run of characters; other scripts and symbols are not words here."""
    out: list[str] = []
    start, kind = 0, _script(run[0])
    for position in range(1, len(run) + 1):
        next_kind = _script(run[position]) if position < len(run) else -1
        if next_kind != kind:
            if kind:
                out.append(run[start:position])
            start, kind = position, next_kind
    return out


def tokens(text: str) -> list[str]:
    """The words of a text after folding: Latin words, numbers, Hangul runs, Hanja runs."""
    words = _TOKEN.findall(fold(text))
    return [run for word in words for run in ((word,) if word.isascii() or word[0].isdigit() else _script_runs(word))]


def is_hangul(token: str) -> bool:
    return bool(token) and _HANGUL_FIRST <= ord(token[0]) <= _HANGUL_LAST


def hangul_to_latin(token: str) -> str:
    """Revised Romanization of a run of Hangul syllables, one syllable at a time."""
    out = []
    for char in token:
        code = ord(char) - _HANGUL_FIRST
        if not 0 <= code <= _HANGUL_LAST - _HANGUL_FIRST:
            out.append(char)
            continue
        initial, rest = divmod(code, 588)
        medial, final = divmod(rest, 28)
        out.append(_INITIALS[initial] + _MEDIALS[medial] + _FINALS[final])
    return "".join(out)


@lru_cache(maxsize=8192)
def spelling(token: str) -> str:
    """One spelling for a word: British → American (harbour, metre, defence), unit words → their symbols (metre → m).

    Stemming is the full-text index's own (FTS5's Porter stemmer); this is what a stemmer does not do."""
    if not token.isascii() or not token.isalpha():
        return token
    token = _SPELLING_WORDS.get(token, token)
    if len(token) >= 5:
        for old, new in _SPELLING_SUFFIXES:
            if token.endswith(old):
                token = token[: -len(old)] + new
                break
    return _UNIT_WORDS.get(token, token)


def words(text: str) -> list[str]:
    """The words of a text as the index holds them: folded (tokens), then in one spelling."""
    return [spelling(t) for t in tokens(text)]


# Applied in this order (a later rule sees what an earlier one made: d → t, then th → t).
_KEY_BEFORE = (("eo", "o"), ("eu", "u"), ("oo", "u"), ("shi", "si"), ("tch", "ch"))
_KEY_LETTERS = str.maketrans({"j": "ch", "g": "k", "d": "t", "b": "p", "v": "p", "f": "p", "r": "l"})
_KEY_AFTER = (("ph", "p"), ("th", "t"), ("kh", "k"))
_DOUBLED = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=8192)
def romanization_key(token: str) -> str:
    """Fold McCune–Reischauer and Revised Romanization spellings to one key.

    eo/o, eu/u, k/g, t/d, p/b, ch/j, r/l, doubled letters, and an initial
    r/l/n before i or y (Ryongsong = Yongsong, Riwon = Iwon). Hangul is
    transliterated first. Applied to English words too, harmlessly: both
    sides of a comparison go through it.
    """
    if is_hangul(token):
        token = hangul_to_latin(token)
    if not token.isascii() or not token.isalpha():
        return token
    key = token
    for old, new in _KEY_BEFORE:
        key = key.replace(old, new)
    key = key.translate(_KEY_LETTERS)
    for old, new in _KEY_AFTER:
        key = key.replace(old, new)
    if len(key) > 2 and key[0] in "ln" and key[1] in "iy":
        key = key[1:]
    return _DOUBLED.sub(_first_letter, key)  # doubled letters once


def _first_letter(match: re.Match[str]) -> str:
    return match.group(1)  # a function is several times faster than the template r"\1" here


@lru_cache(maxsize=16384)
def folded_phrase(text: str) -> str:
    """A whole phrase reduced to its romanization keys: for exact name matches."""
    return " ".join(romanization_key(w) for w in words(text))
