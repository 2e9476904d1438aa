"""The set-based SQL rollups equal the pure reference, on generated portfolios."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluations.computations.achievement import portfolio_figures
from evaluations.computations.reference_inputs import portfolio_inputs
from evaluations.models import CountryRollup, GoalRollup, MoeAchievement, ProgramRollup, RegionRollup
from evaluations.services.rollups import rollups_recompute
from programs import models as m
from programs.fiscal import Period, funding_window
from tests import factories

pytestmark = pytest.mark.django_db

ISO3 = ["KEN", "UGA", "COL", "PHL"]
GOALS = ["1", "1.a", "1.e", "3", "4"]
PERIODS = ["FY2025-Q4", "FY2026-Q1", "FY2026-Q2", "FY2026", "FY2027-Q1", "FY2029"]
RARELY = st.sampled_from([False, False, False, True])
VALUES = st.sampled_from([D(0), D(5), D(10), D("12.5"), D(20), D(100), D("0.0001")])

moe_strategy = st.fixed_dictionaries({
    "direction": st.sampled_from(["increase", "decrease"]),
    "cumulative": st.booleans(),
    "baseline": VALUES,
    "weight": st.sampled_from([D(1), D("0.5"), D(3)]),
    "archived": RARELY,
    "targets": st.dictionaries(st.sampled_from(PERIODS), VALUES, max_size=4),
    "measurements": st.dictionaries(
        st.sampled_from(PERIODS),
        st.tuples(VALUES, st.sampled_from(["approved", "approved", "approved", "draft", "submitted"])),
        max_size=4,
    ),
})
program_strategy = st.fixed_dictionaries({
    "status": st.sampled_from(["active", "active", "under_review", "restructured", "completed", "proposed"]),
    "archived": RARELY,
    "countries": st.sets(st.sampled_from(ISO3), min_size=1, max_size=3),
    "goals": st.sets(st.sampled_from(GOALS), max_size=3),
    "funding": st.dictionaries(st.sampled_from([2024, 2025, 2026, 2027, 2028]),
                               st.sampled_from([D(0), D(1000), D("2500000.50")]), max_size=2),
    "moes": st.lists(moe_strategy, min_size=1, max_size=3),
})


def build_portfolio(programs: list[dict]) -> None:
    """Insert a generated portfolio with plain ORM writes (no services: inputs only)."""
    countries = {c.iso3: c for c in m.Country.objects.filter(iso3__in=ISO3)}
    goals = {g.code: g for g in m.Goal.objects.filter(code__in=GOALS)}
    now = timezone.now()
    for spec in programs:
        program = factories.ProgramFactory(
            status=spec["status"], archived_at=now if spec["archived"] else None,
            countries=[countries[c] for c in spec["countries"]], goals=[goals[g] for g in spec["goals"]],
        )
        m.Funding.objects.bulk_create(
            m.Funding(program=program, fiscal_year=fy, obligated=amount) for fy, amount in spec["funding"].items()
        )
        for moe_spec in spec["moes"]:
            moe = factories.MoeFactory(
                program=program, direction=moe_spec["direction"], is_cumulative=moe_spec["cumulative"],
                baseline_value=moe_spec["baseline"], weight=moe_spec["weight"],
                archived_at=now if moe_spec["archived"] else None,
            )
            m.Target.objects.bulk_create(
                m.Target(moe=moe, period=p, period_end=Period.parse(p).end, value=v)
                for p, v in moe_spec["targets"].items()
            )
            m.Measurement.objects.bulk_create(
                m.Measurement(moe=moe, period=p, period_end=Period.parse(p).end, value=v, status=s)
                for p, (v, s) in moe_spec["measurements"].items()
            )


def assert_sql_equals_reference() -> None:
    reference = portfolio_figures(portfolio_inputs(), funding_window(timezone.localdate()))
    stored = {(r.moe_id, r.period): r for r in MoeAchievement.objects.all()}
    assert set(stored) == set(reference.periods)
    for key, expected in reference.periods.items():
        row = stored[key]
        assert row.achievement == pytest.approx(expected.achievement, abs=1e-9) if expected.achievement is not None \
            else row.achievement is None, key
        assert (row.status, row.no_data_reason, row.is_latest, row.actual, row.target) == (
            expected.status, expected.no_data_reason, expected.is_latest, expected.actual, expected.target
        ), key
    programs = {r.program_id: r for r in ProgramRollup.objects.all()}
    assert set(programs) == set(reference.programs)
    for pid, expected in reference.programs.items():
        _assert_figure(programs[pid], expected, count_field="moe_count", data_field="moes_with_data")
        assert programs[pid].funding_weight == reference.program_weights[pid]
    for model, key, figures in (
        (CountryRollup, "country_id", reference.countries),
        (RegionRollup, "region_id", reference.regions),
        (GoalRollup, "goal_id", reference.goals),
    ):
        rows = {getattr(r, key): r for r in model.objects.all()}
        for group_id, expected in figures.items():
            _assert_figure(rows[group_id], expected, count_field="program_count", data_field="programs_with_data")
        # Groups no running program touches are stored as explicit "no data".
        for group_id in set(rows) - set(figures):
            assert (rows[group_id].achievement, rows[group_id].program_count) == (None, 0)


def _assert_figure(row, expected, *, count_field, data_field) -> None:
    if expected.achievement is None:
        assert row.achievement is None
    else:
        assert row.achievement == pytest.approx(expected.achievement, abs=1e-9)
    assert row.status == expected.status
    assert (getattr(row, count_field), getattr(row, data_field)) == (expected.count, expected.with_data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(programs=st.lists(program_strategy, min_size=1, max_size=4))
def test_full_recompute_equals_the_reference_on_generated_portfolios(programs):
    with transaction.atomic():
        build_portfolio(programs)
        rollups_recompute()
        assert_sql_equals_reference()
        transaction.set_rollback(True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(programs=st.lists(program_strategy, min_size=2, max_size=4), changed=st.integers(0, 3),
       new_value=VALUES)
def test_incremental_recompute_after_a_change_equals_the_reference(programs, changed, new_value):
    """Given computed rollups, when one program's inputs and membership change and only
    it is recomputed, every stored figure still equals a full reference computation."""
    with transaction.atomic():
        build_portfolio(programs)
        rollups_recompute()
        program = list(m.Program.objects.order_by("id"))[changed % len(programs)]
        m.Measurement.objects.filter(moe__program=program).update(value=new_value, status="approved")
        program.countries.set([factories.country("PHL")])
        program.goals.set(m.Goal.objects.filter(code="1.e"))
        rollups_recompute(program_ids=[program.id])
        assert_sql_equals_reference()
        transaction.set_rollback(True)


def test_recomputing_twice_gives_the_same_rows():
    build_portfolio([{
        "status": "active", "archived": False, "countries": {"KEN"}, "goals": {"1.a"},
        "funding": {2026: D(1000)},
        "moes": [{"direction": "increase", "cumulative": False, "baseline": D(0), "weight": D(1),
                  "archived": False, "targets": {"FY2026-Q1": D(100)},
                  "measurements": {"FY2026-Q1": (D(90), "approved")}}],
    }])
    rollups_recompute()
    first = list(MoeAchievement.objects.values_list("moe_id", "period", "achievement", "status"))
    first_countries = list(CountryRollup.objects.order_by("country_id").values_list("country_id", "achievement"))
    rollups_recompute()
    assert list(MoeAchievement.objects.values_list("moe_id", "period", "achievement", "status")) == first
    assert list(CountryRollup.objects.order_by("country_id").values_list("country_id", "achievement")) == first_countries
    assert CountryRollup.objects.get(country__iso3="KEN").achievement == pytest.approx(0.9)
    assert GoalRollup.objects.get(goal__code="1").achievement == pytest.approx(0.9)
    assert RegionRollup.objects.get(region__code="AF").achievement == pytest.approx(0.9)
    assert RegionRollup.objects.get(region__code="AFRICOM").achievement == pytest.approx(0.9)


def test_a_program_in_two_countries_of_one_region_counts_once_there():
    given_funded = [
        {"status": "active", "archived": False, "countries": {"KEN", "UGA"}, "goals": set(),
         "funding": {2026: D(3000)},
         "moes": [{"direction": "increase", "cumulative": False, "baseline": D(0), "weight": D(1),
                   "archived": False, "targets": {"FY2026": D(10)}, "measurements": {"FY2026": (D(10), "approved")}}]},
        {"status": "active", "archived": False, "countries": {"KEN"}, "goals": set(),
         "funding": {2026: D(1000)},
         "moes": [{"direction": "increase", "cumulative": False, "baseline": D(0), "weight": D(1),
                   "archived": False, "targets": {"FY2026": D(10)}, "measurements": {"FY2026": (D(0), "approved")}}]},
    ]
    build_portfolio(given_funded)
    rollups_recompute()
    africa = RegionRollup.objects.get(region__code="AF")
    assert (africa.program_count, africa.achievement) == (2, pytest.approx(0.75))
    assert CountryRollup.objects.get(country__iso3="UGA").achievement == pytest.approx(1.0)


def test_country_rollups_changed_is_sent_for_changed_countries_only():
    from evaluations.signals import country_rollups_changed

    received = []

    def listener(sender, country_ids, **kwargs):
        received.append(country_ids)

    country_rollups_changed.connect(listener)
    try:
        moe = factories.MoeFactory(program=factories.ProgramFactory(countries=[factories.country("COL")]))
        factories.TargetFactory(moe=moe, value=D(100))
        rollups_recompute()
        received.clear()
        factories.MeasurementFactory(moe=moe, value=D(50))
        rollups_recompute(program_ids=[moe.program_id])
        assert received == [[factories.country("COL").id]]
        received.clear()
        rollups_recompute(program_ids=[moe.program_id])
        assert received == []
    finally:
        country_rollups_changed.disconnect(listener)
