"""Reads of evaluations, recommendations and the evaluation priority list."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from programs.fiscal import funding_window
from programs.models import Funding, Program, RUNNING_STATUSES

from ..computations.priority import evaluation_priority
from ..models import CLOSED_FOLLOW_UP, Evaluation, Recommendation


def evaluation_list(*, program_id: int | None = None, evaluation_type: str = "") -> QuerySet[Evaluation]:
    """Evaluations, newest first, with recommendation_count, open_count and overdue_count (open recommendations past their due date today); optionally of one program or type."""
    today = timezone.localdate()
    open_q = ~Q(recommendations__follow_up_status__in=CLOSED_FOLLOW_UP)
    rows = (
        Evaluation.objects.select_related("program__lead_agency")
        .annotate(
            recommendation_count=Count("recommendations", distinct=True),
            open_count=Count("recommendations", filter=open_q, distinct=True),
            overdue_count=Count("recommendations", filter=open_q & Q(recommendations__due_on__lt=today), distinct=True),
        )
        .order_by("-started_on", "-id")
    )
    if program_id:
        rows = rows.filter(program_id=program_id)
    if evaluation_type:
        rows = rows.filter(evaluation_type=evaluation_type)
    return rows


def evaluation_detail(pk: int) -> Evaluation:
    """One evaluation with its program, author, documents and recommendations (by due date); raises Evaluation.DoesNotExist."""
    return (
        Evaluation.objects.select_related("program__lead_agency", "created_by")
        .prefetch_related("documents", Prefetch("recommendations", queryset=Recommendation.objects.order_by("due_on", "id")))
        .get(pk=pk)
    )


def overdue_recommendations(today: dt.date | None = None) -> QuerySet[Recommendation]:
    """Open recommendations past their due date, oldest first."""
    today = today or timezone.localdate()
    return (
        Recommendation.objects.filter(due_on__lt=today)
        .exclude(follow_up_status__in=CLOSED_FOLLOW_UP)
        .select_related("evaluation__program__lead_agency")
        .order_by("due_on", "id")
    )


def evaluations_with_recommendations(program_id: int | None = None) -> QuerySet[Evaluation]:
    """For the API and dashboards: evaluations with their recommendations prefetched."""
    rows = Evaluation.objects.select_related("program").prefetch_related("recommendations", "documents")
    return rows if program_id is None else rows.filter(program_id=program_id)


def evaluation_priority_ranking(*, today: dt.date | None = None, limit: int | None = None) -> list[dict]:
    """Running programs ranked by their need of an independent evaluation, with reasons
    (one query; the score is the pure function in computations.priority)."""
    today = today or timezone.localdate()
    first, last = funding_window(today)
    funding = (
        Funding.objects.filter(program=OuterRef("pk"), fiscal_year__gte=first, fiscal_year__lte=last)
        .values("program").annotate(total=Sum("obligated")).values("total")
    )
    programs = list(
        Program.objects.filter(status__in=RUNNING_STATUSES, archived_at__isnull=True)
        .select_related("lead_agency", "rollup")
        .annotate(
            window_funding=Coalesce(Subquery(funding, output_field=DecimalField()), Value(Decimal(0)), output_field=DecimalField()),
            last_evaluated=Max("evaluations__completed_on", filter=Q(evaluations__is_independent=True)),
        )
        .order_by("code")
    )
    max_funding = max((p.window_funding for p in programs), default=Decimal(0))
    ranking = []
    for program in programs:
        rollup = getattr(program, "rollup", None)
        years = None if program.last_evaluated is None else (today - program.last_evaluated).days / 365.25
        priority = evaluation_priority(
            funding=program.window_funding,
            max_funding=max_funding,
            moe_count=rollup.moe_count if rollup else 0,
            moes_with_data=rollup.moes_with_data if rollup else 0,
            years_since=years,
        )
        ranking.append({"program": program, "score": priority.score, "reasons": priority.reasons,
                        "funding": program.window_funding, "last_evaluated": program.last_evaluated,
                        "rollup": rollup})
    ranking.sort(key=lambda r: (-r["score"], r["program"].code))
    return ranking[:limit] if limit else ranking
