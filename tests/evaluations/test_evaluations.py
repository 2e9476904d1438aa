"""Evaluations, recommendations, overdue follow-up and the evaluation priority list."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluations.computations.priority import evaluation_priority
from evaluations.selectors.evaluations import evaluation_priority_ranking, overdue_recommendations
from evaluations.services.evaluations import (
    evaluation_create,
    evaluation_update,
    recommendation_create,
    recommendation_follow_up,
)
from infrastructure.versioning import StaleVersionError
from programs.permissions import ANALYST
from evaluations.services.rollups import rollups_recompute
from tests import factories

pytestmark = pytest.mark.django_db

EVALUATION = {"evaluation_type": "impact", "title": "Midterm impact evaluation", "evaluator": "GAO",
              "started_on": dt.date(2025, 1, 10), "completed_on": dt.date(2025, 6, 30), "rating": "satisfactory",
              "findings": "Training reached the border units."}


def test_an_analyst_records_an_evaluation_of_their_agency_only(analyst_a, analyst_b, program_a):
    evaluation = evaluation_create(user=analyst_a, program=program_a, data=EVALUATION,
                                   documents=[("Report", "https://example.gov/report.pdf")])
    assert evaluation.documents.get().url == "https://example.gov/report.pdf"
    with pytest.raises(PermissionDenied):
        evaluation_create(user=analyst_b, program=program_a, data=EVALUATION)


def test_bad_evaluation_input_is_a_field_error_and_nothing_is_saved(analyst_a, program_a):
    with pytest.raises(ValidationError) as error:
        evaluation_create(user=analyst_a, program=program_a,
                          data={**EVALUATION, "completed_on": dt.date(2024, 1, 1)},
                          documents=[("Report", "not a url")])
    assert error.value.message_dict
    assert not program_a.evaluations.exists()


def test_overdue_recommendations_are_open_ones_past_due(analyst_a, program_a):
    evaluation = evaluation_create(user=analyst_a, program=program_a, data=EVALUATION)
    today = timezone.localdate()
    late = recommendation_create(user=analyst_a, evaluation=evaluation, text="Vet units", owner="INL",
                                 due_on=today - dt.timedelta(days=3))
    done = recommendation_create(user=analyst_a, evaluation=evaluation, text="Train", owner="INL",
                                 due_on=today - dt.timedelta(days=3))
    recommendation_create(user=analyst_a, evaluation=evaluation, text="Later", owner="INL",
                          due_on=today + dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        recommendation_follow_up(user=analyst_a, recommendation=done, status="implemented", note="", version=1)
    recommendation_follow_up(user=analyst_a, recommendation=done, status="implemented", note="Done in Q1", version=1)
    assert list(overdue_recommendations()) == [late]


def test_follow_up_and_evaluation_edits_name_the_version_they_read(analyst_a, program_a):
    """Two analysts record a follow-up: the one who read version 1 after the other saved is
    refused with who changed what; a missing version over the stored row is refused too."""
    colleague = factories.UserFactory(username="analyst_a2", agency=program_a.lead_agency, role=ANALYST)
    evaluation = evaluation_create(user=analyst_a, program=program_a, data=EVALUATION)
    recommendation = recommendation_create(user=analyst_a, evaluation=evaluation, text="Vet units", owner="INL",
                                           due_on=dt.date(2027, 3, 1))
    recommendation_follow_up(user=analyst_a, recommendation=recommendation, status="in_progress", note="Started",
                             version=1)
    with pytest.raises(StaleVersionError) as stale:
        recommendation_follow_up(user=colleague, recommendation=recommendation, status="not_accepted",
                                 note="Out of scope", version=1)
    assert stale.value.current == 2 and stale.value.editors == ["analyst_a"]
    assert ("follow_up_status", "open", "in_progress") in {(c["field"], c["old"], c["new"]) for c in stale.value.changes}
    with pytest.raises(StaleVersionError):
        recommendation_follow_up(user=colleague, recommendation=recommendation, status="not_accepted",
                                 note="Out of scope", version=None)
    recommendation.refresh_from_db()
    assert (recommendation.follow_up_status, recommendation.follow_up_note, recommendation.version) == (
        "in_progress", "Started", 2)

    evaluation_update(user=analyst_a, evaluation=evaluation, data={"rating": "partly_satisfactory"}, version=1)
    with pytest.raises(StaleVersionError):
        evaluation_update(user=colleague, evaluation=evaluation, data={"rating": "unsatisfactory"}, version=1)
    with pytest.raises(StaleVersionError):
        evaluation_update(user=colleague, evaluation=evaluation, data={"rating": "unsatisfactory"}, version=None)
    evaluation.refresh_from_db()
    assert (evaluation.rating, evaluation.version) == ("partly_satisfactory", 2)
    # The stored values again: nothing changes, no version needed.
    assert evaluation_update(user=colleague, evaluation=evaluation, data={"rating": "partly_satisfactory"},
                             version=None).version == 2


def test_priority_score_branches():
    top = evaluation_priority(funding=D(100), max_funding=D(100), moe_count=0, moes_with_data=0, years_since=None)
    assert top.score == 100.0
    assert top.reasons == ["large funding: $100 obligated (100% of the largest)", "no measures of effectiveness",
                           "never independently evaluated"]
    fresh = evaluation_priority(funding=D(0), max_funding=D(0), moe_count=4, moes_with_data=4, years_since=1.0)
    assert (fresh.score, fresh.reasons) == (6.0, [])
    partial = evaluation_priority(funding=D(50), max_funding=D(100), moe_count=4, moes_with_data=1, years_since=10)
    assert partial.score == pytest.approx(20 + 22.5 + 30)
    assert "3 of 4 MOEs without data" in partial.reasons


def test_priority_ranking_puts_large_unmeasured_unevaluated_programs_first(analyst_a, agency_a, django_assert_num_queries):
    big = factories.ProgramFactory(lead_agency=agency_a)
    factories.FundingFactory(program=big, fiscal_year=2026, obligated=D(5_000_000))
    small = factories.ProgramFactory(lead_agency=agency_a)
    factories.FundingFactory(program=small, fiscal_year=2026, obligated=D(10_000))
    moe = factories.MoeFactory(program=small)
    factories.TargetFactory(moe=moe)
    factories.MeasurementFactory(moe=moe)
    evaluation_create(user=analyst_a, program=small, data={**EVALUATION, "completed_on": timezone.localdate()})
    rollups_recompute()
    with django_assert_num_queries(1):
        ranking = evaluation_priority_ranking()
    assert [r["program"] for r in ranking] == [big, small]
    assert "never independently evaluated" in ranking[0]["reasons"]
