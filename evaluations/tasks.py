"""Thin Celery tasks of the evaluations app: ids in, one service call."""
from celery import shared_task
from django.db import OperationalError

from infrastructure.history import acting_as

from .services import rollups
from .services.rollups import RollupsBusy

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, RollupsBusy),
    "retry_backoff": True,
    "retry_backoff_max": 30,
    "max_retries": 5,
}


@shared_task(name="evaluations.tasks.rollups_recompute_programs", **RETRY)
@acting_as("rollup recompute")
def rollups_recompute_programs(program_ids: list[int]) -> list[int]:
    """Incremental recompute after a change to these programs' rollup inputs."""
    return rollups.rollups_recompute(program_ids=program_ids).changed_country_ids


@shared_task(name="evaluations.tasks.rollups_recompute_all", **RETRY)
@acting_as("scheduled recompute")
def rollups_recompute_all() -> list[int]:
    """Full recompute (beat schedule): also catches up on work deferred while the broker
    was down, since it recomputes every figure from the current data."""
    return rollups.rollups_recompute().changed_country_ids
