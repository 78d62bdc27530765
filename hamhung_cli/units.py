"""--units metric|imperial: every measurement converted from the one value the store holds.

The whole Store is converted before any view reads it, so tables, facts, claims, search cells, charts and
the overview show the same converted numbers with their unit (JSON keeps them numbers). Without --units or
HAMHUNG_UNITS figures print as stored. Precision follows the stored figure (0.1 mm → 0.01 in, 0.1 °C →
0.1 °F), and a whole number keeps at least two significant digits (12 km → 7.5 mi, not 7 mi).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import UsageError
from .options import UNITS
from .store import Claim, Fact, MonthlyRow, RecordRow, Store, Table

if TYPE_CHECKING:
    from typing import Any

# unit → (unit in the other system, factor, offset): converted = value * factor + offset.
_TO_IMPERIAL: dict[str, tuple[str, float, float]] = {
    "°C": ("°F", 1.8, 32.0),
    "mm": ("in", 1 / 25.4, 0.0),
    "cm": ("in", 1 / 2.54, 0.0),
    "m": ("ft", 1 / 0.3048, 0.0),
    "km": ("mi", 1 / 1.609344, 0.0),
    "km²": ("sq mi", 1 / 2.589988110336, 0.0),
    "km/h": ("mph", 1 / 1.609344, 0.0),
}
_TO_METRIC: dict[str, tuple[str, float, float]] = {
    "°F": ("°C", 5 / 9, -160 / 9),
    "in": ("mm", 25.4, 0.0),
    "inch": ("mm", 25.4, 0.0),
    "inches": ("mm", 25.4, 0.0),
    "ft": ("m", 0.3048, 0.0),
    "mi": ("km", 1.609344, 0.0),
    "sq mi": ("km²", 2.589988110336, 0.0),
    "mph": ("km/h", 1.609344, 0.0),
}
_TABLES = {"metric": _TO_METRIC, "imperial": _TO_IMPERIAL}


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def decimals(value: float | int) -> int:
    """Decimal places as the store wrote the number (830.0 → 1, 0.48 → 2, 12 → 0)."""
    if isinstance(value, int):
        return 0
    text = repr(value)
    if "e" in text:  # repr writes an exponent in lowercase
        return 6
    return len(text.partition(".")[2])


def _places(values: Iterable[float | int], factor: float, offset: float) -> int:
    """Decimal places for converted values: the stored resolution scaled by the factor, and (for ratio scales) at least two significant digits."""
    numbers = [v for v in values if is_number(v)]
    if not numbers:
        return 0
    places = max(0, max(decimals(v) for v in numbers) + round(math.log10(1 / abs(factor))))
    largest = max(abs(v * factor) for v in numbers)
    if largest > 0 and offset == 0:
        places = max(places, min(1 - math.floor(math.log10(largest)), 4))
    return places


def _rounded(value: float, places: int) -> float | int:
    if places == 0:
        return int(round(value))
    rounded = round(value, places)
    return 0.0 if rounded == 0 else rounded


def conversion(unit: str | None, system: str) -> tuple[str, float, float] | None:
    """How to bring `unit` into `system`, or None when it is already there or is not a measurement unit."""
    return _TABLES[system].get(unit) if unit else None


def convert_values(values: Iterable[Any], unit: str | None, system: str) -> tuple[list[Any], str | None]:
    """Values that share one unit (a table row), converted together so they keep one precision."""
    values = list(values)
    found = conversion(unit, system)
    if found is None:
        return values, unit
    target, factor, offset = found
    places = _places(values, factor, offset)
    return [_rounded(v * factor + offset, places) if is_number(v) else v for v in values], target


def convert(value: Any, unit: str | None, system: str) -> tuple[Any, str | None]:
    """One figure and its unit in `system`; text values and other units pass through."""
    if not is_number(value):
        return value, unit
    (converted,), target = convert_values([value], unit, system)
    return converted, target


# --------------------------------------------------------------------------- the store


def _fact(fact: Fact, system: str) -> Fact:
    value, unit = convert(fact.value, fact.unit, system)
    claims = tuple(Claim(c.text, c.sources, *convert(c.value, c.unit, system)) for c in fact.claims)
    return fact._replace(value=value, unit=unit, claims=claims)


def _monthly_row(row: MonthlyRow, system: str) -> MonthlyRow:
    if conversion(row.unit, system) is None:
        return row
    converted, unit = convert_values([*row.values, row.year], row.unit, system)
    # The stored figures become the row's "other unit": `25.9 °F (-3.4 °C)` instead of repeating the source's own °F.
    return row._replace(unit=unit, values=tuple(converted[:12]), year=converted[12], alt_unit=row.unit, alt_values=row.values, alt_year=row.year)


def _records_table(table: Table, system: str) -> Table:
    if all(conversion(c.unit, system) is None for c in table.columns):
        return table
    records = [r for r in table.rows if isinstance(r, RecordRow)]
    columns, cells = [], {}
    for column in table.columns:  # a column converted as a whole, so its figures keep one precision
        cells[column.key], unit = convert_values([r.get(column.key) for r in records], column.unit, system)
        columns.append(column._replace(unit=unit))
    rows = [row._replace(cells=tuple((k, cells[k][n] if k in cells else v) for k, v in row.cells)) for n, row in enumerate(records)]
    return table._replace(columns=tuple(columns), rows=tuple(rows))


def _table(table: Table, system: str) -> Table:
    if table.kind == "monthly":
        return table._replace(rows=tuple(_monthly_row(r, system) if isinstance(r, MonthlyRow) else r for r in table.rows))
    return _records_table(table, system)


def convert_store(store: Store, system: str) -> Store:
    """The same store with every measurement in `system` (facts, claims, monthly tables, record columns with a unit)."""
    return store._replace(
        facts={k: _fact(f, system) for k, f in store.facts.items()},
        tables={k: _table(t, system) for k, t in store.tables.items()},
    )


def in_units(store: Store, choice: str | None) -> Store:
    """The store as a command should show it: converted when --units (`choice`) or else HAMHUNG_UNITS asks, else as stored."""
    if choice is None:
        choice = os.environ.get("HAMHUNG_UNITS", "").strip() or None
        if choice is not None and choice.lower() not in UNITS:
            raise UsageError(f"HAMHUNG_UNITS must be metric or imperial, not '{choice}'")
    return store if choice is None else convert_store(store, choice.lower())
