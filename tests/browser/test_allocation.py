"""The allocation planner in a real browser: a manager builds, solves, saves and compares
two scenarios, and sees why an impossible one has no allocation."""
import pytest

from tests import factories
from tests.allocation import factories as alf
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _build(page, *, name: str, envelopes: str, ceilings: str = "") -> None:
    page.goto("/allocation/")
    page.click("#new-scenario")
    page.fill("input[name=name]", name)
    page.fill("input[name=fiscal_year]", "2027")
    page.fill("textarea[name=envelopes]", envelopes)
    page.fill("textarea[name=ceilings]", ceilings)
    page.click("#save-scenario")
    page.wait_for_url("**/allocation/*/")


def test_a_manager_builds_solves_and_compares_two_scenarios(new_page, manager):
    # Given Kenya (score 80) and Colombia (score 50) with a regional INCLE program and an FMF program
    alf.kenya_and_colombia()
    page = new_page(manager)

    # When the manager builds a lean scenario from the navigation and solves it
    page.goto("/")
    page.click("nav >> text=Allocation")
    _build(page, name="Lean", envelopes="INCLE: 6\nFMF: 4", ceilings="COL: 10")
    assert "Draft" in page.locator("#scenario-status").inner_text()
    page.click("#solve-scenario")
    page.wait_for_selector("#allocation-lines")
    # Then the allocation, its reasons and the envelopes' values show
    assert page.locator("#scenario-status").inner_text() == "Solved"
    envelopes = page.locator("#envelopes").inner_text()
    assert "0.300" in envelopes  # one more $M is worth Colombia's 0.5 x 0.6
    outcomes = page.locator("#country-outcomes").inner_text()
    assert "Colombia" in outcomes and "6.00" in outcomes and "+4.00" in outcomes
    assert "commitments" in page.locator("#allocation-lines").inner_text()
    screenshot(page, "allocation-result")

    # And a generous scenario, edited once, solved too
    _build(page, name="Generous", envelopes="INCLE: 12\nFMF: 8", ceilings="COL: 10")
    page.click("#edit-scenario")
    page.fill("textarea[name=envelopes]", "INCLE: 12\nFMF: 9")
    page.click("#save-scenario")
    page.wait_for_url("**/allocation/*/")
    page.click("#solve-scenario")
    page.wait_for_selector("#allocation-lines")
    assert "Kenya" in page.locator("#country-outcomes").inner_text()

    # When the manager compares them from the list
    page.goto("/allocation/")
    assert page.locator("#scenarios tbody tr").count() == 2
    page.select_option("select[name=first]", label="FY2027 Lean")
    page.select_option("select[name=second]", label="FY2027 Generous")
    page.click("#compare-from-list")
    page.wait_for_selector("#comparison")
    # Then both scenarios stand beside the current plan: Kenya plan 4, lean 4, generous 6 (its ceiling)
    kenya = page.locator("#comparison tr", has_text="Kenya").inner_text().split()
    assert kenya[1:] == ["4.00", "4.00", "+0.00", "6.00", "+2.00"]
    screenshot(page, "allocation-compare")


def test_an_impossible_scenario_is_explained(new_page, manager):
    ken, col = factories.country("KEN"), factories.country("COL")
    alf.program([ken, col], "INCLE", planned={2027: 4})
    page = new_page(manager)
    _build(page, name="Too small", envelopes="INCLE: 1.5")
    page.click("#solve-scenario")
    page.wait_for_selector("#infeasibility")
    assert ("Commitments in INCLE exceed its envelope by $2.5 M: Colombia $2.0 M, Kenya $2.0 M."
            in page.locator("#infeasibility").inner_text())
