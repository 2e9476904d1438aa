"""MOE charts drawn on the server as SVG: one MOE's targets and approved actuals over its
periods, its baseline and its status colour.

A small pure module (no query, no Django model): pages, prints and PDFs embed the same
markup. Colours are SVG presentation attributes (``fill``, ``stroke``), never ``style``
attributes, so the markup draws under the strict Content-Security-Policy and outside the
portal's stylesheets (a PDF). Every text is escaped. Pair each chart with a table of its
figures (:func:`series_from_figures` gives the rows; the templates show them).

API::

    svg = moe_chart_svg(MoeSeries(title="Officers trained", unit="officers", baseline=Decimal(0),
                                  status="on_track", cumulative=True,
                                  points=[ChartPoint("FY2026-Q1", Decimal(100), Decimal(80)), ...]))
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# USWDS 3 system colours (state colours), readable on white.
STATUS_COLOURS = {
    "on_track": "#00a91c",         # green-cool-50v ("success")
    "needs_attention": "#936f38",  # gold-50 (darker than "warning", 4.5:1 on white)
    "off_track": "#d54309",        # red-warm-50v ("error")
    "no_data": "#71767a",          # gray-50
}
STATUS_LABELS = {"on_track": "On track", "needs_attention": "Needs attention", "off_track": "Off track",
                 "no_data": "No data"}
TARGET_COLOUR = "#1b1b1b"
BASELINE_COLOUR = "#565c65"
GRID_COLOUR = "#dfe1e2"
# The drawing's own units (the viewBox); pages scale it to their column's width, the PDF
# prints it at this size in CSS pixels. Text is 11-12 units: readable down to ~360 px wide.
WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 46, 14, 46, 34
INSET = 12            # the first and last periods sit this far inside the plot, so their labels fit
LABEL_CHAR = 6.6      # width of one character of an 11-unit sans-serif label, generously
LABEL_GAP = 8         # the least space between two period labels

@dataclass(frozen=True)
class ChartPoint:
    """One period: its label, target and actual (None: none), in the MOE's unit."""

    label: str
    target: Decimal | None
    actual: Decimal | None


@dataclass(frozen=True)
class MoeSeries:
    """What a chart shows: ``points`` in period order; ``status`` one of STATUS_COLOURS."""

    title: str
    unit: str
    baseline: Decimal | None
    points: tuple[ChartPoint, ...]
    status: str = "no_data"
    cumulative: bool = False


def series_from_figures(
    *, title: str, unit: str, baseline: Decimal | None, status: str, cumulative: bool,
    figures: Iterable[Mapping],
) -> MoeSeries:
    """A series from stored period figures (mappings with ``period``, ``target`` and
    ``actual``, as ``MoeAchievement.values()`` gives them), in their order."""
    points = tuple(ChartPoint(f["period"], f["target"], f["actual"]) for f in figures)
    return MoeSeries(title=title, unit=unit, baseline=baseline, points=points, status=status, cumulative=cumulative)


def _short(value: float) -> str:
    """Axis label: 12500 -> "12.5k", 0.25 -> "0.25", 3.0 -> "3"."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if magnitude >= 1_000:
        return f"{value / 1_000:.3g}k"
    return f"{value:.3g}"


def value_ticks(low: float, high: float, *, most: int = 5) -> list[float]:
    """Round tick values covering ``low``..``high`` (steps of 1, 2, 2.5 or 5 times a power
    of ten; at most ``most`` ticks): the axis runs from the first to the last."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / (most - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(first + len(ticks) * step)
    return ticks


def period_label_lines(label: str) -> tuple[str, str]:
    """A period code as two short lines: "FY2026-Q3" -> ("Q3", "FY2026"), "FY2026-H1" ->
    ("H1", "FY2026"); a fiscal year or anything else stays on one line."""
    year, _, part = label.partition("-")
    return (part, year) if part and year.startswith("FY") else (label, "")


def labelled_indexes(labels: list[tuple[str, str]], plot_width: float) -> list[int]:
    """Which periods get an x-axis label: every Nth, counted back from the last (so the
    latest period is always named and none overlap), N as small as the width allows."""
    count = len(labels)
    if count == 0:
        return []
    widest = max(len(line) for pair in labels for line in pair) * LABEL_CHAR + LABEL_GAP
    spacing = plot_width / (count - 1) if count > 1 else plot_width
    step = max(1, math.ceil(widest / spacing))
    return [index for index in range(count) if (count - 1 - index) % step == 0]


def _polyline(points: list[tuple[float, float]], **attributes: str) -> str:
    if len(points) < 2:
        return ""
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<polyline points="{coords}" fill="none" {extra}/>'


def _legend(colour: str, status_text: str) -> str:
    """The key above the plot, left to right: target, actual (in the status colour, naming
    the status) and baseline, each sample 18 units long, spaced by their texts' widths."""
    y, x = 34, LEFT
    samples = (
        (f'<line x1="{{x}}" y1="{y - 3}" x2="{{end}}" y2="{y - 3}" stroke="{TARGET_COLOUR}" stroke-dasharray="5 3" '
         f'stroke-width="1.5"/><rect x="{{mid_square}}" y="{y - 5.5}" width="5" height="5" fill="#ffffff" '
         f'stroke="{TARGET_COLOUR}"/>', "target"),
        (f'<line x1="{{x}}" y1="{y - 3}" x2="{{end}}" y2="{y - 3}" stroke="{colour}" stroke-width="2.5"/>'
         f'<circle cx="{{mid}}" cy="{y - 3}" r="3" fill="{colour}"/>', f"actual ({status_text.lower()})"),
        (f'<line x1="{{x}}" y1="{y - 3}" x2="{{end}}" y2="{y - 3}" stroke="{BASELINE_COLOUR}" stroke-dasharray="2 3" '
         f'stroke-width="1.5"/>', "baseline"),
    )
    parts = ['<g class="moe-chart-legend" font-size="11" font-family="sans-serif" fill="#1b1b1b">']
    for sample, text in samples:
        parts.append(sample.format(x=x, end=x + 18, mid=x + 9, mid_square=x + 6.5))
        parts.append(f'<text x="{x + 22}" y="{y}">{escape(text)}</text>')
        x += 22 + len(text) * LABEL_CHAR + 14
    parts.append("</g>")
    return "".join(parts)


