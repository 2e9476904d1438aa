"""Keyboard only, in Debian's Chromium: an analyst's quarter (open the program, enter a
value in the measurement grid, submit it for approval) with Tab, typing and Enter, no
mouse. Section 508 / WCAG 2.1.1: everything a pointer does, the keyboard does."""
from __future__ import annotations

import pytest

from programs.models import Measurement, MeasurementStatus
from tests import factories
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_until(page, predicate: str, *, limit: int = 200) -> None:
    """Press Tab until ``predicate`` (a JS expression on ``document.activeElement``,
    named ``el``) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"):
            return
    raise AssertionError(f"no element matching {predicate} within {limit} Tab presses")


def test_an_analyst_enters_and_submits_a_quarter_with_the_keyboard_only(new_page, analyst_a):
    # Given a program of the analyst's agency with an MOE
    program = factories.program_full(agency="DOS")
    moe = program.moes.get()
    page = new_page(analyst_a)
    page.goto("/programs/")

    # The first Tab reaches the skip link, which jumps past the header and navigation
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")

    # When they open the program from the list
    tab_until(page, f"el.tagName === 'A' && el.textContent.trim() === '{program.code}'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/programs/{program.pk}/")

    # And the measurement grid from the program's page
    tab_until(page, "el.tagName === 'A' && el.textContent.trim() === 'Measurements grid'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/programs/{program.pk}/measurements/" in page.url

    # And type a value in the first empty cell
    tab_until(page, "el.matches('table.measurement-grid input.usa-input') && el.value === ''")
    field_id = page.evaluate("document.activeElement.id")
    page.keyboard.type("42")
    period = field_id.removeprefix(f"id_value_{moe.pk}_")
    screenshot(page, "keyboard-measurement-grid")

    # And submit it for approval
    tab_until(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Save and submit for approval'")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Then the value waits for a manager's approval, and the page says so
    measurement = Measurement.objects.get(moe=moe, period=period)
    assert measurement.value == 42 and measurement.status == MeasurementStatus.SUBMITTED
    assert "submitted for approval" in page.locator(".portal-messages").inner_text()
