"""Demo assessments and selectivity scores, built after the programs demo portfolio.

Called by ``load_demo_data`` (programs.demo.loading) as ``build_demo_data(seed=...)``.
Idempotent: countries that already have a demo assessment are left alone; the scores are
then recomputed, which adds nothing when nothing changed.
"""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from programs.models import Country
from programs.permissions import ANALYST, MANAGER

from . import services
from .models import CountryAssessment
from .selectors import framework_current

DEMO_MARK = "[demo]"
DEMO_APPROVED = 5


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


def _scores(rng: random.Random, framework) -> dict:
    return {
        criterion.code: {
            "score": rng.randint(1, 5),
            "justification": f"{DEMO_MARK} Judgement on {criterion.name.lower()} from the embassy's annual review.",
            "evidence_url": "",
        }
        for criterion in framework.criteria.all()
    }


def build_demo_data(*, seed: int) -> None:
    """A handful of approved assessments (and one submitted) for tiered demo countries."""
    framework = framework_current()
    author, approver = _demo_actors()
    if framework is None or author is None or approver is None or author == approver:
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        countries = list(Country.objects.filter(priority_tier__isnull=False).order_by("iso3")[: DEMO_APPROVED + 1])
        done = set(
            CountryAssessment.objects.filter(country__in=countries, summary__startswith=DEMO_MARK)
            .values_list("country_id", flat=True)
        )
        for index, country in enumerate(countries):
            if country.id in done:
                continue
            # One in five is older than 18 months, to show the "stale" flag.
            age_days = rng.randint(600, 700) if index % 5 == 4 else rng.randint(20, 400)
            assessment = services.assessment_create(
                user=author,
                country=country,
                assessed_on=today - dt.timedelta(days=age_days),
                criterion_scores=_scores(rng, framework),
                summary=f"{DEMO_MARK} Conditions for sustainable capacity in {country.name}.",
                evidence_links="https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/",
            )
            assessment = services.assessment_submit(user=author, assessment=assessment, version=assessment.version)
            if index < DEMO_APPROVED:
                services.assessment_approve(user=approver, assessment=assessment, version=assessment.version)
        services.selectivity_recompute()
