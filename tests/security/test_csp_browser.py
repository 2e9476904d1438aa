"""Every main page works under the strict Content-Security-Policy: Chromium visits each one
and the test fails on any CSP violation (console message or ``securitypolicyviolation``
event) and on any script error."""
import pytest

from programs import models as m
from tests import factories
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _analyst_pages(program) -> list[str]:
    """Pages with forms, as the analyst who may use them."""
    return [
        f"/programs/{program.pk}/edit/",
        f"/programs/{program.pk}/measurements/",
        f"/programs/{program.pk}/moes/new/",
        "/programs/new/",
        "/programs/records/institutions/new/",
        "/import/",
        "/assessments/new/",
        "/evaluations/new/",
    ]


def _manager_pages(program) -> list[str]:
    return [
        "/",
        "/programs/",
        f"/programs/{program.pk}/",
        f"/programs/{program.pk}/history/",
        "/programs/approvals/",
        "/programs/records/institutions/",
        "/assessments/",
        "/assessments/selectivity/",
        "/assessments/selectivity/KEN/",
        "/dashboards/portfolio/",
        "/dashboards/countries/",
        "/dashboards/countries/KEN/",
        "/dashboards/regions/bureau/AF/",
        "/dashboards/goal-coverage/",
        "/dashboards/reviews/",
        "/evaluations/",
        "/evaluations/priority/",
        "/evaluations/coordination/",
        "/evaluations/rollups/",
        "/evaluations/target-vs-actual/",
        "/api/v1/docs/",
        "/api-tokens/",
    ]


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def test_every_main_page_runs_under_the_csp(new_page, manager, analyst_a, agency_a):
    # Given a program with funding, an MOE with a target and an approved measurement
    program = factories.ProgramFactory(lead_agency=agency_a, countries=[factories.country("KEN")],
                                       goals=list(m.Goal.objects.filter(code="1.a")))
    factories.FundingFactory(program=program)
    moe = factories.MoeFactory(program=program)
    factories.TargetFactory(moe=moe)
    factories.MeasurementFactory(moe=moe)

    # When a manager opens every main page, and the analyst of the program every form
    problems, visited, watched = [], [], []
    for user, paths in ((manager, _manager_pages(program)), (analyst_a, _analyst_pages(program))):
        page = new_page(user)
        watched.append(_watch(page))
        for path in paths:
            response = page.goto(path, wait_until="networkidle")
            assert response is not None and response.status < 400, f"{path}: {response and response.status}"
            problems += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations || []")]
            visited.append(path)
        screenshot(page, f"security-csp-last-page-{user.username}")

    # Then no page broke the policy and no script failed
    problems += [problem for found in watched for problem in found]
    assert len(visited) == len(_manager_pages(program)) + len(_analyst_pages(program))
    assert not problems, "\n".join(problems)


def test_chart_pages_draw_their_charts_under_the_csp(new_page, manager, agency_a):
    """Charts come from external JS reading json_script data: they still draw."""
    program = factories.ProgramFactory(lead_agency=agency_a, countries=[factories.country("KEN")])
    factories.FundingFactory(program=program)
    page = new_page(manager)
    problems = _watch(page)
    page.goto("/dashboards/portfolio/", wait_until="networkidle")
    canvases = page.locator("canvas")
    if canvases.count():
        assert page.evaluate("[...document.querySelectorAll('canvas')].some(c => c.width > 0 && c.height > 0)")
    assert not problems, "\n".join(problems)


def test_the_api_docs_page_loads_everything_from_the_portal_with_no_csp_error(new_page, analyst_a, live_server):
    """Swagger UI (the one API docs page) draws the schema from vendored files only: no
    console error, no CSP violation, no request leaves the portal; there is no ReDoc page."""
    page = new_page(analyst_a)
    problems = _watch(page)
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # When the analyst opens the API documentation and it has drawn the operations
    response = page.goto("/api/v1/docs/", wait_until="networkidle")
    assert response is not None and response.status == 200
    page.wait_for_selector("#swagger-ui .opblock")
    # Then nothing was refused or failed, and every request went to the portal
    problems += page.evaluate("window.__cspViolations || []")
    assert not problems, "\n".join(problems)
    assert requested and [url for url in requested if not url.startswith(live_server.url)] == []
    screenshot(page, "security-csp-api-docs")
    # And ReDoc, which needs Redocly's CDN and inline styles, is not served
    assert page.goto("/api/v1/redoc/").status == 404
