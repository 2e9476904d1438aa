"""The version rule on every API write (docs/concurrency.md): a write to an existing row
names the version its writer read; none (or 0, "expected absent") over an existing row, or
a stale one, is a 409 that says who changed what, and nothing is saved."""
from decimal import Decimal

import pytest

from assessments.models import AssessmentStatus
from programs.models import MeasurementStatus
from tests import factories
from tests.factories import assessments as assessment_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(agency_a):
    return factories.AnalystFactory(username="colleague", agency=agency_a)


def _assert_conflict(response, *, by: str | None = None) -> dict:
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "stale_version" and body["your_version"] in (None, 0)
    if by:
        assert by in body["detail"]
    return body


def test_measurement_post_over_a_colleagues_draft_without_version_is_409(token_client, analyst_a, colleague, proposed_moe):
    """The issue's example: a draft of 42 ("Unit returns, Jan-Mar") is not overwritten by 30."""
    token_client(colleague, write=True).post(
        "/api/v1/measurements/",
        {"moe": proposed_moe.pk, "period": "FY2026-Q1", "value": "42", "source": "Unit returns, Jan-Mar"}, format="json",
    )
    response = token_client(analyst_a, write=True).post(
        "/api/v1/measurements/", {"moe": proposed_moe.pk, "period": "FY2026-Q1", "value": "30"}, format="json"
    )
    _assert_conflict(response, by="colleague")
    stored = proposed_moe.measurements.get()
    assert (stored.value, stored.source, stored.status) == (Decimal("42"), "Unit returns, Jan-Mar", MeasurementStatus.DRAFT)


def test_measurement_post_with_the_version_read_updates(token_client, analyst_a, colleague, proposed_moe):
    created = token_client(colleague, write=True).post(
        "/api/v1/measurements/", {"moe": proposed_moe.pk, "period": "FY2026-Q1", "value": "42"}, format="json"
    )
    assert created.status_code == 201
    response = token_client(analyst_a, write=True).post(
        "/api/v1/measurements/",
        {"moe": proposed_moe.pk, "period": "FY2026-Q1", "value": "30", "version": created.json()["version"]}, format="json",
    )
    assert response.status_code == 200 and response.json()["value"] == "30.0000"


def test_measurement_post_naming_a_version_of_no_row_is_409(token_client, analyst_a, proposed_moe):
    response = token_client(analyst_a, write=True).post(
        "/api/v1/measurements/", {"moe": proposed_moe.pk, "period": "FY2026-Q1", "value": "30", "version": 3}, format="json"
    )
    # the stored state decides (the row may have been deleted meanwhile): 409, naming the field
    assert response.status_code == 409 and "version" in response.json()["errors"]
    assert not proposed_moe.measurements.exists()


def _existing_row_writes(proposed_program, proposed_moe, manager_user):
    """(name, who writes, method, url, body without version) for every API write to an existing row."""
    factories.FundingFactory(program=proposed_program, fiscal_year=2026)
    factories.TargetFactory(moe=proposed_moe, period="FY2026-Q1", value=Decimal("100"))
    submitted = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q2", status=MeasurementStatus.SUBMITTED)
    draft = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q3", status=MeasurementStatus.DRAFT)
    return [
        ("program PATCH", None, "patch", f"/api/v1/programs/{proposed_program.pk}/", {"title": "Lost update"}),
        ("program transition", manager_user, "post", f"/api/v1/programs/{proposed_program.pk}/transition/",
         {"action": "approve", "reason": "fits"}),
        ("funding POST", None, "post", f"/api/v1/programs/{proposed_program.pk}/funding/",
         {"fiscal_year": 2026, "planned": "1", "obligated": "1", "disbursed": "1"}),
        ("MOE PATCH", None, "patch", f"/api/v1/moes/{proposed_moe.pk}/", {"name": "Lost update"}),
        ("target POST", None, "post", f"/api/v1/moes/{proposed_moe.pk}/targets/", {"period": "FY2026-Q1", "value": "5"}),
        ("measurement POST", None, "post", "/api/v1/measurements/", {"moe": proposed_moe.pk, "period": "FY2026-Q3", "value": "7"}),
        ("measurement submit", None, "post", f"/api/v1/measurements/{draft.pk}/submit/", {}),
        ("measurement approve", manager_user, "post", f"/api/v1/measurements/{submitted.pk}/approve/", {}),
        ("measurement return", manager_user, "post", f"/api/v1/measurements/{submitted.pk}/return/", {"reason": "why"}),
    ]


