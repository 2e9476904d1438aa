"""Each dashboard table downloads as CSV or XLSX from
``<page>/export/<table key>.<csv|xlsx>`` with the page's own filters: where the links
point (the download itself is ``dashboards.tables.base.table_export``)."""
from __future__ import annotations

from django.http import HttpRequest


def export_context(request: HttpRequest) -> dict:
    """Where each table's downloads live: ``<this page>export/<key>.<format>?<filters>``."""
    query = request.GET.urlencode()
    return {"export_base": f"{request.path}export/", "export_query": f"?{query}" if query else ""}
