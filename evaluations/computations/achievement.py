"""MOE achievement and its rollups: the small pure reference (DESIGN.md section 3).

Used to explain one figure on screen, in unit tests, and as the yardstick the set-based
SQL in :mod:`evaluations.computations.rollups_sql` is held equal to.

Units: values are in the MOE's own unit (Decimal); achievement is a unitless fraction
(1.0 = target reached). Formulas:

* increase: ``(actual - baseline) / (target - baseline)``;
  decrease (the mirror): ``(baseline - actual) / (baseline - target)``;
* ``target == baseline``: 1.0 if the target is met (increase: actual >= target;
  decrease: actual <= target), else 0.0 (no division by zero);
* cumulative MOEs: ``actual`` is the running total of approved values whose period ends
  on or before the period's end;
* a period with no target, no approved measurement, or outside the program's fiscal
  years has no achievement ("no data", with the reason), never a guess;
* achievement is stored raw; rollups use it capped to [0, 1];
* status (by the MOE's latest period with an achievement): on track >= 0.85, needs
  attention >= 0.60, off track below, no data when there is none.

Rollups: program = MOE-weight-weighted mean of capped latest achievements (MOEs without
data left out); country / region / goal = mean of the achievements of the running,
non-archived programs counted there, weighted by each program's obligated funding over
the funding window (current FY and the two before); equal weights when the programs with
data have no funding at all. Each program counts once per group. A program serving a
sub-goal ("1.a") counts for that sub-goal and, once, for its parent goal ("1"), so goal
"1" summarises everything done under it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from programs.actuals import period_actual
from programs.models import RUNNING_STATUSES

ON_TRACK_FROM = 0.85
NEEDS_ATTENTION_FROM = 0.60


def capped(achievement: float | None) -> float | None:
    """Achievement limited to [0, 1] for rollups (None stays None)."""
    if achievement is None:
        return None
    return min(max(achievement, 0.0), 1.0)


def status_of(achievement: float | None) -> str:
    """Status of an achievement: on_track / needs_attention / off_track / no_data."""
    value = capped(achievement)
    if value is None:
        return "no_data"
    if value >= ON_TRACK_FROM:
        return "on_track"
    if value >= NEEDS_ATTENTION_FROM:
        return "needs_attention"
    return "off_track"


def period_achievement(*, direction: str, baseline: Decimal, target: Decimal, actual: Decimal) -> float:
    """Raw achievement of one period (see the module docstring for the formula)."""
    if target == baseline:
        met = actual >= target if direction == "increase" else actual <= target
        return 1.0 if met else 0.0
    if direction == "decrease":
        return float(baseline - actual) / float(baseline - target)
    return float(actual - baseline) / float(target - baseline)


def fiscal_year_of_period(period: str) -> int:
    """``FY2027-Q1`` -> 2027."""
    return int(period[2:6])


@dataclass(frozen=True)
class MoeInput:
    id: int
    program_id: int
    direction: str
    is_cumulative: bool
    baseline: Decimal
    weight: Decimal
    archived: bool = False


@dataclass(frozen=True)
class PeriodValue:
    """A target or a measurement of one MOE in one period."""

    moe_id: int
    period: str
    period_end: date
    value: Decimal
    status: str = "approved"


@dataclass(frozen=True)
class ProgramInput:
    id: int
    status: str
    archived: bool
    start_fy: int
    end_fy: int
    country_ids: frozenset[int]
    goal_ids: frozenset[int]
    obligated_by_fy: Mapping[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class PeriodAchievement:
    moe_id: int
    period: str
    period_end: date
    target: Decimal | None
    measured: Decimal | None
    actual: Decimal | None
    achievement: float | None
    no_data_reason: str
    is_latest: bool = False

    @property
    def status(self) -> str:
        return status_of(self.achievement)


@dataclass(frozen=True)
class GroupFigure:
    """A rollup figure: capped achievement (None = no data) and its counts."""

    achievement: float | None
    count: int
    with_data: int

    @property
    def status(self) -> str:
        return status_of(self.achievement)


def moe_period_achievements(
    moe: MoeInput,
    program: ProgramInput,
    targets: Iterable[PeriodValue],
    measurements: Iterable[PeriodValue],
) -> list[PeriodAchievement]:
    """Every period of one MOE that has a target or an approved measurement, in order."""
    target_by_period = {t.period: t for t in targets}
    approved = [m for m in measurements if m.status == "approved"]
    measured_by_period = {m.period: m for m in approved}
    ends = {p.period: p.period_end for p in [*target_by_period.values(), *approved]}
    rows = []
    for period, period_end in ends.items():
        target = target_by_period.get(period)
        measured = measured_by_period.get(period)
        actual = period_actual(
            is_cumulative=moe.is_cumulative,
            period_end=period_end,
            own_value=measured.value if measured is not None else None,
            approved=[(m.period_end, m.value) for m in approved],
        )
        fy = fiscal_year_of_period(period)
        if not program.start_fy <= fy <= program.end_fy:
            reason = "outside_program_years"
        elif target is None:
            reason = "no_target"
        elif measured is None:
            reason = "no_measurement"
        else:
            reason = ""
        achievement = None
        if not reason:
            achievement = period_achievement(
                direction=moe.direction, baseline=moe.baseline, target=target.value, actual=actual
            )
        rows.append(
            PeriodAchievement(
                moe_id=moe.id,
                period=period,
                period_end=period_end,
                target=target.value if target else None,
                measured=measured.value if measured else None,
                actual=actual,
                achievement=achievement,
                no_data_reason=reason,
            )
        )
    rows.sort(key=lambda r: (r.period_end, r.period))
    with_data = [r for r in rows if r.achievement is not None]
    if with_data:
        latest = max(with_data, key=lambda r: (r.period_end, r.period))
        rows = [r if r is not latest else _mark_latest(r) for r in rows]
    return rows


def _mark_latest(row: PeriodAchievement) -> PeriodAchievement:
    return PeriodAchievement(**{**row.__dict__, "is_latest": True})


def program_achievement(latest: Iterable[tuple[Decimal, float | None]], moe_count: int) -> GroupFigure:
    """MOE-weighted mean of capped latest achievements; ``latest`` = (weight, achievement)."""
    pairs = [(float(w), capped(a)) for w, a in latest if a is not None]
    if not pairs:
        return GroupFigure(None, moe_count, 0)
    total = sum(w for w, _ in pairs)
    return GroupFigure(sum(w * a for w, a in pairs) / total, moe_count, len(pairs))


def group_achievement(members: Iterable[tuple[float, float | None]]) -> GroupFigure:
    """Funding-weighted mean over programs; ``members`` = (funding weight, achievement).

    Programs without data are counted but left out of the mean; when the programs with
    data carry no funding at all, their plain mean is used (equal weights).
    """
    members = list(members)
    with_data = [(w, a) for w, a in members if a is not None]
    if not with_data:
        return GroupFigure(None, len(members), 0)
    total = sum(w for w, _ in with_data)
    if total > 0:
        value = sum(w * a for w, a in with_data) / total
    else:
        value = sum(a for _, a in with_data) / len(with_data)
    return GroupFigure(value, len(members), len(with_data))


@dataclass
class PortfolioInputs:
    """Plain data of the whole portfolio, as the reference reads it."""

    programs: dict[int, ProgramInput]
    moes: dict[int, MoeInput]
    targets: list[PeriodValue]
    measurements: list[PeriodValue]
    country_regions: dict[int, tuple[int, int]]
    goal_parents: dict[int, int | None]


@dataclass
class PortfolioFigures:
    periods: dict[tuple[int, str], PeriodAchievement]
    programs: dict[int, GroupFigure]
    program_weights: dict[int, Decimal]
    countries: dict[int, GroupFigure]
    regions: dict[int, GroupFigure]
    goals: dict[int, GroupFigure]


def goals_served(direct: Iterable[int], parents: Mapping[int, int | None]) -> set[int]:
    """The goals a program counts for: those it serves and their parents."""
    served = set(direct)
    served |= {parents[g] for g in direct if parents.get(g)}
    return served


def portfolio_figures(inputs: PortfolioInputs, window: tuple[int, int]) -> PortfolioFigures:
    """Every rollup figure of the portfolio, computed row by row (the reference)."""
    targets_by_moe: dict[int, list[PeriodValue]] = defaultdict(list)
    for t in inputs.targets:
        targets_by_moe[t.moe_id].append(t)
    measurements_by_moe: dict[int, list[PeriodValue]] = defaultdict(list)
    for m in inputs.measurements:
        measurements_by_moe[m.moe_id].append(m)

    periods: dict[tuple[int, str], PeriodAchievement] = {}
    latest_by_program: dict[int, list[tuple[Decimal, float | None]]] = defaultdict(list)
    moe_count: dict[int, int] = defaultdict(int)
    for moe in inputs.moes.values():
        if moe.archived:
            continue
        program = inputs.programs[moe.program_id]
        moe_count[moe.program_id] += 1
        rows = moe_period_achievements(moe, program, targets_by_moe[moe.id], measurements_by_moe[moe.id])
        for row in rows:
            periods[(moe.id, row.period)] = row
            if row.is_latest:
                latest_by_program[moe.program_id].append((moe.weight, row.achievement))

    first, last = window
    programs = {pid: program_achievement(latest_by_program[pid], moe_count[pid]) for pid in inputs.programs}
    weights = {
        pid: sum((v for fy, v in p.obligated_by_fy.items() if first <= fy <= last), Decimal(0))
        for pid, p in inputs.programs.items()
    }

    members: dict[str, dict[int, set[int]]] = {"country": defaultdict(set), "region": defaultdict(set), "goal": defaultdict(set)}
    for pid, p in inputs.programs.items():
        if p.archived or p.status not in RUNNING_STATUSES:
            continue
        for cid in p.country_ids:
            members["country"][cid].add(pid)
            for region_id in inputs.country_regions[cid]:
                members["region"][region_id].add(pid)
        for gid in goals_served(p.goal_ids, inputs.goal_parents):
            members["goal"][gid].add(pid)

    def figures(kind: str) -> dict[int, GroupFigure]:
        return {
            key: group_achievement((float(weights[pid]), programs[pid].achievement) for pid in pids)
            for key, pids in members[kind].items()
        }

    return PortfolioFigures(
        periods=periods,
        programs=programs,
        program_weights=weights,
        countries=figures("country"),
        regions=figures("region"),
        goals=figures("goal"),
    )
