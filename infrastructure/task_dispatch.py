"""Publishing background work without ever hanging or failing a user's save.

Writes call :func:`enqueue_on_commit`; the task is published only once the transaction
commits. If the broker is unreachable the publish fails fast (short timeouts in
settings), the error is logged and the work is recorded as a :class:`DeferredTask`, which
the scheduled ``deferred_tasks_replay`` (and every full recompute) catches up on.
"""
from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

from .models import DeferredTask

logger = logging.getLogger(__name__)


def publish(
    task: Task,
    args: list[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    *,
    defer: bool = True,
) -> bool:
    """Publish now; on broker failure record the work as deferred (if ``defer``). True if published."""
    args, kwargs = list(args or []), dict(kwargs or {})
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
        return True
    except Exception as exc:  # noqa: BLE001 - any broker error must not reach the user
        if task.app.conf.task_always_eager:
            raise  # in-process mode: a failure is a bug in the task, not the broker
        logger.warning("Broker unavailable for %s: %s", task.name, exc)
        if defer:
            DeferredTask.objects.create(task_name=task.name, args=args, kwargs=kwargs, error=str(exc)[:2000])
        return False


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Publish ``task`` after the current transaction commits (immediately if none)."""
    transaction.on_commit(lambda: publish(task, list(args), kwargs), robust=True)
