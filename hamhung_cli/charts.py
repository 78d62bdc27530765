"""Charts of the store's numbers: the climate by month and the population by year.

The chart models are plain data computed from the store's own tables (nothing
here is typed in from a source), so a pipe or a machine format can print a
chart's series as records, and tests can check them. Only the draw functions
import Rich, and only when a chart goes to a terminal or `--format table`.
Without colour every series still has its own characters, so a chart reads the
same in black and white; without a Unicode encoding it falls back to ASCII.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from .errors import UsageError
from .listing import Listing, ViewColumn, sources_line
from .store import MONTHS, MonthlyRow, RecordRow, Store, Table
from .text import inert
from .units import decimals

if TYPE_CHECKING:
    from typing import IO, Any

TEMPERATURE_UNITS = ("°C", "°F")
PRECIPITATION_UNITS = ("mm", "cm", "in", "inch", "inches")
# Which monthly row plays which part, by the row ids stores use (the bundled one: mean-max, mean, mean-min, precipitation).
_ROLES = {
    "high": ("mean-max", "max", "high", "maximum"),
    "low": ("mean-min", "min", "low", "minimum"),
    "mean": ("mean", "average", "temperature"),
    "precipitation": ("precipitation", "rain", "rainfall"),
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


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _role(row: MonthlyRow) -> str | None:
    if row.unit in TEMPERATURE_UNITS:
        return next((role for role in ("high", "low", "mean") if row.id in _ROLES[role]), None)
    if row.unit in PRECIPITATION_UNITS and row.id in _ROLES["precipitation"]:
        return "precipitation"
    return None


def _label(table: Table) -> str:
    return table.id.removeprefix(f"{table.topic}-") or table.id


def climate_series(store: Store, table: Table) -> ClimateSeries | None:
    """A monthly table's temperature and precipitation rows, or None when it has neither."""
    rows: dict[str, MonthlyRow] = {}
    for row in table.rows:
        if isinstance(row, MonthlyRow):
            role = _role(row)
            if role is not None:
                rows.setdefault(role, row)
    if not rows:
        return None

    def values(role: str) -> tuple[float | None, ...]:
        return rows[role].values if role in rows else (None,) * 12

    months = tuple(
        MonthFigures(m, *figures) for m, *figures in zip(MONTHS, values("low"), values("mean"), values("high"), values("precipitation"), strict=True)
    )
    temperature = next((rows[r] for r in ("mean", "high", "low") if r in rows), None)
    year_mean = None
    if "mean" in rows:
        year_mean = rows["mean"].year if rows["mean"].year is not None else round(sum(rows["mean"].values) / 12, 1)
    year_precipitation = None
    if "precipitation" in rows:
        total = rows["precipitation"]
        year_precipitation = total.year if total.year is not None else round(sum(total.values), 2)
    title = table.title if not table.period or table.period in table.title else f"{table.title} ({table.period})"
    return ClimateSeries(
        table.id,
        _label(table),
        title,
        table.period,
        sources_line(store, table.sources),
        temperature.unit if temperature else None,
        rows["precipitation"].unit if "precipitation" in rows else None,
        rows["low"].label if "low" in rows else None,
        rows["mean"].label if "mean" in rows else None,
        rows["high"].label if "high" in rows else None,
        months,
        year_mean,
        year_precipitation,
    )


def climate_chart(store: Store, tables: list[Table]) -> ClimateChart | None:
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
    for table in tables if tables is not None else list(store.tables.values()):
        keys = {c.key: c for c in table.columns}
        if table.kind != "records" or "year" not in keys or "population" not in keys:
            continue
        points = []
        for row in table.rows:
            if isinstance(row, RecordRow) and _number(row.get("year")) and _number(row.get("population")):
                kind = row.get("kind")
                points.append(PopulationPoint(int(row.get("year")), row.get("population"), str(kind) if kind else None))
        if points:
            points.sort(key=lambda p: p.year)
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
    rows = []
    for series in chart.series:
        for m in series.months:
            rows.append(
                {
                    "table": series.table,
                    "period": series.period,
                    "month": m.month,
                    "mean_min": m.low,
                    "mean": m.mean,
                    "mean_max": m.high,
                    "temperature_unit": series.temperature_unit,
                    "precipitation": m.precipitation,
                    "precipitation_unit": series.precipitation_unit,
                }
            )
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
MONTH_LABELS = tuple(m.capitalize() for m in MONTHS)


