"""What only a PDF brief reads: the footer caveat, obligated funding by account and fiscal
year, and a country's recent review decisions. Everything else a brief shows is the
dashboards' own figures (``dashboards.selectors``: one definition of each figure), laid
out by the dashboards' tables (``reports.views.brief_pages``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from programs.models import RUNNING_STATUSES, Country, Funding, Program, ProgramReview
from programs.selectors.reviews import reviews_pending

from ..models import DEFAULT_FOOTER, BriefSettings

REVIEWS_SHOWN = 10
NO_ACCOUNT = "(no account recorded)"


def footer_text() -> str:
    """The caveat printed at the foot of every page (Reports > Brief settings in the admin)."""
    return BriefSettings.current().footer_text or DEFAULT_FOOTER


@dataclass
class AccountFunding:
    """Obligated USD by funding account: ``years`` (fiscal years, ascending) and ``rows``
    (dicts: ``account``, ``fy<year>`` for each year (Decimal, 0 when none), ``total``),
    in account order."""

    years: list[int]
    rows: list[dict]


def funding_by_account(country_ids: list[int] | None) -> AccountFunding:
    """Obligated USD by funding account (``Program.funding_authority``) and fiscal year,
    of programs not archived with a country in ``country_ids`` (None: all), each program
    once (a regional program counts in full, as on the dashboards); an account with
    nothing obligated in any of the years is left out. One query."""
    rows = Funding.objects.filter(program__archived_at__isnull=True)
    if country_ids is not None:
        rows = rows.filter(program__in=Program.objects.filter(countries__id__in=country_ids).values("id"))
    sums = (rows.values("program__funding_authority", "fiscal_year").annotate(obligated=Sum("obligated"))
            .order_by("program__funding_authority", "fiscal_year"))
    years: set[int] = set()
    by_account: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in sums:
        by_account[row["program__funding_authority"] or NO_ACCOUNT][row["fiscal_year"]] += row["obligated"]
        years.add(row["fiscal_year"])
    ordered = sorted(years)
    return AccountFunding(years=ordered, rows=[
        {"account": account, **{f"fy{y}": amounts.get(y, Decimal(0)) for y in ordered},
         "total": sum(amounts.values(), Decimal(0))}
        for account, amounts in sorted(by_account.items()) if any(amounts.values())])  # no all-zero rows


def review_decisions(country: Country) -> QuerySet[ProgramReview]:
    """The latest REVIEWS_SHOWN decided reviews of programs in ``country``, newest first,
    with their program, decider and cycle."""
    return (ProgramReview.objects.filter(program__countries=country).exclude(decision="")
            .select_related("program", "decided_by", "cycle").order_by("-decided_at", "-id")[:REVIEWS_SHOWN])


@dataclass(frozen=True)
class UndecidedReviews:
    """The reviews of a country's programs (not archived) that wait for a decision: how
    many, and how many of them a crisis event opened."""

    count: int
    after_crisis: int


def undecided_reviews(country: Country) -> UndecidedReviews:
    """What waits for a decision when :func:`review_decisions` has nothing to show. One query."""
    counts = (reviews_pending().filter(program__countries=country)
              .aggregate(n=Count("id", distinct=True), crisis=Count("id", distinct=True, filter=Q(crisis__isnull=False))))
    return UndecidedReviews(counts["n"], counts["crisis"])


def running_largest_first(programs: list[Program]) -> list[Program]:
    """The running programs among the country dashboard's ``programs`` (with their
    ``total_obligated``), the largest obligations first."""
    return sorted((p for p in programs if p.status in RUNNING_STATUSES), key=lambda p: -(p.total_obligated or 0))
