"""Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered
from each app's ``tasks.py``; the periodic schedule lives in code (``beat_schedule``)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")

app = Celery("ssa_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Full recomputes on a schedule; incremental ones are enqueued by the writes themselves.
app.conf.beat_schedule = {
    "replay-deferred-tasks": {
        "task": "infrastructure.tasks.deferred_tasks_replay",
        "schedule": 300.0,
    },
    "selectivity-recompute-all": {
        "task": "assessments.tasks.selectivity_recompute",
        "schedule": 6 * 3600.0,
    },
    "rollups-recompute-all": {
        "task": "evaluations.tasks.rollups_recompute_all",
        "schedule": 3600.0,
    },
    # Dashboards store their figures; refresh them ahead of the first viewer.
    "dashboards-figures-refresh": {
        "task": "dashboards.tasks.figures_refresh",
        "schedule": 600.0,
    },
    # Identity: accounts their provider no longer vouches for; accounts not seen for 90 days.
    "identity-provider-accounts-verify": {
        "task": "identity.tasks.provider_accounts_verify",
        "schedule": 3600.0,
    },
    "identity-dormant-accounts-report": {
        "task": "identity.tasks.dormant_accounts_report",
        "schedule": 7 * 24 * 3600.0,
    },
}


@app.task(name="ssa_portal.health_ping")
def health_ping() -> str:
    """Round trip through the broker and a worker, for monitoring and tests."""
    return "pong"
