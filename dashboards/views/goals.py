"""The goal coverage matrix."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..selectors import overview
from .scope_params import region_choices, region_from_param, tier_from_param
from .table_exports import export_context, table_csv


def goal_coverage(request: HttpRequest, table: str | None = None) -> HttpResponse:
    region = region_from_param(request.GET.get("region"))
    tier = tier_from_param(request.GET.get("tier"))
    coverage = overview.goal_coverage(region=region, tier=tier)
    if table is not None:
        return table_csv({coverage["table"].key: coverage["table"]}, table, stem="goal-coverage")
    return render(request, "dashboards/goal_coverage.html", {
        **coverage, "regions": region_choices(), "selected_region": request.GET.get("region", ""),
        "selected_tier": tier, "region": region, "generated_at": timezone.now(), **export_context(request),
    })
