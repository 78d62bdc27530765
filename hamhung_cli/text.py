"""Store text made safe to show: on a terminal, in JSON, and in a spreadsheet.

Store text is data. Control, bidi and zero-width characters become visible <U+XXXX> marks (inert), JSON escapes
them (json_safe), and a cell a spreadsheet would run as a formula gets a leading apostrophe (formula_safe).
Every output format uses these; standard library only.
"""

from __future__ import annotations

from typing import Any

# C0/C1 controls, bidi embeddings/overrides/isolates, zero-width characters, line/paragraph separators
# become visible <U+XXXX> marks; tab and newline become spaces. One str.translate: no regex to compile.
_INVISIBLE_RANGES = ((0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2028, 0x2029), (0x2060, 0x2064), (0x2066, 0x2069))
INERT = {code: f"<U+{code:04X}>" for low, high in _INVISIBLE_RANGES for code in range(low, high + 1)}
INERT[0xFEFF] = "<U+FEFF>"
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in INERT}  # before tab and newline join: JSON's own layout uses them
INERT[0x09] = INERT[0x0A] = " "


def inert(text: str) -> str:
    """Text safe to print: invisible and control characters shown as <U+XXXX>, tabs and newlines as spaces.

    Every character INERT changes is one str.isprintable() rejects, so a printable text (nearly all of
    them) is returned as it is after one fast scan instead of a dictionary lookup per character.
    """
    return text if text.isprintable() else text.translate(INERT)


def cell(value: Any) -> str:
    """A value as one line of text: numbers as the store has them, None empty, lists and objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if abs(value) < 1e16 else f"{value:g}"
    if isinstance(value, (list, tuple, dict)):
        import json

        # JSON escapes control characters itself; bidi and zero-width ones are escaped as in --json.
        return json_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return inert(str(value))


def formula_safe(text: str) -> str:
    """Stop spreadsheets from running a cell as a formula (CSV injection): one that starts with = + - or @, after any
    blanks (a leading tab is a space by now, and spreadsheets skip it), and is not a number."""
    start = text.lstrip(" \t\r\n")
    if start[:1] in ("=", "+", "-", "@") and not _is_numeric_text(start):
        return "'" + text
    return text


def _is_numeric_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def json_safe(text: str) -> str:
    """JSON with bidi and zero-width characters escaped as \\uXXXX (they can only occur inside strings)."""
    return text.translate(_JSON_ESCAPES)
