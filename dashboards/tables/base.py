"""The dashboards' table: a django-tables2 table with a key (its place on the page and
in the download's address), a title (its caption), a note on how its figures are counted,
the time they were computed, and its CSV / XLSX download (django-tables2's TableExport,
through the portal's spreadsheet rules in ``infrastructure.exports``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import django_tables2 as tables
from django.http import Http404, HttpResponse
from django_tables2.export import TableExport

from infrastructure.exports import FORMATS, dataset_response, file_stem


class DashboardTable(tables.Table):
    """Rows are dicts (or records) from the dashboards' selectors. Subclasses declare
    ``key``, ``title``, ``note`` and ``empty`` (the empty state's sentence; an instance
    may add ``empty_action``, ``{"text", "url"}``: where to act, which a brief links);
    ``computed_at`` is set per instance
    (None: live figures read at page load). ``headers`` renames columns whose header
    depends on the data (a funding window)."""

    key = ""
    title = ""
    note = ""
    empty = "Nothing to show yet."
    empty_action: dict | None = None

    # Passed on every instance: django-tables2 reads a Meta only from the class that
    # declares it, so a subclass without its own Meta would lose these.
    TEMPLATE = "dashboards/partials/data_table.html"
    # Compact cells (ten columns fit at 1366 px); stacked (a card per row, each cell with
    # its header) on narrow screens.
    ATTRS = {"class": "usa-table usa-table--borderless usa-table--compact usa-table--stacked"}

    def __init__(self, data: Iterable, *, computed_at: dt.datetime | None = None, note: str | None = None,
                 headers: dict[str, str] | None = None, key: str | None = None, title: str | None = None,
                 extra_columns: list[tuple[str, tables.Column]] | None = None):
        super().__init__(list(data), extra_columns=extra_columns, empty_text=self.empty, attrs=dict(self.ATTRS),
                         orderable=False, template_name=self.TEMPLATE)
        self.computed_at = computed_at
        if note is not None:
            self.note = note
        if key is not None:
            self.key = key
        if title is not None:
            self.title = title
        for name, header in (headers or {}).items():
            self.columns[name].column.verbose_name = header

    @property
    def headers(self) -> list[str]:
        """The column headers, as the export writes them."""
        return [str(column.header) for column in self.columns]


def table_export(tables_by_key: dict[str, DashboardTable], key: str, *, export_format: str,
                 stem: str) -> HttpResponse:
    """The table ``key`` of a page as a download (``export_format``: csv or xlsx), with
    exactly the rows the page shows; an unknown table or format is a 404."""
    table = tables_by_key.get(key)
    if table is None:
        raise Http404("No such table on this dashboard.")
    if export_format not in FORMATS:
        raise Http404(f"Unknown export format '{export_format}'; use csv or xlsx.")
    stem = file_stem(f"{stem}-{key}")
    exporter = TableExport(export_format, table, dataset_kwargs={"title": stem[:31]})
    return dataset_response(exporter.dataset, fmt=export_format, stem=stem)
