"""Evaluations in a real browser: record one with a recommendation; acknowledge a finding."""
import pytest

from evaluations.models import Evaluation
from tests import factories
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_records_an_evaluation_and_an_overdue_recommendation(new_page, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a)
    page = new_page(analyst_a)
    page.goto("/evaluations/new/")
    control = page.locator("#id_program-ts-control")
    control.fill(program.code)
    page.locator(".ts-dropdown .option", has_text=program.code).click()
    page.select_option("select[name=evaluation_type]", "impact")
    page.fill("input[name=title]", "Impact of border training")
    page.fill("input[name=evaluator]", "Independent evaluators LLC")
    page.fill("input[name=started_on]", "2025-01-15")
    page.fill("textarea[name=documents]", "Final report | https://example.gov/report.pdf")
    page.click("text=Save evaluation")
    page.wait_for_selector("text=Add a recommendation")
    page.fill("textarea[name=text]", "Vet all trained units before FY2027")
    page.fill("input[name=owner]", "INL Africa")
    page.fill("input[name=due_on]", "2025-06-30")
    page.click("text=Add recommendation")
    assert "overdue" in page.locator("#recommendations").inner_text()
    page.goto("/evaluations/recommendations/overdue/")
    assert "Vet all trained units" in page.locator("#overdue").inner_text()
    assert Evaluation.objects.get().documents.get().url == "https://example.gov/report.pdf"
    screenshot(page, "evaluations-overdue")


def test_a_manager_acknowledges_a_coordination_finding(new_page, manager, agency_a):
    factories.ProgramFactory(lead_agency=agency_a, is_surge=True)
    page = new_page(manager)
    page.goto("/evaluations/coordination/?kind=surge")
    row = page.locator("tr[data-check=surge]")
    assert "has no long-term objective" in row.inner_text()
    row.get_by_role("checkbox").check()
    page.fill("#ack-note", "Sustainment plan due with the FY2027 budget")
    page.get_by_role("button", name="Acknowledge").click()
    assert "1 finding acknowledged" in page.locator(".messages").inner_text()
    assert "0 open" in page.content()
    screenshot(page, "coordination")
