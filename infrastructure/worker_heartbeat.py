"""Whether a Celery worker is running, for the pages that wait on one.

Each worker (its main process) writes a heartbeat into the cache shared by web processes and
workers (the "figures" cache, ``settings.CACHES``) when it is ready and then every
``HEARTBEAT_SECONDS`` from a thread of its own, so the beat goes on while a long task runs
whatever the pool (``--pool=solo`` runs tasks on the thread that would answer a ping).
An entry lives ``ABSENT_AFTER_SECONDS``: three missed beats and the worker counts as gone.

Pages read it through :func:`worker_absent`: one cache read, where a ping through the
broker (``app.control.ping``) waits out its whole timeout for replies on every call. The
health endpoint keeps its ping: it is a live round trip, asked for rarely.
"""
from __future__ import annotations

import logging
import threading
import time

from celery import current_app
from django.core.cache import caches
from django.db import connections

logger = logging.getLogger(__name__)

CACHE_ALIAS = "figures"  # shared by every web process and worker (settings.CACHES)
HEARTBEAT_KEY = "worker:heartbeat"
HEARTBEAT_SECONDS = 10
ABSENT_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS


def heartbeat_write(worker: str) -> None:
    """Record that ``worker`` (its node name) is running, for ``ABSENT_AFTER_SECONDS``."""
    caches[CACHE_ALIAS].set(HEARTBEAT_KEY, worker, timeout=ABSENT_AFTER_SECONDS)


def heartbeat_start(worker: str) -> None:
    """Write a heartbeat now (so it is there before the worker answers its first ping),
    then every ``HEARTBEAT_SECONDS`` from a daemon thread, which ends with the process. A
    failed write (cache or database down) is logged and tried again at the next beat."""
    _beat(worker)

    def beat() -> None:
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            _beat(worker)

    threading.Thread(target=beat, name="worker-heartbeat", daemon=True).start()


def _beat(worker: str) -> None:
    try:
        heartbeat_write(worker)
    except Exception as exc:  # noqa: BLE001 - a worker keeps working; the next beat tries again
        logger.warning("Worker heartbeat not written: %s", exc)
    finally:
        connections.close_all()  # the calling thread's own (a database cache's), reopened next time


def worker_absent() -> bool:
    """True when background tasks go to a broker and no worker has written a heartbeat in
    the last ``ABSENT_AFTER_SECONDS``: work queued now waits until a worker is back. False
    without a broker (tasks run in the web process)."""
    if current_app.conf.task_always_eager:
        return False
    return caches[CACHE_ALIAS].get(HEARTBEAT_KEY) is None
