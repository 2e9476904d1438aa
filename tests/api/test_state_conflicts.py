"""400 or 409 (docs/concurrency.md, "400 or 409"): a refusal decided by stored state is a
409 ``state_conflict`` (StateConflict); a refusal of the request itself stays a 400 with
field errors. One test per refusal converted in the sweep, and the request-content ones
beside them that must stay 400."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assessments import services as assessment_services
from assessments.models import CriterionScore
from evaluations.services.coordination import finding_acknowledge
from infrastructure.conflicts import StateConflict
from programs.services.measures import measurement_record, moe_update
from tests import factories
from tests.factories import assessments as af

pytestmark = pytest.mark.django_db


def _assessment(author):
    framework = af.framework_v1()
    return assessment_services.assessment_create(
        user=author, country=factories.country("KEN"), assessed_on=dt.date(2026, 6, 1),
        criterion_scores=af.criterion_inputs(framework, score=4),
    )


def test_approving_ones_own_assessment_is_a_409_and_a_missing_reason_a_400(token_client, manager):
    assessment = _assessment(manager)
    client = token_client(manager, write=True)
    url = f"/api/v1/assessments/{assessment.pk}/"
    submitted = client.post(url + "submit/", {"version": assessment.version}, format="json").json()
    approval = client.post(url + "approve/", {"version": submitted["version"]}, format="json")
    assert approval.status_code == 409 and approval.json()["code"] == "state_conflict"
    assert "another manager must approve" in approval.json()["detail"]
    no_reason = client.post(url + "return/", {"version": submitted["version"], "reason": " "}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]


def test_submitting_an_assessment_with_a_stored_score_missing_is_a_409(token_client, analyst_a):
    assessment = _assessment(analyst_a)
    CriterionScore.objects.filter(assessment=assessment).first().delete()  # e.g. a criterion added since
    response = token_client(analyst_a, write=True).post(
        f"/api/v1/assessments/{assessment.pk}/submit/", {"version": assessment.version}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "state_conflict"
    assert response.json()["detail"] == "Score every criterion before submitting."


def test_removing_a_category_that_holds_values_is_a_state_conflict(analyst_a, agency_a):
    moe = factories.MoeFactory(program=factories.ProgramFactory(lead_agency=agency_a, status="proposed"))
    female = moe.disaggregation_categories.create(dimension="sex", name="female")
    moe.disaggregation_categories.create(dimension="sex", name="male")
    measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=10, breakdown={female.pk: 4},
                       breakdown_partial=True)
    moe.refresh_from_db()
    with pytest.raises(StateConflict, match="has recorded values"):
        moe_update(user=analyst_a, moe=moe, data={}, categories=[("sex", "male")], version=moe.version)
    assert moe.disaggregation_categories.count() == 2


def test_malformed_finding_acknowledgements_stay_field_errors(manager):
    for check_name, fingerprint, field in (("nonsense", "a" * 64, "check_name"), ("surge", "", "fingerprint")):
        with pytest.raises(ValidationError) as error:
            finding_acknowledge(user=manager, check_name=check_name, fingerprint=fingerprint, note="Known")
        assert field in error.value.message_dict and not isinstance(error.value, StateConflict)
