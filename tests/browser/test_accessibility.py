"""Section 508 (WCAG 2.1 AA) in Debian's Chromium: axe-core on every page reachable from
the navigation, as analyst, manager and administrator, and on the main forms in their
error state; zero serious or critical violations. The crawl follows the links of the
header and side navigation and, one page per kind (``/programs/N/``), the links inside
the pages they open, so pages added later are checked without naming them here.
Screenshots of every page visited as analyst and as manager go to ``screenshots/``.

axe-core is vendored at tests/browser/axe/ (npm ``axe-core``, see its VERSION) and
injected by Playwright; its contexts bypass the CSP for that one inline script, so
``test_pages_run_under_the_strict_csp`` checks the policy on pages it loads as served.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from programs.models import Goal
from programs.permissions import ADMINISTRATOR
from tests import factories
from tests.conftest import SCREENSHOT_DIR, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "section508"]
BLOCKING = {"serious", "critical"}
# Not pages: downloads, the admin (Django's own), signing out, JSON endpoints, anchors.
NOT_A_PAGE = re.compile(r"^/admin/|^/accounts/logout|/export|^/api/v1/(?!docs/$)|^/static/")
DOWNLOAD = re.compile(r"\.(csv|xlsx|xml|json|pdf|zip)$")
MAX_PAGES = 70


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the page as loaded: ``[{"id",
    "impact", "help", "nodes": [css selectors]}]``. Swagger UI, drawn by its own
    bundle inside the API documentation page, is left out (their issues are theirs:
    Swagger UI nests buttons and greys its version stamps); the portal's part of that
    page is checked."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (tags) => (await axe.run({exclude: [["#swagger-ui"]]}, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}))
             .violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))""",
        AXE_TAGS,
    )
    return [v for v in violations if v["impact"] in BLOCKING]


def shown_though_hidden(page) -> list[dict]:
    """Elements with the ``hidden`` attribute that the page shows all the same (a class's
    ``display`` beats the attribute: the import page's size warning showed on load), and
    tables with an empty header cell (axe's best-practice rule, outside the WCAG tags)."""
    shown = page.eval_on_selector_all(
        "[hidden]", "els => els.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 100))")
    empty_headers = page.eval_on_selector_all(
        "main th", "ths => ths.filter(th => !th.textContent.trim() && !th.querySelector('[aria-label], img[alt]'))"
        ".map(th => th.closest('table').id || th.closest('table').className)")
    problems = [{"id": "hidden-shown", "impact": "serious", "help": "shown though hidden", "nodes": shown}] if shown else []
    if empty_headers:
        problems.append({"id": "empty-table-header", "impact": "serious", "help": "a header cell with no text",
                         "nodes": empty_headers})
    return problems


def page_kind(url: str) -> str:
    """The kind of page a URL opens: its URL pattern (``programs/<int:pk>/``), so the crawl
    checks one program page, not every program."""
    from django.urls import Resolver404, resolve

    path = urlsplit(url).path
    try:
        return resolve(path).route
    except Resolver404:
        return path


def _links(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.filter(a => !a.hasAttribute('download')).map(a => a.getAttribute('href'))")
    out = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "javascript:")) or "://" in href:
            continue
        parts = urlsplit(href)
        if (parts.path.startswith("/") and not NOT_A_PAGE.search(parts.path) and not DOWNLOAD.search(parts.path)
                and not re.search(r"(^|&)(export|format)=", parts.query)):
            out.append(href)
    return out


