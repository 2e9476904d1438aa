"""Import jobs: upload, preview (checked, rolled back), confirm (the same code, committed).

Preview and confirm run :func:`import_job_run` over the same stored bytes; the only
difference is whether the transaction commits, and a confirm refuses rows whose records
changed since the preview. A confirm that meets an error commits nothing. Files with
more than ``IMPORT_ASYNC_ROWS`` rows (default 500) run in the background
(programs.importing.background: the Celery worker, or without a broker a thread of the
web process); smaller ones run within the request.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone

from .. import permissions
from infrastructure.gc_pause import collection_paused
from infrastructure.locks import try_scope_lock
from infrastructure.models import RationaleCategory

from ..models import ImportJob, ImportStatus, User
from infrastructure.task_dispatch import enqueue_on_commit
from .background import has_broker, thread_start
from .reading import FileRefused, read_tables, sniff_format
from ..signals import program_changes_batched
from infrastructure.history import acting_as
from .outcomes import ERROR, summarise
from .rows import ImportRun, is_instruction_sheet
from .writing import HistoryAuthor

logger = logging.getLogger(__name__)

PREVIEW, CONFIRM = "preview", "confirm"
_STATES = {
    PREVIEW: (ImportStatus.PREVIEW_QUEUED, ImportStatus.PREVIEWING),
    CONFIRM: (ImportStatus.CONFIRM_QUEUED, ImportStatus.CONFIRMING),
}


def async_threshold() -> int:
    return int(getattr(settings, "IMPORT_ASYNC_ROWS", 500))


def may_import(user: User) -> bool:
    """Analysts (for their own agency's programs) and administrators import; managers do not edit."""
    return permissions.is_analyst(user) or permissions.is_administrator(user)


def import_job_create(
    *, user: User, file_name: str, content: bytes, rationale_category: str = "", rationale: str = ""
) -> ImportJob:
    """Store an upload and start its preview. Raises ValidationError({"file": ...}) for a file
    that cannot be read at all (empty, too large, wrong type, undecodable, malformed)."""
    permissions.require(may_import(user), "Only analysts and administrators may import spreadsheets.")
    if rationale_category and rationale_category not in RationaleCategory.values:
        raise ValidationError({"rationale_category": "Choose a rationale category from the list."})
    try:
        file_format = sniff_format(file_name, content)
        tables = read_tables(file_format, content)
    except FileRefused as exc:
        raise ValidationError({"file": str(exc)}) from exc
    row_count = sum(len(t.rows) for t in tables if not is_instruction_sheet(t.name))  # data rows only
    if row_count == 0:
        raise ValidationError({"file": "The file has a header row but no data rows."})
    with transaction.atomic():
        job = ImportJob(
            uploaded_by=user,
            file_name=file_name[:255],
            file_format=file_format,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            rationale_category=rationale_category,
            rationale=(rationale or "").strip(),
            row_count=row_count,
            status=ImportStatus.PREVIEW_QUEUED,
        )
        job.full_clean(exclude=["content"])
        job.save()
    return _start(job, PREVIEW)


def import_job_confirm(*, user: User, job: ImportJob) -> ImportJob:
    """Import a previewed, error-free file for real (all or nothing)."""
    permissions.require(job.uploaded_by_id == user.pk, "Only the person who uploaded a file may confirm its import.")
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED, failure="").exclude(
            summary__error__gt=0
        ).update(status=ImportStatus.CONFIRM_QUEUED, updated_at=timezone.now())
    if not updated:
        job.refresh_from_db()
        raise ValidationError(
            f"This import cannot be confirmed: it is {job.get_status_display().lower()}"
            + (f" with {job.error_count} error row{'s' if job.error_count != 1 else ''}" if job.error_count else "")
            + "."
        )
    job.refresh_from_db()
    return _start(job, CONFIRM)


def _start(job: ImportJob, action: str) -> ImportJob:
    """Run the job now (small files), or in the background: on the Celery worker when a
    broker is configured, else in a thread of this process."""
    if job.row_count > async_threshold():
        if has_broker():
            from ..tasks import import_job_process

            enqueue_on_commit(import_job_process, job.pk, action)
        else:
            thread_start(job.pk, action)
        return job
    return import_job_run(job_id=job.pk, action=action)


