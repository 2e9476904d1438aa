"""Rollups recomputed in the background: a real worker on Redis, and a broker that is down."""
import time
from decimal import Decimal as D

import pytest

from infrastructure.models import DeferredTask
from evaluations.models import CountryRollup, GoalRollup, ProgramRollup, RegionRollup
from evaluations.tasks import rollups_recompute_all, rollups_recompute_programs
from programs import models as m
from programs.services.measures import measurement_approve, measurement_record
from tests import factories
from tests.broker import DEAD_BROKER, point_app_at


def _portfolio(analyst_a):
    program = factories.ProgramFactory(
        lead_agency=analyst_a.agency, countries=[factories.country("KEN")],
        goals=list(m.Goal.objects.filter(code="1.a")),
    )
    moe = factories.MoeFactory(program=program, baseline_value=D(0))
    factories.TargetFactory(moe=moe, period="FY2026-Q1", value=D(100))
    return program, moe


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.worker
def test_an_approved_measurement_updates_every_rollup_through_a_real_worker(
    celery_worker_process, analyst_a, manager
):
    # Given a program in Kenya serving goal 1.a, with a target and no data yet
    program, moe = _portfolio(analyst_a)
    rollups_recompute_all.apply()
    assert ProgramRollup.objects.get(program=program).status == "no_data"

    # When an analyst records a value and a manager approves it (through the services)
    measurement = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(90))
    m.Measurement.objects.filter(pk=measurement.pk).update(status="submitted")
    measurement_approve(user=manager, measurement=measurement, version=measurement.version)

    # Then the worker recomputes the program, its country, both regions and the goals
    assert _wait_for(lambda: ProgramRollup.objects.get(program=program).achievement is not None)
    assert ProgramRollup.objects.get(program=program).achievement == pytest.approx(0.9)
    assert CountryRollup.objects.get(country__iso3="KEN").achievement == pytest.approx(0.9)
    assert RegionRollup.objects.get(region__code="AF").achievement == pytest.approx(0.9)
    assert RegionRollup.objects.get(region__code="AFRICOM").achievement == pytest.approx(0.9)
    assert GoalRollup.objects.get(goal__code="1.a").achievement == pytest.approx(0.9)
    assert GoalRollup.objects.get(goal__code="1").status == "on_track"


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where nothing listens, then restore it."""
    from ssa_portal.celery import app

    previous = (app.conf.broker_url, app.conf.task_always_eager)
    point_app_at(DEAD_BROKER)
    yield app
    point_app_at(previous[0])
    app.conf.task_always_eager = previous[1]


@pytest.mark.django_db
def test_with_the_broker_down_the_save_succeeds_and_the_next_run_catches_up(
    broker_down, analyst_a, manager, django_capture_on_commit_callbacks
):
    # Given computed rollups for a program with no data yet
    program, moe = _portfolio(analyst_a)
    rollups_recompute_all.apply()

    # When a measurement is approved while Redis is unreachable
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        measurement = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(70))
        m.Measurement.objects.filter(pk=measurement.pk).update(status="submitted")
        measurement_approve(user=manager, measurement=measurement, version=measurement.version)
    elapsed = time.monotonic() - started

    # Then the save succeeded quickly, the work is recorded as deferred, figures are stale
    assert m.Measurement.objects.get(pk=measurement.pk).status == "approved"
    assert elapsed < 10
    assert DeferredTask.objects.filter(task_name=rollups_recompute_programs.name).exists()
    assert ProgramRollup.objects.get(program=program).achievement is None

    # And the next scheduled full recompute catches up (and settles the deferred work)
    rollups_recompute_all.apply()
    assert not DeferredTask.objects.filter(task_name=rollups_recompute_programs.name).exists()
    assert ProgramRollup.objects.get(program=program).achievement == pytest.approx(0.7)
    assert CountryRollup.objects.get(country__iso3="KEN").status == "needs_attention"


@pytest.mark.django_db
def test_a_busy_rollup_lock_makes_the_recompute_raise_for_retry(program_a):
    from django.db import connection, transaction

    from evaluations.services.rollups import LOCK_SCOPE, RollupsBusy, rollups_recompute
    from infrastructure.locks import try_scope_lock
    import psycopg2

    # Given another connection holding the rollup lock
    settings_dict = connection.settings_dict
    other = psycopg2.connect(dbname=settings_dict["NAME"], user=settings_dict["USER"],
                             host=settings_dict["HOST"], port=settings_dict["PORT"])
    try:
        import zlib

        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                           [4242, zlib.crc32(LOCK_SCOPE.encode()) - 2**31])
            assert cursor.fetchone()[0]
            # When a recompute starts, then it refuses to write (the task retries)
            with pytest.raises(RollupsBusy):
                rollups_recompute(program_ids=[program_a.id])
    finally:
        other.rollback()
        other.close()
    assert not ProgramRollup.objects.filter(program=program_a).exists()
    with transaction.atomic():
        assert try_scope_lock(LOCK_SCOPE)


@pytest.mark.django_db
def test_moving_a_program_to_another_country_refreshes_the_country_it_left(
    tasks_in_process, analyst_a, django_capture_on_commit_callbacks
):
    from programs.services.programs import program_update

    # Given a program in Kenya with data, and rollups computed
    program, moe = _portfolio(analyst_a)
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=D(100))
    rollups_recompute_all.apply()
    assert CountryRollup.objects.get(country__iso3="KEN").program_count == 1

    # When the analyst moves it to Uganda through the program service
    program.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        program_update(user=analyst_a, program=program, data={"countries": [factories.country("UGA")]},
                       version=program.version, rationale_category="scope_change", rationale="Moved north")

    # Then both countries' figures follow, after commit, without a full recompute
    kenya = CountryRollup.objects.get(country__iso3="KEN")
    uganda = CountryRollup.objects.get(country__iso3="UGA")
    assert (kenya.program_count, kenya.achievement) == (0, None)
    assert (uganda.program_count, uganda.achievement) == (1, 1.0)
    assert DeferredTask.objects.count() == 0


@pytest.mark.django_db
def test_only_withdrawing_an_approved_value_schedules_a_recompute(
    tasks_in_process, analyst_a, manager, django_capture_on_commit_callbacks
):
    from programs.services.measures import measurement_record

    # Given rollups computed with one approved value
    program, moe = _portfolio(analyst_a)
    approved = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=D(90))
    rollups_recompute_all.apply()
    computed_at = ProgramRollup.objects.get(program=program).computed_at

    # When an analyst records a draft for another quarter, nothing is scheduled
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measurement_record(user=analyst_a, moe=moe, period="FY2026-Q2", value=D(10))
    assert callbacks == []
    assert ProgramRollup.objects.get(program=program).computed_at == computed_at

    # When the approved value is changed (withdrawn for re-approval), the program is recomputed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(50), version=approved.version,
                           rationale_category="data_correction", rationale="typo")
    assert callbacks  # the program's recompute (which then schedules its country's score)
    rollup = ProgramRollup.objects.get(program=program)
    assert rollup.computed_at > computed_at and rollup.status == "no_data"
