"""Region dashboards (State bureaus and combatant commands)."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..maps.colouring import CHOICES, choice_from_param
from ..selectors import maps, overview
from .scope_params import region_from_path
from .table_exports import export_context, table_csv


def region(request: HttpRequest, scheme: str, code: str, table: str | None = None) -> HttpResponse:
    region_obj = region_from_path(scheme, code)
    dashboard = overview.region_dashboard(region=region_obj)
    if table is not None:
        return table_csv(dashboard.tables, table, stem=f"region-{region_obj.code}")
    return render(request, "dashboards/region.html", {
        "dashboard": dashboard, "generated_at": dashboard.generated_at, **export_context(request),
        "map": maps.region_map(region=region_obj, choice=choice_from_param(request.GET.get("map")),
                               country_ids=dashboard.extra["country_ids"],
                               country_funding=dashboard.extra["country_funding"]),
        "map_choices": CHOICES.items(),
    })
