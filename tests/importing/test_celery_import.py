"""Large files run on a real Celery worker (Redis broker): preview, confirm, redelivery."""
import time

import pytest
from celery.result import AsyncResult

from programs.importing.services import import_job_confirm, import_job_create
from programs.models import Funding, ImportJob, ImportStatus, Program
from programs.tasks import import_job_process
from tests.importing.conftest import program_row, programs_csv

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for(job_id: int, status: str, timeout: float = 60) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status == status:
            return job
        if job.status == ImportStatus.FAILED:
            pytest.fail(f"import failed: {job.failure}")
        time.sleep(0.3)
    pytest.fail(f"job {job_id} stayed {ImportJob.objects.get(pk=job_id).status}, expected {status}")


def test_large_file_is_previewed_and_imported_by_the_worker(celery_worker_process, analyst_a, settings):
    settings.IMPORT_ASYNC_ROWS = 5
    rows = [program_row(code=f"DOS-2027-{i:04d}", fiscal_year=str(2027 + i % 3)) for i in range(12)]

    job = import_job_create(user=analyst_a, file_name="big.csv", content=programs_csv(*rows))
    assert job.status == ImportStatus.PREVIEW_QUEUED

    job = _wait_for(job.pk, ImportStatus.PREVIEWED)
    assert job.summary["create"] == 12 and job.task_id
    assert AsyncResult(job.task_id, app=celery_worker_process).get(timeout=10) == ImportStatus.PREVIEWED
    assert not Program.objects.exists()

    job = import_job_confirm(user=analyst_a, job=job)
    assert job.status == ImportStatus.CONFIRM_QUEUED
    job = _wait_for(job.pk, ImportStatus.IMPORTED)
    assert Program.objects.count() == 12 and Funding.objects.count() == 12

    # A redelivered task (acks_late) finds the job done and changes nothing.
    again = import_job_process.apply_async(args=[job.pk, "confirm"])
    assert again.get(timeout=30) == ImportStatus.IMPORTED
    assert Program.objects.count() == 12
    assert ImportJob.objects.get(pk=job.pk).imported_at == job.imported_at


def test_worker_preview_with_an_error_row_writes_nothing(celery_worker_process, analyst_a, settings):
    settings.IMPORT_ASYNC_ROWS = 1
    job = import_job_create(
        user=analyst_a, file_name="bad.csv", content=programs_csv(program_row(), program_row(code="X-1", countries="Narnia"))
    )

    job = _wait_for(job.pk, ImportStatus.PREVIEWED)

    assert job.summary["error"] == 1 and not job.can_confirm
    assert job.report[1]["errors"][0]["column"] == "countries"
    assert not Program.objects.exists()
