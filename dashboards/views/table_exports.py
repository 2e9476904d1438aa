"""Each dashboard table downloads as CSV from ``<page>/export/<table key>.csv`` with the
page's own filters: where the links point, and the download itself."""
from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from infrastructure.exports import export_response

from ..tables import Table


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
