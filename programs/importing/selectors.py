"""Reads of import jobs: never the stored file bytes unless asked for."""
from django.db.models import QuerySet

from .. import permissions
from ..models import ImportJob, User

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
    """Rows done of the running task, read from the Celery result backend (best effort:
    an unreachable backend shows an indeterminate bar, never an error)."""
    progress = {"done": 0, "total": job.row_count, "percent": None}
    if not job.task_id:
        return progress
    try:
        from celery.result import AsyncResult

        result = AsyncResult(job.task_id)
        if result.state == "PROGRESS" and isinstance(result.info, dict):
            done, total = int(result.info.get("done", 0)), int(result.info.get("total") or job.row_count or 1)
            progress.update(done=done, total=total, percent=round(100 * done / total) if total else None)
    except Exception:  # noqa: BLE001 - progress is a nicety; the page refresh still works
        pass
    return progress
