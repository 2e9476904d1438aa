"""Reads of import jobs: never the stored file bytes unless asked for."""
import time

from django.db.models import QuerySet

from infrastructure.worker_heartbeat import worker_absent

from .. import permissions
from ..models import ImportJob, User
from . import background

def import_jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    """The uploader's own jobs; administrators see everyone's."""
    jobs = ImportJob.objects.select_related("uploaded_by").defer("content", "report")
    if permissions.is_administrator(user):
        return jobs
    return jobs.filter(uploaded_by=user)


def import_job_for_page(*, user: User, pk: int) -> ImportJob | None:
    """One job with its report (without the file bytes), if ``user`` may see it."""
    return (
        ImportJob.objects.select_related("uploaded_by")
        .defer("content")
        .filter(pk=pk, **({} if permissions.is_administrator(user) else {"uploaded_by": user}))
        .first()
    )


def import_job_progress(job: ImportJob) -> dict:
    """Progress of a running job: ``done`` and ``total`` rows, ``percent``, ``rate`` (rows
    per second), ``seconds_left`` (None while unknown) and ``worker_absent`` (True: the job
    went to a broker and no Celery worker is running to take it, so it waits until one is
    back; infrastructure.worker_heartbeat). Read from this process for a job run in a
    thread (no broker), else from the Celery result backend (best effort: an unreachable
    backend shows an indeterminate bar, never an error)."""
    progress = {"done": 0, "total": job.row_count, "percent": None, "rate": None, "seconds_left": None,
                "worker_absent": False}
    local = background.progress_of(job.pk)
    if local is not None:
        return _with_rate(progress, local.done, local.total or job.row_count, local.started)
    progress["worker_absent"] = worker_absent()
    if not job.task_id:
        return progress
    try:
        from celery.result import AsyncResult

        result = AsyncResult(job.task_id)
        if result.state == "PROGRESS" and isinstance(result.info, dict):
            info = result.info
            started = float(info["started"]) if info.get("started") else None
            return _with_rate(progress, int(info.get("done", 0)), int(info.get("total") or job.row_count or 1), started)
    except Exception:  # noqa: BLE001 - progress is a nicety; the page refresh still works
        pass
    return progress


def _with_rate(progress: dict, done: int, total: int, started: float | None) -> dict:
    """``progress`` with rows done, percent and, when the start is known, the rate and time left."""
    rate = done / max(time.time() - started, 1e-6) if done and started else None
    progress.update(
        done=done, total=total, percent=round(100 * done / total) if total else None,
        rate=round(rate) if rate else None,
        seconds_left=round((total - done) / rate) if rate else None,
    )
    return progress
