"""List exports in the import template's columns, so export -> edit -> import needs no
renaming: every template column comes first, under the template's name, spelled as the
importer reads it (codes, ISO3 country codes, plain amounts, yes/no); then the columns
people read but an import does not change (status, surge, ...: each kind's
``read_only``), which the importer ignores and names in its report.

* Program list: one row per program and funding year (a program without funding: one
  row with the funding columns blank), the programs-and-funding template.
* MOEs of the program list: one row per MOE and target period, the MOEs template.
* Measurements of the program list, and the approvals queue: the measurements template.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from ..models import Funding, MeasureOfEffectiveness, Measurement, MeasurementDisaggregation, Program, Target
from ..selectors.measures import measurement_breakdown_status
from .columns import MEASUREMENTS, MOES, PROGRAMS, TableKind


def _codes(items: Iterable[Any], attribute: str) -> list[str]:
    return sorted(getattr(item, attribute) for item in items)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _columns(kind: TableKind, cells: dict[str, Callable[..., Any]], *, star: bool = False) -> list[tuple[str, Callable]]:
    """(header, accessor) pairs: the template's columns, then its read-only ones, in that
    order; every one must have a cell (a KeyError here is a missing export column)."""
    if star:  # rows are tuples: (record, detail)
        return [(name, lambda row, name=name: cells[name](*row)) for name in (*kind.names, *kind.read_only)]
    return [(name, cells[name]) for name in (*kind.names, *kind.read_only)]


_PROGRAM_CELLS = {
    "code": lambda p, f: p.code,
    "title": lambda p, f: p.title,
    "lead_agency": lambda p, f: p.lead_agency.code,
    "countries": lambda p, f: _codes(p.countries.all(), "iso3"),
    "purpose": lambda p, f: p.purpose,
    "start_fy": lambda p, f: p.start_fy,
    "end_fy": lambda p, f: p.end_fy,
    "funding_authority": lambda p, f: p.funding_authority,
    "description": lambda p, f: p.description,
    "goals": lambda p, f: _codes(p.goals.all(), "code"),
    "sectors": lambda p, f: _codes(p.sectors.all(), "dac_code"),
    "fiscal_year": lambda p, f: f.fiscal_year if f else None,
    "planned": lambda p, f: f.planned if f else None,
    "obligated": lambda p, f: f.obligated if f else None,
    "disbursed": lambda p, f: f.disbursed if f else None,
    # read-only
    "supporting_agencies": lambda p, f: _codes(p.supporting_agencies.all(), "code"),
    "status": lambda p, f: p.status,
    "surge": lambda p, f: _yes_no(p.is_surge),
    "archived_at": lambda p, f: p.archived_at,
    "updated_at": lambda p, f: p.updated_at,
}
PROGRAM_EXPORT_COLUMNS = _columns(PROGRAMS, _PROGRAM_CELLS, star=True)

_MOE_CELLS = {
    "program_code": lambda m, t: m.program.code,
    "moe_name": lambda m, t: m.name,
    "kind": lambda m, t: m.kind,
    "unit": lambda m, t: m.unit,
    "direction": lambda m, t: m.direction,
    "cumulative": lambda m, t: _yes_no(m.is_cumulative),
    "allows_negative": lambda m, t: _yes_no(m.allows_negative),
    "frequency": lambda m, t: m.frequency,
    "baseline_value": lambda m, t: m.baseline_value,
    "baseline_date": lambda m, t: m.baseline_date,
    "weight": lambda m, t: m.weight,
    "means_of_verification": lambda m, t: m.means_of_verification,
    "period": lambda m, t: t.period if t else None,
    "target": lambda m, t: t.value if t else None,
    # read-only
    "lead_agency": lambda m, t: m.program.lead_agency.code,
    "archived_at": lambda m, t: m.archived_at,
    "updated_at": lambda m, t: m.updated_at,
}
MOE_EXPORT_COLUMNS = _columns(MOES, _MOE_CELLS, star=True)

_MEASUREMENT_CELLS = {
    "program_code": lambda m: m.moe.program.code,
    "moe_name": lambda m: m.moe.name,
    "period": lambda m: m.period,
    "value": lambda m: m.value,
    "source": lambda m: m.source,
    "evidence_url": lambda m: m.evidence_url,
    "collected_on": lambda m: m.collected_on,
    # read-only
    "lead_agency": lambda m: m.moe.program.lead_agency.code,
    "unit": lambda m: m.moe.unit,
    "status": lambda m: m.status,
    "breakdown": lambda m: measurement_breakdown_status(m).label,
    "entered_by": lambda m: m.entered_by.username if m.entered_by else "",
    "updated_at": lambda m: m.updated_at,
}
MEASUREMENT_EXPORT_COLUMNS = _columns(MEASUREMENTS, _MEASUREMENT_CELLS)


def program_export_rows(programs: QuerySet[Program]) -> Iterator[tuple[Program, Funding | None]]:
    """(program, funding year) pairs of a filtered program list, funding prefetched (a fixed
    number of queries); ``(program, None)`` for a program without funding."""
    programs = programs.select_related("lead_agency").prefetch_related(
        "countries", "goals", "sectors", "supporting_agencies",
        Prefetch("funding", queryset=Funding.objects.order_by("fiscal_year")),
    )
    for program in programs:
        years = list(program.funding.all())
        if not years:
            yield program, None
        for funding in years:
            yield program, funding


def moe_export_rows(programs: QuerySet[Program]) -> Iterator[tuple[MeasureOfEffectiveness, Target | None]]:
    """(MOE, target) pairs of the unarchived MOEs of a filtered program list, by program
    code, MOE and period (a fixed number of queries); ``(moe, None)`` for an MOE without
    targets."""
    moes = (
        MeasureOfEffectiveness.objects.filter(program__in=programs.values("pk"), archived_at__isnull=True)
        .select_related("program__lead_agency")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("period_end")))
        .order_by("program__code", "name", "pk")
    )
    for moe in moes:
        targets = list(moe.targets.all())
        if not targets:
            yield moe, None
        for target in targets:
            yield moe, target


def program_measurements(programs: QuerySet[Program]) -> QuerySet[Measurement]:
    """The measurements of the unarchived MOEs of a filtered program list, by program code,
    MOE and period."""
    return Measurement.objects.filter(
        moe__program__in=programs.values("pk"), moe__archived_at__isnull=True
    ).order_by("moe__program__code", "moe__name", "moe_id", "period_end")


def measurement_export_rows(measurements: QuerySet[Measurement]) -> QuerySet[Measurement]:
    """Measurements with what their rows name: program, MOE, author and breakdown."""
    return measurements.select_related("moe__program__lead_agency", "entered_by").prefetch_related(
        Prefetch("breakdown", queryset=MeasurementDisaggregation.objects.select_related("category"))
    )
