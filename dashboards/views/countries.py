"""The countries index and the country dashboard."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..selectors import overview
from ..selectors.country import PROGRAMS_SHOWN, country_dashboard
from .scope_params import country_from_param, region_choices, region_from_param, tier_from_param
from .table_exports import export_context, table_csv


def country_list(request: HttpRequest, table: str | None = None) -> HttpResponse:
    region = region_from_param(request.GET.get("region"))
    tier = tier_from_param(request.GET.get("tier"))
    include_all = request.GET.get("all") == "1"
    countries = overview.country_index(region=region, tier=tier, include_all=include_all)
    if table is not None:
        return table_csv({countries.key: countries}, table, stem="countries")
    return render(request, "dashboards/country_list.html", {
        "table": countries, "regions": region_choices(), "selected_region": request.GET.get("region", ""),
        "selected_tier": tier, "include_all": include_all, "generated_at": timezone.now(), **export_context(request),
    })


def country(request: HttpRequest, iso3: str, table: str | None = None) -> HttpResponse:
    country_obj = country_from_param(iso3)
    # The page lists the first programs; the CSV download has them all.
    dashboard = country_dashboard(country=country_obj, programs_limit=None if table == "programs" else PROGRAMS_SHOWN)
    if table is not None:
        return table_csv(dashboard.tables, table, stem=f"country-{country_obj.iso3}")
    return render(request, "dashboards/country.html", {"dashboard": dashboard, "generated_at": dashboard.generated_at, **export_context(request)})
