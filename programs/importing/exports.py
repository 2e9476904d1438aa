"""List exports in the import template's columns, so export -> edit -> import needs no
renaming: the headers are the template's column names and the cells are spelled as the
importer reads them (codes, ISO3 country codes, plain amounts).

* Programs list: one row per program and funding year (a program without funding: one
  row with the funding columns blank), the programs-and-funding template.
* Approvals queue (submitted measurements): the measurements template.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from ..models import Funding, Measurement, Program
from ..selectors.measures import measurement_breakdown_status
from .columns import MEASUREMENTS, PROGRAMS


def _codes(items: Iterable[Any], attribute: str) -> list[str]:
    return sorted(getattr(item, attribute) for item in items)


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
}
PROGRAM_EXPORT_COLUMNS = [(name, lambda row, name=name: _PROGRAM_CELLS[name](*row)) for name in PROGRAMS.names]

_MEASUREMENT_CELLS = {
    "program_code": lambda m: m.moe.program.code,
    "moe_name": lambda m: m.moe.name,
    "period": lambda m: m.period,
    "value": lambda m: m.value,
    "source": lambda m: m.source,
    "evidence_url": lambda m: m.evidence_url,
    "collected_on": lambda m: m.collected_on,
}
MEASUREMENT_EXPORT_COLUMNS = [
    *((name, _MEASUREMENT_CELLS[name]) for name in MEASUREMENTS.names),
    ("breakdown", lambda m: measurement_breakdown_status(m).label),  # read-only: the import ignores it
]


def program_export_rows(programs: QuerySet[Program]) -> Iterator[tuple[Program, Funding | None]]:
    """(program, funding year) pairs of a filtered program list, funding prefetched (a fixed
    number of queries); ``(program, None)`` for a program without funding."""
    programs = programs.prefetch_related(Prefetch("funding", queryset=Funding.objects.order_by("fiscal_year")))
    for program in programs:
        years = list(program.funding.all())
        if not years:
            yield program, None
        for funding in years:
            yield program, funding


def measurement_export_rows(measurements: QuerySet[Measurement]) -> QuerySet[Measurement]:
    """Measurements with the program and MOE their rows name."""
    return measurements.select_related("moe__program")
