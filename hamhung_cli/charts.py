"""Charts of the store's numbers: the climate by month and the population by year.

The chart models are plain data computed from the store's own tables, so a pipe or a machine format
prints a chart's series as records. Only the draw functions import Rich. Without colour every series
still has its own characters, so a chart reads the same in black and white; without a Unicode
encoding it falls back to ASCII.
"""

import math
from collections.abc import Callable, Iterable
from itertools import groupby, starmap
from typing import IO, TYPE_CHECKING, NamedTuple

from .errors import UsageError
from .listing import Listing, ViewColumn, sources_line
from .store import MONTHS, MonthlyRow, RecordRow, Store, Table
from .text import inert
from .units import decimals, is_number

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# No `from __future__ import annotations` here: typing.NamedTuple would compile each annotation string at start-up.

TEMPERATURE_UNITS = ("°C", "°F")
PRECIPITATION_UNITS = ("mm", "cm", "in", "inch", "inches")
# Which monthly row plays which part: its unit and the row ids stores use (the bundled one: mean-max, mean, mean-min, precipitation).
_ROLES = {
    "high": (TEMPERATURE_UNITS, ("mean-max", "max", "high", "maximum")),
    "low": (TEMPERATURE_UNITS, ("mean-min", "min", "low", "minimum")),
    "mean": (TEMPERATURE_UNITS, ("mean", "average", "temperature")),
    "precipitation": (PRECIPITATION_UNITS, ("precipitation", "rain", "rainfall")),
}
# Projections are figures for a year still ahead when they were made: not "the population" a dashboard should quote.
PROJECTED_KINDS = ("projection", "forecast")


# --------------------------------------------------------------------------- models


class MonthFigures(NamedTuple):
    month: str
    low: float | None
    mean: float | None
    high: float | None
    precipitation: float | None


class ClimateSeries(NamedTuple):
    """One monthly table's temperatures and precipitation, as stored (or as converted by --units)."""

    table: str
    label: str  # a short name for the chart's rows: the table id without its topic ("kma")
    title: str
    period: str | None
    source: str
    temperature_unit: str | None
    precipitation_unit: str | None
    low_label: str | None
    mean_label: str | None
    high_label: str | None
    months: tuple[MonthFigures, ...]
    year_mean: float | None
    year_precipitation: float | None


class ClimateChart(NamedTuple):
    place: str
    series: tuple[ClimateSeries, ...]


class PopulationPoint(NamedTuple):
    year: int
    population: float
    kind: str | None  # the table's own mark: estimate, projection, model …


class PopulationChart(NamedTuple):
    place: str
    table: str
    title: str
    unit: str | None
    source: str
    note: str | None
    points: tuple[PopulationPoint, ...]


def _role(row: MonthlyRow) -> str | None:
    return next((role for role, (units, ids) in _ROLES.items() if row.unit in units and row.id in ids), None)


def climate_series(store: Store, table: Table) -> ClimateSeries | None:
    """A monthly table's temperature and precipitation rows, or None when it has neither."""
    rows: dict[str, MonthlyRow] = {}
    for row in table.rows:
        role = _role(row) if isinstance(row, MonthlyRow) else None
        if role is not None:
            rows.setdefault(role, row)
    if not rows:
        return None
    low, mean, high, rain = map(rows.get, ("low", "mean", "high", "precipitation"))
    temperature = mean or high or low
    figures = [row.values if row else (None,) * 12 for row in (low, mean, high, rain)]
    year_mean = year_precipitation = None
    if mean:
        year_mean = mean.year if mean.year is not None else round(sum(mean.values) / 12, 1)
    if rain:
        year_precipitation = rain.year if rain.year is not None else round(sum(rain.values), 2)
    return ClimateSeries(
        table.id,
        table.id.removeprefix(f"{table.topic}-") or table.id,
        table.title if not table.period or table.period in table.title else f"{table.title} ({table.period})",
        table.period,
        sources_line(store, table.sources),
        temperature.unit if temperature else None,
        rain.unit if rain else None,
        low.label if low else None,
        mean.label if mean else None,
        high.label if high else None,
        tuple(starmap(MonthFigures, zip(MONTHS, *figures, strict=True))),
        year_mean,
        year_precipitation,
    )


