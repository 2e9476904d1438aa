"""Bulk inserts for generated data: COPY on PostgreSQL, batched bulk_create elsewhere.

Both bypass ``Model.save()`` and signals (no change history is written for generated
rows); callers set derived columns (``period_end``) and timestamps themselves. Database
constraints still apply to every row.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, models

BATCH_SIZE = 2000
COPY_CHUNK_ROWS = 50_000


def _copy_text(value) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, Decimal, int, float)):
        return str(value)
    return (
        str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, attribute names such as
    ``moe_id``) into ``model``'s table; returns the number inserted. No ids come back."""
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows)
    count = 0
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row))))
        if len(batch) >= BATCH_SIZE:
            model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        count += len(batch)
    return count


def _copy(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    meta = model._meta
    db_columns = [meta.get_field(name).column for name in columns]  # attnames resolve too
    sql = "COPY {} ({}) FROM STDIN".format(
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(c) for c in db_columns),
    )
    count = 0
    buffer = io.StringIO()
    pending = 0
    with connection.cursor() as cursor:
        for row in rows:
            buffer.write("\t".join(map(_copy_text, row)))
            buffer.write("\n")
            pending += 1
            if pending >= COPY_CHUNK_ROWS:
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                count += pending
                buffer, pending = io.StringIO(), 0
        if pending:
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
            count += pending
    return count


def create_returning_ids(objects: list[models.Model]) -> list[models.Model]:
    """bulk_create in batches; PostgreSQL and SQLite (3.35+) set each object's id."""
    if not objects:
        return objects
    type(objects[0]).objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return objects
