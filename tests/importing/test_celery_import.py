"""Large files run on a real Celery worker (Redis broker): preview, confirm, redelivery; with
no worker running, the pages that wait on one say so."""
import time

import pytest
from celery.result import AsyncResult
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from infrastructure.worker_heartbeat import CACHE_ALIAS, HEARTBEAT_KEY
from programs.importing.selectors import import_job_progress
from programs.importing.services import import_job_confirm, import_job_create
from programs.models import Funding, ImportJob, ImportStatus, Program
from programs.tasks import import_job_process
from ssa_portal.celery import app
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


WORKER_ABSENT = "The background worker is not running."


def _pages(client, job: ImportJob) -> tuple[str, str]:
    """The job's page and its polled progress fragment."""
    page = client.get(reverse("importing:job", args=[job.pk])).content.decode()
    fragment = client.get(reverse("importing:job-progress", args=[job.pk]), headers={"HX-Request": "true"})
    return page, fragment.content.decode()


def test_a_job_queued_with_no_worker_running_says_so_and_keeps_the_file(broker_without_worker, client, analyst_a, settings):
    settings.IMPORT_ASYNC_ROWS = 5
    rows = [program_row(code=f"DOS-2027-{i:04d}") for i in range(12)]
    client.force_login(analyst_a)

    client.post(reverse("importing:upload"), {"file": SimpleUploadedFile("big.csv", programs_csv(*rows))})

    job = ImportJob.objects.get()
    with app.connection_for_write() as connection:  # the job's task waits in the real broker's queue
        assert connection.default_channel.queue_declare(app.conf.task_default_queue, passive=True).message_count == 1
    page, fragment = _pages(client, job)
    for html in (page, fragment):
        assert WORKER_ABSENT in html
        assert "the file is kept, and it will be checked (or imported) when the worker is back" in html
        assert "Tell the portal administrators" in html
    assert import_job_progress(job)["worker_absent"] is True
    assert ImportJob.objects.get().status == ImportStatus.PREVIEW_QUEUED
    assert WORKER_ABSENT in client.get(reverse("evaluations:rollups")).content.decode()


def test_a_job_waiting_while_the_worker_runs_shows_no_warning(celery_worker_process, client, analyst_a):
    # A job in the queued state that the worker has not been given: the page waits on it.
    job = ImportJob.objects.create(uploaded_by=analyst_a, file_name="big.csv", file_format="csv", content=b"x",
                                   sha256="0" * 64, size=1, row_count=600)
    client.force_login(analyst_a)

    page, fragment = _pages(client, job)

    assert "<progress" in page and "<progress" in fragment
    assert WORKER_ABSENT not in page and WORKER_ABSENT not in fragment
    assert import_job_progress(job)["worker_absent"] is False
    assert WORKER_ABSENT not in client.get(reverse("evaluations:rollups")).content.decode()


def test_without_a_broker_nothing_waits_on_a_worker(tasks_in_process, settings, client, analyst_a):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    caches[CACHE_ALIAS].delete(HEARTBEAT_KEY)  # no worker has run: none is needed
    job = ImportJob.objects.create(uploaded_by=analyst_a, file_name="big.csv", file_format="csv", content=b"x",
                                   sha256="0" * 64, size=1, row_count=600)
    client.force_login(analyst_a)

    page, fragment = _pages(client, job)

    assert "<progress" in fragment and WORKER_ABSENT not in page and WORKER_ABSENT not in fragment
