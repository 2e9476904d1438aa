"""Form controls in Debian's Chromium look and behave as USWDS ones: a searchable select
(Tom Select) has the type, size and border of the USWDS inputs around it and drops its
"Type to search" placeholder once a value is chosen; the "select all" box of a
bulk-selection table is a USWDS checkbox with a full accessible name, aligned with the
row boxes below it. Each page is checked with axe-core too."""
from decimal import Decimal

import pytest

from programs.models import MeasurementStatus
from tests import factories
from tests.browser.test_accessibility import axe_page, axe_violations  # noqa: F401  (fixture)
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STYLE = """(selector) => { const s = getComputedStyle(document.querySelector(selector));
  return {font: s.fontFamily, size: s.fontSize, border: s.borderTopColor + ' ' + s.borderTopWidth}; }"""


def test_a_searchable_select_looks_like_a_uswds_input_and_its_placeholder_goes_once_chosen(axe_page, analyst_a):
    # Given the program form, whose country list is searchable (Tom Select)
    page = axe_page(analyst_a)
    page.goto("/programs/new/")
    control = page.locator("#id_countries-ts-control")
    assert control.get_attribute("placeholder") == "Type to search, choose several"
    # Then its box and its search text have the USWDS input's type, size and border
    plain = page.evaluate(STYLE, "#id_title")
    box = page.evaluate(STYLE, "#id_countries-ts-control")
    assert (box["font"], box["size"]) == (plain["font"], plain["size"]), (box, plain)
    assert page.evaluate(STYLE, ".ts-wrapper:has(#id_countries-ts-control) .ts-control")["border"] == plain["border"]
    assert page.evaluate(STYLE, ".ts-dropdown")["size"] == plain["size"]
    # When the analyst chooses a country
    control.click()
    control.fill("Kenya")
    page.wait_for_selector(".ts-dropdown .option.active:has-text('Kenya')")
    page.keyboard.press("Enter")
    # Then the placeholder is gone, while the box has focus and after it leaves
    assert control.get_attribute("placeholder") == ""
    page.locator("#id_title").focus()
    hidden = "input-hidden" in page.locator(".ts-wrapper:has(#id_countries-ts-control)").get_attribute("class")
    assert hidden or control.get_attribute("placeholder") == ""
    screenshot(page, "form-controls-searchable-select")
    assert axe_violations(page) == []


def test_a_searchable_single_select_shows_no_placeholder_beside_its_value(axe_page, analyst_a):
    # Given the program list's country filter (a long single select: searchable)
    page = axe_page(analyst_a)
    page.goto("/programs/")
    control = page.locator("#id_country-ts-control")
    wrapper = page.locator(".ts-wrapper:has(#id_country-ts-control)")
    assert control.get_attribute("placeholder") == "Type to search"
    # When a country is chosen by typing and Enter
    control.click()
    control.fill("Kenya")
    page.wait_for_selector(".ts-dropdown .option.active:has-text('Kenya')")
    page.keyboard.press("Enter")
    # Then no placeholder shows beside the choice
    assert control.get_attribute("placeholder") == "" or "input-hidden" in wrapper.get_attribute("class")
    # And a page that opens with a country chosen shows the country alone
    page.goto("/programs/?country=KEN")
    assert "input-hidden" in wrapper.get_attribute("class")
    assert "Kenya" in wrapper.locator(".ts-control .item").inner_text()
    screenshot(page, "form-controls-single-select")


