"""Reads of the assessments app: pages, dashboards and the API share these."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from django.db.models import F, Max, Prefetch, QuerySet

from programs.models import Country, CountryPriorityTier, CrisisEvent

from .models import AssessmentFramework, AssessmentStatus, CountryAssessment, CriterionScore, SelectivityScore


def framework_current() -> AssessmentFramework | None:
    """The framework new assessments are made under: the highest version not retired."""
    return (
        AssessmentFramework.objects.filter(retired_on__isnull=True)
        .prefetch_related("criteria")
        .order_by("-version")
        .first()
    )


def _latest_score_ids(country_ids: Iterable[int] | None = None) -> QuerySet:
    scores = SelectivityScore.objects.all()
    if country_ids is not None:
        scores = scores.filter(country_id__in=list(country_ids))
    return scores.order_by().values("country_id").annotate(latest=Max("id")).values("latest")


def current_scores(country_ids: Iterable[int] | None = None) -> QuerySet[SelectivityScore]:
    """The latest SelectivityScore of each country (countries never scored are absent)."""
    return (
        SelectivityScore.objects.filter(id__in=_latest_score_ids(country_ids))
        .select_related("country", "country__state_bureau", "country__combatant_command", "framework")
        .order_by(F("score").desc(nulls_last=True), "country__name")
    )


def score_history(*, country: Country) -> QuerySet[SelectivityScore]:
    """Every score row of ``country``, oldest first (its trend)."""
    return SelectivityScore.objects.filter(country=country).select_related("framework").order_by("id")


def current_bands(country_ids: Iterable[int]) -> dict[int, str]:
    """Country id -> band of its current score (countries never scored are absent)."""
    return dict(
        SelectivityScore.objects.filter(id__in=_latest_score_ids(country_ids)).values_list("country_id", "band")
    )


def _with_scores(assessments: QuerySet[CountryAssessment]) -> QuerySet[CountryAssessment]:
    return assessments.select_related("country", "framework", "created_by", "approved_by").prefetch_related(
        Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))
    )


def latest_approved_assessment(*, country: Country) -> CountryAssessment | None:
    """The approved assessment the conditions component uses (criterion scores prefetched)."""
    return (
        _with_scores(CountryAssessment.objects.filter(country=country, status=AssessmentStatus.APPROVED))
        .order_by("-assessed_on", "-approved_at", "-id")
        .first()
    )


def assessment_get(*, pk: int) -> CountryAssessment:
    return _with_scores(CountryAssessment.objects.all()).get(pk=pk)


def assessment_list() -> QuerySet[CountryAssessment]:
    return CountryAssessment.objects.select_related("country", "framework", "created_by").order_by(
        "-updated_at", "-id"
    )


def country_assessments(*, country: Country) -> QuerySet[CountryAssessment]:
    return CountryAssessment.objects.filter(country=country).select_related("framework", "created_by", "approved_by")


def country_tier_decisions(*, country: Country) -> QuerySet[CountryPriorityTier]:
    return CountryPriorityTier.objects.filter(country=country).select_related("cycle", "set_by")


def country_open_crises(*, country: Country) -> QuerySet[CrisisEvent]:
    return CrisisEvent.objects.filter(country=country, closed_on__isnull=True)


COMPONENTS = (
    ("priority", "P, priority", "weight_priority", "priority_component"),
    ("conditions", "C, conditions", "weight_conditions", "conditions_component"),
    ("effectiveness", "E, effectiveness", "weight_effectiveness", "effectiveness_component"),
)


def score_explanation(score: SelectivityScore) -> list[dict]:
    """Each component of ``score`` with its framework weight, renormalised weight and share.

    The shares add up to the score (before its rounding to 0.01).
    """
    present_total = sum(
        (getattr(score, weight) for _, _, weight, value in COMPONENTS if getattr(score, value) is not None),
        Decimal(0),
    )
    rows = []
    for key, label, weight_name, value_name in COMPONENTS:
        weight, value = getattr(score, weight_name), getattr(score, value_name)
        effective = (weight / present_total) if value is not None and present_total else None
        rows.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "weight": weight,
                "effective_weight": effective,
                "contribution": (effective * value) if effective is not None else None,
            }
        )
    return rows


def assessments_with_scores(*, ids: Iterable[int]) -> QuerySet[CountryAssessment]:
    """Assessments by id with their criterion scores (for the side-by-side comparison)."""
    return _with_scores(CountryAssessment.objects.filter(pk__in=list(ids)))