def _hue(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _figure(value: float | None, places: int) -> str:
    """A number with its series' decimal places (-3.4, -5, 0.80); nothing for a missing value."""
    return "" if value is None else f"{value:.{places}f}"


def _places(values: Any) -> int:
    """The decimal places a series is given to: its most precise figure (0.48 and 0.8 in one row are both hundredths)."""
    return max((decimals(v) for v in values if v is not None), default=0)


def _temperature_places(series: ClimateSeries) -> int:
    return _places(v for m in series.months for v in (m.low, m.mean, m.high))


def _count(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _nice_step(span: float, ticks: int) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving at most `ticks` intervals over `span`."""
    ticks = max(ticks, 1)
    raw = span / ticks if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return multiple * power
    return 10 * power


class _Scale:
    """Maps values from the data's lowest to its highest onto `cells` character columns, with ticks at round steps."""

    def __init__(self, low: float, high: float, cells: int) -> None:
        self.cells = max(cells, 2)  # absurdly narrow screens get a cropped chart, never an error
        self.low, self.high = (low, high) if high > low else (low - 1, low + 1)
        self.step = _nice_step(self.high - self.low, max(1, cells // 8))

    def at(self, value: float) -> int:
        return round((value - self.low) / (self.high - self.low) * (self.cells - 1))

    def ticks(self) -> list[float]:
        first = math.ceil(self.low / self.step)
        return [i * self.step for i in range(first, math.floor(self.high / self.step) + 1)]


def _tick_label(value: float) -> str:
    return str(int(round(value))) if abs(value - round(value)) < 1e-9 else f"{value:g}"


def _glyphs(out: IO[str]) -> Glyphs:
    from .render import encodes

    return UNICODE if encodes(out, "".join((*UNICODE.ranges, *UNICODE.means, *UNICODE.bars, UNICODE.eighths, UNICODE.tick, UNICODE.zero))) else ASCII


def _bar(value: float, top: float, cells: int, glyph: str, eighths: str) -> str:
    """A horizontal bar from zero; partial cells in eighths where the glyph set has them."""
    if top <= 0 or value <= 0:
        return ""
    length = value / top * cells
    if eighths:
        full, part = int(length), int((length - int(length)) * 8)
        text = glyph * full + (eighths[part] if part else "")
        return text or eighths[1]
    return glyph * max(1, round(length))


def draw_chart(chart: Chart, out: IO[str], color: bool, width: int | None = None) -> None:
    from .render import make_console

    console = make_console(out, color, width)
    glyphs = _glyphs(out)
    if isinstance(chart, PopulationChart):
        _draw_population(chart, console, glyphs, color)
    else:
        _draw_climate(chart, console, glyphs, color)


def _print_line(console: Any, line: Any) -> None:
    console.print(line, no_wrap=True, overflow="crop", crop=True)


def _style(color: bool, style: str) -> str:
    return style if color else ""


def _draw_climate(chart: ClimateChart, console: Any, glyphs: Glyphs, color: bool) -> None:
    from rich.text import Text

    width = console.size.width
    many = len(chart.series) > 1
    label_width = max(len(s.label) for s in chart.series) + 1 if many else 0
    prefix = 4 + label_width
    console.print(Text(inert(f"{chart.place}: climate by month"), style="bold"))
    temperatures = [v for s in chart.series for m in s.months for v in (m.low, m.mean, m.high) if v is not None]
    if temperatures:
        unit = next(s.temperature_unit for s in chart.series if s.temperature_unit)
        numbers = [_figure(v, _temperature_places(s)) for s in chart.series for m in s.months for v in (m.low, m.mean, m.high)]
        number_width = max(4, *(len(n) for n in numbers))
        cells = width - prefix - (3 * number_width + 3)
        show_numbers = cells >= 12
        if not show_numbers:
            cells = width - prefix
        console.print()
        heading = Text(f"Temperature, {unit}", style="bold")
        console.print(heading)
        for index, series in enumerate(chart.series):
            name = f"{series.label}: " if many else ""
            if series.low_label and series.high_label:
                legend = Text(glyphs.ranges[index % 3] * 2, style=_style(color, _hue(index)))
                console.print(legend.append(inert(f" {name}{series.low_label} to {series.high_label.lower()}")))
            if series.mean_label:
                legend = Text(glyphs.means[index % 3] + " ", style=_style(color, "bold " + _hue(index)))
                console.print(legend.append(inert(f" {name}{series.mean_label}")))
        scale = _Scale(min(temperatures), max(temperatures), cells)
        ticks = [" "] * cells
        rule = [glyphs.axis] * cells
        last_end = -1
        for tick in scale.ticks():
            column = scale.at(tick)
            rule[column] = glyphs.tick
            label = _tick_label(tick)
            start = min(max(0, column - len(label) // 2), cells - len(label))
            if start > last_end:
                ticks[start : start + len(label)] = list(label)
                last_end = start + len(label)
        head = " " * prefix + "".join(ticks)
        if show_numbers:
            head += " " + " ".join(h.rjust(number_width) for h in ("min", "mean", "max"))
        _print_line(console, Text(head, style=_style(color, "dim")))
        _print_line(console, Text(" " * prefix + "".join(rule), style=_style(color, "dim")))
        zero = scale.at(0) if scale.low < 0 < scale.high else None
        for month in range(12):
            for index, series in enumerate(chart.series):
                figures = series.months[month]
                line = Text(MONTH_LABELS[month] + " " if index == 0 else "    ")
                if many:
                    line.append(series.label.ljust(label_width), style=_style(color, _hue(index)))
                line.append_text(_range_cells(figures, scale, glyphs, index, zero, color))
                if show_numbers:
                    places = _temperature_places(series)
                    line.append((" " + " ".join(_figure(v, places).rjust(number_width) for v in (figures.low, figures.mean, figures.high))).rstrip())
                _print_line(console, line)
    precipitation = [m.precipitation for s in chart.series for m in s.months if m.precipitation is not None]
    if precipitation:
        unit = next(s.precipitation_unit for s in chart.series if s.precipitation_unit)
        rain_places = {s.table: _places(m.precipitation for m in s.months) for s in chart.series}
        number_width = max(len(_figure(m.precipitation, rain_places[s.table])) for s in chart.series for m in s.months)
        cells = width - prefix - number_width - 1
        show_numbers = cells >= 12
        if not show_numbers:
            cells = max(width - prefix, 1)
        top = max(precipitation)
        console.print()
        heading = Text(f"Precipitation, {unit}", style="bold")
        if many:
            for index, series in enumerate(chart.series):
                heading.append("  ")
                heading.append(glyphs.bars[index % len(glyphs.bars)] * 2, style=_style(color, _hue(index)))
                heading.append(f" {series.label}")
        console.print(heading)
        for month in range(12):
            for index, series in enumerate(chart.series):
                value = series.months[month].precipitation
                line = Text(MONTH_LABELS[month] + " " if index == 0 else "    ")
                if many:
                    line.append(series.label.ljust(label_width), style=_style(color, _hue(index)))
                glyph = glyphs.bars[index % len(glyphs.bars)]
                bar = _bar(value, top, cells, glyph, glyphs.eighths if index == 0 else "") if value is not None else ""
                line.append(bar.ljust(cells), style=_style(color, _hue(index)))
                if show_numbers:
                    line.append(" " + _figure(value, rain_places[series.table]).rjust(number_width))
                _print_line(console, line)
    console.print()
    for series in chart.series:
        console.print(Text(inert(f"{series.label}: {series.title}. Source: {series.source}"), style=_style(color, "dim")))


def _range_cells(figures: MonthFigures, scale: _Scale, glyphs: Glyphs, index: int, zero: int | None, color: bool) -> Any:
    """One month's line of the temperature chart: the range as a bar, the mean marked on it, 0° as a faint guide."""
    from rich.text import Text

    cells = [" "] * scale.cells
    styles = [""] * scale.cells
    if zero is not None:
        cells[zero], styles[zero] = glyphs.zero, "dim"
    if figures.low is not None and figures.high is not None:
        for column in range(scale.at(figures.low), scale.at(figures.high) + 1):
            cells[column], styles[column] = glyphs.ranges[index % 3], _hue(index)
    if figures.mean is not None:
        column = scale.at(figures.mean)
        cells[column], styles[column] = glyphs.means[index % 3], "bold " + _hue(index)
    text = Text()
    start = 0
    for end in range(1, scale.cells + 1):  # one span per run of equal style, not one per character
        if end == scale.cells or styles[end] != styles[start]:
            text.append("".join(cells[start:end]), style=_style(color, styles[start]))
            start = end
    return text


def _draw_population(chart: PopulationChart, console: Any, glyphs: Glyphs, color: bool) -> None:
    from rich.text import Text

    width = console.size.width
    kinds = list(dict.fromkeys(p.kind for p in chart.points if p.kind))
    spare = [i for i in range(len(glyphs.bars)) if i not in KIND_BARS.values()]
    style_of: dict[str | None, int] = {None: 0}
    for kind in kinds:
        style_of[kind] = KIND_BARS.get(kind.casefold(), spare.pop(0) if spare else 0)
    year_width = max(len(str(p.year)) for p in chart.points)
    value_width = max(len(_count(p.population)) for p in chart.points)
    kind_width = max((len(k) for k in kinds), default=0)
    cells = width - year_width - 1 - value_width - 1 - (kind_width + 1 if kind_width else 0)
    show_kinds = bool(kind_width) and cells >= 8
    if not show_kinds:
        cells = max(width - year_width - 1 - value_width - 1, 1)
    title = chart.title + (f", {chart.unit}" if chart.unit else "")
    console.print(Text(inert(title), style="bold"))
    if kinds:
        legend = Text()
        for number, kind in enumerate(kinds):
            legend.append(("  " if number else "") + glyphs.bars[style_of[kind]] * 2, style=_style(color, _hue(style_of[kind])))
            legend.append(inert(f" {kind}"))
        console.print(legend)
    top = max(p.population for p in chart.points)
    for point in chart.points:
        bar_style = style_of[point.kind]
        glyph = glyphs.bars[bar_style]
        line = Text(str(point.year).rjust(year_width) + " ")
        bar = _bar(point.population, top, cells, glyph, glyphs.eighths if glyph == glyphs.bars[0] else "")
        line.append(bar.ljust(cells), style=_style(color, _hue(bar_style)))
        line.append(" " + _count(point.population).rjust(value_width))
        if show_kinds and point.kind:
            line.append(" " + inert(point.kind), style=_style(color, "dim"))
        _print_line(console, line)
    console.print()
    if chart.note:
        console.print(Text(inert(chart.note), style=_style(color, "dim")))
    console.print(Text(inert(f"Source: {chart.source}"), style=_style(color, "dim")))
