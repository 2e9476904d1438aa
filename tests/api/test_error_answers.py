"""What a new user's mistakes get from the API (docs/api.md, "Errors"): field errors in
words (never a constraint's name), 400 for a request wrong in itself and 409 only for
stored state, the missing ``version`` named, bad periods and page numbers named, the
permission refused before the body is read, the read-only token's advice, the index at
/api/v1/ and the areas README lists."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from programs.models import Agency, Country, Goal, ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _program_payload(**overrides) -> dict:
    payload = {
        "code": "DOS-2027-0101",
        "title": "Maritime law enforcement",
        "lead_agency": Agency.objects.get(code="DOS").pk,
        "countries": [Country.objects.get(iso3="KEN").pk],
        "goals": list(Goal.objects.filter(code="1.a").values_list("pk", flat=True)),
        "purpose": "build_capacity",
        "start_fy": 2027,
        "end_fy": 2028,
    }
    payload.update(overrides)
    return payload


# --- 1. a model constraint answers in words, on its field --------------------------


def test_end_before_start_is_a_400_on_end_fy_in_words(token_client, analyst_a):
    response = token_client(analyst_a, write=True).post(
        "/api/v1/programs/", _program_payload(start_fy=2028, end_fy=2027), format="json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["errors"] == {"end_fy": ["The end fiscal year cannot be before the start fiscal year."]}
    assert "program_end_fy_not_before_start_fy" not in response.content.decode()


# --- 2. wrong by itself is 400; 409 stays for stored state -------------------------


@pytest.fixture
def moe(agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=2025, end_fy=2028)
    return factories.MoeFactory(program=program)  # quarterly


@pytest.mark.parametrize(("period", "says"), [
    ("FY2031-Q1", "outside the program's years FY2025-FY2028"),
    ("FY2026", "quarterly"),
])
def test_a_period_that_does_not_fit_the_moe_is_a_400_on_period(token_client, analyst_a, moe, period, says):
    response = token_client(analyst_a, write=True).post(
        "/api/v1/measurements/", {"moe": moe.pk, "period": period, "value": "3"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["period"] and says.lower() in response.json()["errors"]["period"][0].lower()
    assert not moe.measurements.exists()


def test_a_target_period_that_does_not_fit_is_a_400(token_client, analyst_a, moe):
    response = token_client(analyst_a, write=True).post(
        f"/api/v1/moes/{moe.pk}/targets/", {"period": "FY2030-Q1", "value": "3"}, format="json"
    )
    assert response.status_code == 400 and "period" in response.json()["errors"], response.content


def test_funding_outside_the_programs_years_is_a_400(token_client, analyst_a, program_a):
    response = token_client(analyst_a, write=True).post(
        f"/api/v1/programs/{program_a.pk}/funding/",
        {"fiscal_year": program_a.end_fy + 3, "planned": "10", "obligated": "0", "disbursed": "0"}, format="json",
    )
    assert response.status_code == 400, response.content
    assert "outside the program's years" in response.json()["errors"]["fiscal_year"][0]


def test_a_taken_code_stays_a_409_state_conflict(token_client, analyst_a):
    client = token_client(analyst_a, write=True)
    assert client.post("/api/v1/programs/", _program_payload(), format="json").status_code == 201
    response = client.post("/api/v1/programs/", _program_payload(), format="json")
    assert response.status_code == 409 and response.json()["code"] == "state_conflict"
    assert list(response.json()["errors"]) == ["code"]


# --- 3. a missing version is named ---------------------------------------------------


def test_patch_without_version_names_the_field_and_the_current_version(token_client, analyst_a, program_a):
    response = token_client(analyst_a, write=True).patch(
        f"/api/v1/programs/{program_a.pk}/", {"title": "Unsaved new title"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    body = response.json()
    assert "The field 'version' is required" in body["detail"] and f"is at version {program_a.version}" in body["detail"]
    assert "Unsaved new title" not in body["detail"] and program_a.title in body["detail"]
    assert body["errors"] == {"version": [body["detail"]]} and body["current_version"] == program_a.version


def test_submitting_a_measurement_without_version_names_the_field(token_client, analyst_a, moe):
    client = token_client(analyst_a, write=True)
    created = client.post("/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": "3"}, format="json")
    assert created.status_code == 201, created.content
    response = client.post(f"/api/v1/measurements/{created.json()['id']}/submit/", {}, format="json")
    assert response.status_code == 409 and "'version' is required" in response.json()["errors"]["version"][0]
    detail = response.json()["detail"]
    # the caller saved it itself: the answer guesses no author, it says what to send
    assert "is at version 1" in detail and 'send "version": 1' in detail and "another user" not in detail


# --- 4. a malformed period filter is a 400 -----------------------------------------


@pytest.mark.parametrize("value", ["bogus", "FY2027-Q5", "FY27"])
def test_a_malformed_period_filter_is_a_400_naming_period(token_client, analyst_a, value):
    response = token_client(analyst_a).get("/api/v1/measurements/", {"period": value})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["period"], response.content


def test_a_period_filter_in_any_case_finds_its_measurements(token_client, analyst_a, moe):
    token_client(analyst_a, write=True).post(
        "/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": "3"}, format="json"
    )
    response = token_client(analyst_a).get("/api/v1/measurements/", {"period": "fy2026-q1"})
    assert response.status_code == 200 and response.json()["count"] == 1


# --- 5. page numbers --------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/programs/", "/api/v1/measurements/", "/api/v1/countries/"])
@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_a_page_that_is_not_a_page_number_is_a_400_naming_page(token_client, analyst_a, url, page):
    response = token_client(analyst_a).get(url, {"page": page})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["page"], response.content


@pytest.mark.parametrize("url", ["/api/v1/programs/", "/api/v1/countries/"])
def test_a_page_past_the_end_is_a_404_that_says_so(token_client, analyst_a, url):
    response = token_client(analyst_a).get(url, {"page": 9999})
    assert response.status_code == 404
    assert "past the last page" in response.json()["detail"]


# --- 6. permission before validation ------------------------------------------------


@pytest.mark.parametrize(("method", "url", "who"), [
    ("post", "/api/v1/allocation-scenarios/", "analyst_a"),
    ("post", "/api/v1/programs/", "manager"),
    ("post", "/api/v1/measurements/", "manager"),
    ("post", "/api/v1/moes/", "manager"),
    ("post", "/api/v1/assessments/", "user_without_role"),
])
def test_a_caller_without_the_right_gets_403_whatever_the_body(request, session_client, method, url, who):
    user = request.getfixturevalue(who)
    response = getattr(session_client(user), method)(url, {}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"


def test_another_agencys_analyst_gets_403_before_field_errors(token_client, analyst_b, program_a, moe):
    client = token_client(analyst_b, write=True)
    assert client.patch(f"/api/v1/programs/{program_a.pk}/", {"start_fy": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/programs/{program_a.pk}/funding/", {}, format="json").status_code == 403
    assert client.patch(f"/api/v1/moes/{moe.pk}/", {"weight": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/moes/{moe.pk}/targets/", {}, format="json").status_code == 403


def test_an_analyst_cannot_approve_a_measurement_whatever_the_body(token_client, analyst_a, moe):
    client = token_client(analyst_a, write=True)
    created = client.post("/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": "3"}, format="json")
    response = client.post(f"/api/v1/measurements/{created.json()['id']}/approve/", {"version": "x"}, format="json")
    assert response.status_code == 403 and "managers" in response.json()["detail"]


@pytest.fixture
def user_without_role():
    """A signed-in user with no role: keeps no assessments (analysts and managers do)."""
    return factories.UserFactory(username="reader")


# --- 7. the read-only token's advice ------------------------------------------------


def test_a_read_only_tokens_403_points_to_the_token_page(token_client, analyst_a, program_a):
    response = token_client(analyst_a).patch(f"/api/v1/programs/{program_a.pk}/", {"version": 1}, format="json")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "/api-tokens/" in detail and "administrator" not in detail


# --- 8. /api/v1/ and the areas README lists answer ------------------------------------


def test_the_api_root_lists_every_resource_of_the_schema(token_client, analyst_a):
    response = token_client(analyst_a).get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    schema = token_client(analyst_a).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listed = {url.removeprefix("http://testserver") for url in body["endpoints"].values()}
    assert listed and listed <= set(schema["paths"])
    assert {path for path in schema["paths"] if path.count("/") == 4} <= listed  # every list of the schema
    assert body["docs"].endswith("/api/v1/docs/") and body["schema"].endswith("/api/v1/schema/")


@pytest.mark.parametrize(("url", "lands_on"), [
    ("/dashboards/", "dashboards:portfolio"), ("/reports/", "reports:results-framework"),
])
def test_the_areas_readme_lists_open_their_first_page(client, manager, url, lands_on):
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse(lands_on)
    assert client.get(response["Location"]).status_code == 200


def test_every_address_readme_gives_answers(client, manager):
    """README's addresses (those without a placeholder) answer a signed-in manager, each
    at most one redirect away from a page (or the administrators' 403: /accounts/dormant/)."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    addresses = sorted({a for a in re.findall(r"`(/[a-z0-9_/.-]*)`", readme) if "..." not in a})
    assert {"/api/v1/", "/dashboards/", "/reports/"} <= set(addresses)
    client.force_login(manager)
    for address in addresses:
        response = client.get(address)
        if response.status_code == 302:
            response = client.get(response["Location"])
        assert response.status_code in (200, 403), (address, response.status_code)