def crawl(page, role: str, *, shots: bool) -> dict[str, list[dict]]:
    """Visit the navigation's pages and one page of each kind they link to; return the
    blocking violations by URL (and any page that answered with a server error)."""
    problems: dict[str, list[dict]] = {}
    page.goto("/")
    queue = ["/"] + _links(page, "nav.usa-nav a[href]")
    seen_urls, seen_kinds, visited = set(queue), set(), 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        kind = page_kind(url)
        if kind in seen_kinds and url not in ("/",):
            continue
        seen_kinds.add(kind)
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a link that turned out to be a download
            if "Download is starting" in str(error):
                continue
            raise
        if page.locator("#swagger-ui").count():  # drawn from the schema after load
            page.wait_for_selector("#swagger-ui .info")
        visited += 1
        if response is None or response.status >= 500:
            problems[url] = [{"id": "server-error", "impact": "critical", "help": str(response and response.status), "nodes": []}]
            continue
        found = axe_violations(page) + shown_though_hidden(page)
        if found:
            problems[url] = found
        if shots:
            _screenshot(page, f"{role}-{re.sub(r'[^a-z0-9]+', '-', urlsplit(url).path.lower()).strip('-') or 'home'}")
        for link in _links(page, "nav.usa-nav a[href], nav.portal-sidenav a[href], main a[href]"):
            if link not in seen_urls and page_kind(link) not in seen_kinds:
                seen_urls.add(link)
                queue.append(link)
    assert visited >= 15, f"the crawl as {role} reached only {visited} pages"
    return problems


def _screenshot(page, name: str, *, tallest: int = 8000) -> None:
    """The page from its top, at most ``tallest`` pixels (a 20,000-pixel page would take
    longer than the check itself)."""
    height = min(page.evaluate("document.documentElement.scrollHeight"), tallest)
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, f"{name}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1366, "height": height}, timeout=60_000)


def _report(problems: dict[str, list[dict]]) -> str:
    return "\n".join(
        f"{url}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'])}"
        for url, violations in problems.items() for v in violations
    )


@pytest.fixture
def portfolio():
    """The demo portfolio (programs, MOEs, assessments, evaluations, rollups) plus a
    submitted value waiting for approval."""
    from evaluations.services.rollups import rollups_recompute
    from programs.demo.loading import demo_portfolio_load

    demo_portfolio_load()
    rollups_recompute()


@pytest.fixture
def axe_page(browser, live_server):
    """``axe_page(user)``: a signed-in page in a context that lets Playwright inject axe."""
    contexts = []

    def open_page(user):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        _sign_in(page, user)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _sign_in(page, user, password: str = "correct-horse-battery") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/otp/" in page.url:
        from tests.security.otp_helpers import confirmed_device, current_code

        page.fill("input[name=token]", current_code(confirmed_device(user)))
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/otp/" not in url)


def _user(role: str):
    if role == "analyst":
        return factories.AnalystFactory(username="a11y_analyst", agency=factories.agency("DOS"))
    if role == "manager":
        return factories.ManagerFactory(username="a11y_manager")
    from tests.security.otp_helpers import confirmed_device

    user = factories.UserFactory(username="a11y_admin", role=ADMINISTRATOR)
    confirmed_device(user)
    return user


@pytest.mark.parametrize("role", ["analyst", "manager", "administrator"])
def test_every_page_in_the_navigation_has_no_serious_accessibility_violation(portfolio, axe_page, role):
    # Given the demo portfolio and a user of the role, signed in
    page = axe_page(_user(role))
    # When axe-core checks every page reachable from the navigation
    problems = crawl(page, role, shots=role in ("analyst", "manager"))
    # Then none has a serious or critical violation (or a server error)
    assert not problems, _report(problems)


def _error_summary_focused(page) -> list[str]:
    """The summary has focus and lists each error as a link to an existing field."""
    assert page.evaluate("document.activeElement && document.activeElement.id") == "error-summary"
    links = page.locator("#error-summary a[data-field]")
    targets = [links.nth(i).get_attribute("data-field") for i in range(links.count())]
    for target in targets:
        assert page.locator(f"[id='{target}']").count() == 1, target
    return targets


