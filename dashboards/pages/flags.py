"""The list behind each flag count: the flagged items, each linking to its record."""
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from ..flag_tables import flag_table
from ..flags import KINDS
from .common import export_context, region_from_param, table_csv


def flag_list(request: HttpRequest, kind: str, table: str | None = None) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such flag.")
    region = region_from_param(request.GET.get("region"))
    country = None
    if request.GET.get("country"):
        from ..country import country_get

        country = country_get(iso3=request.GET["country"])
    if country is not None:
        country_ids, scope, key = [country.id], country.name, f"country:{country.id}"
    elif region is not None:
        country_ids, scope, key = selectors.region_country_ids(region), f"{region.code} {region.name}", f"region:{region.id}"
    else:
        country_ids, scope, key = None, "the whole portfolio", "portfolio"
    flagged = flag_table(kind, country_ids, scope=key)
    if table is not None:
        return table_csv({flagged.key: flagged}, table, stem=f"flags-{kind}")
    return render(request, "dashboards/flag_list.html", {
        "kind": KINDS[kind], "table": flagged, "scope": scope, "kinds": KINDS.values(), "generated_at": timezone.now(), **export_context(request),
    })
