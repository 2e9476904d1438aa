"""Faults while people work: Redis stopped under saves, a worker killed mid-recompute, the
worker of ``make start`` killed under its web server.

Real processes only: a throwaway ``redis-server`` on a free port that the test stops and
starts again, and real ``celery worker`` processes that the test SIGKILLs. The database
refusing connections and the health endpoint are in test_health_and_outages.py.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal as D
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from evaluations.models import CountryRollup, GoalRollup, ProgramRollup, RegionRollup
from evaluations.services.rollups import rollups_recompute
from evaluations.tasks import rollups_recompute_all, rollups_recompute_programs
from infrastructure.models import DeferredTask
from programs import models as m
from ssa_portal.celery import app
from tests import factories
from tests.broker import point_app_at

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


# --- processes -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float = 45.0, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


class ThrowawayRedis:
    """A redis-server of our own on a free port, stopped and started by the test."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        assert _wait_for(self._answers, timeout=10), "throwaway redis did not start"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _process_env(broker: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker, **extra}


def start_worker(broker: str, *, pool: str = "solo", name: str = "faults") -> subprocess.Popen:
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ssa_portal", "worker", f"--pool={pool}", "--concurrency=1",
         "--loglevel=WARNING", "--without-mingle", "--without-gossip", "-n", f"{name}-{os.getpid()}@%h"],
        env=_process_env(broker), cwd=ROOT,
    )
    if not _wait_for(lambda: bool(app.control.inspect(timeout=0.5).ping()) or worker.poll() is not None, 40):
        worker.kill()
        pytest.fail("celery worker did not answer within 40 s")
    if worker.poll() is not None:
        pytest.fail("celery worker exited during start-up")
    return worker


def start_beat(broker: str, *, replay_seconds: float) -> subprocess.Popen:
    """``celery beat`` with the portal's schedule (DatabaseScheduler), replaying deferred
    work every ``replay_seconds``."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ssa_portal", "beat", "--loglevel=WARNING", "--max-interval=1"],
        env=_process_env(broker, DEFERRED_TASKS_REPLAY_SECONDS=str(replay_seconds)), cwd=ROOT,
    )


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def app_broker(settings):
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield point_app_at
    point_app_at(saved[1] or "", result_backend=saved[2])
    app.conf.task_always_eager = saved[0]


# --- data ----------------------------------------------------------------------------


def _submitted_measurements(analyst, count: int) -> list[m.Measurement]:
    """``count`` programs in Kenya, each with an MOE (baseline 0, target 100) and a
    submitted measurement of 10 * (i + 1): achievements 0.1, 0.2, ..."""
    measurements = []
    for i in range(count):
        program = factories.ProgramFactory(lead_agency=analyst.agency, countries=[factories.country("KEN")],
                                           goals=list(m.Goal.objects.filter(code="1.a")))
        moe = factories.MoeFactory(program=program, baseline_value=D(0))
        factories.TargetFactory(moe=moe, period="FY2026-Q1", value=D(100))
        measurements.append(factories.MeasurementFactory(
            moe=moe, period="FY2026-Q1", value=D(10 * (i + 1)), status=m.MeasurementStatus.SUBMITTED, entered_by=analyst))
    return measurements


def rollup_rows() -> dict[str, list[tuple]]:
    """Every computed figure, without the time it was computed."""
    return {
        "program": list(ProgramRollup.objects.order_by("program_id").values_list(
            "program_id", "achievement", "status", "moe_count", "moes_with_data", "funding_weight")),
        "country": list(CountryRollup.objects.order_by("country_id").values_list("country_id", "achievement", "status")),
        "region": list(RegionRollup.objects.order_by("region_id").values_list("region_id", "achievement", "status")),
        "goal": list(GoalRollup.objects.order_by("goal_id").values_list("goal_id", "achievement", "status")),
    }


# --- Redis stopped while users save --------------------------------------------------


def test_saves_succeed_while_redis_is_stopped_and_the_running_worker_catches_up(app_broker, analyst_a, manager):
    """Nothing is restarted: the worker and beat that run before the outage outlive it,
    reconnect with back-off once Redis is back, and beat's replay brings the figures up to date."""
    redis = ThrowawayRedis()
    redis.start()
    worker = beat = None
    try:
        # Given a portal publishing to a Redis that works, a worker and beat (replaying
        # deferred work every 2 s) running on it, and five submitted measurements
        app_broker(redis.url)
        measurements = _submitted_measurements(analyst_a, 5)
        rollups_recompute_all.apply()
        assert all(r.achievement is None for r in ProgramRollup.objects.all())
        moe = measurements[0].moe
        worker = start_worker(redis.url, name="faults-redis")
        beat = start_beat(redis.url, replay_seconds=2)
        worker_pid, beat_pid = worker.pid, beat.pid

        # When Redis stops, and a manager approves every measurement through the page while
        # an analyst saves a new quarter in the measurement grid
        redis.stop()
        boss, analyst = Client(), Client()
        boss.force_login(manager)
        analyst.force_login(analyst_a)
        timings = []
        for measurement in measurements:
            started = time.monotonic()
            response = boss.post(reverse("programs:measurement-approve", args=[measurement.pk]),
                                 {"version": measurement.version})
            timings.append(time.monotonic() - started)
            assert response.status_code == 302, response.content[:300]
        started = time.monotonic()
        grid = analyst.post(reverse("programs:measurement-grid", args=[moe.program_id]),
                            {"fy": "2026", f"value_{moe.pk}_FY2026-Q2": "55"})
        timings.append(time.monotonic() - started)

        # Then every save succeeded within seconds, nothing is lost, and the pending
        # recomputes are recorded
        assert grid.status_code == 302, grid.content[:500]
        assert max(timings) < 5, timings
        assert m.Measurement.objects.filter(status=m.MeasurementStatus.APPROVED).count() == 5
        assert m.Measurement.objects.get(moe=moe, period="FY2026-Q2").value == D(55)
        deferred = DeferredTask.objects.filter(task_name=rollups_recompute_programs.name)
        assert deferred.count() >= 5
        time.sleep(3)  # beat's replay fails at least once against the stopped broker
        assert all(r.achievement is None for r in ProgramRollup.objects.all())  # stale until Redis returns
        assert worker.poll() is None and beat.poll() is None, "worker or beat gave up on the broker"

        # When Redis returns (nothing else is done: no restart, no manual replay)
        redis.start()

        # Then beat replays the deferred recomputes and the same worker brings the figures up to date
        expected = {ms.moe.program_id: 0.1 * (i + 1) for i, ms in enumerate(measurements)}
        assert _wait_for(lambda: all(
            ProgramRollup.objects.get(program_id=pid).achievement is not None for pid in expected), timeout=40)
        for pid, achievement in expected.items():
            assert ProgramRollup.objects.get(program_id=pid).achievement == pytest.approx(achievement)
        assert CountryRollup.objects.get(country__iso3="KEN").achievement == pytest.approx(0.3)
        assert not deferred.exists()
        assert (worker.poll(), worker.pid, beat.poll(), beat.pid) == (None, worker_pid, None, beat_pid)
    finally:
        for process in (beat, worker):
            if process is not None:
                stop_process(process)
        redis.stop()