def test_main_forms_in_their_error_state_have_no_serious_violation(axe_page, analyst_a):
    # Given an analyst of State with a program, an MOE and a country to assess
    program = factories.program_full(agency="DOS")
    moe = program.moes.first() or factories.MoeFactory(program=program)
    page = axe_page(analyst_a)
    problems: dict[str, list[dict]] = {}

    def check(name: str) -> list[str]:
        targets = _error_summary_focused(page)
        found = axe_violations(page)
        if found:
            problems[name] = found
        screenshot(page, f"form-error-{name}")
        return targets

    # The program form, sent empty: every required field is named in the summary
    page.goto("/programs/new/")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Create program')")
    targets = check("program")
    assert {"id_code", "id_title"} <= set(targets)

    # Funding: a negative planned amount in a row is named by its fiscal year
    page.goto(f"/programs/{program.pk}/edit/")
    page.fill("#id_funding-0-fiscal_year", "2027")
    page.fill("#id_funding-0-planned", "-5")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Save changes')")
    check("funding")
    assert "Planned" in page.locator("#error-summary").inner_text()

    # The MOE form with a target that is not a number, in its grid of periods
    page.goto(f"/programs/{program.pk}/moes/new/")
    cell = page.locator("table.target-grid input.usa-input").first
    cell_id = cell.get_attribute("id")
    cell.fill("five")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Add measure')")
    assert cell_id in check("moe-targets")

    # Measurement entry: a value beyond what a value may be
    page.goto(f"/programs/{program.pk}/measurements/")
    first = page.locator("table.measurement-grid input.usa-input").first
    first.fill("1000000000000000000")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Save as draft')")
    check("measurement-grid")

    # The assessment form, sent empty
    page.goto("/assessments/new/")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Save draft')")
    check("assessment")

    assert not problems, _report(problems)
    assert moe is not None


def test_a_summary_link_moves_focus_to_its_field(axe_page, analyst_a):
    # Given a refused program form
    page = axe_page(analyst_a)
    page.goto("/programs/new/")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Create program')")
    # When the analyst follows the summary's link to the title with the keyboard
    link = page.locator("#error-summary a[data-field='id_title']")
    link.focus()
    page.keyboard.press("Enter")
    # Then the title field has focus, and says what is wrong
    assert page.evaluate("document.activeElement.id") == "id_title"
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    assert "required" in page.locator("#id_title_error").inner_text()