def climate_chart(store: Store, tables: list[Table]) -> ClimateChart | None:
    """The monthly tables among `tables` as one chart; a usage error when their units differ."""
    series = tuple(s for s in (climate_series(store, t) for t in tables if t.kind == "monthly") if s is not None)
    if not series:
        return None
    for unit in ("temperature_unit", "precipitation_unit"):
        found = {getattr(s, unit) for s in series} - {None}
        if len(found) > 1:
            raise UsageError(f"the tables give {' and '.join(sorted(found))}; add --units metric or --units imperial to chart them on one scale")
    return ClimateChart(store.name, series)


def population_chart(store: Store, tables: list[Table] | None = None) -> PopulationChart | None:
    """The first records table with a year and a population column, as points in year order."""
    for table in tables if tables is not None else store.tables.values():
        keys = {c.key: c for c in table.columns}
        if table.kind != "records" or "year" not in keys or "population" not in keys:
            continue
        records = [r for r in table.rows if isinstance(r, RecordRow) and is_number(r.get("year")) and is_number(r.get("population"))]
        points = sorted(
            (PopulationPoint(int(r.get("year")), r.get("population"), str(r.get("kind")) if r.get("kind") else None) for r in records), key=lambda p: p.year
        )
        if points:
            return PopulationChart(store.name, table.id, table.title, keys["population"].unit, sources_line(store, table.sources), table.note, tuple(points))
    return None


Chart = ClimateChart | PopulationChart


def chart_for(store: Store, topic: str, tables: list[Table]) -> Chart:
    """The chart of a topic's chosen tables: monthly climate first, else a population table."""
    chart: Chart | None = climate_chart(store, tables) or population_chart(store, tables)
    if chart is None:
        raise UsageError(f"topic '{topic}' has nothing to chart: --chart draws monthly climate tables and population tables", ["climate", "population"])
    return chart


def latest_population(chart: PopulationChart) -> PopulationPoint:
    """The newest figure that is not a projection (else the newest): what "the population" is today, as far as the store knows."""
    measured = [p for p in chart.points if (p.kind or "").casefold() not in PROJECTED_KINDS]
    return (measured or list(chart.points))[-1]


# --------------------------------------------------------------------------- machine formats


def chart_listing(chart: Chart) -> Listing:
    """A chart's series as records: what --chart prints in a pipe or in a machine format."""
    if isinstance(chart, PopulationChart):
        columns = [ViewColumn("table", "Table"), ViewColumn("year", "Year", numeric=True), ViewColumn("population", "Population", numeric=True)]
        columns += [ViewColumn("unit", "Unit"), ViewColumn("kind", "Kind")]
        rows = [{"table": chart.table, "year": p.year, "population": p.population, "unit": chart.unit, "kind": p.kind} for p in chart.points]
        notes = [n for n in (chart.note,) if n] + [f"Source for {chart.table}: {chart.source}"]
        return Listing(chart.title, columns, rows, notes)
    columns = [ViewColumn("table", "Table"), ViewColumn("period", "Period"), ViewColumn("month", "Month")]
    columns += [ViewColumn(k, t, numeric=True) for k, t in (("mean_min", "Mean min"), ("mean", "Mean"), ("mean_max", "Mean max"))]
    columns += [ViewColumn("temperature_unit", "Unit"), ViewColumn("precipitation", "Precipitation", numeric=True), ViewColumn("precipitation_unit", "Unit")]
    keys = [c.key for c in columns]
    rows = [
        dict(zip(keys, (s.table, s.period, m.month, m.low, m.mean, m.high, s.temperature_unit, m.precipitation, s.precipitation_unit), strict=True))
        for s in chart.series
        for m in s.months
    ]
    notes = [f"Source for {s.table}: {s.source}" for s in chart.series]
    return Listing(f"{chart.place}: climate by month", columns, rows, notes)