# --- a worker killed in the middle of a recompute -------------------------------------


def _child_pids(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _backend_waiting_on_lock(dbname: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
            " AND query ILIKE '%%evaluations_goalrollup%%'", [dbname])
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_recompute_retries_and_gives_the_same_rows(app_broker, analyst_a):
    """acks_late + reject_on_worker_lost: the recompute's process is SIGKILLed while its
    transaction has written program, country and region figures and waits to write the
    goal figures; nothing of it is committed, the message goes back to the queue, and the
    retry writes exactly the rows a recompute in this process writes."""
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker:
        pytest.fail("REDIS_URL must point at Redis for this test (see README).")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL locks")

    # Given data, and the rows a complete recompute gives (computed here, then removed)
    measurements = _submitted_measurements(analyst_a, 4)
    m.Measurement.objects.filter(pk__in=[x.pk for x in measurements]).update(status=m.MeasurementStatus.APPROVED)
    rollups_recompute()
    reference = rollup_rows()
    assert reference["program"] and reference["goal"]
    for model in (ProgramRollup, CountryRollup, RegionRollup, GoalRollup):
        model.objects.all().delete()

    app_broker(broker)
    app.control.purge()
    worker = start_worker(broker, pool="prefork", name="faults-kill")
    settings_dict = connection.settings_dict
    blocker = psycopg2.connect(dbname=settings_dict["NAME"], user=settings_dict["USER"],
                               host=settings_dict["HOST"], port=settings_dict["PORT"])
    try:
        # another session holds the goal figures' table, so the recompute stops half-way
        with blocker.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE evaluations_goalrollup IN ACCESS EXCLUSIVE MODE")

        # When the full recompute runs and its process is killed while it waits
        rollups_recompute_all.delay()
        assert _wait_for(lambda: _backend_waiting_on_lock(settings_dict["NAME"]), timeout=40), \
            "the recompute never reached the goal figures"
        children = _child_pids(worker.pid)
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        time.sleep(1.0)
        blocker.rollback()  # the lock goes; the killed process's transaction never commits

        # Then the worker notices the lost process, requeues the task, and the retry writes
        # the same rows as the reference recompute
        assert _wait_for(lambda: rollup_rows() == reference, timeout=60), (rollup_rows(), reference)
        assert worker.poll() is None  # the worker itself survived and carried on
        time.sleep(1.0)
        assert rollup_rows() == reference  # and nothing half-written arrives afterwards
        # The killed recompute had committed its MOE-period parts into the build table
        # (built on two connections: infrastructure/table_swap.py); the retry dropped it
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('evaluations_moeachievement__rebuild')")
            assert cursor.fetchone()[0] is None
    finally:
        blocker.close()
        stop_process(worker)


# --- make start: the web server and the worker stop together ---------------------------


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_make_start_stops_the_web_server_and_says_so_when_its_worker_dies(broker_without_worker):
    port = _free_port()
    health = f"http://127.0.0.1:{port}/health/"
    serve = subprocess.Popen(
        [str(ROOT / "ops" / "serve.sh")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=_process_env(broker_without_worker, BIN=str(Path(sys.executable).parent), PORT=str(port)),
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: _answers(health) and bool(app.control.inspect(timeout=0.5).ping()), 90), \
            "the web server and the worker did not both start"
        (stats,) = (app.control.inspect(timeout=2).stats() or {}).values()

        os.kill(stats["pid"], signal.SIGKILL)  # the worker's main process, as the out-of-memory killer would

        output, _ = serve.communicate(timeout=60)
        assert serve.returncode == 1
        assert "the Celery worker stopped (exit status 137); stopping the web server too" in output
        assert not _answers(health)
    finally:
        if serve.poll() is None:
            serve.terminate()  # serve.sh stops both on SIGTERM
            serve.wait(timeout=30)