def test_the_select_all_box_is_a_labelled_uswds_checkbox_aligned_with_the_rows(axe_page, manager, analyst_a, agency_a):
    # Given three submitted values in the approvals queue
    program = factories.ProgramFactory(lead_agency=agency_a, start_fy=2025, end_fy=2030)
    moe = factories.MoeFactory(program=program)
    for quarter in (1, 2, 3):
        factories.MeasurementFactory(moe=moe, period=f"FY2025-Q{quarter}", value=Decimal(quarter),
                                     status=MeasurementStatus.SUBMITTED, entered_by=analyst_a)
    page = axe_page(manager)
    page.goto("/programs/approvals/")
    # Then the header box is a USWDS checkbox named for what it does
    header = page.locator("th.select-cell")
    assert header.locator(".usa-checkbox > input.usa-checkbox__input#select-all").count() == 1
    assert page.get_by_label("All on this page: select or clear every row").count() == 1
    # And its drawn box lines up with the rows' boxes, on the header's own background
    boxes = page.evaluate("""() => [...document.querySelectorAll('.approvals-table .select-cell label')].map(l => {
        const r = l.getBoundingClientRect(), before = getComputedStyle(l, '::before');
        return {left: Math.round(r.left), boxWidth: before.width}; })""")
    assert len(boxes) == 4 and len({b["left"] for b in boxes}) == 1 and len({b["boxWidth"] for b in boxes}) == 1, boxes
    background = page.evaluate("""() => [getComputedStyle(document.querySelector('th.select-cell .usa-checkbox')).backgroundColor,
                                         getComputedStyle(document.querySelector('th.select-cell')).backgroundColor]""")
    assert background[0] in ("rgba(0, 0, 0, 0)", "transparent"), background
    # And the header cell is no wider than its box and "All"
    assert page.evaluate("document.querySelector('th.select-cell').getBoundingClientRect().width") < 120
    # When the manager clicks the box drawn in the header
    page.locator("th.select-cell input#select-all").click()  # it lies over the box its label draws
    # Then every row is chosen
    assert page.locator("#selected-count").inner_text() == "3 selected"
    screenshot(page, "form-controls-select-all")
    assert axe_violations(page) == []


def test_a_program_is_chosen_by_typing_part_of_its_title(axe_page, analyst_a, agency_a):
    # Given programs enough to need a search, and the report's form (no option per program)
    wanted = factories.ProgramFactory(lead_agency=agency_a, title="Coastal maritime patrols")
    factories.ProgramFactory.create_batch(25, lead_agency=agency_a)
    page = axe_page(analyst_a)
    page.goto("/evaluations/target-vs-actual/")
    assert page.locator("#id_program option").count() <= 1
    control = page.locator("#id_program-ts-control")
    assert control.get_attribute("aria-label") == "Program"
    # When the analyst types part of the title and picks the match with the keyboard
    control.click()
    control.type("maritime", delay=30)
    page.wait_for_selector(f".ts-dropdown .option.active:has-text('{wanted.code}')")
    assert page.locator(".ts-dropdown .option").count() == 1
    page.keyboard.press("Enter")
    # Then the field holds its code, axe finds nothing, and the report is that program's
    assert page.locator("#id_program").input_value() == wanted.code
    assert axe_violations(page) == []
    page.click("button:has-text('Show')")
    page.wait_for_url(f"**program={wanted.code}**")
    assert f"{wanted.code} — {wanted.title}" in page.locator(".ts-wrapper .item").inner_text()
    screenshot(page, "form-controls-program-picker")


def test_a_partner_institution_is_chosen_by_typing_part_of_its_name(axe_page, manager):
    from programs.models import Vetting

    # Given institutions enough to need a search, and the new vetting record's form (no option per institution)
    wanted = factories.PartnerInstitutionFactory(name="Coast Guard Sector 4", country=factories.country("GHA"))
    factories.PartnerInstitutionFactory.create_batch(25)
    page = axe_page(manager)
    page.goto("/programs/records/vetting/new/")
    assert page.locator("#id_institution option").count() <= 1
    control = page.locator("#id_institution-ts-control")
    assert control.get_attribute("aria-label") == "Institution"
    assert control.get_attribute("placeholder") == "Type part of the institution's name or its country code"
    # When the manager types a name no institution has, the list says so
    control.click()
    control.type("zzz", delay=30)
    page.wait_for_selector(".ts-dropdown .no-results:has-text('No partner institution matches')")
    control.fill("")
    # When the manager types part of the name and picks the match with the keyboard
    control.type("guard sec", delay=30)
    page.wait_for_selector(".ts-dropdown .option.active:has-text('Coast Guard Sector 4 (GHA)')")
    assert page.locator(".ts-dropdown .option").count() == 1
    page.keyboard.press("Enter")
    # Then the field holds the institution, axe finds nothing, and the saved record is its
    assert page.locator("#id_institution").input_value() == "Coast Guard Sector 4 (GHA)"
    assert axe_violations(page) == []
    page.fill("#id_requested_on", "2026-05-01")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/records/vetting/")
    assert list(Vetting.objects.values_list("institution", flat=True)) == [wanted.pk]
    # And its edit form shows the chosen institution alone
    page.goto(f"/programs/records/vetting/{Vetting.objects.get().pk}/edit/")
    assert "Coast Guard Sector 4 (GHA)" in page.locator(".ts-wrapper .item").inner_text()
    screenshot(page, "form-controls-institution-picker")
