"""Checks of stored rows against rules that writes now enforce, for data saved before them
(or by bulk paths): each yields ``Finding``s to report; nothing is changed or deleted."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..fiscal import Period
from ..models import Measurement, Target, moe_period_error


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


CHECKS = {"period-frequency": period_frequency_findings}


def data_findings(rules: list[str] | None = None) -> Iterator[Finding]:
    """Every finding of the named rules (all rules when None)."""
    for rule, check in CHECKS.items():
        if rules is None or rule in rules:
            yield from check()
