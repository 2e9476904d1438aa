"""Thin Celery tasks of the assessments app."""
from celery import shared_task
from django.db import OperationalError

from infrastructure.history import acting_as

from . import services


@shared_task(
    bind=True,
    name="assessments.tasks.selectivity_recompute",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def selectivity_recompute_task(self, country_ids: list[int] | None = None) -> int:
    """Recompute selectivity for ``country_ids`` (all if None); retried while another run holds the lock."""
    with acting_as("selectivity recompute"):
        added = services.selectivity_recompute(country_ids=country_ids)
    if added is None:
        raise self.retry(countdown=5)
    return added
