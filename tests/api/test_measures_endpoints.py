"""/api/v1/moes/ and /api/v1/measurements/: reads, writes via services, approval per role."""
from decimal import Decimal

import pytest

from programs.models import MeasureOfEffectiveness, Measurement, MeasurementStatus, Target
from tests import factories

pytestmark = pytest.mark.django_db

RATIONALE = {"rationale_category": "data_correction", "rationale": "corrected source"}


def _moe_payload(program, **overrides):
    return {
        "program": program.pk,
        "name": "Cases prosecuted",
        "kind": "outcome",
        "unit": "cases",
        "baseline_value": "10",
        "baseline_date": "2025-09-30",
        "targets": [{"period": "FY2026-Q1", "value": "20"}, {"period": "fy2026-q2", "value": "30"}],
        **overrides,
    }


def test_moe_list_has_targets_and_filters_by_program(token_client, analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a)
    factories.TargetFactory(moe=moe)
    factories.MoeFactory()  # another program
    rows = token_client(analyst_a).get("/api/v1/moes/", {"program": program_a.pk}).json()["results"]
    assert [r["id"] for r in rows] == [moe.pk]
    assert rows[0]["targets"][0]["period"] == "FY2026-Q1"


def test_analyst_creates_an_moe_with_targets(token_client, analyst_a, program_a):
    response = token_client(analyst_a, write=True).post("/api/v1/moes/", _moe_payload(program_a), format="json")
    assert response.status_code == 201, response.content
    assert [t["period"] for t in response.json()["targets"]] == ["FY2026-Q1", "FY2026-Q2"]


def test_other_agency_cannot_create_an_moe(token_client, analyst_b, program_a):
    response = token_client(analyst_b, write=True).post("/api/v1/moes/", _moe_payload(program_a), format="json")
    assert response.status_code == 403
    assert not MeasureOfEffectiveness.objects.exists()


