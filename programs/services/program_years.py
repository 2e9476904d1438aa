"""The rule "moving a program's fiscal years leaves none of its data outside them".

``program_years_misfits`` is the pure rule (already-loaded rows, no query), for the
program service and the importer alike; ``program_years_check`` loads a program's rows
and raises the field error.
"""
from __future__ import annotations

from collections.abc import Iterable


from infrastructure.conflicts import StateConflict

from ..fiscal import Period
from ..models import Funding, MeasureOfEffectiveness, Measurement, Program, Target, moe_period_error

MAX_LISTED = 12


def program_years_misfits(
    program: Program,
    *,
    funding: Iterable[Funding],
    targets: Iterable[Target],
    measurements: Iterable[Measurement],
) -> list[str]:
    """What would fall outside ``program``'s (new, unsaved) ``start_fy``..``end_fy``: funding
    years, targets and measurements (each with its ``moe`` loaded), described for people,
    e.g. "approved measurement of Officers trained for FY2025-Q4". A life-of-program MOE's
    rows must also stay at the program's last year. Issues no query."""
    found = [
        f"funding for FY{row.fiscal_year}"
        for row in funding
        if not program.start_fy <= row.fiscal_year <= program.end_fy
    ]
    for label, rows in (("target", targets), ("measurement", measurements)):
        for row in rows:
            period = Period.parse(row.period)
            moe: MeasureOfEffectiveness = row.moe
            moe.program = program  # judge by the new years
            if program.start_fy <= period.fiscal_year <= program.end_fy and not moe_period_error(moe, period):
                continue
            status = f"{row.get_status_display().lower()} " if isinstance(row, Measurement) else ""
            found.append(f"{status}{label} of {moe.name} for {period.code}")
    return found


def program_years_moved(program: Program, *, before: tuple[int, int]) -> bool:
    """Whether ``program``'s (unsaved) years differ from ``before`` and are worth checking
    (both set and in order; the model's own validation names a reversed pair)."""
    if (program.start_fy, program.end_fy) == before or not (program.start_fy and program.end_fy):
        return False
    return program.start_fy <= program.end_fy


def program_years_refuse(program: Program, *, before: tuple[int, int], misfits: list[str]) -> None:
    """Raise the StateConflict (409 in the API: stored data decides) on the moved field(s)
    listing ``misfits`` (from :func:`program_years_misfits`); nothing if there are none."""
    if not misfits:
        return
    listed = "; ".join(misfits[:MAX_LISTED]) + (f"; and {len(misfits) - MAX_LISTED} more" if len(misfits) > MAX_LISTED else "")
    message = (
        f"FY{program.start_fy}-FY{program.end_fy} would leave outside the program's years: {listed}. "
        "Move or remove them first."
    )
    moved = [name for name, old in (("start_fy", before[0]), ("end_fy", before[1])) if getattr(program, name) != old]
    raise StateConflict({name: message for name in moved})


def program_years_check(program: Program, *, before: tuple[int, int]) -> None:
    """Refuse new ``start_fy``/``end_fy`` (set on ``program``, not saved) that would leave
    funding, targets or measurements outside the program's years: a ValidationError on the
    moved field(s) listing them. ``before`` is the stored (start_fy, end_fy)."""
    if not program_years_moved(program, before=before):
        return
    misfits = program_years_misfits(
        program,
        funding=Funding.objects.filter(program=program),
        targets=Target.objects.filter(moe__program=program).select_related("moe").order_by("moe_id", "period_end"),
        measurements=Measurement.objects.filter(moe__program=program).select_related("moe").order_by("moe_id", "period_end"),
    )
    program_years_refuse(program, before=before, misfits=misfits)
