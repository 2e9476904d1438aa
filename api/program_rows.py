"""The program representation of the API, built from ``.values()`` rows.

The program list is the endpoint other systems sync most, so it skips model instances
and per-field serializer calls: one query for the page's columns, one per related list
(funding, countries, goals, sectors, agencies, institutions, objectives, partners),
whatever the page size. ``api.serializers.programs.ProgramSerializer`` documents the
same shape, and tests hold the two equal.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from programs.models import Funding, Program

COLUMNS = (
    "id", "code", "title", "description", "lead_agency_id", "lead_agency__code", "purpose",
    "funding_authority", "start_fy", "end_fy", "status", "status_changed_at", "is_surge",
    "long_term_objective_id", "sustainment_plan", "version", "archived_at", "created_at",
    "updated_at",
)
TOTALS = ("total_planned", "total_obligated", "total_disbursed")
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


def program_rows(programs: QuerySet[Program] | Iterable[dict]) -> list[dict[str, Any]]:
    """Representations of ``programs`` (a filtered, ordered, sliced queryset annotated with
    funding totals, or its ``.values(*COLUMNS, *TOTALS)`` rows), in their order."""
    if isinstance(programs, QuerySet):
        programs = programs.values(*COLUMNS, *TOTALS)
    rows = list(programs)
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    m2m = Program._meta
    through = {name: m2m.get_field(name).remote_field.through.objects.filter(program_id__in=ids) for name in (
        "supporting_agencies", "countries", "partner_institutions", "goals", "objectives", "sectors",
        "implementing_partners",
    )}
    supporting = _grouped(through["supporting_agencies"].order_by("agency_id").values_list("program_id", "agency_id"))
    countries = _grouped(
        through["countries"].order_by("country__iso3").values_list("program_id", "country_id", "country__iso3")
    )
    institutions = _grouped(
        through["partner_institutions"].order_by("partnerinstitution_id").values_list("program_id", "partnerinstitution_id")
    )
    goals = _grouped(
        through["goals"].order_by("goal__sort_order", "goal__code").values_list("program_id", "goal_id", "goal__code")
    )
    objectives = _grouped(through["objectives"].order_by("objective_id").values_list("program_id", "objective_id"))
    sectors = _grouped(
        through["sectors"].order_by("sector__dac_code").values_list("program_id", "sector_id", "sector__dac_code")
    )
    partners = _grouped(
        through["implementing_partners"].order_by("implementingpartner_id").values_list("program_id", "implementingpartner_id")
    )
    funding = _grouped(
        Funding.objects.filter(program_id__in=ids)
        .order_by("fiscal_year")
        .values_list("program_id", "fiscal_year", "planned", "obligated", "disbursed", "version")
    )
    out = []
    for row in rows:
        pk = row["id"]
        out.append({
            "id": pk,
            "code": row["code"],
            "title": row["title"],
            "description": row["description"],
            "lead_agency": row["lead_agency_id"],
            "lead_agency_code": row["lead_agency__code"],
            "supporting_agencies": supporting.get(pk, []),
            "countries": [{"id": c, "iso3": iso3} for c, iso3 in countries.get(pk, [])],
            "partner_institutions": institutions.get(pk, []),
            "goals": [{"id": g, "code": code} for g, code in goals.get(pk, [])],
            "objectives": objectives.get(pk, []),
            "sectors": [{"id": s, "dac_code": code} for s, code in sectors.get(pk, [])],
            "implementing_partners": partners.get(pk, []),
            "purpose": row["purpose"],
            "funding_authority": row["funding_authority"],
            "start_fy": row["start_fy"],
            "end_fy": row["end_fy"],
            "status": row["status"],
            "status_changed_at": timestamp(row["status_changed_at"]),
            "is_surge": row["is_surge"],
            "long_term_objective": row["long_term_objective_id"],
            "sustainment_plan": row["sustainment_plan"],
            "total_planned": money(row.get("total_planned")),
            "total_obligated": money(row.get("total_obligated")),
            "total_disbursed": money(row.get("total_disbursed")),
            "funding": [
                {"fiscal_year": fy, "planned": money(p), "obligated": money(o), "disbursed": money(d), "version": v}
                for fy, p, o, d, v in funding.get(pk, [])
            ],
            "version": row["version"],
            "archived_at": timestamp(row["archived_at"]),
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        })
    return out
