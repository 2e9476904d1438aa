"""What the visual check at 1366 x 768 found on the reports, charts and dashboards, kept
fixed, on the demo portfolio: tables fit their box, status tags and
program codes never break across lines, count charts tick at whole numbers, the results
framework's columns line up at every level, MOE charts fill their column with labels that
do not overlap, a cumulative MOE compares running totals, and no pin button is red.
Screenshots go to screenshots/ (ignored by git); axe-core checks each page (so these pages
bypass the CSP to let Playwright inject it: tests/browser/test_dashboards.py and
test_reports.py check the same pages under the strict CSP)."""
from __future__ import annotations

import pytest

from tests.browser.test_accessibility import axe_page, axe_violations  # noqa: F401 (fixture)
from tests.browser.test_dashboards import _charts_drawn, demo_manager  # noqa: F401 (fixture)
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Text of the elements (status tags, program codes) whose text runs over more than one line.
BROKEN_ACROSS_LINES = """els => els.filter(el => {
    const range = document.createRange(); range.selectNodeContents(el);
    const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
    return tops.size > 1;
}).map(el => el.textContent.trim())"""
# How far the page scrolls sideways (0: it fits its window).
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Table boxes of the page's main part that scroll sideways: "<table id or class>: <width>/<box>".
TABLES_SCROLLING = """wraps => wraps.filter(w => w.checkVisibility() && w.scrollWidth > w.clientWidth + 1)
    .map(w => { const t = w.querySelector('table'); return (t.id || t.className) + ': ' + w.scrollWidth + '/' + w.clientWidth; })"""
# Tables of the main part that reach past the window's right edge (on paper: are cut).
TABLES_PAST_THE_EDGE = """tables => tables.filter(t => t.checkVisibility() && t.getBoundingClientRect().right > window.innerWidth + 1)
    .map(t => (t.id || t.className) + ': right edge at ' + Math.round(t.getBoundingClientRect().right))"""
# US letter, 8.5 in less print.css's two 14 mm margins, in CSS pixels (96 a inch).
LETTER_WIDTH = int(8.5 * 96 - 2 * 14 / 25.4 * 96)
# Every list and dashboard page, by URL name (with arguments), on the demo portfolio.
LIST_AND_DASHBOARD_PAGES = [
    ("home", {}),
    ("programs:program-list", {}), ("programs:approvals", {}), ("programs:record-index", {}),
    ("programs:record-list", {"kind": "institutions"}), ("programs:record-list", {"kind": "vetting"}),
    ("importing:upload", {}),
    ("assessments:assessment-list", {}), ("assessments:ranking", {}),
    ("assessments:country-selectivity", {"iso3": "NER"}),
    ("evaluations:evaluation-list", {}), ("evaluations:overdue", {}), ("evaluations:priority", {}),
    ("evaluations:coordination", {}), ("evaluations:rollups", {}), ("evaluations:crisis-list", {}),
    ("evaluations:review-queue", {}),
    ("allocation:scenario-list", {}),
    ("dashboards:portfolio", {}), ("dashboards:region", {"scheme": "bureau", "code": "AF"}),
    ("dashboards:country-list", {}), ("dashboards:country", {"iso3": "NER"}), ("dashboards:goal-coverage", {}),
    ("dashboards:flag-list", {"kind": "surge"}), ("dashboards:review-queue", {}),
    ("dashboards:planning-worksheet", {}),
    ("notifications:inbox", {}), ("reports:results-framework", {}), ("api-tokens:list", {}),
]
# Dashboard tables wider than their box (scrolling sideways), by table key.
OVERFLOWING = """wraps => wraps.filter(w => w.checkVisibility() && w.scrollWidth > w.clientWidth + 1)
    .map(w => w.closest('[data-table]').dataset.table)"""


@pytest.fixture
def strict_page(axe_page, demo_manager):
    """A signed-in manager's page on the demo portfolio; script errors are collected in
    ``page.problems``."""
    page = axe_page(demo_manager)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    return page


def _nothing_broken(page) -> None:
    assert page.eval_on_selector_all("main .usa-tag, main .record-code", BROKEN_ACROSS_LINES) == []


