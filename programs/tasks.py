"""Thin Celery tasks of the programs app."""
from celery import shared_task

from .services import operations


@shared_task(name="programs.tasks.deferred_tasks_replay", acks_late=True)
def deferred_tasks_replay() -> int:
    """Republish work that was deferred while the broker was down."""
    return operations.deferred_tasks_replay()