def test_moe_with_a_target_outside_the_program_years_saves_nothing(token_client, analyst_a, program_a):
    payload = _moe_payload(program_a, targets=[{"period": "FY2026-Q1", "value": "1"}, {"period": "FY2040", "value": "2"}])
    response = token_client(analyst_a, write=True).post("/api/v1/moes/", payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"  # wrong for the program it names
    assert list(response.json()["errors"]) == ["targets.1.period"]  # the item and its field, as sent
    assert "outside the program's years" in response.json()["errors"]["targets.1.period"][0]
    assert not MeasureOfEffectiveness.objects.exists()


@pytest.mark.parametrize(("targets", "path", "says"), [
    ([{"period": "FY2026-Q1", "value": "1"}, {"period": "FY2026-Q1", "value": "2"}], "targets.1.period", "has two targets"),
    ([{"period": "FY2026-Q1", "value": "1"}, {"period": "FY2026-Q2", "value": "-5"}], "targets.1.value", "FY2026-Q2: "),
])
def test_a_bad_nested_target_is_named_by_its_index_and_field(token_client, analyst_a, program_a, targets, path, says):
    response = token_client(analyst_a, write=True).post("/api/v1/moes/", _moe_payload(program_a, targets=targets), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == [path], response.content
    assert says in response.json()["errors"][path][0]
    assert not MeasureOfEffectiveness.objects.exists()


def test_moe_update_is_versioned(token_client, analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a)
    client = token_client(analyst_a, write=True)
    ok = client.patch(f"/api/v1/moes/{moe.pk}/", {"unit": "prosecutions", "version": 1, **RATIONALE}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/moes/{moe.pk}/", {"unit": "x", "version": 1, **RATIONALE}, format="json")
    assert stale.status_code == 409 and stale.json()["changes"][0]["field"] == "unit"


def test_target_set(token_client, analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a)
    response = token_client(analyst_a, write=True).post(
        f"/api/v1/moes/{moe.pk}/targets/", {"period": "FY2027-Q1", "value": "40", **RATIONALE}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["period"] == "FY2027-Q1" and response.json()["value"] == "40.0000"


def test_measurement_record_then_update_then_approval_flow(token_client, analyst_a, manager, program_a):
    moe = factories.MoeFactory(program=program_a)
    analyst = token_client(analyst_a, write=True)
    created = analyst.post("/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": "12"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["entered_by"] == "analyst_a" and created.json()["status"] == "draft"
    # the same MOE and period updates rather than duplicates
    updated = analyst.post(
        "/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": "13", "version": 1}, format="json"
    )
    assert updated.status_code == 200 and updated.json()["id"] == pk and updated.json()["version"] == 2
    assert Measurement.objects.count() == 1
    # submit, then an analyst cannot approve, a manager can
    assert analyst.post(f"/api/v1/measurements/{pk}/submit/", {"version": 2}, format="json").status_code == 200
    assert analyst.post(f"/api/v1/measurements/{pk}/approve/", {"version": 3}, format="json").status_code == 403
    boss = token_client(manager, write=True)
    approved = boss.post(f"/api/v1/measurements/{pk}/approve/", {"version": 3}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == "manager"


def test_measurement_return_needs_a_reason_and_manager(token_client, manager, analyst_a, program_a):
    measurement = factories.MeasurementFactory(moe=factories.MoeFactory(program=program_a), status=MeasurementStatus.SUBMITTED)
    boss = token_client(manager, write=True)
    url = f"/api/v1/measurements/{measurement.pk}/return/"
    assert boss.post(url, {"version": 1, "reason": ""}, format="json").status_code == 400
    response = boss.post(url, {"version": 1, "reason": "Source missing"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert token_client(analyst_a, write=True).post(url, {"version": 2, "reason": "x"}, format="json").status_code == 403


def test_other_agency_cannot_record_measurements(token_client, analyst_b, program_a):
    moe = factories.MoeFactory(program=program_a)
    response = token_client(analyst_b, write=True).post(
        "/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": "1"}, format="json"
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"period": "2026Q1"}, "period"),
        ({"value": "lots"}, "value"),
        ({"value": "-3"}, "value"),
        ({"moe": 987654321}, "moe"),
        ({"evidence_url": "not a url"}, "evidence_url"),
    ],
)
def test_bad_measurements_are_400(token_client, analyst_a, program_a, payload, field):
    moe = factories.MoeFactory(program=program_a)
    body = {"moe": moe.pk, "period": "FY2026-Q1", "value": "1", **payload}
    response = token_client(analyst_a, write=True).post("/api/v1/measurements/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Measurement.objects.exists()


def test_a_measurement_outside_the_program_years_is_400_naming_the_field(token_client, analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a)
    body = {"moe": moe.pk, "period": "FY2040-Q1", "value": "1"}
    response = token_client(analyst_a, write=True).post("/api/v1/measurements/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "outside the program's years" in response.json()["errors"]["period"][0]
    assert not Measurement.objects.exists()


def test_measurement_filters(token_client, analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a)
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.APPROVED)
    factories.MeasurementFactory(moe=moe, period="FY2026-Q2", status=MeasurementStatus.DRAFT)
    factories.MeasurementFactory(moe=moe, period="FY2027-Q1", status=MeasurementStatus.APPROVED)
    client = token_client(analyst_a)

    def periods(**query):
        return [r["period"] for r in client.get("/api/v1/measurements/", query).json()["results"]]

    assert periods(status="approved") == ["FY2026-Q1", "FY2027-Q1"]
    assert periods(fiscal_year=2026) == ["FY2026-Q1", "FY2026-Q2"]
    assert periods(program=program_a.pk, ordering="-period_end") == ["FY2027-Q1", "FY2026-Q2", "FY2026-Q1"]
    assert periods(country="COL") == []


def test_api_refuses_an_annual_value_of_a_quarterly_moe(token_client, analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a, frequency="quarterly")
    response = token_client(analyst_a, write=True).post(
        "/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026", "value": "40"}, format="json")
    assert response.status_code == 400  # a period not of the MOE's frequency: wrong for the MOE it names
    assert "This MOE is quarterly: use FY2026-Q1 ... FY2026-Q4" in str(response.json()["errors"]["period"])


def test_a_large_list_remembers_its_count_and_a_small_one_counts_every_time(large_count_of_3, token_client,
                                                                             analyst_a, program_a):
    """Given a list at the large-count threshold, when a row is added, then its count stays
    the remembered one (for LARGE_COUNT_MAX_AGE s) while a smaller, filtered list is exact."""
    moe = factories.MoeFactory(program=program_a)
    for period in ("FY2026-Q1", "FY2026-Q2", "FY2026-Q3"):
        factories.MeasurementFactory(moe=moe, period=period, status=MeasurementStatus.APPROVED)
    client = token_client(analyst_a)

    def count(**query) -> int:
        return client.get("/api/v1/measurements/", {"page_size": 2, **query}).json()["count"]

    assert count() == 3
    assert count(status="draft") == 0
    factories.MeasurementFactory(moe=moe, period="FY2026-Q4", status=MeasurementStatus.DRAFT)
    assert count() == 3  # remembered: counting a million rows on every page is what this avoids
    assert count(status="draft") == 1  # under the threshold: exact at once
    # pages do not depend on the remembered count: the last page is whole, a new page is linked
    second = client.get("/api/v1/measurements/", {"page": 2, "page_size": 2}).json()
    assert len(second["results"]) == 2 and second["next"] is None
    factories.MeasurementFactory(moe=moe, period="FY2027-Q1", status=MeasurementStatus.DRAFT)
    second = client.get("/api/v1/measurements/", {"page": 2, "page_size": 2}).json()
    assert second["count"] == 3 and second["next"].endswith("page=3&page_size=2")
    third = client.get(second["next"]).json()
    assert [r["period"] for r in third["results"]] == ["FY2027-Q1"] and third["next"] is None
    assert client.get("/api/v1/measurements/", {"page": 4, "page_size": 2}).status_code == 404
    # a page whose offset would overflow PostgreSQL's bigint is past the end too, not a 500
    assert client.get("/api/v1/measurements/", {"page": 10**30, "page_size": 2}).status_code == 404


def test_the_schema_says_how_old_a_large_count_may_be(token_client, analyst_a):
    from api.pagination import COUNT_DESCRIPTION

    schema = token_client(analyst_a).get("/api/v1/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedMeasurementList"]
    assert page["properties"]["count"]["description"] == COUNT_DESCRIPTION


def test_a_percent_above_100_is_a_400_naming_the_field(token_client, analyst_a, program_a):
    """The MOE value rule (programs.models.moe_value_problem, tests/programs/test_moe_value_rule.py)
    holds for the API's writes: a measurement, one target, an MOE's targets and baseline."""
    too_high = "Enter a percentage from 0 to 100: 250 is more than 100."
    moe = factories.MoeFactory(program=program_a, unit="percent")
    client = token_client(analyst_a, write=True)
    response = client.post("/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": "250"}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"value": [too_high]}
    response = client.post(f"/api/v1/moes/{moe.pk}/targets/", {"period": "FY2026-Q1", "value": "250"}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"value": [too_high]}
    response = client.post("/api/v1/moes/", _moe_payload(program_a, unit="percent", targets=[
        {"period": "FY2026-Q1", "value": "250"}]), format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"targets.0.value": [f"FY2026-Q1: {too_high}"]}
    response = client.post("/api/v1/moes/", _moe_payload(program_a, unit="percent", baseline_value="250", targets=[]),
                           format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"baseline_value": [too_high]}
    assert not Measurement.objects.exists() and not Target.objects.exists()
    assert list(MeasureOfEffectiveness.objects.all()) == [moe]


def test_a_unit_change_that_stored_values_break_is_a_409_naming_the_field(token_client, analyst_a, program_a):
    """An MOE's unit or negative-values flag changes only if its stored values and targets
    still fit the value rule (programs.services.measures.check_values_fit): the stored
    values decide, 409 with the field, how many values and which periods."""
    moe = factories.MoeFactory(program=program_a, unit="officers")
    factories.MeasurementFactory(moe=moe, period="FY2026-Q2", value=Decimal("250"))
    client = token_client(analyst_a, write=True)
    response = client.patch(f"/api/v1/moes/{moe.pk}/", {"unit": "percent", "version": moe.version,
                                                       "rationale_category": "data_correction", "rationale": "Unit"},
                            format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["errors"] == {"unit": [
        "With the unit 'percent', 1 stored value would be refused: values of FY2026-Q2 (FY2026-Q2: Enter a "
        "percentage from 0 to 100: 250 is more than 100.) Correct them first, or keep the unit 'officers'."]}
    moe.refresh_from_db()
    assert moe.unit == "officers"