# --------------------------------------------------------------------------- drawing


class Glyphs(NamedTuple):
    ranges: tuple[str, ...]  # a temperature range, one per series
    means: tuple[str, ...]  # the mean's mark, one per series
    bars: tuple[str, ...]  # a precipitation or population bar, one per series or kind
    eighths: str  # partial cells for the first bar style ("" when the encoding has none)
    axis: str
    tick: str
    zero: str


UNICODE = Glyphs(("━", "─", "┄"), ("●", "◆", "▲"), ("█", "▒", "░", "▓", "▚"), " ▏▎▍▌▋▊▉", "─", "┼", "┊")
ASCII = Glyphs(("=", "-", "~"), ("O", "X", "A"), ("#", "%", ".", "=", "+"), "", "-", "+", ":")
KIND_BARS = {"census": 0, "count": 0, "estimate": 3, "model": 1, "projection": 2, "forecast": 2}
PALETTE = ("cyan", "magenta", "green", "yellow", "red")


def _hue(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _figure(value: float | None, places: int) -> str:
    """A number with its series' decimal places (-3.4, -5, 0.80); nothing for a missing value."""
    return "" if value is None else f"{value:.{places}f}"


def _places(values: Iterable[float | None]) -> int:
    """The decimal places a series is given to: its most precise figure (0.48 and 0.8 in one row are both hundredths)."""
    return max((decimals(v) for v in values if v is not None), default=0)


def _temperatures(series: ClimateSeries) -> list[float | None]:
    return [v for m in series.months for v in (m.low, m.mean, m.high)]


def _count(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _tick_label(value: float) -> str:
    return str(int(round(value))) if abs(value - round(value)) < 1e-9 else f"{value:g}"


class _Scale:
    """Maps values from the data's lowest to its highest onto `cells` character columns, with ticks at round steps."""

    def __init__(self, low: float, high: float, cells: int) -> None:
        self.cells = max(cells, 2)  # absurdly narrow screens get a cropped chart, never an error
        self.low, self.high = (low, high) if high > low else (low - 1, low + 1)
        # A round step (1, 2 or 5 times a power of ten) giving at most one tick every 8 columns.
        raw = (self.high - self.low) / max(1, cells // 8)
        power = 10 ** math.floor(math.log10(raw))
        self.step = next(multiple * power for multiple in (1, 2, 5, 10) if multiple * power >= raw)

    def at(self, value: float) -> int:
        return round((value - self.low) / (self.high - self.low) * (self.cells - 1))

    def ticks(self) -> list[float]:
        first = math.ceil(self.low / self.step)
        return [i * self.step for i in range(first, math.floor(self.high / self.step) + 1)]

    def axis(self, glyphs: Glyphs) -> tuple[str, str]:
        """The tick labels and the rule under them, as wide as the chart; a label that would touch the one before, or
        not fit at all, is left out."""
        width = self.cells
        labels, rule = [" "] * width, [glyphs.axis] * width
        last_end = -1
        for tick in self.ticks():
            column = self.at(tick)
            rule[column] = glyphs.tick
            label = _tick_label(tick)
            start = min(max(0, column - len(label) // 2), width - len(label))
            if start > last_end and start >= 0:
                labels[start : start + len(label)] = list(label)
                last_end = start + len(label)
        return "".join(labels), "".join(rule)


def _glyphs(out: IO[str]) -> Glyphs:
    from .render import encodes

    return UNICODE if encodes(out, "".join(map("".join, UNICODE))) else ASCII  # every glyph, or none


def _bar(value: float | None, top: float, cells: int, glyphs: Glyphs, index: int, partial: bool) -> str:
    """A horizontal bar from zero in bar style `index`, padded to `cells`; partial cells in eighths when asked and the glyphs have them."""
    glyph = glyphs.bars[index % len(glyphs.bars)]
    if value is None or top <= 0 or value <= 0:
        return " " * cells
    length = value / top * cells
    if partial and glyphs.eighths:
        full, part = int(length), int((length - int(length)) * 8)
        bar = glyph * full + (glyphs.eighths[part] if part else "")
        return (bar or glyphs.eighths[1]).ljust(cells)
    return (glyph * max(1, round(length))).ljust(cells)


def _room(width: int, figures: int, least: int) -> tuple[int, bool]:
    """Columns for a drawing beside `figures` columns of numbers, and whether the numbers fit: not when fewer than `least`
    columns would be left. At least one column: a narrow terminal crops the chart."""
    return (width - figures, True) if width - figures >= least else (max(width, 1), False)


def draw_chart(chart: Chart, out: IO[str], color: bool, width: int | None = None) -> None:
    """Draw a chart on `out` for a terminal (or an SVG picture), `width` columns wide, else the terminal's width."""
    from .render import make_console

    console = make_console(out, color, width)
    if isinstance(chart, PopulationChart):
        _draw_population(chart, console, _glyphs(out))
    else:
        _draw_climate(chart, console, _glyphs(out))


def _print_line(console: "Console", line: "Text") -> None:
    console.print(line, no_wrap=True, overflow="crop", crop=True)


def _draw_climate(chart: ClimateChart, console: "Console", glyphs: Glyphs) -> None:
    from rich.text import Text

    width = console.size.width
    many = len(chart.series) > 1
    label_width = max(len(s.label) for s in chart.series) + 1 if many else 0
    prefix = 4 + label_width

    def print_months(drawing: Callable[[int, ClimateSeries, MonthFigures], Text]) -> None:
        """A line per month and series: the month (on its first series), the series' label when there are several, the drawing."""
        for month in range(12):
            for index, series in enumerate(chart.series):
                line = Text(MONTHS[month].capitalize() + " " if index == 0 else "    ")
                if many:
                    line.append(series.label.ljust(label_width), style=_hue(index))
                _print_line(console, line.append_text(drawing(index, series, series.months[month])))

    console.print(Text(inert(f"{chart.place}: climate by month"), style="bold"))
    temperatures = [v for s in chart.series for v in _temperatures(s) if v is not None]
    if temperatures:
        unit = next(s.temperature_unit for s in chart.series if s.temperature_unit)
        places = {s.table: _places(_temperatures(s)) for s in chart.series}
        number_width = max(4, *(len(_figure(v, places[s.table])) for s in chart.series for v in _temperatures(s)))
        cells, show_numbers = _room(width - prefix, 3 * number_width + 3, 12)
        console.print()
        console.print(Text(f"Temperature, {unit}", style="bold"))
        for index, series in enumerate(chart.series):
            name = f"{series.label}: " if many else ""
            if series.low_label and series.high_label:
                legend = glyphs.ranges[index % 3] * 2 + inert(f" {name}{series.low_label} to {series.high_label.lower()}")
                console.print(Text(legend, style=_hue(index)))
            if series.mean_label:
                console.print(Text(glyphs.means[index % 3] + " " + inert(f" {name}{series.mean_label}"), style="bold " + _hue(index)))
        scale = _Scale(min(temperatures), max(temperatures), cells)
        head, rule = scale.axis(glyphs)
        if show_numbers:
            head += " " + " ".join(h.rjust(number_width) for h in ("min", "mean", "max"))
        _print_line(console, Text(" " * prefix + head, style="dim"))
        _print_line(console, Text(" " * prefix + rule, style="dim"))
        zero = scale.at(0) if scale.low < 0 < scale.high else None

        def temperature(index: int, series: ClimateSeries, figures: MonthFigures) -> Text:
            line = _range_cells(figures, scale, glyphs, index, zero)
            if show_numbers:
                numbers = (_figure(v, places[series.table]).rjust(number_width) for v in (figures.low, figures.mean, figures.high))
                line.append((" " + " ".join(numbers)).rstrip())
            return line

        print_months(temperature)
    precipitation = [m.precipitation for s in chart.series for m in s.months if m.precipitation is not None]
    if precipitation:
        unit = next(s.precipitation_unit for s in chart.series if s.precipitation_unit)
        places = {s.table: _places(m.precipitation for m in s.months) for s in chart.series}
        number_width = max(len(_figure(m.precipitation, places[s.table])) for s in chart.series for m in s.months)
        cells, show_numbers = _room(width - prefix, number_width + 1, 12)
        top = max(precipitation)
        console.print()
        heading = Text(f"Precipitation, {unit}", style="bold")
        if many:
            for index, series in enumerate(chart.series):
                heading.append("  ")
                heading.append(glyphs.bars[index % len(glyphs.bars)] * 2, style=_hue(index))
                heading.append(f" {series.label}")
        console.print(heading)

        def rain(index: int, series: ClimateSeries, figures: MonthFigures) -> Text:
            line = Text().append(_bar(figures.precipitation, top, cells, glyphs, index, partial=index == 0), style=_hue(index))
            if show_numbers:
                line.append(" " + _figure(figures.precipitation, places[series.table]).rjust(number_width))
            return line

        print_months(rain)
    console.print()
    for series in chart.series:
        console.print(Text(inert(f"{series.label}: {series.title}. Source: {series.source}"), style="dim"))


def _range_cells(figures: MonthFigures, scale: _Scale, glyphs: Glyphs, index: int, zero: int | None) -> "Text":
    """One month's line of the temperature chart: the range as a bar, the mean marked on it, 0° as a faint guide."""
    from rich.text import Text

    cells = [(" ", "")] * scale.cells  # (character, style)
    if zero is not None:
        cells[zero] = (glyphs.zero, "dim")
    if figures.low is not None and figures.high is not None:
        for column in range(scale.at(figures.low), scale.at(figures.high) + 1):
            cells[column] = (glyphs.ranges[index % 3], _hue(index))
    if figures.mean is not None:
        cells[scale.at(figures.mean)] = (glyphs.means[index % 3], "bold " + _hue(index))
    text = Text()
    for style, run in groupby(cells, key=lambda cell: cell[1]):  # one span per run of equal style, not one per character
        text.append("".join(char for char, _ in run), style=style)
    return text


def _draw_population(chart: PopulationChart, console: "Console", glyphs: Glyphs) -> None:
    from rich.text import Text

    kinds = list(dict.fromkeys(p.kind for p in chart.points if p.kind))
    spare = [i for i in range(len(glyphs.bars)) if i not in KIND_BARS.values()]
    style_of: dict[str | None, int] = {None: 0}
    for kind in kinds:
        known = KIND_BARS.get(kind.casefold())  # a kind of its own takes the next spare style, once each
        style_of[kind] = known if known is not None else spare.pop(0) if spare else 0
    year_width = max(len(str(p.year)) for p in chart.points)
    value_width = max(len(_count(p.population)) for p in chart.points)
    kind_width = max((len(k) for k in kinds), default=0)
    cells, show_kinds = _room(console.size.width - year_width - value_width - 2, kind_width + 1 if kind_width else 0, 8)
    console.print(Text(inert(chart.title + (f", {chart.unit}" if chart.unit else "")), style="bold"))
    if kinds:
        legend = Text()
        for number, kind in enumerate(kinds):
            legend.append(("  " if number else "") + glyphs.bars[style_of[kind]] * 2, style=_hue(style_of[kind]))
            legend.append(inert(f" {kind}"))
        console.print(legend)
    top = max(p.population for p in chart.points)
    for point in chart.points:
        style = style_of[point.kind]
        line = Text(str(point.year).rjust(year_width) + " ")
        line.append(_bar(point.population, top, cells, glyphs, style, partial=style == 0), style=_hue(style))
        line.append(" " + _count(point.population).rjust(value_width))
        if show_kinds and point.kind:
            line.append(" " + inert(point.kind), style="dim")
        _print_line(console, line)
    console.print()
    if chart.note:
        console.print(Text(inert(chart.note), style="dim"))
    console.print(Text(inert(f"Source: {chart.source}"), style="dim"))
