"""The OpenAPI schema says what the server accepts, and the server refuses what the schema
forbids (the generated run that holds them equal is test_schemathesis.py; these are the
kinds it found, one example each, with the message a client sees)."""
import pytest
from drf_spectacular.generators import SchemaGenerator

from api.schema import NO_NUL, text_pattern

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _parameter(openapi, path: str, name: str) -> dict:
    return next(p["schema"] for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name)


@pytest.mark.parametrize("query, field, message", [
    ("updated_since=", "updated_since", "Give a value, or leave the parameter out."),
    ("status=", "status", "Give a value, or leave the parameter out."),
    ("archived=", "archived", "Give a value, or leave the parameter out."),
    ("out_of_cycle=null", "out_of_cycle", "Must be true or false."),
    ("q=a%00b", "q", "Values cannot contain NUL characters."),
    ("program=5.5", "program", "Enter a whole number."),
])
def test_a_filter_value_the_schema_forbids_is_a_400_naming_the_parameter(
        token_client, analyst_a, query, field, message):
    path = {"archived": "/api/v1/implementing-partners/", "out_of_cycle": "/api/v1/reviews/",
            "q": "/api/v1/countries/", "program": "/api/v1/measurements/"}.get(field, "/api/v1/programs/")
    response = token_client(analyst_a).get(f"{path}?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {field: [message]}


@pytest.mark.parametrize("query, field, message", [
    ("acknowledged=null", "acknowledged", "Must be true or false."),
    ("check=", "check", "Give a value, or leave the parameter out."),
])
def test_coordination_finding_parameters_follow_the_same_rules(token_client, analyst_a, query, field, message):
    response = token_client(analyst_a).get(f"/api/v1/coordination-findings/?{query}")
    assert response.status_code == 400 and response.json()["errors"] == {field: [message]}


def test_an_empty_page_number_is_a_400(token_client, analyst_a):
    response = token_client(analyst_a).get("/api/v1/goals/?page=")
    assert response.status_code == 400 and "page" in response.json()["errors"]


def test_an_empty_format_is_refused_like_an_unknown_one(token_client, analyst_a):
    client = token_client(analyst_a)
    for query in ("format=", "format=xml"):
        response = client.get(f"/api/v1/goals/?{query}")
        assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_an_unknown_region_id_is_a_400_naming_the_filter(token_client, analyst_a):
    """An unknown code or id in a filter is the filter's error (docs/api.md), not an empty list."""
    response = token_client(analyst_a).get("/api/v1/selectivity-scores/?region=999999")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["region"]


def test_the_schema_states_ids_text_and_number_bounds(openapi):
    assert _parameter(openapi, "/api/v1/programs/{id}/", "id") == {
        "type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert _parameter(openapi, "/api/v1/countries/", "iso3") == {
        "type": "string", "minLength": 1, "maxLength": 3, "pattern": NO_NUL}
    assert _parameter(openapi, "/api/v1/measurements/", "fiscal_year") == {
        "type": "number", "minimum": 1990, "maximum": 2100}
    assert "nullable" not in _parameter(openapi, "/api/v1/countries/", "priority_tier")
    moe = openapi["components"]["schemas"]["MoeWriteRequest"]["properties"]
    # Request text carries its field's control-character rule: single-line (name) or long text.
    assert moe["name"]["pattern"] == text_pattern(multiline=False, not_blank=True)
    # (blank allowed: drf-spectacular states "the pattern, or the empty string")
    assert moe["means_of_verification"]["oneOf"][0]["pattern"] == text_pattern(multiline=True, not_blank=False)
    assert moe["baseline_value"]["pattern"] == r"^-?(?:\d{1,14}(?:\.\d{0,4})?|\.\d{1,4})$"
    assert moe["weight"]["pattern"].startswith("^(?=[^1-9]*[1-9])(?:")  # at least 0.001: no sign, not zero
    assert "version" in openapi["components"]["schemas"]["PatchedProgramWriteRequest"]["required"]
    assert "country" in openapi["components"]["schemas"]["AssessmentCreateRequest"]["required"]


def test_an_moe_moved_to_another_program_is_a_400_and_its_own_program_is_accepted(token_client, analyst_a, program_a):
    from tests import factories

    moe = factories.MoeFactory(program=program_a)
    other = factories.ProgramFactory(lead_agency=program_a.lead_agency)
    client = token_client(analyst_a, write=True)
    moved = client.patch(f"/api/v1/moes/{moe.pk}/", {"program": other.pk, "version": 1}, format="json")
    assert moved.status_code == 400 and moved.json()["errors"] == {
        "program": ["An MOE cannot move to another program; create it under the other program instead."]}
    same = client.patch(f"/api/v1/moes/{moe.pk}/", {"program": program_a.pk, "version": 1}, format="json")
    assert same.status_code == 200, same.content


@pytest.mark.parametrize("links, accepted", [
    ("", True),
    ("https://example.gov/report\nhttps://data.example.org/a/b.pdf", True),
    ("not a link", False),
    ("https://EXAMPLE.gov/report", False),  # stricter than URLValidator, as the schema says
])
def test_evidence_links_are_urls_one_per_line(links, accepted):
    from api.serializers.assessments import AssessmentWriteSerializer

    serializer = AssessmentWriteSerializer(data={"assessed_on": "2026-01-01", "scores": {}, "evidence_links": links})
    serializer.is_valid()
    assert ("evidence_links" not in serializer.errors) is accepted, serializer.errors
