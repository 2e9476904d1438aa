"""Builders for assessments tests: approved assessments, tiers and rollups in a few lines."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from assessments.framework_seed import seed_framework_v1, seed_framework_v2
from assessments.models import (
    AssessmentFramework,
    AssessmentStatus,
    BandCap,
    CountryAssessment,
    Criterion,
    CriterionScore,
)
from evaluations.models import CountryRollup
from programs.models import Country, CrisisEvent, PlanningCycle


def framework_v1() -> AssessmentFramework:
    """Version 1 (seeded by migration; re-seeded here after a transactional flush)."""
    seed_framework_v1(AssessmentFramework, Criterion)
    return AssessmentFramework.objects.get(version=1)


def framework_v2() -> AssessmentFramework:
    """Version 2, with its band caps (the current version; re-seeded after a flush)."""
    seed_framework_v1(AssessmentFramework, Criterion)
    seed_framework_v2(AssessmentFramework, Criterion, BandCap)
    return AssessmentFramework.objects.get(version=2)


def criterion_inputs(framework: AssessmentFramework, score: int = 4, **overrides: int) -> dict:
    """Form-shaped criterion scores: every criterion ``score`` unless overridden by code."""
    return {
        c.code: {"score": overrides.get(c.code, score), "justification": f"Evidence for {c.name}.", "evidence_url": ""}
        for c in framework.criteria.all()
    }


def assessment(
    *,
    country: Country,
    author,
    approver=None,
    scores: dict[str, int] | None = None,
    score: int = 4,
    assessed_on: dt.date | None = None,
    status: str = AssessmentStatus.APPROVED,
    framework: AssessmentFramework | None = None,
) -> CountryAssessment:
    """An assessment written straight to the tables (services are tested separately)."""
    framework = framework or framework_v1()
    now = timezone.now()
    record = CountryAssessment.objects.create(
        country=country,
        framework=framework,
        assessed_on=assessed_on or dt.date(2026, 6, 1),
        status=status,
        created_by=author,
        submitted_at=now if status != AssessmentStatus.DRAFT else None,
        approved_by=(approver or author) if status == AssessmentStatus.APPROVED else None,
        approved_at=now if status == AssessmentStatus.APPROVED else None,
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(
            assessment=record,
            criterion=criterion,
            score=(scores or {}).get(criterion.code, score),
            justification=f"Evidence for {criterion.name}.",
        )
        for criterion in framework.criteria.all()
    )
    return record


def rollup(country: Country, achievement: float | None) -> CountryRollup:
    return CountryRollup.objects.update_or_create(
        country=country, defaults={"achievement": achievement, "computed_at": timezone.now()}
    )[0]


def open_crisis(country: Country) -> CrisisEvent:
    return CrisisEvent.objects.create(country=country, title="Coup attempt", occurred_on=dt.date(2026, 5, 1))


def cycle(fiscal_year: int = 2027) -> PlanningCycle:
    return PlanningCycle.objects.get_or_create(fiscal_year=fiscal_year)[0]


def ranked_portfolio(author, *, as_of: dt.date) -> dict[str, Country]:
    """Six scored countries (under v2): complete ones, unassessed ones, one with nothing but a
    tier, one capped. Ranked GHA, UGA, COL, PER, KEN, NGA; by the raw score GHA, PER, KEN,
    UGA, COL, NGA."""
    from assessments.services import selectivity_recompute

    framework_v2()
    plan = {
        # iso3: (tier, criterion score or None, achievement or None, open crisis)
        "KEN": (2, None, 0.8, False),   # unassessed: 76.67, range 46-86
        "UGA": (2, 3, 0.8, False),      # complete: 66.00
        "COL": (1, 1, 0.5, False),      # complete, C = 0: 50.00
        "PER": (1, None, 0.5, False),   # unassessed: 83.33, range 50-90
        "NGA": (3, None, None, False),  # tier only: 50.00, range 20-80
        "GHA": (1, 5, 1.0, True),       # complete: 100, capped at review by the open crisis
    }
    countries = {}
    for iso3, (tier, score, achievement, crisis) in plan.items():
        country = Country.objects.get(iso3=iso3)
        Country.objects.filter(pk=country.pk).update(priority_tier=tier)
        if score is not None:
            assessment(country=country, author=author, score=score)
        if achievement is not None:
            rollup(country, achievement)
        if crisis:
            open_crisis(country)
        countries[iso3] = country
    selectivity_recompute(country_ids=[c.pk for c in countries.values()], as_of=as_of)
    return countries