def test_dashboards_fit_at_1366_px_with_whole_tags_codes_and_counts(strict_page):
    page = strict_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/dashboards/countries/")
    page.locator("#table-countries a", has_text="Niger").first.click()
    page.wait_for_url("**/dashboards/countries/NER/")
    _charts_drawn(page, minimum=2)
    # Every table fits: the Programs table's last columns are on screen, not scrolled away
    assert page.eval_on_selector_all(".dash-table .table-wrap", OVERFLOWING) == []
    headers = page.locator("#table-programs thead th").all_inner_texts()
    assert headers[:2] == ["Program", "Status"] and "Achievement" in headers and "MOE status" in headers
    achievement = page.locator("#table-programs thead th", has_text="Achievement").bounding_box()
    assert achievement["x"] + achievement["width"] <= 1366
    # lead agency, years and scope are under each program's title, and still in the download
    assert "FY" in page.locator("#table-programs tbody td .cell-meta").first.inner_text()
    _nothing_broken(page)
    # The MOE status chart counts MOEs: whole-number ticks only
    ticks = page.evaluate("() => Chart.getChart(document.getElementById('chart-moe-performance'))"
                          ".scales.y.ticks.map(t => t.value)")
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert axe_violations(page) == []
    screenshot(page, "layout-country-niger-1366")
    for url in ("/dashboards/portfolio/", "/dashboards/regions/bureau/AF/", "/dashboards/flags/surge/",
                "/dashboards/countries/", "/dashboards/reviews/"):
        page.goto(url)
        assert page.eval_on_selector_all(".dash-table .table-wrap", OVERFLOWING) == [], url
        _nothing_broken(page)
    # Narrow screens: each row stacks as a card, every cell named by its column
    page.set_viewport_size({"width": 420, "height": 800})
    page.goto("/dashboards/countries/NER/")
    first_cell = page.locator("#table-programs tbody tr").first.locator("td").nth(1)
    assert first_cell.get_attribute("data-label") == "Status"
    assert page.evaluate("() => getComputedStyle(document.querySelector('#table-programs td')).display") == "block"
    screenshot(page, "layout-country-niger-narrow")
    assert page.problems == []


def test_the_results_framework_lines_up_its_columns_at_every_level(strict_page):
    page = strict_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/reports/results-framework/?country=NER")
    page.get_by_role("button", name="Expand all").click()
    edges = page.eval_on_selector_all(
        ".rf-tree .rf-figures", "els => els.map(el => [el.closest('li').dataset.level, "
        "Math.round(el.querySelector('.rf-status-cell').getBoundingClientRect().left), "
        "Math.round(el.querySelector('.rf-achievement').getBoundingClientRect().right)])")
    levels = {level for level, _, _ in edges}
    assert {"goal", "program", "moe"} <= levels
    assert len({left for _, left, _ in edges}) == 1  # status column
    assert len({right for _, _, right in edges}) == 1  # achievement column, right-aligned figures
    _nothing_broken(page)
    assert axe_violations(page) == []
    screenshot(page, "layout-results-framework-niger")
    assert page.problems == []


def test_moe_charts_fill_their_column_and_a_cumulative_moe_compares_running_totals(strict_page):
    from programs.models import MeasureOfEffectiveness

    page = strict_page
    page.set_viewport_size({"width": 1366, "height": 768})
    moe = (MeasureOfEffectiveness.objects.filter(is_cumulative=True, measurements__status="approved")
           .select_related("program").first())
    assert moe is not None
    program = moe.program
    page.goto(f"/programs/{program.pk}/")
    figure = page.locator(".moe-chart-figure").first
    svg = figure.locator("svg.moe-chart").bounding_box()
    box = figure.bounding_box()
    assert svg["width"] >= 0.9 * box["width"]  # the plot uses the column, not 70 % of it
    labels = page.eval_on_selector(
        ".moe-chart-figure svg .moe-chart-period-axis", "g => Array.from(g.querySelectorAll('text'))"
        ".map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right, r.top]; })")
    rows = {}
    for left, right, top in labels:
        rows.setdefault(round(top), []).append((left, right))
    for spans in rows.values():  # no two labels of one line overlap
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert page.locator("[data-latest-actual]", has_text="Σ running total").count() >= 1
    assert axe_violations(page) == []
    screenshot(page, "layout-program-charts")
    page.goto(f"/programs/{program.pk}/measurements/")
    assert page.locator("[data-running-total]").count() >= 1
    screenshot(page, "layout-measurement-grid")
    page.goto(f"/evaluations/target-vs-actual/?program={program.pk}&charts=on")
    pin = page.get_by_role("button", name="Pin", exact=True)
    assert "usa-button--secondary" not in pin.get_attribute("class")
    colour = pin.evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour != "rgb(216, 57, 51)"  # USWDS secondary red
    screenshot(page, "layout-iptt-charts")
    assert page.problems == []


