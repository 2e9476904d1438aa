"""Work lists, notifications and bulk decisions in Debian's Chromium: a manager approves
50 values at once (and, keyboard only, a few more), and every value a filter matches
across pages after a confirmation page; an analyst finds a returned value on the home
page and in the inbox."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from programs.models import Measurement, MeasurementStatus
from programs.services.measures import measurement_return
from tests import factories
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submitted(program, n, author):
    moe = factories.MoeFactory(program=program)
    return [factories.MeasurementFactory(moe=moe, period=f"FY{2025 + i // 4}-Q{i % 4 + 1}", value=Decimal(i),
                                         status=MeasurementStatus.SUBMITTED, entered_by=author) for i in range(n)]


def test_a_manager_approves_50_values_at_once(new_page, manager, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, start_fy=2025, end_fy=2038)
    _submitted(program, 50, analyst_a)
    page = new_page(manager)
    page.goto(f"/programs/approvals/?program={program.pk}")
    assert page.locator("input[name=ids]").count() == 50
    page.check("#select-all")
    assert page.locator("#selected-count").inner_text() == "50 selected"
    page.fill("#bulk-reason", "Checked against the district reports")
    screenshot(page, "approvals-bulk")
    with page.expect_navigation():
        page.click("button:has-text('Approve')")
    assert "50 values approved." in page.locator(".messages").inner_text()
    assert Measurement.objects.filter(status=MeasurementStatus.APPROVED, approved_by=manager).count() == 50


def test_a_manager_confirms_a_decision_on_every_page_of_the_filter(new_page, manager, analyst_a, agency_a):
    # Given 60 values waiting in one program (two pages) and 2 in another
    program = factories.ProgramFactory(lead_agency=agency_a, start_fy=2025, end_fy=2040)
    _submitted(program, 60, analyst_a)
    others = _submitted(factories.ProgramFactory(lead_agency=agency_a), 2, analyst_a)
    page = new_page(manager)
    page.goto(f"/programs/approvals/?program={program.code}")
    # The page shows 50 rows and says which, with page links that keep the filter
    assert page.locator("input[name=ids]").count() == 50
    assert (page.locator("#queue-range [aria-hidden=true]").inner_text()
            == "Showing 1–50 of 60 values waiting that match the filter (page 1 of 2)")
    assert (page.locator("#queue-range .usa-sr-only").inner_text()  # what a screen reader says
            == "Showing values 1 to 50 of 60 waiting that match the filter, page 1 of 2")
    next_page = page.locator(".usa-pagination a[rel=next]")
    assert next_page.get_attribute("href") == f"?program={program.code}&page=2"
    # When the manager chooses all that match and Approve
    page.check("#scope-all", force=True)  # the USWDS radio's input is drawn by its label
    page.fill("#bulk-reason", "Checked against the district reports")
    with page.expect_navigation():
        page.click("button[name=decision][value=approve]")
    # Then a confirmation page says what will happen, and nothing is saved yet
    summary = page.locator("#confirm-summary").inner_text()
    assert summary.startswith("You are about to approve 60 values across 1 program for 60 periods")
    assert "on all 2 pages of the queue" in summary
    assert Measurement.objects.filter(status=MeasurementStatus.APPROVED).count() == 0
    screenshot(page, "approvals-confirm-all")
    # Cancel goes back to the same filtered queue
    with page.expect_navigation():
        page.get_by_role("link", name="Cancel").click()
    assert page.url.endswith(f"/programs/approvals/?program={program.code}")
    # When the manager confirms
    page.check("#scope-all", force=True)
    with page.expect_navigation():
        page.click("button[name=decision][value=approve]")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve 60 values").click()
    # Then the 60 are approved, the other program's 2 still wait
    assert "60 values approved." in page.locator(".messages").inner_text()
    assert Measurement.objects.filter(status=MeasurementStatus.APPROVED, approved_by=manager).count() == 60
    assert Measurement.objects.filter(pk__in=[v.pk for v in others], status=MeasurementStatus.SUBMITTED).count() == 2


def _tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never received the focus by Tab")


def test_a_manager_decides_in_bulk_with_the_keyboard_only(new_page, manager, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a)
    values = _submitted(program, 3, analyst_a)
    page = new_page(manager)
    page.goto("/programs/approvals/")
    _tab_to(page, "#select-all")
    page.keyboard.press("Space")
    _tab_to(page, f"#select-{values[2].pk}")
    page.keyboard.press("Space")  # leave the third out
    _tab_to(page, "#bulk-reason")
    page.keyboard.type("Sources do not match the totals")
    _tab_to(page, "button[value=return]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "2 values returned for revision." in page.locator(".messages").inner_text()
    statuses = dict(Measurement.objects.values_list("pk", "status"))
    assert [statuses[v.pk] for v in values] == ["returned", "returned", "submitted"]


def test_an_analyst_finds_a_returned_value_at_home_and_in_the_inbox(new_page, analyst_a, manager, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a)
    value = _submitted(program, 1, analyst_a)[0]
    measurement_return(user=manager, measurement=value, reason="Evidence link is broken", version=value.version)
    page = new_page(analyst_a)
    page.goto("/")
    returned = page.locator("#returned")
    assert "Reason: Evidence link is broken" in returned.inner_text()
    screenshot(page, "home-analyst")
    assert "1 unread" in page.locator(".inbox-link").inner_text()
    page.click(".inbox-link")
    assert "Returned for revision" in page.locator(".inbox-table").inner_text()
    screenshot(page, "notifications-inbox")
    page.check("input[name=ids]")
    with page.expect_navigation():
        page.click("button:has-text('Mark selected read')")
    assert page.locator(".inbox-link .usa-tag").count() == 0
    page.goto("/")
    with page.expect_navigation():
        returned.get_by_role("link").first.click()
    assert f"/programs/{program.pk}/measurements/" in page.url


def test_a_manager_sees_the_pending_values_grouped(new_page, manager, analyst_a, agency_a):
    _submitted(factories.ProgramFactory(lead_agency=agency_a), 4, analyst_a)
    page = new_page(manager)
    page.goto("/")
    assert "Kenya" in page.locator("#pending-country").inner_text()
    screenshot(page, "home-manager")
    with page.expect_navigation():
        page.locator("#pending-country a", has_text="Kenya").click()
    assert page.locator("input[name=ids]").count() == 4


def test_the_program_form_narrows_objectives_as_countries_change(new_page, analyst_a):
    from programs.models import Objective, Strategy

    def objective(code, iso3):
        strategy = Strategy.objects.create(title=f"{iso3} strategy", scope="country", country=factories.country(iso3),
                                           start_fy=2025, end_fy=2029)
        return Objective.objects.create(strategy=strategy, code=code, description=f"Objective {code}")

    kenya, mali = objective("K1", "KEN"), objective("M1", "MLI")
    page = new_page(analyst_a)
    page.goto("/programs/new/")
    assert page.locator("#id_objectives option").count() == 0
    with page.expect_response(lambda r: "/programs/form/country-options/" in r.url):
        page.select_option("#id_countries", [str(factories.country("KEN").pk)])
    expect(page.locator("#id_objectives option")).to_have_count(1)
    assert page.locator("#id_objectives option").inner_text() == str(kenya)
    page.select_option("#id_objectives", [str(kenya.pk)])
    with page.expect_response(lambda r: "/programs/form/country-options/" in r.url):
        page.select_option("#id_countries", [str(factories.country("KEN").pk), str(factories.country("MLI").pk)])
    expect(page.locator("#id_objectives option")).to_have_count(2)
    assert page.locator("#id_objectives option:checked").inner_text() == str(kenya)  # kept
    assert str(mali) in page.locator("#id_objectives").inner_text()


def test_the_target_grid_follows_the_frequency(new_page, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, start_fy=2026, end_fy=2027)
    page = new_page(analyst_a)
    page.goto(f"/programs/{program.pk}/moes/new/")
    assert page.locator("#target-grid input").count() == 8
    page.fill("#id_target_FY2026-Q1", "5")
    with page.expect_response(lambda r: "/target-grid/" in r.url):
        page.select_option("#id_frequency", "semi_annual")
    page.wait_for_selector("#id_target_FY2026-H1")
    assert page.locator("#target-grid input").count() == 4
    page.fill("#id_name", "Patrols")
    page.fill("#id_unit", "patrols")
    page.fill("#id_baseline_value", "0")
    page.fill("#id_baseline_date", "2025-09-30")
    page.fill("#id_target_FY2027-H2", "40")
    screenshot(page, "moe-target-grid")
    with page.expect_navigation():
        page.click("button:has-text('Add measure')")
    assert "added with 1 target." in page.locator(".messages").inner_text()
    assert list(program.moes.get().targets.values_list("period", flat=True)) == ["FY2027-H2"]
