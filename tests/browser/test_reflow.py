"""WCAG 2.1 success criterion 1.4.10, Reflow: at 320 CSS px wide (a 1280 px window zoomed
to 400 %, or a small phone) every main page an analyst, a manager and an administrator use
reads without scrolling sideways. Only a data table may be wider than the window, and then
it scrolls inside its own box (``.table-wrap``), which the keyboard can reach and a screen
reader names (tabindex="0", role="region", aria-label: static/js/portal.js).

A new-user trial found five pages that scrolled sideways at 320 px: a program's page (its
facts list 182 px too wide, values cut at the right edge), the portfolio and a country
dashboard (116 px: their grids' 420 px columns), the import page (80 px) and the results
framework (21 px). The pages are served as in production, under the strict CSP.
"""
from __future__ import annotations

import pytest

from programs.permissions import ADMINISTRATOR
from tests import factories
from tests.allocation import factories as alf
from tests.browser.test_dashboards import demo_manager  # noqa: F401 (fixture)
from tests.browser.test_layout import PAGE_OVERFLOW
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320
# Boxes that scroll sideways (overflow-x auto or scroll, content wider than the box) and are
# not a named, focusable box holding a table: "<tag.class>: <content width>/<box width> (why)".
SCROLL_BOXES_NOT_ALLOWED = """() => Array.from(document.querySelectorAll('body *')).filter(el => {
    const overflow = getComputedStyle(el).overflowX;
    return (overflow === 'auto' || overflow === 'scroll') && el.checkVisibility()
        && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'TEXTAREA';
}).map(el => {
    const named = (el.getAttribute('aria-label') || '').trim()
        || (el.getAttribute('aria-labelledby') || '').split(' ').some(id => document.getElementById(id)?.textContent.trim());
    const why = [!el.querySelector('table') && 'no table', el.getAttribute('tabindex') !== '0' && 'not focusable',
                 !named && 'no name'].filter(Boolean);
    return why.length ? `${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth}/${el.clientWidth} (${why.join(', ')})` : null;
}).filter(Boolean)"""
# Elements of the page reaching past the window's right edge outside a box that scrolls
# (content cut off, as the program page's facts were): "<tag.class> right edge at <px>". A
# drawing's shapes are left out: an SVG clips them to its own box (a map's countries).
CUT_AT_THE_EDGE = """() => {
    const edge = document.documentElement.clientWidth + 1;
    const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    return Array.from(document.querySelectorAll('main *')).filter(el => {
        if (el.closest('svg') || !el.checkVisibility() || el.getBoundingClientRect().right <= edge) return false;
        for (let up = el.parentElement; up; up = up.parentElement) if (scrolls(up)) return false;
        return true;
    }).slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.className} right edge at ${Math.round(el.getBoundingClientRect().right)}`);
}"""


def _pages_at_320(page, urls: list[str]) -> dict[str, object]:
    """Open each URL 320 px wide; ``{url: what scrolls sideways or is cut}`` for the
    pages that do not reflow (empty when all do)."""
    page.set_viewport_size({"width": WIDTH, "height": 800})
    failing: dict[str, object] = {}
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        found = []
        if (extra := page.evaluate(PAGE_OVERFLOW)) > 0:
            found.append(f"page {extra} px wider than the {WIDTH} px window")
        found += page.evaluate(SCROLL_BOXES_NOT_ALLOWED) + page.evaluate(CUT_AT_THE_EDGE)
        if found:
            failing[url] = found
    return failing


