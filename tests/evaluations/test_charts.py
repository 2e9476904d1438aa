"""The server-side SVG MOE charts (issue 16 item 2): pure markup, CSP-safe, accessible."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D

from evaluations.charts import LEFT, RIGHT, STATUS_COLOURS, WIDTH, ChartPoint, MoeSeries, moe_chart_svg, value_ticks

SVG = "{http://www.w3.org/2000/svg}"


def _series(**changes) -> MoeSeries:
    fields = dict(
        title="Officers <trained> & vetted", unit="officers", baseline=D(10), status="needs_attention", cumulative=True,
        points=(ChartPoint("FY2026-Q1", D(100), D(60)), ChartPoint("FY2026-Q2", D(200), D(130)),
                ChartPoint("FY2026-Q3", D(300), None), ChartPoint("FY2026-Q4", D(400), None)),
    )
    return MoeSeries(**{**fields, **changes})


def test_a_chart_draws_targets_actuals_and_the_baseline_in_the_status_colour():
    root = ET.fromstring(moe_chart_svg(_series(), chart_id="c1"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Officers <trained> & vetted"
    assert root.find(f"{SVG}desc").text == ("Needs attention. Latest actual 130 in FY2026-Q2 against a target of 200; "
                                            "unit: officers; actuals are running totals.")
    lines = {p.get("class"): p for p in root.iter(f"{SVG}polyline")}
    assert len(lines["moe-chart-target"].get("points").split()) == 4
    assert len(lines["moe-chart-actual"].get("points").split()) == 2
    assert lines["moe-chart-actual"].get("stroke") == STATUS_COLOURS["needs_attention"]
    marks = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "moe-chart-actual-marks")
    assert len(marks.findall(f"{SVG}circle")) == 2 and marks.get("fill") == STATUS_COLOURS["needs_attention"]
    baseline = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "moe-chart-baseline")
    # y grows downwards: the baseline (10) sits just above the axis at 0, far below the top target (400)
    target_ys = [float(p.split(",")[1]) for p in lines["moe-chart-target"].get("points").split()]
    assert target_ys == sorted(target_ys, reverse=True) and float(baseline.get("y1")) > target_ys[0]


def test_the_markup_has_no_style_attribute_no_script_and_escapes_text():
    markup = moe_chart_svg(_series(title='<script>alert(1)</script>', unit='"x" onload=1'))
    root = ET.fromstring(markup)
    assert "<script" not in markup and "style=" not in markup
    assert all(not ({"style", "onload"} & set(el.attrib)) for el in root.iter())
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"
    assert any(el.text == '"x" onload=1 (Σ running total)' for el in root.iter(f"{SVG}text"))


def test_a_series_without_values_or_with_one_period_still_draws():
    empty = ET.fromstring(moe_chart_svg(_series(points=(), baseline=None, status="no_data")))
    assert empty.find(f"{SVG}desc").text.startswith("No data. No approved actual yet")
    single = ET.fromstring(moe_chart_svg(_series(points=(ChartPoint("FY2026", D(5), D(5)),))))
    marks = next(g for g in single.iter(f"{SVG}g") if g.get("class") == "moe-chart-actual-marks")
    middle = LEFT + (WIDTH - LEFT - RIGHT) / 2
    assert [float(c.get("cx")) for c in marks.iter(f"{SVG}circle")] == [middle]  # the middle of the plot


def _period_labels(root) -> list[tuple[float, str]]:
    axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "moe-chart-period-axis")
    return [(float(t.get("x")), t.text) for t in axis.iter(f"{SVG}text")]


def test_twelve_quarters_are_labelled_every_other_one_ending_with_the_latest_and_none_overlap():
    points = tuple(ChartPoint(f"FY{2025 + i // 4}-Q{i % 4 + 1}", D(10 * i), D(9 * i)) for i in range(12))
    root = ET.fromstring(moe_chart_svg(_series(points=points)))
    labels = _period_labels(root)
    quarters = [(x, text) for x, text in labels if text.startswith("Q")]
    years = [text for _, text in labels if text.startswith("FY")]
    assert [text for _, text in quarters] == ["Q2", "Q4", "Q2", "Q4", "Q2", "Q4"]  # FY2027-Q4, the latest, named
    assert years == ["FY2025", "FY2026", "FY2027"]  # each year once, under its first labelled quarter
    gaps = [b[0] - a[0] for a, b in zip(quarters, quarters[1:])]
    assert min(gaps) >= len("FY2025") * 6  # room for the widest label between two ticks
    # the periods span the plot's width, not a part of it
    marks = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "moe-chart-actual-marks")
    xs = [float(c.get("cx")) for c in marks.iter(f"{SVG}circle")]
    assert xs[0] - LEFT < 20 and (WIDTH - RIGHT) - xs[-1] < 20


def test_the_value_axis_ticks_at_round_numbers_covering_every_figure():
    assert value_ticks(0, 400) == [0, 100, 200, 300, 400]
    assert value_ticks(0, 3) == [0, 1, 2, 3]
    assert value_ticks(-5, 17.3) == [-10, 0, 10, 20]
    root = ET.fromstring(moe_chart_svg(_series()))
    axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "moe-chart-value-axis")
    assert [t.text for t in axis.iter(f"{SVG}text")] == ["0", "100", "200", "300", "400"]


def test_the_legend_names_target_actual_with_its_status_and_baseline():
    root = ET.fromstring(moe_chart_svg(_series()))
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "moe-chart-legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["target", "actual (needs attention)", "baseline"]
