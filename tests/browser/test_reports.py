"""Maps and the results framework in a real browser, on the demo portfolio, under the
strict Content-Security-Policy: the map's colours match its legend and its table of
figures, every country with figures is reached with the Tab key (or listed beside the
map when too small to see), the colouring switches without a page load, and the tree
opens and closes from the keyboard."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboards import STRICT_CSP, demo_manager, strict_page  # noqa: F401 (fixtures)
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check_colours_match_table_and_legend(page) -> dict[str, str]:
    """Every country drawn has the class its table row has, and the legend's colour."""
    page.locator("#map-section details.data-table summary").click()
    table = {row.get_attribute("data-iso3"): row.get_attribute("data-class")
             for row in page.locator("#table-map tbody tr").all()}
    assert table
    legend = page.eval_on_selector_all(
        ".map-legend li", "items => Object.fromEntries(items.map(li => [li.dataset.class, "
        "li.querySelector('rect').getAttribute('fill')]))")
    drawn = page.eval_on_selector_all(
        "svg.map-svg a.map-country", "links => links.map(a => [a.dataset.iso3, a.dataset.class, "
        "a.querySelector('path').getAttribute('fill')])")
    assert drawn
    for iso3, klass, fill in drawn:
        assert table[iso3] == klass, iso3
        assert legend[klass] == fill, iso3
    small = {li.get_attribute("data-iso3") for li in page.locator(".map-small li").all()}
    assert {iso3 for iso3, _, _ in drawn} | small == set(table)  # every country of the table is on or beside the map
    return table


def _tab_through_map(page) -> list[str]:
    """Press Tab from the colour form's button until focus leaves the map; the countries
    focused in order."""
    page.locator("#map-section form button[type=submit]").focus()
    reached = []
    for _ in range(400):
        page.keyboard.press("Tab")
        iso3 = page.evaluate("() => { const a = document.activeElement; "
                             "return a && a.closest('svg.map-svg') ? a.dataset.iso3 : null; }")
        if iso3 is None:
            break
        reached.append(iso3)
        if len(reached) == 1:
            label = page.locator("[data-map-readout]").inner_text()
            assert label.startswith(page.evaluate("() => document.activeElement.getAttribute('aria-label')"))
    return reached


def test_portfolio_map_colours_match_its_table_and_every_country_is_reached_by_keyboard(strict_page):
    page = strict_page
    page.goto("/dashboards/portfolio/")
    assert page.locator("#map-section svg.map-svg path").count() > 150
    table = _check_colours_match_table_and_legend(page)
    reached = _tab_through_map(page)
    small = {li.get_attribute("data-iso3") for li in page.locator(".map-small li").all()}
    assert set(reached) | small == set(table) and len(reached) == len(set(reached))
    screenshot(page, "map-portfolio-band")
    # When the manager colours by obligated funding, the map is redrawn in place
    page.select_option("#map-choice", "funding")
    page.wait_for_selector("#map-section[data-map='funding']")
    assert "map=funding" in page.url
    _check_colours_match_table_and_legend(page)
    assert page.locator(".map-legend li[data-class='none']").inner_text().strip() == "No obligations"
    screenshot(page, "map-portfolio-funding")
    # and a country opens its dashboard
    first = page.locator("svg.map-svg a.map-country").first
    iso3 = first.get_attribute("data-iso3")
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/dashboards/countries/{iso3}/")
    assert page.locator("a[data-brief]").count() == 1
    assert page.problems == []


