"""Catching up on background work that was deferred while the broker was down."""
from __future__ import annotations

from celery import current_app
from django.db import transaction

from .models import DeferredTask
from .task_dispatch import publish


def deferred_tasks_replay(*, limit: int = 1000) -> int:
    """Republish deferred tasks, oldest first; each published one is deleted. Returns count."""
    replayed = 0
    with transaction.atomic():
        pending = list(DeferredTask.objects.select_for_update(skip_locked=True).order_by("id")[:limit])
        for deferred in pending:
            task = current_app.tasks.get(deferred.task_name)
            if task is None:
                continue
            if not publish(task, deferred.args, deferred.kwargs, defer=False):
                break  # broker still down: keep the rest for the next run
            deferred.delete()
            replayed += 1
    return replayed
