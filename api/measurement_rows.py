"""The measurement representation of the API, built from ``.values()`` rows.

Sync clients page through the measurements list more than any other (a million rows at
the benchmark size; half the API requests of the load mix), so the list skips model
instances and per-field serializer calls, as the program list does
(:mod:`api.program_rows`): one query for the page's ids, one for their columns, one for
their breakdowns, whatever the page size. ``api.serializers.measures.MeasurementSerializer``
documents the same shape and still writes details and the answers of writes; tests hold
the two equal (``tests/api/test_fast_json.py``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from infrastructure.gc_pause import collection_paused
from programs.disaggregation import breakdown_status
from programs.models import Measurement, MeasurementDisaggregation

from .program_rows import timestamp

COLUMNS = (
    "id", "moe_id", "moe__program_id", "moe__allows_negative", "period", "period_end", "value", "source",
    "evidence_url", "collected_on", "status", "return_reason", "entered_by__username", "approved_by__username",
    "approved_at", "breakdown_partial", "version", "created_at", "updated_at",
)
# numeric(18, 4), written as DRF's DecimalField writes it: always four decimals
VALUE_STEP = Decimal("0.0001")


def value_text(value: Decimal) -> str:
    """A measured value as the API writes it ("12.5000")."""
    return format(value.quantize(VALUE_STEP), "f")


def day(value: dt.date | None) -> str | None:
    """A date as DRF's DateField writes it (ISO 8601), or None."""
    return None if value is None else value.isoformat()


def _any_of(queryset: QuerySet, column: str, ids: list[int]) -> QuerySet:
    """Rows of ``queryset`` whose ``column`` is one of ``ids``: on PostgreSQL one array
    parameter (``= ANY(%s)``; a 1,000-item IN list costs Django more than the query)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        return queryset.extra(where=[f"{table}.{connection.ops.quote_name(column)} = ANY(%s)"], params=[ids])
    return queryset.filter(**{f"{column}__in": ids})


def measurement_rows(ids: list[int]) -> list[dict[str, Any]]:
    """Representations of the measurements ``ids`` (a page of the list), in that order:
    two queries whatever their number (the rows, then their breakdowns ordered by
    category). The list finds a page's ids first, with no join: the rows an offset skips
    (9,900 on page 100) are then read without their MOE and users (16-20 ms -> 5 ms at
    a million measurements). Built with the cyclic garbage collector paused (plain dicts and lists, no
    cycles)."""
    ids = list(ids)
    if not ids:
        return []
    with collection_paused():
        return _measurement_rows(ids)


def _measurement_rows(ids: list[int]) -> list[dict[str, Any]]:
    by_id = {row["id"]: row for row in _any_of(Measurement.objects.all(), "id", ids).order_by().values(*COLUMNS)}
    breakdowns: dict[int, list[tuple]] = defaultdict(list)
    for measurement_id, *item in (
        _any_of(MeasurementDisaggregation.objects.all(), "measurement_id", ids)
        .order_by("measurement_id", "category_id")
        .values_list("measurement_id", "category_id", "category__dimension", "category__name", "value")
    ):
        breakdowns[measurement_id].append(item)
    out = []
    for row in (by_id[pk] for pk in ids if pk in by_id):
        items = breakdowns.get(row["id"], [])
        out.append({
            "id": row["id"],
            "moe": row["moe_id"],
            "program": row["moe__program_id"],
            "period": row["period"],
            "period_end": day(row["period_end"]),
            "value": value_text(row["value"]),
            "source": row["source"],
            "evidence_url": row["evidence_url"],
            "collected_on": day(row["collected_on"]),
            "status": row["status"],
            "return_reason": row["return_reason"],
            "entered_by": row["entered_by__username"],
            "approved_by": row["approved_by__username"],
            "approved_at": timestamp(row["approved_at"]),
            "breakdown": [
                {"category": category, "dimension": dimension, "name": name, "value": value_text(value)}
                for category, dimension, name, value in items
            ],
            "breakdown_partial": row["breakdown_partial"],
            "breakdown_status": breakdown_status(
                row["value"], [(dimension, name, value) for _, dimension, name, value in items],
                partial=row["breakdown_partial"], allows_negative=row["moe__allows_negative"],
            ).value,
            "version": row["version"],
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        })
    return out
