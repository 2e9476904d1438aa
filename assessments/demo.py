"""Demo assessments and selectivity scores, built after the programs demo portfolio.

Called by ``load_demo_data`` (programs.demo.loading) as ``build_demo_data(seed=...)``.
As in real use (issue 15): most countries with demo programs have an approved assessment,
some of them older than 18 months (stale), a few only submitted (awaiting a manager) and
a few none at all, so the ranking shows ranges, caps and flags as it would in practice.
Criterion scores cluster around a level per country; a few countries have a
human-rights concern (the governance / human-rights criterion at 1 or 2).

Rows go in by bulk inserts with their history (as the programs demo does), so the
database constraints check them and the build stays fast (about 10 queries whatever the
number of countries, then one recompute); the approval workflow itself is tested in
tests/assessments/test_services.py.

Deterministic for a seed (countries are taken in ISO order and shuffled by the seed's
generator; dates count back from today). Idempotent: countries that already have a demo
assessment are left alone; the scores are then recomputed, which adds nothing when
nothing changed.
"""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from programs.models import Country
from programs.permissions import ANALYST, MANAGER

from . import services
from .computations.selectivity import stale_cutoff
from .models import AssessmentStatus, CountryAssessment, CriterionScore
from .selectors import framework_current

DEMO_MARK = "[demo]"
DEMO_PROGRAM_PREFIX = "DEMO-"
# Shares of the countries with demo programs, rounded to whole countries.
SHARE_NOT_ASSESSED = 0.08
SHARE_SUBMITTED_ONLY = 0.06
SHARE_STALE = 0.18
SHARE_HUMAN_RIGHTS_CONCERN = 0.12
EVIDENCE_LINK = "https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/"


def _demo_actors():
    users = get_user_model().objects.filter(is_active=True)
    author = (
        users.filter(username="analyst.state").first()
        or users.filter(groups__name=ANALYST).order_by("id").first()
    )
    approver = (
        users.filter(username="manager").first()
        or users.filter(groups__name=MANAGER).exclude(pk=getattr(author, "pk", None)).order_by("id").first()
    )
    return author, approver


def _scores(rng: random.Random, criteria: list, *, concern: bool) -> list[int]:
    """Criterion scores (1-5, in ``criteria`` order) around the country's level; the
    human-rights criterion at 1-2 when ``concern``, else at 3 or more."""
    level = rng.choice((2, 3, 3, 4, 4, 5))
    scores = []
    for criterion in criteria:
        if criterion.is_human_rights:
            scores.append(rng.choice((1, 2)) if concern else min(5, max(3, level + rng.choice((-1, 0, 1)))))
        else:
            scores.append(min(5, max(1, level + rng.choice((-1, 0, 0, 1)))))
    return scores


def _plan(countries: list[Country], rng: random.Random) -> dict[int, str]:
    """Country id -> "none", "submitted", "stale" or "recent" (the approved ones)."""
    shuffled = list(countries)
    rng.shuffle(shuffled)
    n = len(shuffled)
    cuts = [round(n * SHARE_NOT_ASSESSED), round(n * SHARE_SUBMITTED_ONLY), round(n * SHARE_STALE)]
    kinds = ["none"] * cuts[0] + ["submitted"] * cuts[1] + ["stale"] * cuts[2]
    kinds += ["recent"] * (n - len(kinds))
    return {country.id: kind for country, kind in zip(shuffled, kinds)}


def build_demo_data(*, seed: int) -> None:
    """Assessments for the countries of the demo programs (see the module docstring)."""
    framework = framework_current()
    author, approver = _demo_actors()
    if framework is None or author is None or approver is None or author == approver:
        return
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    cutoff = stale_cutoff(today)
    criteria = list(framework.criteria.all())
    with transaction.atomic():
        countries = list(
            Country.objects.filter(programs__code__startswith=DEMO_PROGRAM_PREFIX).distinct().order_by("iso3")
        )
        plan = _plan(countries, rng)
        concerned = set(rng.sample(sorted(plan), round(len(plan) * SHARE_HUMAN_RIGHTS_CONCERN)))
        done = set(
            CountryAssessment.objects.filter(country__in=countries, summary__startswith=DEMO_MARK)
            .values_list("country_id", flat=True)
        )
        assessments, scores = [], []
        for country in countries:
            kind = plan[country.id]
            # Drawn for every country, so a country's figures do not depend on the others' state.
            points = _scores(rng, criteria, concern=country.id in concerned)
            days_back = rng.randint(15, 300) if kind == "stale" else rng.randint(20, 400)
            if kind == "none" or country.id in done:
                continue
            approved = kind != "submitted"
            assessments.append(CountryAssessment(
                country=country, framework=framework,
                assessed_on=(cutoff if kind == "stale" else today) - dt.timedelta(days=days_back),
                summary=f"{DEMO_MARK} Conditions for sustainable capacity in {country.name}.",
                evidence_links=EVIDENCE_LINK,
                status=AssessmentStatus.APPROVED if approved else AssessmentStatus.SUBMITTED,
                created_by=author, content_author=author, submitted_at=now,
                approved_by=approver if approved else None, approved_at=now if approved else None,
            ))
            scores.append(points)
        created = bulk_create_with_history(assessments, CountryAssessment, default_user=author, default_date=now)
        bulk_create_with_history(
            [
                CriterionScore(
                    assessment=assessment, criterion=criterion, score=point,
                    justification=f"{DEMO_MARK} Judgment on {criterion.name.lower()} from the embassy's annual review.",
                )
                for assessment, points in zip(created, scores)
                for criterion, point in zip(criteria, points)
            ],
            CriterionScore, default_user=author, default_date=now,
        )
        services.selectivity_recompute()