def import_job_run(
    *,
    job_id: int,
    action: str,
    task_id: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportJob:
    """Check (``preview``) or import (``confirm``) a job's file in one transaction.

    ``progress(done, total)`` is told of rows done.

    A preview always rolls back; a confirm rolls back when any row fails. Runs only from
    the job's queued (or, for a redelivered task, running) state, once at a time.
    """
    queued, running = _STATES[action]
    claimed = ImportJob.objects.filter(pk=job_id, status__in=(queued, running)).update(
        status=running, task_id=task_id, updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    if not claimed:
        logger.info("Import job %s is %s; %s skipped", job_id, job.status, action)
        return job
    results, failure, ran = [], "", False
    seen = _versions_seen(job.report) if action == CONFIRM else None
    try:
        if action == CONFIRM and hashlib.sha256(bytes(job.content)).hexdigest() != job.sha256:
            raise FileRefused("The stored file no longer matches the previewed one.")
        tables = read_tables(job.file_format, bytes(job.content))  # parsed before the transaction opens
        # The transaction holds: the job's scope lock, row locks on the programs and funding
        # rows the file names (select_for_update), and the rows it writes, for the seconds
        # of the bulk check and write; a preview rolls it all back.
        with transaction.atomic(), acting_as(f"import job {job.pk}"):
            if try_scope_lock(f"import-job:{job_id}"):
                ran = True
                run = ImportRun(
                    user=job.uploaded_by,
                    author=_author(job),
                    rationale_category=job.rationale_category,
                    rationale=job.rationale,
                    progress=progress,
                    seen=seen,
                )
                # The run keeps every row, its result and its records until the end, which
                # each full collection walks again: paused where this thread is the
                # process's only one (a worker's task), on in a thread of the web process,
                # whose requests it would pause too (~10 % more CPU; docs/performance.md).
                with program_changes_batched(sender=ImportJob), collection_paused(while_alone=True):
                    results = run.run(tables)
                    if action == PREVIEW or any(r.outcome == ERROR for r in results):
                        transaction.set_rollback(True)
    except FileRefused as exc:
        ran, failure = True, str(exc)
    except OperationalError:
        raise  # the database is unreachable: the task retries
    except Exception as exc:  # noqa: BLE001 - a bug must end the job visibly, not hang it or 500
        logger.exception("Import job %s failed", job_id)
        ran, failure = True, f"An unexpected error stopped the import; nothing was saved ({type(exc).__name__})."
    if not ran:
        return job  # another run of this job holds the lock
    summary = summarise(results)
    job.report = [r.as_dict() for r in results]
    job.summary = summary
    job.failure = failure
    now = timezone.now()
    if failure:
        job.status = ImportStatus.FAILED
    elif action == PREVIEW:
        job.status, job.previewed_at = ImportStatus.PREVIEWED, now
    elif summary.get(ERROR):
        job.status = ImportStatus.FAILED
        job.failure = "The import met errors (the data changed since the preview); nothing was saved."
    else:
        job.status, job.imported_at = ImportStatus.IMPORTED, now
    job.save(update_fields=["report", "summary", "failure", "status", "previewed_at", "imported_at", "updated_at"])
    return job


def _author(job: ImportJob) -> HistoryAuthor:
    """History of an import's writes: the uploader, the job as system actor, the file (and
    the form's rationale) as reason."""
    reason = f"import of {job.file_name}"
    return HistoryAuthor(
        user=job.uploaded_by,
        actor=f"import job {job.pk}",
        reason=f"{job.rationale} ({reason})" if job.rationale else reason,
        rationale_category=job.rationale_category,
    )


def _versions_seen(report: list[dict] | None) -> dict[tuple[str, int], dict]:
    """(table, row) -> the record versions the preview saw for that row."""
    return {(r["table"], r["row"]): r["seen"] for r in report or [] if r.get("seen")}


def import_job_fail(*, job_id: int, message: str) -> None:
    """Record that a job's task gave up (an unexpected error), so the page stops waiting."""
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportStatus.IMPORTED).update(
        status=ImportStatus.FAILED, failure=message[:2000], updated_at=timezone.now()
    )
