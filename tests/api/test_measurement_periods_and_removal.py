"""/api/v1/measurements and /api/v1/moes: a value waits for its period to start, dates of
measuring are not in the future (400 naming the field); DELETE removes a draft or returned
value (204), refuses a submitted or approved one (409 saying what to do)."""
import datetime as dt

import pytest
from django.utils import timezone

from programs.fiscal import Period, current_fiscal_year
from programs.models import MeasureOfEffectiveness, Measurement, MeasurementStatus
from programs.services.measures import NOT_REMOVABLE
from tests import factories

pytestmark = pytest.mark.django_db


def _next_quarter() -> Period:
    return Period.quarter_of(Period.quarter_of(timezone.localdate()).end + dt.timedelta(days=1))


@pytest.fixture
def moe(agency_a):
    fy = current_fiscal_year()
    program = factories.ProgramFactory(lead_agency=agency_a, start_fy=fy - 1, end_fy=fy + 2)
    return factories.MoeFactory(program=program)


def test_a_value_for_a_period_not_started_is_a_400_naming_the_period(token_client, analyst_a, moe):
    period = _next_quarter()
    response = token_client(analyst_a, write=True).post(
        "/api/v1/measurements/", {"moe": moe.pk, "period": period.code, "value": "70"}, format="json")
    assert response.status_code == 400, response.content
    assert "has not started yet" in response.json()["errors"]["period"][0]
    assert not Measurement.objects.exists()


def test_a_future_collection_date_is_a_400_naming_the_field(token_client, analyst_a, moe):
    today = timezone.localdate()
    response = token_client(analyst_a, write=True).post("/api/v1/measurements/", {
        "moe": moe.pk, "period": Period.quarter_of(today).code, "value": "7",
        "collected_on": (today + dt.timedelta(days=1)).isoformat()}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["collected_on"]


def test_a_future_baseline_date_is_a_400_and_future_targets_stay_allowed(token_client, analyst_a, moe):
    client = token_client(analyst_a, write=True)
    payload = {"program": moe.program_id, "name": "Cases", "kind": "outcome", "unit": "cases", "baseline_value": "1",
               "baseline_date": "2035-01-01", "targets": [{"period": _next_quarter().code, "value": "5"}]}
    response = client.post("/api/v1/moes/", payload, format="json")
    assert response.status_code == 400, response.content
    assert "Baseline date Jan 1, 2035 is in the future" in response.json()["errors"]["baseline_date"][0]
    response = client.post("/api/v1/moes/", {**payload, "baseline_date": timezone.localdate().isoformat()}, format="json")
    assert response.status_code == 201, response.content
    assert [t["period"] for t in response.json()["targets"]] == [_next_quarter().code]
    assert MeasureOfEffectiveness.objects.filter(program=moe.program).count() == 2


def test_delete_removes_a_draft_value(token_client, analyst_a, moe):
    measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.RETURNED,
                                               return_reason="Wrong unit")
    response = token_client(analyst_a, write=True).delete(
        f"/api/v1/measurements/{measurement.pk}/?version={measurement.version}")
    assert response.status_code == 204, response.content
    assert not Measurement.objects.filter(pk=measurement.pk).exists()


def test_delete_without_or_with_a_stale_version_is_a_409(token_client, analyst_a, moe):
    measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.DRAFT)
    client = token_client(analyst_a, write=True)
    assert client.delete(f"/api/v1/measurements/{measurement.pk}/").status_code == 409
    assert client.delete(f"/api/v1/measurements/{measurement.pk}/?version=99").status_code == 409
    assert client.delete(f"/api/v1/measurements/{measurement.pk}/?version=x").status_code == 400
    assert Measurement.objects.filter(pk=measurement.pk).exists()


@pytest.mark.parametrize("status", [MeasurementStatus.SUBMITTED, MeasurementStatus.APPROVED])
def test_delete_of_a_submitted_or_approved_value_is_a_409_saying_what_to_do(token_client, analyst_a, moe, status):
    measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=status)
    response = token_client(analyst_a, write=True).delete(
        f"/api/v1/measurements/{measurement.pk}/?version={measurement.version}")
    assert response.status_code == 409
    assert response.json()["errors"]["status"] == [f"FY2026-Q1: {NOT_REMOVABLE[status]}"]
    assert Measurement.objects.filter(pk=measurement.pk).exists()


def test_delete_by_another_agency_or_a_read_only_token_is_a_403(token_client, analyst_a, analyst_b, moe):
    measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.DRAFT)
    url = f"/api/v1/measurements/{measurement.pk}/?version={measurement.version}"
    assert token_client(analyst_b, write=True).delete(url).status_code == 403
    assert token_client(analyst_a).delete(url).status_code == 403
    assert Measurement.objects.filter(pk=measurement.pk).exists()


def test_the_schema_documents_delete(token_client, analyst_a):
    schema = token_client(analyst_a).get("/api/v1/schema/", {"format": "json"})
    operation = schema.json()["paths"]["/api/v1/measurements/{id}/"]["delete"]
    assert set(operation["responses"]) >= {"204", "409"}
    assert "version" in [p["name"] for p in operation["parameters"] if p["in"] == "query"]
