"""Export of any list to CSV or XLSX (tablib + openpyxl), with the filters the user applied.

Reusable by other apps: give rows, columns (header, accessor) and a file stem.
Accessors are attribute paths ("lead_agency.code") or callables taking the row; values
that are lists are joined with "; ". Rows are iterated once, so pass a queryset with its
joins and prefetches (the list selector's), never one that queries per row.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import re

import tablib
from django.http import Http404, HttpResponse
from django.utils import timezone

from .dates import datetime_iso
from .text import control_characters_strip

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Accessor = str | Callable[[Any], Any]
MAX_EXPORT_ROWS = 50_000
# Floats (weights, benefits, duals) are computed figures: 4 decimals is more than any reader
# needs and hides binary noise (0.7201000000000001 -> 0.7201).
FLOAT_DECIMALS = 4


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """Text as a spreadsheet cell: without control characters XLSX cannot hold (stored
    before input refused them: ``infrastructure.text``), and text that a spreadsheet would
    run as a formula (``=cmd|...``, ``@SUM``, ``+1+1``) written with a leading apostrophe,
    so it opens as text (OWASP "CSV injection"); plain numbers written as text (``-12.5``)
    are left alone."""
    text = control_characters_strip(text)
    if not text.startswith(FORMULA_START):
        return text
    try:
        float(text)
        return text
    except ValueError:
        return "'" + text


def _value(row: Any, accessor: Accessor) -> Any:
    if callable(accessor):
        value = accessor(row)
    else:
        value = row
        for part in accessor.split("."):
            value = getattr(value, part, None) if value is not None else None
            if callable(value) and not hasattr(value, "all"):
                value = value()
            if hasattr(value, "all") and callable(value.all):  # a related manager: prefetched
                value = [str(item) for item in value.all()]
    return cell_value(value)


def cell_value(value: Any) -> Any:
    """One value as a spreadsheet cell: lists joined with "; ", None empty, instants as ISO
    8601 text with their offset in the display time zone (``2026-11-30T21:20:48-05:00``:
    an XLSX date cell cannot hold a zone, and an unlabeled time misleads), floats rounded
    to ``FLOAT_DECIMALS``, integers, decimals and dates as they are, text through
    ``text_cell``."""
    if isinstance(value, (list, tuple)):
        return text_cell("; ".join(str(v) for v in value))
    if value is None:
        return ""
    if isinstance(value, datetime):
        return datetime_iso(value)
    if isinstance(value, float):
        return round(value, FLOAT_DECIMALS)
    if isinstance(value, (bool, int, Decimal, date)):
        return value
    return text_cell(str(value))


def dataset(rows: Iterable[Any], columns: Sequence[tuple[str, Accessor]], *, title: str = "export") -> tablib.Dataset:
    data = tablib.Dataset(headers=[header for header, _ in columns], title=title[:31])
    for index, row in enumerate(rows):
        if index >= MAX_EXPORT_ROWS:
            break
        data.append([_value(row, accessor) for _, accessor in columns])
    return data


def export_response(
    rows: Iterable[Any], columns: Sequence[tuple[str, Accessor]], *, fmt: str, stem: str
) -> HttpResponse:
    """An attachment download of ``rows`` as CSV or XLSX; unknown formats are a 404."""
    if fmt not in FORMATS:
        raise Http404(f"Unknown export format '{fmt}'; use csv or xlsx.")
    stem = file_stem(stem)
    return dataset_response(dataset(rows, columns, title=stem), fmt=fmt, stem=stem)


def file_stem(stem: str) -> str:
    """The stem names the sheet and the file: letters, digits, dot, dash only."""
    return re.sub(r"[^\w.-]+", "-", control_characters_strip(stem)).strip("-") or "export"


def dataset_response(data: tablib.Dataset, *, fmt: str, stem: str) -> HttpResponse:
    """A tablib dataset as an attachment ``<stem>-<today>.<fmt>`` (``fmt`` in FORMATS; CSV
    with a BOM so that spreadsheet programs read UTF-8)."""
    body = data.export(fmt)
    if isinstance(body, str):
        body = body.encode("utf-8-sig")
    response = HttpResponse(body, content_type=FORMATS[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{fmt}"'
    return response
