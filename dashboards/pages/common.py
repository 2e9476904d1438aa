"""What every dashboard page shares: parsing the scope filters and the CSV download."""
from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from infrastructure.exports import export_response
from programs.models import PriorityTier, Region, RegionScheme

from ..selectors import SCHEME_SLUG_OF, SCHEME_SLUGS
from ..tables import Table


def region_from_param(value: str | None) -> Region | None:
    """``bureau:AF`` or ``command:AFRICOM`` -> Region; empty -> None; unknown -> 404."""
    if not value:
        return None
    slug, _, code = value.partition(":")
    scheme = SCHEME_SLUGS.get(slug)
    region = Region.objects.filter(scheme=scheme, code__iexact=code).first() if scheme else None
    if region is None:
        raise Http404("Unknown region; use e.g. bureau:AF or command:AFRICOM.")
    return region


def tier_from_param(value: str | None) -> int | None:
    if value in {str(t) for t in PriorityTier.values}:
        return int(value)
    return None


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    regions = list(Region.objects.order_by("scheme", "code").values_list("scheme", "code", "name"))
    groups = []
    for scheme, label in ((RegionScheme.STATE_BUREAU, "State bureaus"), (RegionScheme.COMBATANT_COMMAND, "Combatant commands")):
        groups.append((label, [(f"{SCHEME_SLUG_OF[scheme]}:{code}", f"{code} {name}") for s, code, name in regions if s == scheme]))
    return groups


def export_context(request: HttpRequest) -> dict:
    """Where each table's CSV download lives: ``<this page>export/<key>.csv?<filters>``."""
    query = request.GET.urlencode()
    return {"export_base": f"{request.path}export/", "export_query": f"?{query}" if query else ""}


def table_csv(tables: dict[str, Table], key: str, *, stem: str) -> HttpResponse:
    """The named table of a dashboard as a CSV download (exactly the rows the page shows)."""
    table = tables.get(key)
    if table is None:
        raise Http404("No such table on this dashboard.")
    columns = [(header, (lambda row, i=i: row[i])) for i, header in enumerate(table.headers)]
    return export_response(table.export_rows(), columns, fmt="csv", stem=f"{stem}-{key}")
