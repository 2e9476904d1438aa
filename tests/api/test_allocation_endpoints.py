"""The allocation scenarios API: create, read, update, solve, compare; per role; errors by
field; stale versions; the OpenAPI schema."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from allocation.models import Scenario
from tests import factories
from tests.allocation import factories as alf

pytestmark = pytest.mark.django_db
URL = "/api/v1/allocation-scenarios/"
BODY = {
    "fiscal_year": 2027, "name": "Baseline",
    "envelopes": [{"account": "INCLE", "amount": "6000000"}, {"account": "FMF", "amount": "4000000"}],
    "ceilings": [{"country": "COL", "amount": "10000000"}],
    "minimums": [{"tier": 1, "amount": "500000"}],
}


@pytest.fixture
def signed_in():
    """``signed_in(user)``: an API client with the user's browser session (CSRF is the
    pages' concern, tested in tests/security)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def world():
    return alf.kenya_and_colombia()


def test_a_manager_creates_solves_and_reads_a_scenario(signed_in, manager, world):
    client = signed_in(manager)
    created = client.post(URL, BODY, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["author"] == "manager" and body["lines"] == []
    assert [e["account"] for e in body["envelopes"]] == ["FMF", "INCLE"]
    solved = client.post(f"{URL}{body['id']}/solve/", {"version": body["version"]}, format="json")
    assert solved.status_code == 200, solved.content
    result = solved.json()
    assert result["status"] == "solved" and result["version"] == 2
    countries = {c["country"]: c for c in result["countries"]}
    assert countries["COL"]["total"] == "6000000.00" and countries["KEN"]["total"] == "4000000.00"
    assert {e["account"]: round(e["dual"], 6) for e in result["envelopes"]} == {"FMF": 0.3, "INCLE": 0.3}
    kenya_fmf = next(line for line in result["lines"] if line["country"] == "KEN" and line["account"] == "FMF")
    assert kenya_fmf["binding"] == ["commitments"] and kenya_fmf["current_plan"] == "2000000.00"
    # And anyone signed in reads it
    reader = signed_in(factories.AnalystFactory(username="reader"))
    read = reader.get(f"{URL}{body['id']}/")
    assert read.status_code == 200 and read.json()["objective"] == pytest.approx(result["objective"])
    assert [s["name"] for s in reader.get(URL, {"fiscal_year": 2027, "status": "solved"}).json()["results"]] == [
        "Baseline"]
    assert reader.get(URL, {"status": "draft"}).json()["results"] == []


def test_an_infeasible_scenario_says_why(signed_in, manager, world):
    client = signed_in(manager)
    body = client.post(URL, {**BODY, "envelopes": [{"account": "INCLE", "amount": "1500000"}]}, format="json").json()
    result = client.post(f"{URL}{body['id']}/solve/", {"version": 1}, format="json").json()
    assert result["status"] == "infeasible"
    assert result["infeasibility"] == [
        "commitments in INCLE exceed its envelope by $2.5 M: Colombia $2.0 M, Kenya $2.0 M"]


def test_bad_input_is_a_400_naming_the_field(signed_in, manager):
    client = signed_in(manager)
    response = client.post(URL, {**BODY, "envelopes": [{"account": "INCLE", "amount": "-1"}],
                                 "minimums": [{"amount": "1"}], "ceilings": [{"country": "XXX", "amount": "1"}]},
                           format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "envelopes.0.amount" in errors and "minimums.0.non_field_errors" in errors
    response = client.post(URL, {**BODY, "ceilings": [{"country": "XXX", "amount": "1"}]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["ceilings"] == ["'XXX' is not a country's ISO3 code."]
    assert not Scenario.objects.exists()


def test_update_needs_the_version_read_and_refuses_a_stale_one(signed_in, manager):
    client = signed_in(manager)
    body = client.post(URL, BODY, format="json").json()
    missing = client.put(f"{URL}{body['id']}/", {**BODY, "name": "No version"}, format="json")
    assert missing.status_code == 409 and missing.json()["code"] == "stale_version"
    assert missing.json()["your_version"] is None and missing.json()["current_version"] == 1
    updated = client.put(f"{URL}{body['id']}/", {**BODY, "name": "Second", "version": 1}, format="json")
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = client.put(f"{URL}{body['id']}/", {**BODY, "name": "Third", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"


def test_analysts_and_read_tokens_may_not_write(signed_in, token_client, analyst_a, manager, world):
    assert signed_in(analyst_a).post(URL, BODY, format="json").status_code == 403
    assert token_client(manager).post(URL, BODY, format="json").status_code == 403  # read-only token
    assert token_client(manager, write=True).post(URL, BODY, format="json").status_code == 201
    scenario = Scenario.objects.get()
    assert signed_in(analyst_a).post(f"{URL}{scenario.pk}/solve/", {"version": 1}, format="json").status_code == 403
    assert token_client(analyst_a).get(f"{URL}{scenario.pk}/").status_code == 200


def test_compare_two_scenarios(signed_in, manager, world):
    client = signed_in(manager)
    ids = []
    for name, amount in (("Lean", "6000000"), ("Generous", "12000000")):
        body = client.post(URL, {**BODY, "name": name, "envelopes": [{"account": "INCLE", "amount": amount},
                                                                     {"account": "FMF", "amount": amount}]},
                           format="json").json()
        client.post(f"{URL}{body['id']}/solve/", {"version": 1}, format="json")
        ids.append(body["id"])
    response = client.get(f"{URL}compare/", {"first": ids[0], "second": ids[1]})
    assert response.status_code == 200
    data = response.json()
    assert [s["name"] for s in data["scenarios"]] == ["Lean", "Generous"]
    kenya = next(row for row in data["countries"] if row["country"] == "KEN")
    assert kenya["current_plan"] == "4000000.00" and len(kenya["totals"]) == 2
    incle = next(row for row in data["accounts"] if row["account"] == "INCLE")
    assert incle["envelopes"] == ["6000000.00", "12000000.00"] and incle["current_plan"] == "4000000.00"
    assert client.get(f"{URL}compare/", {"first": ids[0]}).status_code == 400
    assert client.get(f"{URL}compare/", {"first": ids[0], "second": 999999}).status_code == 404


def test_the_schema_documents_the_endpoints(signed_in, manager):
    schema = signed_in(manager).get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (URL, f"{URL}{{id}}/", f"{URL}{{id}}/solve/", f"{URL}compare/"):
        assert path in paths, path
