"""Program pages in Debian's Chromium: an analyst's whole quarter, a manager's approval,
validation messages, a refused stale save, and another agency's 403."""
import re

import pytest

from programs.models import Goal, Measurement, MeasurementStatus, Program, ProgramStatus
from tests import factories
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _create_program(page, code: str) -> None:
    page.goto("/programs/new/")
    page.fill("#id_code", code)
    page.fill("#id_title", "Coast guard maritime capacity")
    page.select_option("#id_purpose", "build_capacity")
    page.fill("#id_start_fy", "2026")
    page.fill("#id_end_fy", "2028")
    page.select_option("#id_countries", [str(factories.country("KEN").pk)])
    page.select_option("#id_goals", [str(Goal.objects.get(code="1.e").pk)])
    page.fill("#id_funding-0-fiscal_year", "2027")
    page.fill("#id_funding-0-planned", "2500000")
    page.fill("#id_funding-0-obligated", "1200000")
    page.fill("#id_funding-0-disbursed", "300000")
    with page.expect_navigation():
        page.click("button:has-text('Create program')")
    assert re.search(r"/programs/\d+/$", page.url), page.locator("#error-summary").all_inner_texts()


def _add_moe(page, program: Program, name: str, targets: dict[str, str]) -> None:
    page.goto(f"/programs/{program.pk}/moes/new/")
    page.fill("#id_name", name)
    page.fill("#id_unit", "officers")
    page.fill("#id_baseline_value", "0")
    page.fill("#id_baseline_date", "2026-09-30")
    for period, value in targets.items():
        page.fill(f"#id_target_{period}", value)
    with page.expect_navigation():
        page.click("button:has-text('Add measure')")
    assert page.url.endswith(f"/programs/{program.pk}/#moes"), page.locator("#error-summary").all_inner_texts()


def test_analyst_enters_a_quarter_and_a_manager_approves(new_page, analyst_a, manager):
    # Given an analyst of State, signed in
    page = new_page(analyst_a)
    page.goto("/programs/new/")
    screenshot(page, "program-create")

    # When they make a program with funding and two MOEs with targets
    _create_program(page, "DOS-2027-0001")
    program = Program.objects.get(code="DOS-2027-0001")
    assert program.funding.get(fiscal_year=2027).planned == 2500000
    _add_moe(page, program, "Officers trained", {"FY2027-Q1": "50", "FY2027-Q2": "100"})
    _add_moe(page, program, "Patrols conducted", {"FY2027-Q1": "20"})
    assert "FY2027-Q1: 50" in page.locator("#moes").inner_text()
    screenshot(page, "program-detail")

    # And enter Q1 of FY2027 in the grid and submit it
    page.goto(f"/programs/{program.pk}/measurements/?fy=2027")
    moes = list(program.moes.order_by("pk"))
    page.fill(f"#id_value_{moes[0].pk}_FY2027-Q1", "42")
    page.fill(f"#id_value_{moes[1].pk}_FY2027-Q1", "18")
    screenshot(page, "measurement-grid")
    page.click("button:has-text('Save and submit for approval')")
    page.wait_for_selector("text=2 values submitted for approval")
    assert Measurement.objects.filter(moe__program=program, status=MeasurementStatus.SUBMITTED).count() == 2

    # Then a manager approves both in the queue
    manager_page = new_page(manager)
    manager_page.goto("/programs/approvals/")
    screenshot(manager_page, "approvals-queue")
    manager_page.check("#select-all")
    with manager_page.expect_navigation():
        manager_page.click("button:has-text('Approve')")
    assert "2 values approved." in manager_page.locator(".messages").inner_text()
    assert "Nothing is waiting for approval" in manager_page.content()
    assert Measurement.objects.filter(moe__program=program, status=MeasurementStatus.APPROVED).count() == 2

    # And the program's history page lists the changes
    page.goto(f"/programs/{program.pk}/history/")
    assert "approved" in page.content()
    screenshot(page, "program-history")


def test_analyst_sees_a_validation_message_for_bad_input(new_page, analyst_a):
    page = new_page(analyst_a)
    page.goto("/programs/new/")
    page.fill("#id_code", "DOS-BAD-1")
    page.fill("#id_title", "Bad years")
    page.select_option("#id_purpose", "engage")
    page.fill("#id_start_fy", "2028")
    page.fill("#id_end_fy", "2026")
    page.select_option("#id_countries", [str(factories.country("KEN").pk)])
    page.fill("#id_funding-0-fiscal_year", "2027")
    page.fill("#id_funding-0-planned", "-10")
    page.click("button:has-text('Create program')")
    errors = page.locator("#error-summary li").all_inner_texts()
    assert any(e.startswith("End fiscal year: The end fiscal year (FY2026) cannot be before") for e in errors), errors
    assert any(e.startswith("Planned (USD)") and "greater than or equal to 0" in e for e in errors), errors
    assert page.input_value("#id_title") == "Bad years"  # the user's input is kept
    screenshot(page, "program-create-errors")
    assert not Program.objects.filter(code="DOS-BAD-1").exists()


def test_second_of_two_concurrent_edits_is_refused(new_page, analyst_a, agency_a):
    program = factories.ProgramFactory(code="DOS-LOCK-1", lead_agency=agency_a, status=ProgramStatus.PROPOSED)
    first, second = new_page(analyst_a), new_page(analyst_a)
    first.goto(f"/programs/{program.pk}/edit/")
    second.goto(f"/programs/{program.pk}/edit/")

    first.fill("#id_title", "Title from the first session")
    first.click("button:has-text('Save changes')")
    first.wait_for_url(f"**/programs/{program.pk}/")

    second.fill("#id_title", "Title from the second session")
    second.click("button:has-text('Save changes')")
    warning = second.locator("#stale-warning")
    warning.wait_for()
    text = warning.inner_text()
    assert "Not saved." in text and "Title from the first session" in text and "analyst_a" in text
    screenshot(second, "program-edit-stale")
    program.refresh_from_db()
    assert program.title == "Title from the first session"


def test_analyst_of_another_agency_cannot_edit(new_page, analyst_b, agency_a):
    program = factories.ProgramFactory(code="DOS-OWN-1", lead_agency=agency_a)
    page = new_page(analyst_b)
    page.goto(f"/programs/{program.pk}/")
    assert page.locator("a:has-text('Edit program')").count() == 0
    response = page.goto(f"/programs/{program.pk}/edit/")
    assert response.status == 403
    assert "Only analysts of DOS may edit program DOS-OWN-1." in page.locator("#forbidden-reason").inner_text()
    screenshot(page, "program-edit-403")


def test_screenshots_of_list_and_records(new_page, analyst_a):
    for i in range(5):
        factories.ProgramFactory(lead_agency=analyst_a.agency)
    factories.PartnerInstitutionFactory()
    page = new_page(analyst_a)
    page.goto("/programs/?ordering=-code")
    assert page.locator("table.program-table tbody tr").count() == 5
    screenshot(page, "program-list")
    page.goto("/programs/records/institutions/")
    assert "National Police Unit" in page.content()
    screenshot(page, "records-institutions")
