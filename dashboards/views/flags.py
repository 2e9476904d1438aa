"""The list behind each flag count: the flagged items as a table, each linking to its
record."""
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from infrastructure.sql import db_datetime

from ..selectors import flags, overview, snapshots
from ..selectors.flags import KINDS
from ..selectors.overview import country_url, program_url
from ..tables import Column, Link, Table
from .scope_params import country_from_param, region_from_param
from .table_exports import export_context, table_csv


def flag_table(kind: str, country_ids: list[int] | None, *, scope: str = "portfolio") -> Table:
    """The flagged items of ``kind`` in ``scope`` (stored like the other figures)."""
    spec = flags.KINDS[kind]
    stored, computed_at = snapshots.figures(f"flags:{scope}", {
        kind: lambda: [list(row) for row in flags.flag_rows(kind, country_ids)],
        f"{kind}_count": lambda: flags.flag_counts(country_ids)[kind]})
    raw, total = stored[kind], stored[f"{kind}_count"]
    if kind == "overlaps":
        rows = [[Link(r[0], country_url(r[1])), r[2], r[3], r[4], f"FY{r[5]}"] for r in raw]
    elif kind == "gaps":
        rows = [[Link(r[0], country_url(r[1])), r[2], r[3], r[4]] for r in raw]
    elif kind == "surge":
        rows = [[Link(r[1], program_url(r[0])), r[2], r[3]] for r in raw]
    elif kind == "vetting":
        rows = [[Link(r[1], program_url(r[0])), r[2], Link(r[3], country_url(r[4])), r[5]] for r in raw]
    elif kind == "stale":
        rows = [[Link(r[0], country_url(r[1])), r[2], db_datetime(r[3])] for r in raw]
    elif kind == "overdue":
        rows = [[Link(r[1], program_url(r[0])), r[2], r[3], r[4], r[5]] for r in raw]
    else:
        rows = [[Link(r[0], country_url(r[1])), r[2], r[3]] for r in raw]
    kinds = {"Due on": "date", "Assessment date": "date", "Occurred on": "date", "Score computed at": "datetime",
             "Tier": "number"}
    table = Table(kind, spec.label, [Column(h, kinds.get(h, "text")) for h in spec.columns], rows,
                 note=spec.description + (f" Showing the first {flags.LIST_LIMIT} of {total}." if total > len(raw) else ""),
                 computed_at=computed_at, empty_message="Nothing flagged here.")
    table.total = total
    return table


def flag_list(request: HttpRequest, kind: str, table: str | None = None) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such flag.")
    region = region_from_param(request.GET.get("region"))
    country = None
    if request.GET.get("country"):
        country = country_from_param(request.GET["country"])
    if country is not None:
        country_ids, scope, key = [country.id], country.name, f"country:{country.id}"
    elif region is not None:
        country_ids, scope, key = overview.region_country_ids(region), f"{region.code} {region.name}", f"region:{region.id}"
    else:
        country_ids, scope, key = None, "the whole portfolio", "portfolio"
    flagged = flag_table(kind, country_ids, scope=key)
    if table is not None:
        return table_csv({flagged.key: flagged}, table, stem=f"flags-{kind}")
    return render(request, "dashboards/flag_list.html", {
        "kind": KINDS[kind], "table": flagged, "scope": scope, "kinds": KINDS.values(), "generated_at": timezone.now(), **export_context(request),
    })
