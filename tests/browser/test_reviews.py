"""Reviews in a real browser: a crisis puts programs in the queue; a manager decides."""
import pytest

from programs import models as m
from tests import factories
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_crisis_event_puts_the_countrys_programs_in_the_review_queue(new_page, manager, agency_a, agency_b):
    # Given two active programs in Kenya and one in Uganda
    kenya = factories.country("KEN")
    first = factories.ProgramFactory(lead_agency=agency_a, countries=[kenya])
    second = factories.ProgramFactory(lead_agency=agency_b, countries=[kenya])
    elsewhere = factories.ProgramFactory(lead_agency=agency_a, countries=[factories.country("UGA")])

    # When a manager records a crisis on Kenya
    page = new_page(manager)
    page.goto("/evaluations/crises/")
    page.click("#record-crisis summary")
    page.select_option("select[name=country]", str(kenya.pk))
    page.fill("input[name=title]", "Election violence")
    page.fill("input[name=occurred_on]", "2026-11-01")
    page.click("text=Record crisis and open reviews")

    # Then the review queue lists Kenya's programs, now under review, and not Uganda's
    page.wait_for_url("**/dashboards/reviews/")
    queue = page.locator("#review-queue")
    assert queue.locator(f"tr[data-program='{first.code}']").count() == 1
    assert queue.locator(f"tr[data-program='{second.code}']").count() == 1
    assert queue.locator(f"tr[data-program='{elsewhere.code}']").count() == 0
    assert "Crisis: Election violence" in queue.inner_text()
    assert "2 program(s) of Kenya are now under review" in page.locator(".messages").inner_text()
    first.refresh_from_db()
    assert first.status == "under_review"
    screenshot(page, "review-queue-after-crisis")


def test_a_manager_records_a_review_decision_on_the_planning_worksheet(new_page, manager, agency_a):
    # Given an active program and no FY2027 planning cycle yet
    program = factories.ProgramFactory(lead_agency=agency_a)

    # When the manager opens the cycle and records "restructure" with a rationale
    page = new_page(manager)
    page.goto("/dashboards/reviews/planning/?fy=2027")
    page.click("text=Open the FY2027 planning cycle")
    row = page.locator(f"#worksheet tr[data-program='{program.code}']")
    assert "No score" in row.inner_text()
    row.locator("select[name=decision]").select_option("restructure")
    row.locator("textarea[name=rationale]").fill("Partner unit reorganised; refocus on border posts")
    row.locator("text=Record decision").click()

    # Then the worksheet shows the decision and the program is restructured
    assert "decision “Restructure” recorded" in page.locator(".message.success").inner_text()
    row = page.locator(f"#worksheet tr[data-program='{program.code}']")
    assert "Restructure" in row.inner_text() and "refocus on border posts" in row.inner_text()
    review = m.ProgramReview.objects.get(program=program)
    program.refresh_from_db()
    assert (review.decision, review.decided_by, program.status) == ("restructure", manager, "restructured")
    screenshot(page, "planning-worksheet-decided")


def test_a_missing_rationale_is_refused_with_a_message(new_page, manager, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status="under_review")
    m.ProgramReview.objects.create(program=program, out_of_cycle=True)
    page = new_page(manager)
    page.goto("/dashboards/reviews/")
    row = page.locator(f"#review-queue tr[data-program='{program.code}']")
    row.locator("select[name=decision]").select_option("continue")
    row.locator("textarea[name=rationale]").fill("   ")
    row.locator("text=Record decision").click()
    assert "Rationale: This field is required." in page.locator(".messages").inner_text()
    assert m.ProgramReview.objects.get(program=program).is_pending
