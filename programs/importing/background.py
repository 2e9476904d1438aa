"""Running an import job away from the request: on the Celery worker when a broker is
configured, else in a background thread of the web process (``make start`` without
``REDIS_URL``), so a large file answers at once either way.

Progress (rows done, when the run started) is kept where the page's poll can read it:
the Celery result backend for a worker's task, this process's memory for a thread (the
no-broker set-up serves from one process, the development server).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """Rows done of ``total`` since ``started`` (``time.time()`` seconds)."""

    done: int
    total: int
    started: float


_progress: dict[int, Progress] = {}
_lock = threading.Lock()


def has_broker() -> bool:
    return not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)


def progress_record(job_id: int, done: int, total: int, *, started: float | None = None) -> None:
    """Note the progress of a job run in this process."""
    with _lock:
        previous = _progress.get(job_id)
        _progress[job_id] = Progress(done, total, started or (previous.started if previous else time.time()))


def progress_of(job_id: int) -> Progress | None:
    """The progress of a job running in this process, if any."""
    with _lock:
        return _progress.get(job_id)


def thread_start(job_id: int, action: str) -> None:
    """Run the job in a daemon thread once the current transaction commits."""

    def start() -> None:
        progress_record(job_id, 0, 0, started=time.time())
        threading.Thread(target=_run, args=(job_id, action), name=f"import-job-{job_id}", daemon=True).start()

    transaction.on_commit(start, robust=True)


def _run(job_id: int, action: str) -> None:
    from .services import import_job_fail, import_job_run

    try:
        import_job_run(
            job_id=job_id, action=action,
            progress=lambda done, total: progress_record(job_id, done, total),
        )
    except Exception:  # noqa: BLE001 - the page must stop waiting, whatever happened
        logger.exception("Import job %s stopped in its background thread", job_id)
        import_job_fail(job_id=job_id, message="An unexpected error stopped the import; nothing was saved.")
    finally:
        with _lock:
            _progress.pop(job_id, None)
        connections.close_all()  # this thread's own connections
