"""Reads of programs: list and detail querysets with their joins, prefetches and sums.

Every queryset here issues a fixed number of queries however many rows it returns
(prefetches, not per-row lookups), so list and detail pages stay flat as data grows.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from ..models import (
    Country,
    Funding,
    Goal,
    MeasureOfEffectiveness,
    Measurement,
    Program,
    ProgramReview,
    Target,
    Vetting,
)
from infrastructure.sorting import by_name

_MONEY = DecimalField(max_digits=18, decimal_places=2)


def _funding_total(field: str) -> Coalesce:
    """Sum of one funding column over all fiscal years of the program (USD), as a subquery
    so that it does not multiply with the many-to-many joins of the filters."""
    total = (
        Funding.objects.filter(program=OuterRef("pk"))
        .order_by()
        .values("program")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=_MONEY), Value(Decimal("0")), output_field=_MONEY)


def program_queryset(*, include_archived: bool = True) -> QuerySet[Program]:
    """Programs with their lead agency and funding totals (planned/obligated/disbursed, USD).

    The base of the list page, the exports and the API; FilterSets narrow it further.
    """
    queryset = Program.objects.select_related("lead_agency", "archived_by").annotate(
        total_planned=_funding_total("planned"),
        total_obligated=_funding_total("obligated"),
        total_disbursed=_funding_total("disbursed"),
    )
    if not include_archived:
        queryset = queryset.filter(archived_at__isnull=True)
    return queryset


def program_list_queryset() -> QuerySet[Program]:
    """Programs for list pages: with their countries, supporting agencies, goals and sectors."""
    return program_queryset().prefetch_related(
        Prefetch("countries", queryset=Country.objects.only("id", "iso3", "name").order_by(by_name())),
        "supporting_agencies",
        Prefetch("goals", queryset=Goal.objects.only("id", "code", "title", "sort_order")),
        "sectors",
    )


def program_detail(*, pk: int) -> Program:
    """One program with everything its detail page shows, in a fixed number of queries.

    Raises Program.DoesNotExist when there is none.
    """
    moes = MeasureOfEffectiveness.objects.filter(archived_at__isnull=True).prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("period_end")),
        Prefetch(
            "measurements",
            queryset=Measurement.objects.select_related("entered_by", "approved_by").order_by("period_end"),
        ),
        "disaggregation_categories",
    )
    return (
        program_queryset()
        .select_related("long_term_objective__strategy")
        .prefetch_related(
            Prefetch(
                "countries",
                queryset=Country.objects.select_related("state_bureau", "combatant_command").order_by(by_name()),
            ),
            "supporting_agencies",
            Prefetch("partner_institutions__vettings", queryset=Vetting.objects.order_by("-requested_on")),
            "partner_institutions__country",
            "goals__parent",
            "objectives__strategy",
            "sectors",
            "implementing_partners",
            Prefetch("funding", queryset=Funding.objects.order_by("fiscal_year")),
            Prefetch("moes", queryset=moes),
            Prefetch("reviews", queryset=ProgramReview.objects.select_related("cycle", "crisis", "decided_by")),
        )
        .get(pk=pk)
    )


PICKER_RESULTS = 20  # at most this many records answer one search of a picker

# The programs a program picker offers: those the program list shows by default, every
# program not archived (every signed-in user reads every program: docs/access-control.md,
# "Reads"; an archived program takes no new evaluation or report).
PICKABLE = Q(archived_at__isnull=True)


def pickable_programs() -> QuerySet[Program]:
    """The programs a program picker offers (``PICKABLE``), by code."""
    return Program.objects.filter(PICKABLE).order_by("code")


def program_search(text: str, *, limit: int = PICKER_RESULTS) -> list[dict]:
    """Pickable programs whose code or title contains ``text`` (any case), by code: at
    most ``limit`` rows of ``{"code", "title"}``, in one query. An empty ``text`` gives
    the first programs by code; NUL characters (which PostgreSQL refuses) are dropped. At 20,000 programs PostgreSQL walks the code index and
    stops at ``limit`` matches (docs/performance.md, "Program pickers")."""
    queryset = pickable_programs()
    text = text.replace("\x00", "").strip()
    if text:
        queryset = queryset.filter(Q(code__icontains=text) | Q(title__icontains=text))
    return list(queryset.values("code", "title")[:limit])
