"""A list of integers (ids) in one column, on both databases the portal runs on:
``integer[]`` on PostgreSQL, JSON text (``[3, 7]``) on SQLite; with an ``overlaps``
lookup ("has any of these ids"). Raw SQL writes it with
:func:`infrastructure.sql.int_array` and :func:`infrastructure.sql.int_array_agg`."""
from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import models
from django.db.models.lookups import FieldGetDbPrepValueMixin, Lookup


class IntegerArrayField(models.Field):
    """A list of integers, read back as a Python ``list[int]`` (in stored order). No
    index helps ``overlaps`` on it: filter on an indexed column first (a rule's rows)."""

    description = "List of integers"

    def db_type(self, connection) -> str:
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection) -> list[int] | None:
        if value is None:
            return None
        return [int(v) for v in (json.loads(value) if isinstance(value, str) else value)]

    def to_python(self, value) -> list[int] | None:
        if value is None or isinstance(value, list):
            return value
        return [int(v) for v in (json.loads(value) if isinstance(value, str) else value)]

    def get_prep_value(self, value: Iterable[int] | None) -> list[int] | None:
        return None if value is None else [int(v) for v in value]

    def get_db_prep_value(self, value, connection, prepared: bool = False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or connection.vendor == "postgresql":
            return value
        return json.dumps(value)


@IntegerArrayField.register_lookup
class Overlaps(FieldGetDbPrepValueMixin, Lookup):
    """``ids__overlaps=[3, 7]``: the stored list holds 3 or 7 (or both)."""

    lookup_name = "overlaps"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} && CAST({rhs} AS integer[])", [*lhs_params, *rhs_params]
        return (f"EXISTS (SELECT 1 FROM json_each({lhs}) AS stored JOIN json_each({rhs}) AS wanted "
                f"ON stored.value = wanted.value)", [*lhs_params, *rhs_params])
