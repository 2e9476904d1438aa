"""The server-side SVG MOE charts (issue 16 item 2): pure markup, CSP-safe, accessible."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D

from evaluations.charts import STATUS_COLOURS, ChartPoint, MoeSeries, moe_chart_svg

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
    assert [c.get("cx") for c in single.iter(f"{SVG}circle")] == ["178.0"]  # the middle of the plot
