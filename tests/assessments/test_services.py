"""Assessment and tier services: workflow, permissions, bad input, optimistic locking."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import AssessmentFramework, AssessmentStatus, CountryAssessment, CriterionScore, SelectivityScore
from programs.models import Country, CountryPriorityTier
from programs.permissions import MANAGER
from programs.services.priorities import priority_tier_set
from infrastructure.versioning import StaleVersionError
from tests import factories

from tests.factories import assessments as af

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return af.framework_v2()


@pytest.fixture
def kenya():
    return factories.country("KEN")


def _create(user, country, framework, **overrides):
    return services.assessment_create(
        user=user, country=country, assessed_on=dt.date(2026, 6, 1),
        criterion_scores=af.criterion_inputs(framework, **overrides.pop("scores", {})), **overrides,
    )


def test_analyst_creates_a_draft_with_a_score_per_criterion(analyst_a, kenya, framework):
    assessment = _create(analyst_a, kenya, framework, evidence_links="https://example.org/report\n")
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.framework == framework
    assert assessment.scores.count() == 7
    assert assessment.evidence_link_list == ["https://example.org/report"]


@pytest.mark.parametrize("bad_score", [0, 6, -1, "x", None])
def test_a_score_outside_1_to_5_is_refused_and_nothing_saved(analyst_a, kenya, framework, bad_score):
    inputs = af.criterion_inputs(framework)
    inputs["political_will"]["score"] = bad_score
    with pytest.raises(ValidationError) as error:
        services.assessment_create(user=analyst_a, country=kenya, assessed_on=dt.date(2026, 6, 1), criterion_scores=inputs)
    assert "scores.political_will.score" in error.value.message_dict
    assert "Political will" in error.value.message_dict["scores.political_will.score"][0]
    assert not CountryAssessment.objects.exists() and not CriterionScore.objects.exists()


def test_a_missing_justification_is_refused(analyst_a, kenya, framework):
    inputs = af.criterion_inputs(framework)
    inputs["equal_stake"]["justification"] = "   "
    with pytest.raises(ValidationError) as error:
        services.assessment_create(user=analyst_a, country=kenya, assessed_on=dt.date(2026, 6, 1), criterion_scores=inputs)
    assert "a justification is required" in error.value.message_dict["scores.equal_stake.justification"][0]
    assert not CountryAssessment.objects.exists()


def test_workflow_submit_then_another_manager_approves_and_the_score_follows(
    analyst_a, manager, kenya, framework, tasks_in_process, django_capture_on_commit_callbacks
):
    assessment = services.assessment_submit(user=analyst_a, assessment=_create(analyst_a, kenya, framework), version=1)
    assert assessment.status == AssessmentStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approved = services.assessment_approve(user=manager, assessment=assessment, version=assessment.version)
    assert approved.status == AssessmentStatus.APPROVED and approved.approved_by == manager
    assert len(callbacks) == 1
    score = SelectivityScore.objects.get(country=kenya)
    assert score.assessment_id == assessment.id and score.conditions_component == 75


def test_approving_ones_own_assessment_is_refused(manager, kenya, framework):
    assessment = services.assessment_submit(user=manager, assessment=_create(manager, kenya, framework), version=1)
    with pytest.raises(ValidationError, match="cannot approve your own"):
        services.assessment_approve(user=manager, assessment=assessment, version=assessment.version)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_approving_under_a_retired_framework_is_refused(analyst_a, manager, kenya, framework):
    assessment = services.assessment_submit(user=analyst_a, assessment=_create(analyst_a, kenya, framework), version=1)
    AssessmentFramework.objects.filter(pk=framework.pk).update(retired_on=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="retired"):
        services.assessment_approve(user=manager, assessment=assessment, version=assessment.version)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_analysts_cannot_approve(analyst_a, analyst_b, kenya, framework):
    assessment = services.assessment_submit(user=analyst_a, assessment=_create(analyst_a, kenya, framework), version=1)
    with pytest.raises(PermissionDenied):
        services.assessment_approve(user=analyst_b, assessment=assessment, version=assessment.version)


def test_return_needs_a_reason_then_the_author_revises(analyst_a, manager, kenya, framework):
    assessment = services.assessment_submit(user=analyst_a, assessment=_create(analyst_a, kenya, framework), version=1)
    with pytest.raises(ValidationError) as error:
        services.assessment_return(user=manager, assessment=assessment, reason="", version=assessment.version)
    assert "reason" in error.value.message_dict
    returned = services.assessment_return(user=manager, assessment=assessment, reason="Cite the 2026 audit.", version=assessment.version)
    assert returned.status == AssessmentStatus.RETURNED and returned.return_reason == "Cite the 2026 audit."
    updated = services.assessment_update(
        user=analyst_a, assessment=returned, version=returned.version, assessed_on=dt.date(2026, 6, 2),
        criterion_scores=af.criterion_inputs(framework, score=3),
    )
    assert set(updated.scores.values_list("score", flat=True)) == {3}


def test_a_stale_update_is_refused_with_what_changed_meanwhile(analyst_a, analyst_b, kenya, framework):
    assessment = _create(analyst_a, kenya, framework)
    stale_version = assessment.version
    services.assessment_update(
        user=analyst_a, assessment=assessment, version=stale_version, assessed_on=dt.date(2026, 6, 1),
        criterion_scores=af.criterion_inputs(framework, score=2), summary="Police reform stalled",
    )
    again = CountryAssessment.objects.get(pk=assessment.pk)
    with pytest.raises(StaleVersionError, match="was changed by analyst_a after you opened it") as refused:
        services.assessment_update(
            user=analyst_a, assessment=again, version=stale_version, assessed_on=dt.date(2026, 6, 1),
            criterion_scores=af.criterion_inputs(framework, score=5),
        )
    assert {(c["field"], c["new"]) for c in refused.value.changes} >= {("summary", "Police reform stalled")}
    assert set(CriterionScore.objects.filter(assessment=assessment).values_list("score", flat=True)) == {2}
    # Every history record names its author, even without a request (API, tasks)
    assert {h.history_user for h in CountryAssessment.history.filter(id=assessment.pk)} == {analyst_a}
    assert {h.history_user for h in CriterionScore.history.filter(assessment_id=assessment.pk)} == {analyst_a}
    # A stale submit or approval is refused the same way
    with pytest.raises(StaleVersionError):
        services.assessment_submit(user=analyst_a, assessment=again, version=stale_version)


def test_an_approved_assessment_cannot_be_edited(analyst_a, manager, kenya, framework):
    assessment = services.assessment_submit(user=analyst_a, assessment=_create(analyst_a, kenya, framework), version=1)
    assessment = services.assessment_approve(user=manager, assessment=assessment, version=assessment.version)
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.assessment_update(
            user=analyst_a, assessment=assessment, version=assessment.version, assessed_on=dt.date(2026, 6, 1),
            criterion_scores=af.criterion_inputs(framework),
        )


def test_manager_sets_a_tier_with_history_and_the_country_follows_the_latest_cycle(manager, kenya):
    fy27, fy26 = af.cycle(2027), af.cycle(2026)
    decision = priority_tier_set(user=manager, country=kenya, cycle=fy27, tier=1, rationale="Key partner.", version=None)
    assert Country.objects.get(pk=kenya.pk).priority_tier == 1
    # An older cycle's decision does not change the current tier
    priority_tier_set(user=manager, country=kenya, cycle=fy26, tier=3, rationale="Back then.", version=None)
    assert Country.objects.get(pk=kenya.pk).priority_tier == 1
    # Re-setting the same cycle updates its one decision, with history
    priority_tier_set(user=manager, country=kenya, cycle=fy27, tier=2, rationale="Context changed.", version=1)
    assert Country.objects.get(pk=kenya.pk).priority_tier == 2
    assert CountryPriorityTier.objects.filter(country=kenya).count() == 2
    decision.refresh_from_db()
    assert decision.history.count() == 2 and decision.version == 2
    assert decision.history.first().history_change_reason == "Context changed."


def test_a_tier_decision_names_the_version_its_manager_read(manager, kenya):
    """Two managers set the FY2027 tier: the second, who saw no decision (or an old one), is
    refused with who changed it, and the first one's tier stands."""
    other = factories.UserFactory(username="manager_b", role=MANAGER)
    fy27 = af.cycle(2027)
    priority_tier_set(user=manager, country=kenya, cycle=fy27, tier=1, rationale="Key partner.", version=None)
    with pytest.raises(StaleVersionError, match="already exists .*saved by manager"):
        priority_tier_set(user=other, country=kenya, cycle=fy27, tier=3, rationale="Less.", version=None)
    priority_tier_set(user=manager, country=kenya, cycle=fy27, tier=2, rationale="Changed.", version=1)
    with pytest.raises(StaleVersionError) as stale:
        priority_tier_set(user=other, country=kenya, cycle=fy27, tier=4, rationale="Lower.", version=1)
    assert stale.value.current == 2 and stale.value.changes[0]["field"] in ("tier", "rationale")
    assert {(c["field"], c["new"]) for c in stale.value.changes} >= {("tier", 2)}
    decision = CountryPriorityTier.objects.get(country=kenya, cycle=fy27)
    assert (decision.tier, decision.version, Country.objects.get(pk=kenya.pk).priority_tier) == (2, 2, 2)
    # Re-sending what is stored changes nothing and needs no version.
    assert priority_tier_set(user=other, country=kenya, cycle=fy27, tier=2, rationale="Changed.", version=None).version == 2


