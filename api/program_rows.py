"""The program representation of the API, built from ``.values()`` rows.

The program list is the endpoint other systems sync most, so it skips model instances
and per-field serializer calls: one query for the page's columns, one for the related lists
(every many-to-many list in one UNION ALL, and the funding rows), whatever the page size. ``api.serializers.programs.ProgramSerializer`` documents the
same shape, and tests hold the two equal. This is the reference: the list endpoint's
compact JSON pages on PostgreSQL are written by the database (:mod:`api.program_rows_json`,
held byte for byte equal to this rendered); CSV, indented JSON, details and SQLite use this.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import CharField, F, IntegerField, QuerySet, Value

from infrastructure.gc_pause import collection_paused
from programs.models import Funding, Program

COLUMNS = (
    "id", "code", "title", "description", "lead_agency_id", "lead_agency__code", "purpose",
    "funding_authority", "start_fy", "end_fy", "status", "status_changed_at", "is_surge",
    "long_term_objective_id", "sustainment_plan", "version", "archived_at", "created_at",
    "updated_at",
)
CENT = Decimal("0.01")


def money(value: Decimal | None) -> str:
    """USD to the cent, as DRF's DecimalField renders it."""
    return format((value or Decimal(0)).quantize(CENT), "f")


def timestamp(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a 'Z', as DRF's DateTimeField renders it."""
    if value is None:
        return None
    value = value.astimezone(dt.timezone.utc).isoformat()
    return value[:-6] + "Z" if value.endswith("+00:00") else value


def _grouped(rows: Iterable[tuple]) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for program_id, *rest in rows:
        grouped[program_id].append(rest[0] if len(rest) == 1 else tuple(rest))
    return grouped


def _of_programs(queryset: QuerySet, ids: list[int]) -> QuerySet:
    """Rows of ``queryset`` (a table with ``program_id``) for the programs ``ids``. On
    PostgreSQL the ids travel as one array parameter (``= ANY(%s)``): building a
    thousand-item IN list costs Django more time than the query itself."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        return queryset.extra(where=[f"{table}.program_id = ANY(%s)"], params=[ids])
    return queryset.filter(program_id__in=ids)


def _related(ids: list[int]) -> dict[str, dict[int, list]]:
    """Every many-to-many list of the programs ``ids`` in ONE query (a UNION ALL over the
    through tables): (relation, program id, related id, code, sort key) rows."""
    parts = []
    for relation, target, code, order in RELATED:
        through = Program._meta.get_field(relation).remote_field.through
        parts.append(
            _of_programs(through.objects.all(), ids)
            .order_by()
            .annotate(
                relation=Value(relation, output_field=CharField()),
                related_id=F(f"{target}_id"),
                code=F(f"{target}__{code}") if code else Value("", output_field=CharField()),
                sort_key=F(f"{target}__{order}") if order else Value(0, output_field=IntegerField()),
            )
            .values_list("relation", "program_id", "related_id", "code", "sort_key")
        )
    grouped: dict[str, dict[int, list]] = {relation: defaultdict(list) for relation, *_ in RELATED}
    # Ordered by the database (cheaper than sorting ~9,000 tuples in Python per page).
    rows = parts[0].union(*parts[1:], all=True).order_by("sort_key", "code", "related_id")
    for relation, program_id, related_id, code, _sort_key in rows:
        grouped[relation][program_id].append((related_id, code))
    return grouped


# relation, target field on the through model, code column, integer sort column (else code, id)
RELATED = (
    ("supporting_agencies", "agency", "", ""),
    ("countries", "country", "iso3", ""),
    ("partner_institutions", "partnerinstitution", "", ""),
    ("goals", "goal", "code", "sort_order"),
    ("objectives", "objective", "", ""),
    ("sectors", "sector", "dac_code", ""),
    ("implementing_partners", "implementingpartner", "", ""),
)


def program_rows(programs: QuerySet[Program] | Iterable[dict]) -> list[dict[str, Any]]:
    """Representations of ``programs`` (a filtered, ordered, sliced queryset, or its
    ``.values(*COLUMNS)`` rows), in their order: three queries whatever their number (the
    rows, every related list, the funding rows). Funding totals are the sums of the
    funding rows fetched (the same figures as the list page's SQL sums). Built with the
    cyclic garbage collector paused (:mod:`infrastructure.gc_pause`: plain dicts and lists,
    no cycles)."""
    with collection_paused():
        return _program_rows(programs)


def _program_rows(programs: QuerySet[Program] | Iterable[dict]) -> list[dict[str, Any]]:
    if isinstance(programs, QuerySet):
        programs = programs.values(*COLUMNS)
    rows = list(programs)
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    related = _related(ids)
    funding = _grouped(
        _of_programs(Funding.objects.all(), ids)
        .order_by("fiscal_year")
        .values_list("program_id", "fiscal_year", "planned", "obligated", "disbursed", "version")
    )
    out = []
    for row in rows:
        pk = row["id"]
        years = funding.get(pk, [])
        out.append({
            "id": pk,
            "code": row["code"],
            "title": row["title"],
            "description": row["description"],
            "lead_agency": row["lead_agency_id"],
            "lead_agency_code": row["lead_agency__code"],
            "supporting_agencies": [i for i, _ in related["supporting_agencies"].get(pk, [])],
            "countries": [{"id": i, "iso3": code} for i, code in related["countries"].get(pk, [])],
            "partner_institutions": [i for i, _ in related["partner_institutions"].get(pk, [])],
            "goals": [{"id": i, "code": code} for i, code in related["goals"].get(pk, [])],
            "objectives": [i for i, _ in related["objectives"].get(pk, [])],
            "sectors": [{"id": i, "dac_code": code} for i, code in related["sectors"].get(pk, [])],
            "implementing_partners": [i for i, _ in related["implementing_partners"].get(pk, [])],
            "purpose": row["purpose"],
            "funding_authority": row["funding_authority"],
            "start_fy": row["start_fy"],
            "end_fy": row["end_fy"],
            "status": row["status"],
            "status_changed_at": timestamp(row["status_changed_at"]),
            "is_surge": row["is_surge"],
            "long_term_objective": row["long_term_objective_id"],
            "sustainment_plan": row["sustainment_plan"],
            "total_planned": money(sum((y[1] for y in years), Decimal(0))),
            "total_obligated": money(sum((y[2] for y in years), Decimal(0))),
            "total_disbursed": money(sum((y[3] for y in years), Decimal(0))),
            "funding": [
                {"fiscal_year": fy, "planned": money(p), "obligated": money(o), "disbursed": money(d), "version": v}
                for fy, p, o, d, v in years
            ],
            "version": row["version"],
            "archived_at": timestamp(row["archived_at"]),
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        })
    return out
