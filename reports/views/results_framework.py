"""The results framework page and its CSV / XLSX export."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboards.selectors.overview import region_country_ids
from dashboards.views.scope_params import ScopeQuery, region_choices
from infrastructure.exports import export_response
from programs.filters import filter_refusal
from programs.models import Country

from ..selectors.results_framework import EXPORT_COLUMNS, framework_rows, results_framework
from infrastructure.sorting import by_name


def results_framework_page(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Goal -> sub-goal -> strategy objective -> program -> MOE, filtered by ``country``
    (ISO code) or ``region`` (``bureau:AF``); ``fmt`` (csv, xlsx): the export. A filter
    that names nothing is its field's error and the framework (and export) is empty."""
    scope = ScopeQuery(request.GET)
    country = scope.value("country")
    region = None if country else scope.value("region")
    country_ids = scope.country_ids()
    if country_ids is None and region is not None:
        country_ids = region_country_ids(region)
    framework = results_framework(country_ids=country_ids, every_program=fmt is not None)
    scope_label = country.name if country else (f"{region.code} {region.name}" if region else "Portfolio")
    if fmt is not None:
        stem = "results-framework" + (f"-{country.iso3}" if country else (f"-{region.code}" if region else ""))
        columns = [(header, (lambda row, i=i: row[i])) for i, header in enumerate(EXPORT_COLUMNS)]
        return filter_refusal(scope) or export_response(framework_rows(framework), columns, fmt=fmt, stem=stem)
    query = request.GET.urlencode()
    return render(request, "reports/results_framework.html", {
        "framework": framework, "scope": scope, "scope_label": scope_label, "countries": Country.objects.order_by(by_name()).values_list(
            "iso3", "name"), "regions": region_choices(), "selected_country": country.iso3 if country else "",
        "selected_region": request.GET.get("region", "") if region else "",
        "export_query": f"?{query}" if query else "",
    })
