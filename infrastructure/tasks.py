"""Thin Celery tasks of the infrastructure app."""
from celery import shared_task

from .history import acting_as
from . import services


@shared_task(name="infrastructure.tasks.deferred_tasks_replay", acks_late=True)
@acting_as("deferred work replay")
def deferred_tasks_replay() -> int:
    """Republish work that was deferred while the broker was down."""
    return services.deferred_tasks_replay()
