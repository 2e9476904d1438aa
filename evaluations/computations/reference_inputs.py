"""Reading the portfolio as plain data for the reference computation (a fixed handful
of queries, whatever the portfolio's size)."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from programs.models import Country, Funding, Goal, MeasureOfEffectiveness, Measurement, Program, Target

from .achievement import MoeInput, PeriodValue, PortfolioInputs, ProgramInput


def portfolio_inputs() -> PortfolioInputs:
    countries: dict[int, set[int]] = defaultdict(set)
    for pid, cid in Program.countries.through.objects.values_list("program_id", "country_id"):
        countries[pid].add(cid)
    goals: dict[int, set[int]] = defaultdict(set)
    for pid, gid in Program.goals.through.objects.values_list("program_id", "goal_id"):
        goals[pid].add(gid)
    obligated: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for pid, fy, amount in Funding.objects.values_list("program_id", "fiscal_year", "obligated"):
        obligated[pid][fy] = amount
    programs = {
        pid: ProgramInput(
            id=pid,
            status=status,
            archived=archived_at is not None,
            start_fy=start_fy,
            end_fy=end_fy,
            country_ids=frozenset(countries[pid]),
            goal_ids=frozenset(goals[pid]),
            obligated_by_fy=obligated[pid],
        )
        for pid, status, archived_at, start_fy, end_fy in Program.objects.values_list(
            "id", "status", "archived_at", "start_fy", "end_fy"
        )
    }
    moes = {
        row[0]: MoeInput(
            id=row[0], program_id=row[1], direction=row[2], is_cumulative=row[3],
            baseline=row[4], weight=row[5], archived=row[6] is not None,
        )
        for row in MeasureOfEffectiveness.objects.values_list(
            "id", "program_id", "direction", "is_cumulative", "baseline_value", "weight", "archived_at"
        )
    }
    targets = [PeriodValue(*row) for row in Target.objects.values_list("moe_id", "period", "period_end", "value")]
    measurements = [
        PeriodValue(*row)
        for row in Measurement.objects.values_list("moe_id", "period", "period_end", "value", "status")
    ]
    return PortfolioInputs(
        programs=programs,
        moes=moes,
        targets=targets,
        measurements=measurements,
        country_regions={
            cid: (bureau, command)
            for cid, bureau, command in Country.objects.values_list("id", "state_bureau_id", "combatant_command_id")
        },
        goal_parents=dict(Goal.objects.values_list("id", "parent_id")),
    )
