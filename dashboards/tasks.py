"""Thin Celery tasks of the dashboards app."""
from celery import shared_task
from django.db import OperationalError

from infrastructure.history import acting_as

from .selectors import snapshots


@shared_task(name="dashboards.tasks.figures_refresh", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=5)
@acting_as("dashboard figures refresh")
def figures_refresh() -> int:
    """Warm the stored dashboard figures (portfolio, regions) after their inputs changed."""
    return snapshots.figures_refresh()