def test_every_list_and_dashboard_page_fits_1366_and_1024_px_and_letter_paper(strict_page):
    """The assessments page was 1,428 px wide at 1366 (its framework filter took the width
    of its longest option); the program and evaluation lists scrolled sideways. At 1366
    every page fits its window and every table its box; at 1024 every page still fits its
    window (a table may scroll inside its own box, which then takes the keyboard focus).
    Printed on letter paper, every table fits the page, the tables inside forms and the
    closed "tables of the figures" print, and tags print in black (they printed white)."""
    from django.urls import reverse

    page = strict_page
    urls = [reverse(name, kwargs=kwargs) for name, kwargs in LIST_AND_DASHBOARD_PAGES]
    overflowing: dict[str, object] = {}
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 768})
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            sideways = page.evaluate(PAGE_OVERFLOW)
            if sideways > 0:
                overflowing[f"{url} at {width}"] = f"page {sideways} px wider than the window"
            if width == 1366 and (tables := page.eval_on_selector_all("main .table-wrap", TABLES_SCROLLING)):
                overflowing[f"{url} at {width}"] = tables
            if width == 1024 and (violations := axe_violations(page)):  # where tables scroll in their box
                overflowing[f"{url} (axe)"] = violations
    page.set_viewport_size({"width": LETTER_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    for url in urls:
        page.goto(url)
        if (sideways := page.evaluate(PAGE_OVERFLOW)) > 0:
            overflowing[f"{url} printed"] = f"page {sideways} px wider than the paper"
        if tables := page.eval_on_selector_all("main table", TABLES_PAST_THE_EDGE):
            overflowing[f"{url} printed"] = tables
        if page.eval_on_selector_all("main .usa-tag", "tags => tags.filter(t => t.checkVisibility() && "
                                     "getComputedStyle(t).color === 'rgb(255, 255, 255)').length"):
            overflowing[f"{url} printed"] = "white tags on white paper"
    assert overflowing == {}
    page.goto(reverse("programs:approvals"))
    assert page.locator("table.approvals-table").is_visible() and not page.locator(".select-cell").first.is_visible()
    page.goto(reverse("assessments:country-selectivity", kwargs={"iso3": "NER"}))
    assert page.locator("#selectivity-history").is_visible()  # in its closed <details>
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1024, "height": 768})
    # The folded columns are still on the page, under each row's title
    page.goto(reverse("programs:program-list"))
    assert page.locator("table.program-table thead th").all_inner_texts()[:2] == ["Code", "Title"]
    meta = page.locator("table.program-table tbody td .cell-meta").first.inner_text()
    assert "Goal" in meta and any(len(word) == 3 and word.isupper() for word in meta.split())
    page.goto(reverse("evaluations:evaluation-list"))
    assert " – " in page.locator("#evaluation-list tbody td .cell-meta").first.inner_text()
    screenshot(page, "layout-evaluation-list-1024")
    assert page.problems == []


def test_an_administrators_navigation_fits_one_line_at_1366_px(new_page, administrator):
    """With "Dormant accounts" and "Django admin", an administrator's 14 sections wrapped
    "Django admin" onto a second line at 1366 px (USWDS's 1rem either side of each link)."""
    type(administrator).objects.filter(pk=administrator.pk).update(is_staff=True)  # may use the Django admin
    page = new_page(administrator)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/programs/")
    items = page.locator(".portal-header .usa-nav__primary > .usa-nav__primary-item")
    assert items.last.inner_text() == "Django admin"
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert len({round(box["y"]) for box in boxes}) == 1  # one line
    nav = page.locator(".portal-header .usa-nav__primary").bounding_box()
    assert nav["height"] <= boxes[0]["height"] + 1
    assert boxes[-1]["x"] + boxes[-1]["width"] <= 1366 - 32  # inside the header's padding
    # the current page's bar stays under its link's text
    current = page.locator(".portal-header .usa-nav__primary a.usa-current")
    text = current.locator("span").bounding_box()
    bar = current.evaluate("a => { const s = getComputedStyle(a, '::after'); return [parseFloat(s.left), parseFloat(s.right)]; }")
    link = current.bounding_box()
    assert abs(link["x"] + bar[0] - text["x"]) <= 1 and abs(link["x"] + link["width"] - bar[1] - (text["x"] + text["width"])) <= 1
    screenshot(page, "layout-admin-navigation-1366")
