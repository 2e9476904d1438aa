"""The pure reference of MOE achievement: one test per formula branch (DESIGN.md 3)."""
import datetime as dt
from decimal import Decimal as D

import pytest

from evaluations.computations.achievement import (
    MoeInput,
    PeriodValue,
    ProgramInput,
    capped,
    goals_served,
    group_achievement,
    moe_period_achievements,
    period_achievement,
    program_achievement,
    status_of,
)


def test_increase_is_progress_from_baseline_towards_target():
    assert period_achievement(direction="increase", baseline=D(10), target=D(20), actual=D(15)) == 0.5


def test_decrease_mirrors_the_formula():
    # Incidents down from 100 towards 60: at 90 a quarter of the way.
    assert period_achievement(direction="decrease", baseline=D(100), target=D(60), actual=D(90)) == 0.25


def test_achievement_is_stored_raw_beyond_the_target_and_below_the_baseline():
    assert period_achievement(direction="increase", baseline=D(0), target=D(10), actual=D(15)) == 1.5
    assert period_achievement(direction="increase", baseline=D(10), target=D(20), actual=D(5)) == -0.5


@pytest.mark.parametrize(
    "direction,actual,expected",
    [("increase", D(5), 1.0), ("increase", D(4), 0.0), ("decrease", D(5), 1.0), ("decrease", D(6), 0.0)],
)
def test_target_equal_to_baseline_is_met_or_not_without_division(direction, actual, expected):
    assert period_achievement(direction=direction, baseline=D(5), target=D(5), actual=actual) == expected


@pytest.mark.parametrize(
    "value,status",
    [(None, "no_data"), (0.85, "on_track"), (1.7, "on_track"), (0.8499, "needs_attention"),
     (0.60, "needs_attention"), (0.5999, "off_track"), (-2.0, "off_track")],
)
def test_status_thresholds(value, status):
    assert status_of(value) == status


def test_capping_limits_to_zero_and_one():
    assert (capped(1.4), capped(-0.3), capped(0.5), capped(None)) == (1.0, 0.0, 0.5, None)


PROGRAM = ProgramInput(id=1, status="active", archived=False, start_fy=2025, end_fy=2027,
                       country_ids=frozenset(), goal_ids=frozenset())


def _pv(period, value, status="approved"):
    from programs.fiscal import Period

    return PeriodValue(1, period, Period.parse(period).end, D(value), status)


def test_cumulative_moe_uses_the_running_total_of_approved_values_only():
    moe = MoeInput(1, 1, "increase", True, D(0), D(1))
    rows = moe_period_achievements(
        moe, PROGRAM,
        targets=[_pv("FY2026-Q1", 100), _pv("FY2026-Q2", 200)],
        measurements=[_pv("FY2026-Q1", 60), _pv("FY2026-Q2", 80), _pv("FY2026-Q3", 999, "draft")],
    )
    assert [(r.period, r.actual, r.achievement) for r in rows] == [
        ("FY2026-Q1", D(60), 0.6), ("FY2026-Q2", D(140), 0.7)
    ]
    assert [r.is_latest for r in rows] == [False, True]


def test_periods_without_target_or_measurement_or_outside_program_years_are_explicit_no_data():
    moe = MoeInput(1, 1, "increase", False, D(0), D(1))
    rows = moe_period_achievements(
        moe, PROGRAM,
        targets=[_pv("FY2026-Q1", 100), _pv("FY2026-Q2", 100), _pv("FY2030", 100)],
        measurements=[_pv("FY2026-Q1", 90), _pv("FY2026-Q3", 50), _pv("FY2030", 100)],
    )
    by_period = {r.period: r for r in rows}
    assert by_period["FY2026-Q2"].no_data_reason == "no_measurement"
    assert by_period["FY2026-Q3"].no_data_reason == "no_target"
    assert by_period["FY2030"].no_data_reason == "outside_program_years"
    assert all(by_period[p].achievement is None for p in ("FY2026-Q2", "FY2026-Q3", "FY2030"))
    # The latest period with an achievement gives the MOE's status.
    assert [r.period for r in rows if r.is_latest] == ["FY2026-Q1"]
    assert by_period["FY2026-Q1"].status == "on_track"


def test_program_is_the_moe_weighted_mean_of_capped_latest_achievements_leaving_out_no_data():
    figure = program_achievement([(D(3), 1.5), (D(1), 0.2), (D(5), None)], moe_count=3)
    assert figure.achievement == pytest.approx((3 * 1.0 + 1 * 0.2) / 4)
    assert (figure.count, figure.with_data) == (3, 2)
    assert program_achievement([], moe_count=2).status == "no_data"


def test_group_is_funding_weighted_with_equal_weights_when_unfunded():
    assert group_achievement([(300.0, 1.0), (100.0, 0.0), (50.0, None)]).achievement == 0.75
    assert group_achievement([(0.0, 1.0), (0.0, 0.5)]).achievement == 0.75
    empty = group_achievement([(10.0, None)])
    assert (empty.achievement, empty.count, empty.with_data) == (None, 1, 0)


def test_a_sub_goal_program_also_counts_for_its_parent_goal_once():
    parents = {1: None, 2: 1, 3: 1}
    assert goals_served({2, 3}, parents) == {1, 2, 3}
    assert goals_served({1, 2}, parents) == {1, 2}
