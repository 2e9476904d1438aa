"""Publishing background work never hangs or fails a save when the broker is down; the
work is recorded and replayed once the broker is back."""
import logging
import os
import time

import pytest

from infrastructure.models import DeferredTask
from infrastructure.services import deferred_tasks_replay
from infrastructure.task_dispatch import enqueue_on_commit, publish
from ssa_portal.celery import app, health_ping
from tests.broker import DEAD_BROKER, point_app_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker(settings):
    """Switch the Celery app between a dead broker and the real Redis."""
    real = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not real:
        pytest.fail("REDIS_URL must point at Redis for this test (see README).")
    saved = (app.conf.task_always_eager, app.conf.broker_url)

    yield {"use": point_app_at, "real": real}
    point_app_at(saved[1] or real)
    app.conf.task_always_eager = saved[0]


def test_publish_with_broker_down_is_fast_and_recorded(broker):
    broker["use"](DEAD_BROKER)
    started = time.monotonic()
    assert publish(health_ping) is False
    assert time.monotonic() - started < 5
    assert list(DeferredTask.objects.values_list("task_name", flat=True)) == ["ssa_portal.health_ping"]


def test_enqueue_on_commit_does_not_raise_and_replay_catches_up(broker):
    broker["use"](DEAD_BROKER)
    enqueue_on_commit(health_ping)  # no transaction: runs at once, must not raise
    assert DeferredTask.objects.count() == 1
    assert deferred_tasks_replay() == 0  # broker still down: kept for later
    assert DeferredTask.objects.count() == 1

    broker["use"](broker["real"])
    assert deferred_tasks_replay() == 1
    assert DeferredTask.objects.count() == 0


def test_a_save_without_a_broker_runs_its_work_in_process_and_logs_no_warning(broker, settings, caplog, manager):
    # Given the Celery app as settings configure it when no broker is set (tasks in process)
    from programs.models import MeasurementStatus
    from programs.services.measures import measurement_approve
    from tests import factories

    broker["use"](settings.IN_PROCESS_BROKER_URL, result_backend="disabled://")  # no result backend either
    app.conf.task_always_eager = True
    submitted = factories.MeasurementFactory(status=MeasurementStatus.SUBMITTED)
    # When a manager approves a value (a save that schedules the rollup recompute on commit)
    with caplog.at_level(logging.INFO):
        measurement_approve(user=manager, measurement=submitted, version=submitted.version)
    # Then the recompute ran in process and nothing was logged at warning level or above
    assert any("rollups_recompute_programs" in r.getMessage() and "succeeded" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert not DeferredTask.objects.exists()
