"""A program's results at a glance, for its page: how many MOEs are on track, have
targets, have results and have evidence, and each MOE's every period (target, actual,
percent met) with its chart.

Reads the MOEs as the program page already loaded them (targets and measurements
prefetched) plus the program's stored ``MoeAchievement`` rows: one query.
"""
from __future__ import annotations

import html
from collections.abc import Iterable
from decimal import Decimal
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from programs.models import MeasureOfEffectiveness, MeasurementStatus, Program

from ..charts import STATUS_LABELS, MoeSeries, moe_chart_svg, series_from_figures
from ..models import MoeAchievement, RollupStatus


def _number(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


@dataclass
class MoeResults:
    """One MOE's periods (mappings: period, target, actual, achievement, status), its
    status (its latest period with an achievement) and its chart."""

    periods: list[dict]
    status: str
    series: MoeSeries
    svg: SafeString

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def periods_html(self) -> SafeString:
        """The periods' table rows (period, target, actual, percent met with its status in
        words), built once here: the program page shows them for every MOE."""
        return mark_safe("".join(
            f'<tr><th scope="row">{html.escape(row["period"])}</th><td class="num">{_number(row["target"])}</td>'
            f'<td class="num">{_number(row["actual"])}</td><td class="num status-{row["status"]}">{row["met"]} '
            f'<span class="iptt-status">{row["status_label"]}</span></td></tr>'
            for row in self.periods
        ))


@dataclass
class ResultsSummary:
    """Counts of MOEs (not archived) by what they have."""

    moe_count: int = 0
    on_track: int = 0
    needs_attention: int = 0
    off_track: int = 0
    no_data: int = 0
    with_targets: int = 0
    with_results: int = 0
    with_evidence: int = 0
    by_moe: dict[int, MoeResults] = field(default_factory=dict)


def program_results(*, program: Program, moes: Iterable[MeasureOfEffectiveness]) -> ResultsSummary:
    """The summary and per-MOE results of ``program``; ``moes`` with ``targets`` and
    ``measurements`` prefetched (the program page's). With results: an approved value;
    with evidence: an approved value with an evidence link. One query."""
    moes = list(moes)
    periods: dict[int, list[dict]] = {moe.id: [] for moe in moes}
    for row in (MoeAchievement.objects.filter(program=program)
                .values("moe_id", "period", "target", "actual", "achievement", "status", "is_latest")
                .order_by("moe_id", "period_end", "-period")):
        if row["moe_id"] in periods:
            achievement = row["achievement"]
            row["met"] = "—" if achievement is None else f"{achievement * 100:.1f}%"
            row["status_label"] = "" if achievement is None else STATUS_LABELS[row["status"]]
            periods[row["moe_id"]].append(row)
    summary = ResultsSummary(moe_count=len(moes))
    for moe in moes:
        rows = periods[moe.id]
        status = next((r["status"] for r in rows if r["is_latest"]), RollupStatus.NO_DATA)
        setattr(summary, status, getattr(summary, status) + 1)
        approved = [m for m in moe.measurements.all() if m.status == MeasurementStatus.APPROVED]
        summary.with_targets += bool(moe.targets.all())
        summary.with_results += bool(approved)
        summary.with_evidence += any(m.evidence_url for m in approved)
        series = series_from_figures(title=moe.name, unit=moe.unit, baseline=moe.baseline_value, status=status,
                                     cumulative=moe.is_cumulative, figures=rows)
        summary.by_moe[moe.id] = MoeResults(rows, status, series, moe_chart_svg(series, chart_id=f"moe-{moe.id}"))
    return summary
