"""A list refuses a query parameter it does not know (api.query_parameters): a misspelt
filter (``?countyr=KEN``) was ignored, so a data pull got every program and looked
right. The answer is a 400 naming each unknown parameter and the accepted ones, which are
the parameters the OpenAPI schema states for the list."""
import pytest
from drf_spectacular.generators import SchemaGenerator

from api.urls import router
from tests import factories

pytestmark = pytest.mark.django_db

LISTS = [prefix for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _accepted(message: str) -> list[str]:
    return message.split("This list accepts: ")[1].rstrip(".").split(", ")


def test_a_misspelt_filter_is_a_400_naming_it_and_the_accepted_ones(token_client, manager, program_a):
    """Given a program, when a client misspells ``country``, it gets a 400 naming the
    misspelling and listing the program list's parameters, not every program."""
    response = token_client(manager).get("/api/v1/programs/", {"countyr": "KEN"})
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid" and list(body["errors"]) == ["countyr"]
    [message] = body["errors"]["countyr"]
    assert message.startswith("Unknown query parameter 'countyr'. This list accepts: ")
    assert {"country", "region", "agency", "fiscal_year", "ordering", "page", "page_size", "format",
            "updated_since", "band"} <= set(_accepted(message))


def test_each_unknown_parameter_is_named(token_client, manager):
    response = token_client(manager).get("/api/v1/measurements/", {"statuss": "approved", "pagesize": 5, "moe": ""})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"statuss", "pagesize"}, errors  # moe is known (its empty value is refused apart)
    assert "status" in _accepted(errors["statuss"][0]) and "period" in _accepted(errors["statuss"][0])


@pytest.mark.parametrize("prefix", LISTS)
def test_every_list_accepts_what_its_schema_states_and_nothing_else(token_client, manager, openapi, prefix):
    """The accepted parameters of each list are its schema's (plus ``format``), so a client
    generated from the schema is never refused and a misspelling always is."""
    response = token_client(manager).get(f"/api/v1/{prefix}/", {"no_such_parameter": "1"})
    assert response.status_code == 400, (prefix, response.status_code)
    [message] = response.json()["errors"]["no_such_parameter"]
    stated = {parameter["name"] for parameter in openapi["paths"][f"/api/v1/{prefix}/"]["get"].get("parameters", [])
              if parameter["in"] == "query"}
    assert set(_accepted(message)) == stated | {"format"}, prefix


def test_valid_parameters_still_filter_page_and_order(token_client, manager, program_a, agency_b):
    """Given programs in Kenya and Colombia and their measurements, the known parameters
    still do their work."""
    other = factories.ProgramFactory(lead_agency=agency_b, countries=[factories.country("COL")])
    client = token_client(manager)
    response = client.get("/api/v1/programs/", {"country": "KEN", "ordering": "-code", "page": 1, "page_size": 10,
                                                "format": "json"})
    assert response.status_code == 200 and [row["code"] for row in response.json()["results"]] == [program_a.code]
    assert client.get("/api/v1/programs/", {"country": "COL"}).json()["results"][0]["code"] == other.code
    moe = factories.MoeFactory(program=program_a)
    response = client.get("/api/v1/measurements/", {"program": program_a.pk, "status": "approved", "page_size": 5})
    assert response.status_code == 200 and response.json()["count"] == 0
    assert client.get("/api/v1/moes/", {"program": program_a.pk}).json()["results"][0]["id"] == moe.pk
    findings = client.get("/api/v1/coordination-findings/", {"check": "overlap", "acknowledged": "false"})
    assert findings.status_code == 200
    assert client.get("/api/v1/countries/", {"iso3": "KEN", "format": "csv"}).status_code == 200


def test_a_detail_read_is_not_a_list(token_client, manager, program_a):
    """Only lists check their query: a record read by id takes none, and ignores them as before."""
    assert token_client(manager).get(f"/api/v1/programs/{program_a.pk}/", {"countyr": "KEN"}).status_code == 200


def test_an_unknown_parameter_is_refused_only_after_authentication(client):
    assert client.get("/api/v1/programs/", {"countyr": "KEN"}).status_code in (401, 403)
