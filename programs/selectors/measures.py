"""Reads of MOEs and measurements: the entry grid of a program and the approvals queue."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ..actuals import period_actual
from ..disaggregation import BreakdownStatus, breakdown_status
from ..fiscal import Period, current_fiscal_year
from ..models import Frequency, MeasureOfEffectiveness, Measurement, MeasurementDisaggregation, MeasurementStatus
from ..models import Program, Target, measured_period_problem


def grid_fiscal_year(program: Program, requested: str | None) -> int:
    """The fiscal year the grid shows: the requested one (digits 0-9) if inside the
    program's years, else the current one clamped into them."""
    fy = int(requested) if requested and requested.isascii() and requested.isdigit() else current_fiscal_year()
    return min(max(fy, program.start_fy), program.end_fy)


def _cell_periods(moe: MeasureOfEffectiveness, fiscal_year: int, program: Program) -> dict[int, str]:
    """Quarter column (1-4) -> the period code entered there, by the MOE's frequency: a half
    sits in the column of its last quarter, a year (or the life of the program, in its last
    year) in Q4."""
    if moe.frequency == Frequency.QUARTERLY:
        return {q: Period(fiscal_year, "Q", q).code for q in (1, 2, 3, 4)}
    if moe.frequency == Frequency.SEMI_ANNUAL:
        return {2: Period(fiscal_year, "H", 1).code, 4: Period(fiscal_year, "H", 2).code}
    if moe.frequency == Frequency.LIFE_OF_PROGRAM and fiscal_year != program.end_fy:
        return {}
    return {4: Period(fiscal_year).code}


def grid_periods(fiscal_year: int) -> list[str]:
    """Every period code that can appear in the grid of one fiscal year."""
    return [p.code for p in [Period(fiscal_year, "Q", q) for q in (1, 2, 3, 4)]] + [
        Period(fiscal_year, "H", 1).code, Period(fiscal_year, "H", 2).code, Period(fiscal_year).code,
    ]


def _running_total(moe: MeasureOfEffectiveness, period: str, measurement: Measurement | None) -> Decimal | None:
    """A cumulative MOE's running total at ``period`` by the portal's one rule
    (``programs.actuals.period_actual``), counting the period's own value as if approved
    when it is not yet (the grid says so beside it); None without a value or when the MOE
    is not cumulative. Reads ``moe.approved_to_date`` (approved values up to the grid's year end)."""
    if not moe.is_cumulative or measurement is None:
        return None
    approved = [(m.period_end, m.value) for m in moe.approved_to_date if m.period != period]
    approved.append((measurement.period_end, measurement.value))
    return period_actual(is_cumulative=True, period_end=measurement.period_end, own_value=measurement.value,
                         approved=approved)


def measurement_grid(*, program: Program, fiscal_year: int) -> list[dict]:
    """Rows of the entry grid: each MOE with four quarter cells holding (or not) an input.
    A cumulative MOE's cell also holds its running total (``running_total``: the actual
    its running-total target compares with; the input is the period's increment). A cell
    whose period has not started has ``not_started``, the reason it takes no value yet
    (``measured_period_problem``), else None.

    A fixed number of queries whatever the number of MOEs (MOEs, then their measurements,
    targets of the fiscal year, cumulative MOEs' approved values up to the year's end and
    disaggregation categories, prefetched)."""
    periods = grid_periods(fiscal_year)
    year_end = Period(fiscal_year).end
    moes = (
        MeasureOfEffectiveness.objects.filter(program=program, archived_at__isnull=True)
        .prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.filter(period__in=periods), to_attr="grid_measurements"),
            Prefetch("targets", queryset=Target.objects.filter(period__in=periods), to_attr="grid_targets"),
            Prefetch("measurements", to_attr="approved_to_date", queryset=Measurement.objects.filter(
                moe__is_cumulative=True, status=MeasurementStatus.APPROVED, period_end__lte=year_end)),
            "disaggregation_categories",
        )
        .order_by("id")
    )
    today = timezone.localdate()
    rows = []
    for moe in moes:
        by_period = {m.period: m for m in moe.grid_measurements}
        targets = {t.period: t.value for t in moe.grid_targets}
        columns = _cell_periods(moe, fiscal_year, program)
        cells = []
        for quarter in (1, 2, 3, 4):
            period = columns.get(quarter)
            if period is None:
                cells.append(None)
                continue
            measurement = by_period.get(period)
            cells.append(
                {
                    "key": f"{moe.pk}_{period}",
                    "moe": moe,
                    "period": period,
                    "measurement": measurement,
                    "target": targets.get(period),
                    "running_total": _running_total(moe, period, measurement),
                    "not_started": measured_period_problem(Period.parse(period), today=today),
                }
            )
        rows.append({"moe": moe, "cells": cells})
    return rows


def awaiting_approval() -> QuerySet[Measurement]:
    """The values a manager can decide: submitted, of an MOE and a program in use (the
    services refuse decisions on archived records, so their values are not waiting)."""
    return Measurement.objects.filter(status=MeasurementStatus.SUBMITTED, moe__archived_at__isnull=True,
                                      moe__program__archived_at__isnull=True)


def approvals_queue() -> QuerySet[Measurement]:
    """Values waiting for a manager (``awaiting_approval``), oldest first, with what the
    page shows (their breakdown prefetched for ``measurement_breakdown_status``)."""
    return (
        awaiting_approval()
        .select_related("moe__program__lead_agency", "entered_by")
        .prefetch_related(Prefetch("breakdown", queryset=MeasurementDisaggregation.objects.select_related("category")))
        .order_by("updated_at", "pk")
    )


@dataclass(frozen=True)
class ApprovalSet:
    """The values a decision on "all that match the filter" would cover, as a manager
    confirms them: ``versions`` maps each value's id to its version; ``programs`` are the
    programs' codes (sorted) and ``periods`` the period codes (in time order);
    ``fingerprint`` (32 hex characters) names exactly this set of ids at these versions,
    so a confirmation can be held against the set a moment later."""

    versions: dict[int, int]
    programs: list[str]
    periods: list[str]
    fingerprint: str

    @property
    def count(self) -> int:
        return len(self.versions)


def approval_set(matching: QuerySet[Measurement]) -> ApprovalSet:
    """What ``matching`` (the approvals queue as filtered) holds now, in one query whatever
    its size. A value added, edited (its version moves) or decided (it leaves the queue)
    changes the fingerprint."""
    rows = list(matching.order_by("pk").values_list("pk", "version", "moe__program__code", "period", "period_end"))
    versions = {pk: version for pk, version, _, _, _ in rows}
    periods = sorted({(end, code) for _, _, _, code, end in rows})
    digest = hashlib.sha256(";".join(f"{pk}:{version}" for pk, version in versions.items()).encode()).hexdigest()
    return ApprovalSet(versions=versions, programs=sorted({code for _, _, code, _, _ in rows}),
                       periods=[code for _, code in periods], fingerprint=digest[:32])


def measurement_breakdown_status(measurement: Measurement) -> BreakdownStatus:
    """complete / partial / mismatch / none of a measurement's breakdown; no query when its
    ``breakdown`` (with categories) and ``moe`` are loaded, as ``approvals_queue`` does."""
    return breakdown_status(
        measurement.value,
        [(row.category.dimension, row.category.name, row.value) for row in measurement.breakdown.all()],
        partial=measurement.breakdown_partial,
        allows_negative=measurement.moe.allows_negative,
    )