@pytest.mark.parametrize("index", range(9))
def test_every_api_write_to_an_existing_row_without_version_is_409(token_client, analyst_a, manager, proposed_program, proposed_moe, index):
    name, who, method, url, body = _existing_row_writes(proposed_program, proposed_moe, manager)[index]
    before = proposed_program.history.count(), proposed_moe.history.count()
    response = getattr(token_client(who or analyst_a, write=True), method)(url, body, format="json")
    _assert_conflict(response)
    assert (proposed_program.history.count(), proposed_moe.history.count()) == before, name


@pytest.mark.parametrize("index", range(9))
def test_every_api_write_with_version_zero_over_an_existing_row_is_409(token_client, analyst_a, manager, proposed_program, proposed_moe, index):
    name, who, method, url, body = _existing_row_writes(proposed_program, proposed_moe, manager)[index]
    response = getattr(token_client(who or analyst_a, write=True), method)(url, {**body, "version": 0}, format="json")
    _assert_conflict(response)


@pytest.mark.parametrize("action", ["update", "submit", "approve", "return"])
def test_assessment_writes_without_version_are_409(token_client, analyst_a, manager, action):
    framework = assessment_factories.framework_v1()
    status = AssessmentStatus.DRAFT if action in ("update", "submit") else AssessmentStatus.SUBMITTED
    assessment = assessment_factories.assessment(
        country=factories.country("KEN"), author=analyst_a, status=status, framework=framework
    )
    scores = {c.code: {"score": 3, "justification": "j"} for c in framework.criteria.all()}
    client = token_client(analyst_a if action in ("update", "submit") else manager, write=True)
    url = f"/api/v1/assessments/{assessment.pk}/"
    response = {
        "update": lambda: client.put(url, {"assessed_on": "2026-06-01", "scores": scores}, format="json"),
        "submit": lambda: client.post(url + "submit/", {}, format="json"),
        "approve": lambda: client.post(url + "approve/", {}, format="json"),
        "return": lambda: client.post(url + "return/", {"reason": "r"}, format="json"),
    }[action]()
    _assert_conflict(response)
    assessment.refresh_from_db()
    assert assessment.status == status and assessment.version == 1


def test_new_rows_need_no_version(token_client, analyst_a, proposed_program, proposed_moe):
    client = token_client(analyst_a, write=True)
    funding = client.post(
        f"/api/v1/programs/{proposed_program.pk}/funding/",
        {"fiscal_year": 2027, "planned": "1", "obligated": "1", "disbursed": "1"}, format="json",
    )
    target = client.post(f"/api/v1/moes/{proposed_moe.pk}/targets/", {"period": "FY2027-Q1", "value": "5", "version": 0}, format="json")
    assert (funding.status_code, target.status_code) == (200, 200)
    assert funding.json()["version"] == 1 and target.json()["version"] == 1


def test_schema_documents_the_version_rule():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/measurements/"]["post"]
    assert "409" in operation["responses"] and "expected absent" in operation["responses"]["409"]["description"]
    body = schema["components"]["schemas"]["StaleVersion"]
    assert {"your_version", "current_version", "changes"} <= set(body["properties"])
    request = schema["components"]["schemas"]["MeasurementWriteRequest"]["properties"]["version"]
    assert "omit (or 0)" in request["description"]
