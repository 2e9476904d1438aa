"""The managers' dashboards in a real browser, on the demo portfolio, under a strict
Content-Security-Policy (added to every page response by the test): the charts must
draw with no inline script, no eval and no style attributes."""
from __future__ import annotations

import pytest

from programs.demo.loading import demo_portfolio_load
from tests import factories
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


@pytest.fixture
def demo_manager():
    """The demo portfolio (load_demo_data's builder) with its rollups and scores, and a manager."""
    from evaluations.services.rollups import rollups_recompute

    demo_portfolio_load()
    rollups_recompute()
    return factories.ManagerFactory(username="dash_manager")


@pytest.fixture
def strict_page(new_page, demo_manager):
    """A signed-in page whose documents carry the strict CSP; CSP violations and script
    errors are collected in ``page.problems``."""
    page = new_page(demo_manager)
    problems: list[str] = []

    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route("**/dashboards/**", with_csp)
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    return page


def _charts_drawn(page, minimum: int = 1) -> int:
    page.wait_for_selector("canvas[data-drawn='true']", timeout=10_000)
    drawn = page.locator("canvas[data-drawn='true']").count()
    assert drawn >= minimum and drawn == page.locator("canvas[data-chart]").count()
    # a drawn canvas has pixels: Chart.js sized it
    assert page.eval_on_selector("canvas[data-drawn='true']", "c => c.width > 0 && c.height > 0")
    return drawn


def test_portfolio_shows_totals_charts_and_flags_and_a_flag_leads_to_its_list(strict_page):
    page = strict_page
    page.goto("/dashboards/portfolio/")
    assert page.locator("h1").inner_text() == "Portfolio"
    programs_tile = page.locator("[data-total='programs'] .tile-figure").inner_text()
    assert int(programs_tile.replace(",", "")) >= 150
    assert _charts_drawn(page, minimum=5) >= 5
    assert "Computed at" in page.locator("main").inner_text()
    screenshot(page, "dashboard-portfolio")
    surge = page.locator("a[data-flag='surge']")
    count = int(surge.locator(".tile-figure").inner_text())
    assert count > 0
    surge.click()
    page.wait_for_url("**/dashboards/flags/surge/")
    assert page.locator("[data-figure='flag-count']").inner_text() == str(count)
    screenshot(page, "dashboard-flag-surge")
    page.locator("#table-surge tbody a").first.click()
    page.wait_for_url("**/programs/*/")
    assert "Surge" in page.locator("h1").inner_text()
    assert page.problems == []


def test_countries_index_leads_to_a_country_dashboard_and_on_to_a_program(strict_page):
    page = strict_page
    page.goto("/dashboards/countries/")
    page.locator("#table-countries a", has_text="Niger").first.click()
    page.wait_for_url("**/dashboards/countries/NER/")
    assert page.locator("h1").inner_text().startswith("Niger")
    assert _charts_drawn(page, minimum=2) >= 2
    text = page.locator("main").inner_text()
    assert "Selectivity score" in text and "Crisis events" in text and "open" in text
    assert page.locator("a[data-flag='crises'] .tile-figure").inner_text() == "1"
    screenshot(page, "dashboard-country-niger")
    page.emulate_media(media="print")
    screenshot(page, "dashboard-country-niger-print")
    page.emulate_media(media="screen")
    program_link = page.locator("#table-programs tbody a").first
    code = program_link.inner_text().split()[0]
    program_link.click()
    page.wait_for_url("**/programs/*/")
    assert code in page.locator("main").inner_text()
    assert page.problems == []


def test_region_dashboard_and_goal_coverage(strict_page):
    page = strict_page
    page.goto("/dashboards/regions/bureau/AF/")
    assert page.locator("h1").inner_text().startswith("AF")
    _charts_drawn(page, minimum=3)
    screenshot(page, "dashboard-region-af")
    page.goto("/dashboards/regions/command/NORTHCOM/")
    assert page.locator("h1").inner_text().startswith("NORTHCOM")
    screenshot(page, "dashboard-region-northcom")
    page.goto("/dashboards/goal-coverage/")
    assert page.locator("#coverage-matrix tbody tr").count() > 10
    gaps = int(page.locator("[data-figure='gaps']").inner_text())
    assert gaps == page.locator("#coverage-matrix td.gap").count() and gaps > 0
    screenshot(page, "dashboard-goal-coverage")
    page.select_option("#f-tier", "1")  # the form submits on change
    page.wait_for_url("**tier=1**")
    tiers = page.locator("#coverage-matrix tbody tr td.num").all_inner_texts()
    assert tiers and set(tiers) == {"1"}
    assert page.problems == []
