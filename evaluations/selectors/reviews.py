"""Reads for the review queue and the annual planning worksheet."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from programs.fiscal import funding_window
from programs.models import Country, CrisisEvent, Funding, PlanningCycle, ProgramReview
from programs.selectors.reviews import reviews_pending
from infrastructure.sorting import by_name


def _reviews(reviews: QuerySet[ProgramReview]) -> QuerySet[ProgramReview]:
    first, last = funding_window(timezone.localdate())
    funding = (
        Funding.objects.filter(program=OuterRef("program_id"), fiscal_year__gte=first, fiscal_year__lte=last)
        .values("program").annotate(total=Sum("obligated")).values("total")
    )
    return (
        reviews.select_related(
            "program__lead_agency", "program__rollup", "crisis__country", "cycle", "decided_by"
        )
        .prefetch_related(Prefetch("program__countries", queryset=Country.objects.order_by(by_name())))
        .annotate(window_funding=Coalesce(Subquery(funding, output_field=DecimalField()), Value(Decimal(0)),
                                          output_field=DecimalField()))
    )


def pending_reviews() -> QuerySet[ProgramReview]:
    """Reviews awaiting a decision (``programs.selectors.reviews.reviews_pending``: of
    programs not archived): out-of-cycle (crisis) ones first, oldest first."""
    return _reviews(reviews_pending()).order_by("-out_of_cycle", "created_at", "id")


def cycle_reviews(cycle: PlanningCycle) -> QuerySet[ProgramReview]:
    """The reviews of a planning cycle, by program code."""
    return _reviews(ProgramReview.objects.filter(cycle=cycle)).order_by("program__code")


def open_crisis_country_ids() -> set[int]:
    """Ids of the countries with a crisis event not yet closed."""
    return set(CrisisEvent.objects.filter(closed_on__isnull=True).values_list("country_id", flat=True))


def review_flags(review: ProgramReview, open_crisis_countries: set[int]) -> list[str]:
    """Flags shown beside a program on the worksheet (no queries: uses prefetched data)."""
    program = review.program
    flags = []
    rollup = getattr(program, "rollup", None)
    if rollup is None or rollup.moes_with_data == 0:
        flags.append("no MOE data")
    elif rollup.status == "off_track":
        flags.append("off track")
    if program.is_surge and (program.long_term_objective_id is None or not program.sustainment_plan.strip()):
        flags.append("surge without long-term link or sustainment plan")
    if any(c.id in open_crisis_countries for c in program.countries.all()):
        flags.append("open crisis")
    if program.status == "under_review":
        flags.append("under review")
    return flags
