"""Checks of stored rows against rules that writes now enforce, for data saved before them
(or by bulk paths): each yields ``Finding``s to report; nothing is changed or deleted."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from ..disaggregation import breakdown_errors
from ..fiscal import FIRST_RECORDED_DAY, LAST_RECORDED_DAY, Period, recorded_date_problem
from ..models import (
    Funding,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementStatus,
    MeasurementDisaggregation,
    Target,
    funding_disbursed_error,
    measured_date_problem,
    measured_period_problem,
    moe_period_error,
    moe_value_broken_q,
    moe_value_problem,
)


@dataclass(frozen=True)
class Finding:
    """One stored row that breaks a rule: what it is (``kind``, e.g. "measurement"),
    which row (``where``: program code / MOE name period) and why (``problem``)."""

    rule: str
    kind: str
    pk: int
    where: str
    problem: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.kind} {self.where}: {self.problem}"


def period_frequency_findings() -> Iterator[Finding]:
    """Targets and measurements whose period is not one of their MOE's own periods."""
    for model, kind in ((Target, "target"), (Measurement, "measurement")):
        rows = model.objects.select_related("moe__program").order_by("moe__program__code", "moe_id", "period_end")
        for row in rows.iterator(chunk_size=2000):
            problem = moe_period_error(row.moe, Period.parse(row.period))
            if problem:
                yield Finding("period-frequency", kind, row.pk,
                              f"{row.moe.program.code} / {row.moe.name} {row.period}", problem)


def program_years_findings() -> Iterator[Finding]:
    """Funding, targets and measurements outside their program's fiscal years."""
    funding = Funding.objects.select_related("program").filter(
        Q(fiscal_year__lt=F("program__start_fy")) | Q(fiscal_year__gt=F("program__end_fy"))
    ).order_by("program__code", "fiscal_year")
    for row in funding.iterator(chunk_size=2000):
        yield Finding("program-years", "funding", row.pk, f"{row.program.code} FY{row.fiscal_year}",
                      f"outside the program's years FY{row.program.start_fy}-FY{row.program.end_fy}")
    for model, kind in ((Target, "target"), (Measurement, "measurement")):
        rows = model.objects.select_related("moe__program").order_by("moe__program__code", "moe_id", "period_end")
        for row in rows.iterator(chunk_size=2000):
            program = row.moe.program
            if Period.parse(row.period).fiscal_year in range(program.start_fy, program.end_fy + 1):
                continue
            yield Finding("program-years", kind, row.pk, f"{program.code} / {row.moe.name} {row.period}",
                          f"outside the program's years FY{program.start_fy}-FY{program.end_fy}")


def moe_value_findings() -> Iterator[Finding]:
    """Baselines, targets and measurements that break their MOE's value rule
    (``moe_value_problem``: a percentage above 100, a negative value where the MOE allows
    none), saved before the rule or before a change of the MOE's unit or flags was
    checked; by program, MOE and period. The rows are found in SQL
    (``moe_value_broken_q``), each message comes from the rule itself. Archived MOEs too:
    a restore brings them back."""
    moes = (MeasureOfEffectiveness.objects.filter(moe_value_broken_q(value="baseline_value", moe=""))
            .select_related("program").order_by("program__code", "id"))
    for moe in moes.iterator(chunk_size=2000):
        problem = moe_value_problem(moe.baseline_value, unit=moe.unit, allows_negative=moe.allows_negative)
        yield Finding("moe-value", "baseline", moe.pk, f"{moe.program.code} / {moe.name} baseline", problem)
    for model, kind in ((Target, "target"), (Measurement, "measurement")):
        rows = (model.objects.filter(moe_value_broken_q()).select_related("moe__program")
                .order_by("moe__program__code", "moe_id", "period_end"))
        for row in rows.iterator(chunk_size=2000):
            problem = moe_value_problem(row.value, unit=row.moe.unit, allows_negative=row.moe.allows_negative)
            yield Finding("moe-value", kind, row.pk, f"{row.moe.program.code} / {row.moe.name} {row.period}", problem)