def moe_chart_svg(series: MoeSeries, *, chart_id: str = "moe-chart") -> SafeString:
    """The chart of ``series`` as an ``<svg>`` element (role img, with a title and a
    description naming the latest figures), ``WIDTH`` x ``HEIGHT`` units that scale to
    the width of their box. ``chart_id`` makes its element ids unique on a page. Returns
    safe markup: every text in it is escaped."""
    cid = escape(chart_id)
    colour = STATUS_COLOURS.get(series.status, STATUS_COLOURS["no_data"])
    values = [float(v) for p in series.points for v in (p.target, p.actual) if v is not None]
    if series.baseline is not None:
        values.append(float(series.baseline))
    ticks = value_ticks(min(values + [0.0]), max(values + [0.0])) if values else [0.0, 1.0]
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(series.points)

    def x(index: int) -> float:
        if count == 1:
            return LEFT + plot_w / 2
        return LEFT + INSET + (plot_w - 2 * INSET) * index / (count - 1)

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    latest = next((p for p in reversed(series.points) if p.actual is not None), None)
    status_text = STATUS_LABELS.get(series.status, "No data")
    description = (
        f"{status_text}. Latest actual {latest.actual.normalize():f} in {latest.label}"
        + (f" against a target of {latest.target.normalize():f}" if latest.target is not None else "")
        if latest else f"{status_text}. No approved actual yet"
    ) + f"; unit: {series.unit}" + ("; actuals are running totals" if series.cumulative else "") + "."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="moe-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(series.title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<rect x="0" y="0" width="6" height="{HEIGHT}" fill="{colour}"/>',
        f'<text x="14" y="16" font-size="12" font-family="sans-serif" fill="#1b1b1b" font-weight="bold">'
        f'{escape(status_text)}</text>',
        f'<text x="{WIDTH - RIGHT}" y="16" font-size="11" font-family="sans-serif" fill="#1b1b1b" '
        f'text-anchor="end">{escape(series.unit)}{" (Σ running total)" if series.cumulative else ""}</text>',
        _legend(colour, status_text),
    ]
    # value axis: round ticks with light grid lines
    parts.append('<g class="moe-chart-value-axis" font-size="11" font-family="sans-serif" fill="#1b1b1b">')
    for tick in ticks:
        ty = y(tick)
        parts.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="{GRID_COLOUR}" '
                     f'stroke-width="1"/><text x="{LEFT - 5}" y="{ty + 3.5:.1f}" text-anchor="end">'
                     f'{escape(_short(tick))}</text>')
    parts.append("</g>")
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#a9aeb1" stroke-width="1"/>')
    # period axis: two short lines per label, every Nth period so that none overlap
    labels = [period_label_lines(p.label) for p in series.points]
    parts.append('<g class="moe-chart-period-axis" font-size="11" font-family="sans-serif" fill="#1b1b1b" '
                 'text-anchor="middle">')
    shown_year = None
    for index in labelled_indexes(labels, plot_w - 2 * INSET):
        first, second = labels[index]
        px = x(index)
        parts.append(f'<line x1="{px:.1f}" y1="{TOP + plot_h}" x2="{px:.1f}" y2="{TOP + plot_h + 4}" '
                     f'stroke="#a9aeb1" stroke-width="1"/>')
        parts.append(f'<text x="{px:.1f}" y="{TOP + plot_h + 15}">{escape(first)}</text>')
        if second and second != shown_year:
            parts.append(f'<text x="{px:.1f}" y="{TOP + plot_h + 28}">{escape(second)}</text>')
            shown_year = second
    parts.append("</g>")
    if series.baseline is not None:
        by = y(float(series.baseline))
        parts.append(f'<line class="moe-chart-baseline" x1="{LEFT}" y1="{by:.1f}" x2="{WIDTH - RIGHT}" '
                     f'y2="{by:.1f}" stroke="{BASELINE_COLOUR}" stroke-width="1.5" stroke-dasharray="2 3"/>')
    targets = [(x(i), y(float(p.target))) for i, p in enumerate(series.points) if p.target is not None]
    actuals = [(x(i), y(float(p.actual))) for i, p in enumerate(series.points) if p.actual is not None]
    parts.append(_polyline(targets, stroke=TARGET_COLOUR, stroke_width="1.5", stroke_dasharray="5 3",
                           **{"class": "moe-chart-target"}))
    parts.append(f'<g class="moe-chart-target-marks" fill="#ffffff" stroke="{TARGET_COLOUR}" stroke-width="1">'
                 + "".join(f'<rect x="{px - 2.5:.1f}" y="{py - 2.5:.1f}" width="5" height="5"/>' for px, py in targets)
                 + "</g>")
    parts.append(_polyline(actuals, stroke=colour, stroke_width="2.5", **{"class": "moe-chart-actual"}))
    parts.append(f'<g class="moe-chart-actual-marks" fill="{colour}">'
                 + "".join(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3"/>' for px, py in actuals) + "</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))
