"""Celery application: configured from Django settings (``CELERY_*``, including the
periodic schedule ``CELERY_BEAT_SCHEDULE`` and the publish / consume connection settings),
tasks autodiscovered from each app's ``tasks.py``."""
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")

app = Celery("ssa_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="ssa_portal.health_ping")
def health_ping() -> str:
    """Round trip through the broker and a worker, for monitoring and tests."""
    return "pong"


@worker_ready.connect
def _heartbeat_start(sender, **kwargs) -> None:
    """Tell the web pages that a worker runs (infrastructure.worker_heartbeat)."""
    from infrastructure.worker_heartbeat import heartbeat_start

    heartbeat_start(sender.hostname)
