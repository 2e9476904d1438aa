"""The list behind each flag count: the flagged items as a table, each linking to its
record."""
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from programs.filters import filter_refusal

from ..selectors import flags, overview
from ..tables.base import table_export
from ..tables.flags import FLAG_TABLES, FlagTable
from .scope_params import ScopeQuery
from .table_exports import export_context


def flag_table(flagged: flags.FlagList) -> FlagTable:
    """The table of a flag list, saying how many are flagged when it shows the first."""
    kind = flags.KINDS[flagged.kind]
    shown = len(flagged.rows)
    note = kind.description + (f" Showing the first {flags.LIST_LIMIT} of {flagged.total}."
                               if flagged.total > shown else "")
    table = FLAG_TABLES[flagged.kind].from_rows(flagged.rows, key=flagged.kind, title=kind.label, note=note,
                                                computed_at=flagged.computed_at)
    table.total = flagged.total
    table.shown = shown
    return table


def flag_list(request: HttpRequest, kind: str, table: str | None = None, export_format: str = "csv") -> HttpResponse:
    if kind not in flags.KINDS:
        raise Http404("No such flag.")
    scope_query = ScopeQuery(request.GET)
    if table is not None and (refusal := filter_refusal(scope_query)):  # a download answers 400, not an empty file
        return refusal
    region, country = scope_query.value("region"), scope_query.value("country")
    if not scope_query.is_valid():  # a filter that names nothing matches nothing
        country_ids, scope, key = [], "no country (correct the filter)", "none"
    elif country is not None:
        country_ids, scope, key = [country.id], country.name, f"country:{country.id}"
    elif region is not None:
        country_ids, scope, key = overview.region_country_ids(region), f"{region.code} {region.name}", f"region:{region.id}"
    else:
        country_ids, scope, key = None, "the whole portfolio", "portfolio"
    flagged = flag_table(flags.flag_list(kind, country_ids, scope=key))
    if table is not None:
        return table_export({flagged.key: flagged}, table, export_format=export_format, stem=f"flags-{kind}")
    return render(request, "dashboards/flag_list.html", {
        "kind": flags.KINDS[kind], "table": flagged, "scope": scope, "scope_query": scope_query, "kinds": flags.KINDS.values(),
        "generated_at": timezone.now(), **export_context(request),
    })
