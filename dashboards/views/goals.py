"""The goal coverage matrix."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from programs.filters import filter_refusal

from ..selectors import overview
from ..tables.base import table_export
from ..tables.links import country_url
from ..tables.overview import coverage_table
from .scope_params import ScopeQuery, region_choices
from .table_exports import export_context


def goal_coverage(request: HttpRequest, table: str | None = None, export_format: str = "csv") -> HttpResponse:
    scope = ScopeQuery(request.GET)
    if table is not None and (refusal := filter_refusal(scope)):  # a download answers 400, not an empty file
        return refusal
    region, tier = scope.value("region"), scope.value("tier")
    coverage = overview.goal_coverage(region=region, tier=tier, country_ids=scope.country_ids())
    download = coverage_table(coverage)
    if table is not None:
        return table_export({download.key: download}, table, export_format=export_format, stem="goal-coverage")
    matrix = [{**row, "url": country_url(row["country"].iso3)} for row in coverage.matrix]
    return render(request, "dashboards/goal_coverage.html", {
        "goals": coverage.goals, "matrix": matrix, "window": coverage.window, "gap_count": coverage.gap_count,
        "table": download, "scope": scope, "regions": region_choices(), "selected_region": request.GET.get("region", ""),
        "selected_tier": tier, "region": region, "generated_at": timezone.now(), **export_context(request),
    })