@pytest.fixture
def reflow_page(new_page):
    """``reflow_page(user)``: a signed-in page under the strict CSP as served; script
    errors and CSP refusals are collected in ``page.problems``."""
    def open_page(user):
        page = new_page(user)
        page.problems = []
        page.on("console", lambda msg: page.problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        return page

    return open_page


def test_a_managers_pages_reflow_at_320_px(reflow_page, demo_manager):
    from django.urls import reverse

    from allocation.services import scenario_solve
    from evaluations.models import Evaluation
    from programs.models import Program

    # Given the demo portfolio with two allocation scenarios run through the solver, and a manager, 320 px wide
    program = Program.objects.filter(archived_at__isnull=True, moes__isnull=False).order_by("pk").first()
    evaluation = Evaluation.objects.order_by("pk").first()
    lean, generous = (alf.scenario(demo_manager, name=name, envelopes=envelopes) for name, envelopes in
                      (("Lean", {"INCLE": 60, "FMF": 40}), ("Generous", {"INCLE": 120, "FMF": 90})))
    for scenario in (lean, generous):
        scenario_solve(user=demo_manager, scenario=scenario, version=scenario.version)
    named = [
        ("home", {}),
        ("programs:program-list", {}), ("programs:program-detail", {"pk": program.pk}),
        ("programs:measurement-grid", {"pk": program.pk}), ("programs:program-history", {"pk": program.pk}),
        ("programs:approvals", {}), ("programs:record-index", {}),
        ("programs:record-list", {"kind": "institutions"}), ("programs:record-list", {"kind": "vetting"}),
        ("importing:upload", {}),
        ("assessments:assessment-list", {}), ("assessments:ranking", {}),
        ("assessments:country-selectivity", {"iso3": "NER"}),
        ("evaluations:evaluation-list", {}), ("evaluations:overdue", {}), ("evaluations:priority", {}),
        ("evaluations:coordination", {}), ("evaluations:rollups", {}), ("evaluations:crisis-list", {}),
        ("evaluations:target-vs-actual", {}),
        ("allocation:scenario-list", {}), ("allocation:scenario-detail", {"pk": lean.pk}),
        ("allocation:scenario-edit", {"pk": lean.pk}), ("evaluations:evaluation-detail", {"pk": evaluation.pk}),
        ("dashboards:portfolio", {}), ("dashboards:region", {"scheme": "bureau", "code": "AF"}),
        ("dashboards:country-list", {}), ("dashboards:country", {"iso3": "NER"}), ("dashboards:goal-coverage", {}),
        ("dashboards:flag-list", {"kind": "surge"}), ("dashboards:review-queue", {}),
        ("dashboards:planning-worksheet", {}),
        ("notifications:inbox", {}), ("reports:results-framework", {}), ("api-tokens:list", {}),
    ]
    urls = [reverse(name, kwargs=kwargs) for name, kwargs in named]
    urls.append(reverse("allocation:scenario-compare") + f"?first={lean.pk}&second={generous.pk}")
    page = reflow_page(demo_manager)
    # When each page opens, Then it reflows: nothing wider than the window but tables in their box
    assert _pages_at_320(page, urls) == {}
    # The facts' values read in full beside (or under) their terms
    page.goto(reverse("programs:program-detail", kwargs={"pk": program.pk}))
    facts = page.locator("dl.facts").first.bounding_box()
    assert facts["x"] >= 0 and facts["x"] + facts["width"] <= WIDTH
    screenshot(page, "reflow-program-320")
    # A table too wide for the window scrolls in its own box, which the keyboard reaches by its name
    page.goto(reverse("assessments:country-selectivity", kwargs={"iso3": "NER"}))
    box = page.locator(".table-wrap", has=page.locator("#selectivity-explanation"))
    assert box.evaluate("el => el.scrollWidth > el.clientWidth") and box.get_attribute("tabindex") == "0"
    assert page.get_by_role("region", name="(scrolls sideways)").count() >= 1
    # A dashboard's grid stacks its cards in one column
    page.goto(reverse("dashboards:country", kwargs={"iso3": "NER"}))
    lefts = page.eval_on_selector_all(".dash-grid > *", "els => els.map(el => Math.round(el.getBoundingClientRect().left))")
    assert len(lefts) > 1 and len(set(lefts)) == 1
    screenshot(page, "reflow-country-niger-320")
    # The results framework opened down to its MOEs still fits: deeper levels indent less
    page.goto(reverse("reports:results-framework") + "?country=NER")
    page.get_by_role("button", name="Expand all").click()
    assert page.locator(".rf-moe").first.is_visible()
    assert page.evaluate(PAGE_OVERFLOW) == 0 and page.evaluate(CUT_AT_THE_EDGE) == []
    screenshot(page, "reflow-results-framework-320")
    assert page.problems == []


def test_an_analysts_and_an_administrators_pages_reflow_at_320_px(reflow_page, demo_manager):
    from django.urls import reverse

    from programs.models import Program
    from tests.security.otp_helpers import confirmed_device

    # Given the demo portfolio, an analyst of State and an administrator, 320 px wide
    analyst = factories.AnalystFactory(username="reflow_analyst", agency=factories.agency("DOS"))
    program = Program.objects.filter(archived_at__isnull=True, lead_agency__code="DOS", moes__isnull=False).first()
    administrator = factories.UserFactory(username="reflow_admin", role=ADMINISTRATOR, is_staff=True)
    confirmed_device(administrator)
    analyst_urls = [reverse(name, kwargs=kwargs) for name, kwargs in [
        ("home", {}), ("programs:program-create", {}), ("programs:program-edit", {"pk": program.pk}),
        ("programs:moe-create", {"pk": program.pk}), ("programs:measurement-grid", {"pk": program.pk}),
        ("importing:upload", {}), ("assessments:assessment-create", {}), ("api-tokens:list", {}),
        ("notifications:preferences", {}),
    ]]
    # When each page opens, Then it reflows
    page = reflow_page(analyst)
    assert _pages_at_320(page, analyst_urls) == {}
    assert page.problems == []
    page = reflow_page(administrator)
    assert _pages_at_320(page, ["/admin/", reverse("dormant-accounts")]) == {}
