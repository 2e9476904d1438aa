"""Four eyes means the last author (docs/concurrency.md): whoever last changed the content
of a measurement or an assessment may not approve it, on every path; another manager may."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments import services as assessment_services
from assessments.models import AssessmentStatus
from programs.models import MeasurementStatus, ProgramStatus
from programs.permissions import ANALYST, MANAGER
from programs.services.measures import measurement_approve, measurement_record, measurements_submit
from programs.services.rules import ensure_four_eyes
from tests import factories
from tests.factories import assessments as af

pytestmark = pytest.mark.django_db


@pytest.fixture
def managing_analyst(agency_a):
    """A manager who is also an analyst of agency A: may both edit and approve."""
    user = factories.ManagerFactory(username="managing_analyst", agency=agency_a)
    user.groups.add(*type(user.groups.first()).objects.filter(name=ANALYST))
    if not user.groups.filter(name=ANALYST).exists():
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    assert user.groups.filter(name=MANAGER).exists()
    return type(user).objects.get(pk=user.pk)


def test_the_rule_needs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        ensure_four_eyes(approver_id=1, last_author_id=2, noun="measurement")
        with pytest.raises(ValidationError, match="another manager"):
            ensure_four_eyes(approver_id=1, last_author_id=1, noun="measurement")


def test_who_changed_a_measurements_value_may_not_approve_it(analyst_a, managing_analyst, manager, agency_a):
    moe = factories.MoeFactory(program=factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED))
    measurement = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=Decimal("42"), source="Unit returns")
    measurements_submit(user=analyst_a, measurements=[measurement])
    measurement.refresh_from_db()
    changed = measurement_record(
        user=managing_analyst, moe=moe, period="FY2026-Q1", value=Decimal("30"), source="Unit returns",
        version=measurement.version,
    )
    assert changed.status == MeasurementStatus.SUBMITTED
    with pytest.raises(ValidationError, match="another manager must approve"):
        measurement_approve(user=managing_analyst, measurement=changed, version=changed.version)
    changed.refresh_from_db()
    assert changed.status == MeasurementStatus.SUBMITTED and changed.approved_by is None
    approved = measurement_approve(user=manager, measurement=changed, version=changed.version)
    assert approved.status == MeasurementStatus.APPROVED


def test_who_changed_only_the_breakdown_may_not_approve_it(analyst_a, managing_analyst, agency_a):
    moe = factories.MoeFactory(program=factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED))
    category = moe.disaggregation_categories.create(dimension="sex", name="female")
    male = moe.disaggregation_categories.create(dimension="sex", name="male")
    measurement = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=Decimal("42"))
    measurements_submit(user=analyst_a, measurements=[measurement])
    measurement.refresh_from_db()
    measurement = measurement_record(
        user=managing_analyst, moe=moe, period="FY2026-Q1", value=Decimal("42"), version=measurement.version,
        breakdown={category.pk: Decimal("20"), male.pk: Decimal("22")},
    )
    with pytest.raises(ValidationError, match="four eyes"):
        measurement_approve(user=managing_analyst, measurement=measurement, version=measurement.version)


def test_the_issue_example_manager_rewrites_a_returned_assessment_and_cannot_approve_it(
    token_client, analyst_a, manager
):
    """A manager returned an analyst's assessment, rewrote every score, submitted it and
    approved it: the approval is refused (it answered 200)."""
    framework = af.framework_v1()
    assessment = assessment_services.assessment_create(
        user=analyst_a, country=factories.country("KEN"), assessed_on=dt.date(2026, 6, 1),
        criterion_scores=af.criterion_inputs(framework, score=4),
    )
    assessment = assessment_services.assessment_submit(user=analyst_a, assessment=assessment, version=assessment.version)
    assessment = assessment_services.assessment_return(user=manager, assessment=assessment, reason="redo", version=assessment.version)
    client = token_client(manager, write=True)
    url = f"/api/v1/assessments/{assessment.pk}/"
    scores = {c.code: {"score": 1, "justification": "Rewritten."} for c in framework.criteria.all()}
    rewritten = client.put(url, {"assessed_on": "2026-06-01", "scores": scores, "version": assessment.version}, format="json")
    assert rewritten.status_code == 200
    submitted = client.post(url + "submit/", {"version": rewritten.json()["version"]}, format="json")
    assert submitted.status_code == 200
    approval = client.post(url + "approve/", {"version": submitted.json()["version"]}, format="json")
    assert approval.status_code == 409 and approval.json()["code"] == "state_conflict"  # the stored author decides
    assert "another manager must approve" in " ".join(approval.json()["errors"]["non_field_errors"])
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.content_author == manager
    other = factories.ManagerFactory(username="other_manager")
    assert token_client(other, write=True).post(url + "approve/", {"version": assessment.version}, format="json").status_code == 200