@pytest.mark.parametrize("tier,rationale,field", [(5, "ok", "tier"), (2, "", "rationale")])
def test_bad_tier_input_is_refused(manager, kenya, tier, rationale, field):
    with pytest.raises(ValidationError) as error:
        priority_tier_set(user=manager, country=kenya, cycle=af.cycle(), tier=tier, rationale=rationale, version=None)
    assert field in error.value.message_dict
    assert not CountryPriorityTier.objects.exists()


def test_analysts_cannot_set_tiers(analyst_a, kenya):
    with pytest.raises(PermissionDenied):
        priority_tier_set(user=analyst_a, country=kenya, cycle=af.cycle(), tier=1, rationale="x", version=None)


def test_a_tier_change_signals_and_recomputes_the_country(manager, kenya, tasks_in_process, django_capture_on_commit_callbacks):
    af.framework_v1()
    with django_capture_on_commit_callbacks(execute=True):
        priority_tier_set(user=manager, country=kenya, cycle=af.cycle(), tier=1, rationale="Key.", version=None)
    with django_capture_on_commit_callbacks(execute=True):
        priority_tier_set(user=manager, country=kenya, cycle=af.cycle(), tier=3, rationale="Less.", version=1)
    components = SelectivityScore.objects.filter(country=kenya).order_by("id").values_list("priority_component", flat=True)
    assert list(components) == [100, 50]


def test_a_rollup_change_recomputes_the_country(kenya, tasks_in_process, django_capture_on_commit_callbacks):
    from evaluations.signals import country_rollups_changed

    af.framework_v1()
    af.rollup(kenya, 0.8)
    with django_capture_on_commit_callbacks(execute=True):
        country_rollups_changed.send(sender=None, country_ids=[kenya.pk])
    score = SelectivityScore.objects.get(country=kenya)
    assert score.effectiveness_component == 80 and score.score == 80 and score.flag_incomplete
