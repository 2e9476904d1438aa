"""Checks of stored rows against rules that writes now enforce, for data saved before them
(or by bulk paths): each yields ``Finding``s to report; nothing is changed or deleted."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q

from ..disaggregation import breakdown_errors
from ..fiscal import Period
from ..models import Funding, Measurement, MeasurementDisaggregation, Target, funding_disbursed_error, moe_period_error


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
    "funding-amounts": funding_amounts_findings,
}


def data_findings(rules: list[str] | None = None) -> Iterator[Finding]:
    """Every finding of the named rules (all rules when None)."""
    for rule, check in CHECKS.items():
        if rules is None or rule in rules:
            yield from check()