def breakdown_findings() -> Iterator[Finding]:
    """Measurements whose breakdown does not add up (``programs.disaggregation``)."""
    rows = (
        Measurement.objects.filter(breakdown__isnull=False).distinct()
        .select_related("moe__program")
        .prefetch_related(Prefetch("breakdown", queryset=MeasurementDisaggregation.objects.select_related("category")))
        .order_by("moe__program__code", "moe_id", "period_end")
    )
    for row in rows.iterator(chunk_size=2000):
        problems = breakdown_errors(
            row.value,
            [(item.category.dimension, item.category.name, item.value) for item in row.breakdown.all()],
            partial=row.breakdown_partial, allows_negative=row.moe.allows_negative, unit=row.moe.unit,
        )
        for problem in problems:
            yield Finding("breakdown", "measurement", row.pk, f"{row.moe.program.code} / {row.moe.name} {row.period}",
                          problem)


def measured_dates_findings() -> Iterator[Finding]:
    """Values of periods that have not started (returned ones excepted: they wait for their
    analyst to clear them), collection dates after today or before their period began, and
    MOE baseline dates after today; collection and baseline dates outside the portal's
    fiscal years (``measured_period_problem``, ``measured_date_problem``,
    ``recorded_date_problem``). Candidates are read by what SQL can tell (a collection
    before its period's end), then judged by the rules themselves."""
    today = timezone.localdate()
    rows = (
        Measurement.objects.select_related("moe__program")
        .filter(Q(period_end__gt=today) | Q(collected_on__gt=today) | Q(collected_on__lt=F("period_end")))
        .order_by("moe__program__code", "moe_id", "period_end")
    )
    for row in rows.iterator(chunk_size=2000):
        where = f"{row.moe.program.code} / {row.moe.name} {row.period}"
        period = Period.parse(row.period)
        if row.status != MeasurementStatus.RETURNED:
            problem = measured_period_problem(period, today=today)
            if problem:
                yield Finding("measured-dates", "measurement", row.pk, where, problem)
        problem = measured_date_problem(row.collected_on, label="Collection date", today=today, period=period)
        problem = problem or _recorded(row.collected_on, "Collection date")
        if problem:
            yield Finding("measured-dates", "measurement", row.pk, where, problem)
    moes = MeasureOfEffectiveness.objects.select_related("program").filter(
        Q(baseline_date__gt=today) | Q(baseline_date__lt=FIRST_RECORDED_DAY) | Q(baseline_date__gt=LAST_RECORDED_DAY))
    for moe in moes.order_by("program__code", "id").iterator(chunk_size=2000):
        problem = measured_date_problem(moe.baseline_date, label="Baseline date", today=today)
        problem = problem or _recorded(moe.baseline_date, "Baseline date")
        yield Finding("measured-dates", "MOE", moe.pk, f"{moe.program.code} / {moe.name}", problem or "")


def _recorded(day, label: str) -> str | None:
    problem = recorded_date_problem(day)
    return f"{label} {problem}" if problem else None


def funding_amounts_findings() -> Iterator[Finding]:
    """Funding years whose disbursed USD exceeds their obligated USD (``funding_disbursed_error``)."""
    rows = Funding.objects.select_related("program").filter(disbursed__gt=F("obligated"))
    for row in rows.order_by("program__code", "fiscal_year").iterator(chunk_size=2000):
        yield Finding("funding-amounts", "funding", row.pk, f"{row.program.code} FY{row.fiscal_year}",
                      funding_disbursed_error(row.obligated, row.disbursed))


CHECKS = {
    "period-frequency": period_frequency_findings,
    "program-years": program_years_findings,
    "breakdown": breakdown_findings,
    "moe-value": moe_value_findings,
    "measured-dates": measured_dates_findings,
    "funding-amounts": funding_amounts_findings,
}


def data_findings(rules: list[str] | None = None) -> Iterator[Finding]:
    """Every finding of the named rules (all rules when None)."""
    for rule, check in CHECKS.items():
        if rules is None or rule in rules:
            yield from check()
