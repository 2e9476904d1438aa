"""The target-vs-actual report (IPTT) and the MOE charts in a real browser, under the
strict Content-Security-Policy (no inline style or script): the program page's charts and
keyboard-opened period expansion, the report's layout options, a pinned report."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from evaluations.services.rollups import rollups_recompute
from tests import factories
from tests.browser.test_dashboards import STRICT_CSP
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def program_with_results(agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, code="TST-IPTT-0001")
    trained = factories.MoeFactory(program=program, name="Officers trained", is_cumulative=True)
    cases = factories.MoeFactory(program=program, name="Cases closed", unit="cases")
    for number, (target, value) in enumerate([(100, 90), (200, 100), (300, 110), (400, None)], start=1):
        factories.TargetFactory(moe=trained, period=f"FY2026-Q{number}", value=D(target))
        factories.TargetFactory(moe=cases, period=f"FY2026-Q{number}", value=D(50))
        if value is not None:
            factories.MeasurementFactory(moe=trained, period=f"FY2026-Q{number}", value=D(value))
            factories.MeasurementFactory(moe=cases, period=f"FY2026-Q{number}", value=D(20))
    rollups_recompute()
    return program


@pytest.fixture
def strict_page(new_page, analyst_a):
    page = new_page(analyst_a)
    problems: list[str] = []

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route("**/programs/**", with_csp)
    page.route("**/evaluations/**", with_csp)
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    return page


def test_the_program_page_charts_each_moe_and_opens_its_periods_from_the_keyboard(strict_page, program_with_results):
    page = strict_page
    page.goto(f"/programs/{program_with_results.pk}/")
    summary = page.locator("#results-summary").inner_text()
    assert "1\nof 2 MOEs on track" in summary and "1\noff track" in summary and "2\nhave results" in summary
    details = page.locator("details.moe-periods").first
    assert not details.evaluate("d => d.open")
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    assert details.evaluate("d => d.open")
    chart = page.locator("#moe-charts svg.moe-chart").first
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    # the actual line is drawn in the status colour (on track: running totals 90, 190, 300)
    assert chart.locator("polyline.moe-chart-actual").get_attribute("stroke") == "#00a91c"
    assert chart.locator("g.moe-chart-actual-marks circle").count() == 3
    rows = details.locator("tbody tr").all_inner_texts()
    assert rows[1].split("\t")[:3] == ["FY2026-Q2", "200", "190"]
    assert not page.problems, page.problems
    screenshot(page, "program-results-chart")


def test_the_report_lays_out_periods_hides_columns_charts_and_pins(strict_page, program_with_results):
    page = strict_page
    page.goto("/evaluations/target-vs-actual/")
    page.locator("#id_program-ts-control").fill(program_with_results.code)
    page.locator(".ts-dropdown .option", has_text=program_with_results.code).click()
    page.check("input[name=hide][value=baseline]")
    page.check("input[name=charts]")
    page.click("button:has-text('Show')")
    table = page.locator("#target-vs-actual")
    table.wait_for(state="visible")  # the report, loaded (all_inner_texts does not wait)
    headers = table.locator("thead tr").first.locator("th").all_inner_texts()
    assert headers[:3] == ["MOE", "", "Life of program"] and headers[-4:] == [f"FY2026-Q{q}" for q in (1, 2, 3, 4)]
    assert "Baseline" not in table.locator("thead tr").nth(1).inner_text()
    trained = table.locator("tbody tr", has_text="Officers trained")
    met = trained.locator("td.iptt-met").last  # FY2026-Q4: no actual yet
    assert met.inner_text() == "—"
    q2 = trained.locator("td.iptt-met").nth(3)  # life of program, to date, Q1, Q2
    assert q2.inner_text().replace("\n", " ") == "95.0% on track"
    off = table.locator("tbody tr", has_text="Cases closed").locator("td.iptt-met").nth(3)
    assert off.inner_text().replace("\n", " ") == "40.0% off track"
    assert q2.evaluate("td => getComputedStyle(td).color") != off.evaluate("td => getComputedStyle(td).color")
    colour = q2.evaluate("td => getComputedStyle(td).color")
    assert colour != trained.locator("th").evaluate("th => getComputedStyle(th).color")
    assert page.locator(".moe-chart-grid svg.moe-chart").count() == 2
    page.fill("#id_pin_name", "Quarterly view")
    page.click("button:has-text('Pin')")
    assert "Report pinned" in page.locator(".messages").inner_text()
    page.goto("/evaluations/target-vs-actual/")
    page.click("a:has-text('Quarterly view')")
    page.wait_for_url("**charts=on**")  # the pinned report's own query string, loaded
    page.locator("#target-vs-actual").wait_for(state="visible")
    assert page.locator("input[name=hide][value=baseline]").is_checked()
    assert not page.problems, page.problems
    screenshot(page, "iptt-report")
