"""Celery wiring: a task executed by a real worker against Redis."""
import pytest

from ssa_portal.celery import health_ping

pytestmark = pytest.mark.worker


def test_health_ping_runs_on_a_real_worker(celery_worker_process):
    result = health_ping.apply_async()
    assert result.get(timeout=30) == "pong"
