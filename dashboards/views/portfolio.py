"""The portfolio dashboard."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..maps.colouring import CHOICES, choice_from_param
from ..selectors import maps, overview
from .table_exports import export_context, table_csv


def portfolio(request: HttpRequest, table: str | None = None) -> HttpResponse:
    scheme = overview.SCHEME_SLUGS.get(request.GET.get("scheme", "bureau"), overview.RegionScheme.STATE_BUREAU)
    dashboard = overview.portfolio_dashboard(scheme=scheme)
    if table is not None:
        return table_csv(dashboard.tables, table, stem="portfolio")
    return render(request, "dashboards/portfolio.html", {
        "dashboard": dashboard, "generated_at": dashboard.generated_at, **export_context(request),
        "map": maps.portfolio_map(choice=choice_from_param(request.GET.get("map")),
                                  country_funding=dashboard.extra["country_funding"]),
        "map_choices": CHOICES.items(),
        "map_keep": [("scheme", dashboard.extra["scheme_slug"])],
    })