def test_region_map_draws_regional_programs_as_lines(strict_page):
    page = strict_page
    page.goto("/dashboards/regions/bureau/AF/?map=rollup")
    assert page.locator("#map-section[data-map='rollup']").count() == 1
    _check_colours_match_table_and_legend(page)
    assert page.locator("svg.map-svg .map-links line").count() >= 1
    assert "regional or cross-border program" in page.locator("svg.map-svg .map-links line title").first.text_content()
    # Nothing is drawn past the frame (the sea): where the svg's box is wider than its viewBox
    # (its height capped), the countries beyond Africa's frame showed on white.
    page.locator("svg.map-svg").scroll_into_view_if_needed()
    past_the_frame = page.evaluate(
        """() => { const svg = document.querySelector('svg.map-svg'), box = svg.getBoundingClientRect();
             const m = svg.getScreenCTM(), vb = svg.viewBox.baseVal;
             const left = m.e, right = m.e + vb.width * m.a, top = m.f, bottom = m.f + vb.height * m.d;
             const hits = []; let outside = 0;
             for (let y = Math.max(box.top, 0) + 2; y < Math.min(box.bottom, innerHeight); y += 8)
               for (let x = box.left + 1; x < box.right; x += 8) {
                 if (x >= left && x <= right && y >= top && y <= bottom) continue;
                 outside += 1;
                 const e = document.elementFromPoint(x, y);
                 if (e && e !== svg && svg.contains(e)) hits.push(e.closest('a')?.dataset.iso3 || e.tagName);
               }
             return [outside > 100, [...new Set(hits)]]; }"""
    )
    assert past_the_frame == [True, []], past_the_frame  # points of the box outside the frame, none drawn on
    screenshot(page, "map-region-af-rollup")
    assert page.problems == []


def test_results_framework_tree_opens_and_closes_from_the_keyboard(strict_page):
    page = strict_page

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route("**/reports/**", with_csp)
    page.goto("/reports/results-framework/")
    goals = page.locator(".rf-tree > li.rf-goal > details")
    assert goals.count() >= 1 and goals.first.get_attribute("open") is not None
    # Keyboard: Tab reaches the first goal's summary; Enter closes and opens it
    summary = page.locator(".rf-tree > li > details > summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert goals.first.get_attribute("open") is None
    page.keyboard.press("Enter")
    assert goals.first.get_attribute("open") is not None
    nested = goals.first.locator(":scope > ul > li > details").first
    assert nested.get_attribute("open") is None
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Space")
    assert nested.get_attribute("open") is not None
    page.get_by_role("button", name="Expand all").click()
    assert page.locator(".rf-tree details:not([open])").count() == 0
    statuses = page.locator(".rf-tree .rf-status").all_inner_texts()
    assert set(statuses) <= {"On track", "Needs attention", "Off track", "No data"} and "On track" in statuses
    assert page.locator(".rf-tree li.rf-program a").count() >= 1
    screenshot(page, "results-framework-expanded")
    page.get_by_role("button", name="Collapse all").click()
    assert page.locator(".rf-tree details[open]").count() == 0
    assert page.problems == []


def test_map_read_out_follows_the_pointer_and_keeps_the_focused_country(strict_page):
    """The read-out names the country under the pointer; over the sea, or once the pointer
    leaves the map, it names the country with keyboard focus (it used to fall back to the
    help text and hide it); once focus leaves the map it shows the help text again."""
    page = strict_page
    page.goto("/dashboards/portfolio/")
    readout = page.locator("[data-map-readout]")
    help_text = readout.inner_text()
    countries = page.locator("svg.map-svg a.map-country")
    focused, other = countries.nth(0), countries.nth(1)
    focused.focus()
    focused_label = focused.get_attribute("aria-label")
    assert readout.inner_text() == focused_label
    other.hover()
    assert readout.inner_text() == other.get_attribute("aria-label")
    box = page.locator("svg.map-svg").bounding_box()
    sea = page.evaluate(
        """([x0, y0, w, h]) => { for (let y = y0 + 2; y < y0 + h; y += 6) for (let x = x0 + 2; x < x0 + w; x += 6) {
             const e = document.elementFromPoint(x, y);
             if (e && e.closest('svg.map-svg') && !e.closest('.map-country')) return [x, y]; } return null; }""",
        [box["x"], box["y"], box["width"], box["height"]],
    )
    assert sea, "no point of the map outside every country"
    page.mouse.move(*sea)
    assert readout.inner_text() == focused_label
    page.mouse.move(1, 1)
    assert readout.inner_text() == focused_label
    page.locator("#map-choice").focus()
    expect(page.locator("[data-map-readout]")).to_have_text(help_text)
    assert page.problems == []
