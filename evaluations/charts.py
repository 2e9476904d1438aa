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
WIDTH, HEIGHT = 320, 170
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 26, 30


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
    """Axis label: 12500 -> "12.5k", 0.25 -> "0.25"."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if magnitude >= 1_000:
        return f"{value / 1_000:.3g}k"
    return f"{value:.3g}"


def _polyline(points: list[tuple[float, float]], **attributes: str) -> str:
    if len(points) < 2:
        return ""
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<polyline points="{coords}" fill="none" {extra}/>'


def moe_chart_svg(series: MoeSeries, *, chart_id: str = "moe-chart") -> SafeString:
    """The chart of ``series`` as an ``<svg>`` element (role img, with a title and a
    description naming the latest figures). ``chart_id`` makes its element ids unique on
    a page. Returns safe markup: every text in it is escaped."""
    cid = escape(chart_id)
    colour = STATUS_COLOURS.get(series.status, STATUS_COLOURS["no_data"])
    values = [float(v) for p in series.points for v in (p.target, p.actual) if v is not None]
    if series.baseline is not None:
        values.append(float(series.baseline))
    low, high = (min(values + [0.0]), max(values + [0.0])) if values else (0.0, 1.0)
    if high == low:
        high = low + 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(series.points)

    def x(index: int) -> float:
        return LEFT + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))

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
        f'<text x="12" y="16" font-size="11" font-family="sans-serif" fill="#1b1b1b" font-weight="bold">'
        f'{escape(status_text)}</text>',
        f'<text x="{WIDTH - RIGHT}" y="16" font-size="10" font-family="sans-serif" fill="#1b1b1b" '
        f'text-anchor="end">{escape(series.unit)}{" (Σ running total)" if series.cumulative else ""}</text>',
        # axes: y from low to high, x along the periods
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#a9aeb1" stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#a9aeb1" '
        f'stroke-width="1"/>',
    ]
    parts.append('<g font-size="9" font-family="sans-serif" fill="#1b1b1b">')
    for value in (low, high):
        parts.append(f'<text x="{LEFT - 4}" y="{y(value) + 3:.1f}" text-anchor="end">{escape(_short(value))}</text>')
    step = max(1, -(-count // 4))
    for index, point in enumerate(series.points):
        if index % step == 0 or index == count - 1:
            anchor = "end" if index == count - 1 and count > 1 else "start" if index == 0 and count > 1 else "middle"
            parts.append(f'<text x="{x(index):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}">'
                         f'{escape(point.label.replace("FY", ""))}</text>')
    parts.append("</g>")
    if series.baseline is not None:
        by = y(float(series.baseline))
        parts.append(f'<line class="moe-chart-baseline" x1="{LEFT}" y1="{by:.1f}" x2="{WIDTH - RIGHT}" '
                     f'y2="{by:.1f}" stroke="{BASELINE_COLOUR}" stroke-width="1" stroke-dasharray="2 3"/>')
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
    legend_y = HEIGHT - 2
    parts.append(
        f'<g font-size="9" font-family="sans-serif" fill="#1b1b1b">'
        f'<line x1="{LEFT}" y1="{legend_y - 3}" x2="{LEFT + 14}" y2="{legend_y - 3}" stroke="{TARGET_COLOUR}" '
        f'stroke-dasharray="5 3" stroke-width="1.5"/><text x="{LEFT + 17}" y="{legend_y}">target</text>'
        f'<line x1="{LEFT + 58}" y1="{legend_y - 3}" x2="{LEFT + 72}" y2="{legend_y - 3}" stroke="{colour}" '
        f'stroke-width="2.5"/><text x="{LEFT + 75}" y="{legend_y}">actual</text>'
        f'<line x1="{LEFT + 112}" y1="{legend_y - 3}" x2="{LEFT + 126}" y2="{legend_y - 3}" '
        f'stroke="{BASELINE_COLOUR}" stroke-dasharray="2 3"/><text x="{LEFT + 129}" y="{legend_y}">baseline</text>'
        f'</g>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