def test_a_long_unbroken_title_wraps_and_an_over_long_one_is_refused_with_a_message(axe_page, analyst_a):
    # Given a program whose title is 300 characters without a space
    program = factories.program_full(agency="DOS", title="X" * 300)
    page = axe_page(analyst_a)
    # Then its page is no wider than the window
    page.goto(f"/programs/{program.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # And the form states the limit and the server refuses 10,000 characters, keeping the text
    page.goto(f"/programs/{program.pk}/edit/")
    assert "Up to 300 characters." in page.locator("#id_title_limit").inner_text()
    assert page.locator("#id_title").get_attribute("maxlength") is None  # never cut silently
    page.fill("#id_title", "Y" * 10_000)
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Save changes')")
    assert "at most 300 characters (it has 10000)" in page.locator("#error-summary").inner_text()
    assert len(page.locator("#id_title").input_value()) == 10_000
    program.refresh_from_db()
    assert program.title == "X" * 300


def test_multi_selects_are_searchable_and_keep_earlier_choices(new_page, analyst_a):
    # Given the program form (CSP enforced), with its country multi-select made searchable
    page = new_page(analyst_a)
    page.goto("/programs/new/")
    control = page.locator("#id_countries-ts-control")
    assert control.count() == 1
    # When the analyst types two country names, choosing each with Enter
    for name in ("Kenya", "Uganda"):
        control.click()
        control.fill(name)
        page.wait_for_selector(f".ts-dropdown .option.active:has-text('{name}')")
        page.keyboard.press("Enter")
    # Then both are chosen in the form's select, in the order chosen
    chosen = page.eval_on_selector("#id_countries", "s => [...s.selectedOptions].map(o => o.textContent.trim())")
    assert [c.split(" (")[0] for c in chosen] == ["Kenya", "Uganda"], chosen
    # And the goals list (long) is searchable too
    assert page.locator("#id_goals-ts-control").count() == 1
    assert Goal.objects.exists()


def test_pages_run_under_the_strict_csp(new_page, analyst_a, client):
    # Given the CSP header on every page
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    program = factories.program_full(agency="DOS")
    page = new_page(analyst_a)
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    # When the analyst opens pages using USWDS, Tom Select, htmx and charts
    for url in ("/", "/programs/", "/programs/new/", f"/programs/{program.pk}/", f"/programs/{program.pk}/measurements/",
                "/dashboards/portfolio/", "/api/v1/docs/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        # USWDS's script ran (it marks the page ready) and its styles apply
        assert page.evaluate("!document.documentElement.classList.contains('usa-js-loading')")
    assert page.evaluate("getComputedStyle(document.querySelector('.usa-banner')).fontFamily").startswith('"Source Sans Pro Web"')
    # Then the browser refused nothing
    assert not refused, refused


def test_the_work_pages_with_their_data_have_no_serious_violation(portfolio, axe_page):
    """The pages of the work lists, bulk decisions, coordination, IPTT and notifications,
    each filled with what it exists to show (the crawl sees one page per URL pattern, the
    report without a subject)."""
    from decimal import Decimal

    from programs.models import MeasurementStatus, Program
    from programs.services.measures import measurement_return

    # Given an analyst of State with submitted values, one of them returned to them
    analyst, manager = _user("analyst"), _user("manager")
    program = Program.objects.filter(lead_agency__code="DOS", moes__targets__isnull=False).distinct().first()
    moe = factories.MoeFactory(program=program)
    values = [factories.MeasurementFactory(moe=moe, period=f"FY2026-Q{q}", value=Decimal(q),
                                           status=MeasurementStatus.SUBMITTED, entered_by=analyst) for q in (1, 2, 3)]
    measurement_return(user=manager, measurement=values[0], reason="Evidence link is broken", version=values[0].version)
    problems: dict[str, list[dict]] = {}

    def check(page, url: str, present: str, name: str) -> None:
        page.goto(url)
        assert page.locator(present).count() > 0, f"{url} shows no {present}"
        found = axe_violations(page)
        if found:
            problems[url] = found
        screenshot(page, f"a11y-{name}")

    # When axe-core checks them as the analyst
    page = axe_page(analyst)
    check(page, "/", "#returned a", "home-analyst")
    check(page, "/dashboards/my-work/returned/", "#returned a", "worklist-returned")
    check(page, "/notifications/", ".inbox-table input[name=ids]", "notifications-inbox")
    check(page, "/notifications/preferences/", "select.usa-select", "notifications-preferences")
    report = f"/evaluations/target-vs-actual/?program={program.pk}&charts=on&disaggregate=on"
    check(page, report, "#target-vs-actual tbody th[scope=row]", "iptt-report")
    check(page, f"/evaluations/target-vs-actual/?program={program.pk}&country={program.countries.first().pk}",
          "#error-summary", "iptt-refused")
    check(page, f"/programs/{program.pk}/", "#results-summary li", "program-results")
    # And as the manager
    page = axe_page(manager)
    check(page, "/", ".worklist", "home-manager")
    check(page, "/programs/approvals/", "#bulk-decision input[name=ids]", "approvals-bulk")
    page.check("#scope-all", force=True)  # every value the filter matches: the confirmation page
    with page.expect_navigation():
        page.click("button[name=decision][value=approve]")
    assert page.locator("#confirm-decision").count() == 1
    if found := axe_violations(page):
        problems["approvals confirmation"] = found
    screenshot(page, "a11y-approvals-confirm")
    check(page, "/evaluations/coordination/?show=all", "#bulk-acknowledge table.findings tbody tr", "coordination")

    # Then none has a serious or critical violation
    assert not problems, _report(problems)
