"""Reads of the assessments app: pages, dashboards and the API share these."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from django.db.models import F, Max, Prefetch, QuerySet

from programs.models import Country, CountryPriorityTier, CrisisEvent

from .computations.ranking import EvidenceGap, evidence_gaps
from .models import (
    AssessmentFramework,
    AssessmentStatus,
    BandCap,
    CountryAssessment,
    CriterionScore,
    SelectivityScore,
)
from infrastructure.sorting import by_name

RANK_BY_RANGE, RANK_BY_SCORE = "range", "score"
# The ranking rule (assessments/computations/ranking.py, ranking_key): low end of the
# range, then its width (more evidence first), then the score, then the name.
RANKING_ORDER = {
    RANK_BY_RANGE: (
        F("low").desc(nulls_last=True),
        (F("high") - F("low")).asc(nulls_last=True),
        F("score").desc(nulls_last=True),
        by_name("country__name"),
    ),
    RANK_BY_SCORE: (F("score").desc(nulls_last=True), by_name("country__name")),
}


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


def current_scores(
    country_ids: Iterable[int] | None = None, *, rank_by: str = RANK_BY_RANGE
) -> QuerySet[SelectivityScore]:
    """The latest SelectivityScore of each country (countries never scored are absent), in
    ranking order (``rank_by``: RANK_BY_RANGE, the rule; RANK_BY_SCORE, the raw score),
    with the framework's band caps prefetched (for :func:`score_caps`)."""
    return (
        SelectivityScore.objects.filter(id__in=_latest_score_ids(country_ids))
        .select_related("country", "country__state_bureau", "country__combatant_command", "framework")
        .prefetch_related("framework__band_caps")
        .order_by(*RANKING_ORDER[rank_by])
    )


def scores_all() -> QuerySet[SelectivityScore]:
    """Every score row of every country (the trends), by country name, oldest first."""
    return (
        SelectivityScore.objects.select_related("country", "framework")
        .prefetch_related("framework__band_caps")
        .order_by(by_name("country__name"), "id")
    )


def score_range_label(score: SelectivityScore) -> str:
    """The range as shown in tables: "46.00–86.00" (en dash), the one figure when complete,
    "" when there is none."""
    if score.low is None:
        return ""
    return str(score.low) if score.low == score.high else f"{score.low}\u2013{score.high}"


def score_caps(score: SelectivityScore) -> list[BandCap]:
    """The caps of the score's framework version whose condition held (prefetch
    ``framework__band_caps`` to read many scores without a query each)."""
    codes = score.caps_applied_codes
    return [cap for cap in score.framework.band_caps.all() if cap.condition in codes]


def score_evidence_gaps(score: SelectivityScore) -> list[EvidenceGap]:
    """What is missing from ``score`` and where supplying it would put the low end."""
    return evidence_gaps(
        weights=(score.weight_priority, score.weight_conditions, score.weight_effectiveness),
        components=(score.priority_component, score.conditions_component, score.effectiveness_component),
    )


@dataclass(frozen=True)
class CountrySelectivity:
    """A country's current selectivity for planning: figures on 0-100 (Decimal, 0.01),
    ``band`` after caps, ``caps`` the reasons of the caps that held."""

    country_id: int
    score: Decimal | None
    low: Decimal | None
    high: Decimal | None
    band: str
    band_uncapped: str
    caps: tuple[str, ...]
    complete: bool


def selectivity_latest_by_country(country_ids: Iterable[int] | None = None) -> dict[int, CountrySelectivity]:
    """Country id -> its current selectivity (countries never scored are absent). Two
    queries whatever the number of countries."""
    scores = SelectivityScore.objects.filter(id__in=_latest_score_ids(country_ids)).select_related(
        "framework").prefetch_related("framework__band_caps")
    return {
        s.country_id: CountrySelectivity(
            country_id=s.country_id, score=s.score, low=s.low, high=s.high, band=s.band,
            band_uncapped=s.band_uncapped, caps=tuple(cap.reason for cap in score_caps(s)),
            complete=not s.flag_incomplete,
        )
        for s in scores
    }


def score_history(*, country: Country) -> QuerySet[SelectivityScore]:
    """Every score row of ``country``, oldest first (its trend)."""
    return (
        SelectivityScore.objects.filter(country=country)
        .select_related("framework")
        .prefetch_related("framework__band_caps")
        .order_by("id")
    )


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
