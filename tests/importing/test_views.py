"""Import pages per role: upload, report, confirm, progress fragment, templates; no input gives a 500."""
import io

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from programs.importing.blank_templates import template_csv, template_xlsx
from programs.importing.columns import KINDS, PROGRAMS
from programs.importing.services import import_job_create
from programs.models import ImportJob, ImportStatus, Measurement, Program
from tests.importing.conftest import program_row, programs_csv

pytestmark = pytest.mark.django_db

UPLOAD = reverse("importing:upload")


def _upload(client, content: bytes, name: str = "programs.csv", *, follow: bool = False, **data):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), **data}, follow=follow)


def test_nav_url_name_resolves():
    assert UPLOAD == "/import/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_analyst_sees_the_form_and_templates(client, analyst_a):
    client.force_login(analyst_a)
    response = client.get(UPLOAD)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body
    assert reverse("importing:template", args=["workbook.xlsx"]) in body
    assert "<script>" not in body and 'style="' not in body


def test_manager_is_told_that_only_analysts_import(client, manager):
    client.force_login(manager)
    response = client.get(UPLOAD)
    assert response.status_code == 200
    assert "Only analysts" in response.content.decode()
    assert _upload(client, programs_csv(program_row())).status_code == 200
    assert not ImportJob.objects.exists()


def test_upload_shows_the_preview_then_confirm_imports(client, analyst_a):
    client.force_login(analyst_a)

    response = _upload(client, programs_csv(program_row()))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("importing:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Nothing has been saved yet" in page and "DOS-2027-0001 / FY2027" in page and "create" in page
    assert not Program.objects.exists()

    response = client.post(reverse("importing:job-confirm", args=[job.pk]), follow=True)
    assert "Imported programs.csv" in response.content.decode()
    assert Program.objects.filter(code="DOS-2027-0001").exists()


def test_report_names_row_column_and_reason_and_offers_no_confirm(client, analyst_a):
    client.force_login(analyst_a)
    response = _upload(client, programs_csv(program_row(), program_row(code="DOS-2", planned="(500)")), follow=True)
    page = response.content.decode()
    assert "Row 3, column <code>planned</code>: &#x27;(500)&#x27; is a negative amount" in page
    assert "Confirm import" not in page
    job = ImportJob.objects.get()
    assert client.post(reverse("importing:job-confirm", args=[job.pk])).status_code == 302
    assert not Program.objects.exists()
    errors_only = client.get(reverse("importing:job", args=[job.pk]), {"show": "errors"}).content.decode()
    assert "DOS-2" in errors_only and "DOS-2027-0001 / FY2027" not in errors_only


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", b"", "The submitted file is empty."),
        ("notes.txt", b"hello,world\n1,2\n", "names none of the expected columns"),
        ("photo.png", b"\x89PNG\r\n\x1a\n0000", "PNG image"),
        ("report.pdf", b"%PDF-1.4", "PDF document"),
        ("book.xlsx", b"PK\x03\x04garbage", "damaged XLSX"),
        ("header.csv", ",".join(PROGRAMS.names).encode(), "no data rows"),
        ("latin.csv", b"code,title\nA,\x81\x8d\n", "not UTF-8 or Windows-1252"),
        ("quote.csv", b'code,title\nA,"open\n', "malformed"),
    ],
)
def test_bad_files_give_a_message_never_a_500(client, analyst_a, name, content, message):
    client.force_login(analyst_a)
    response = _upload(client, content, name, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Program.objects.exists()


def test_oversized_upload_is_refused(client, analyst_a, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(analyst_a)
    response = _upload(client, programs_csv(*[program_row(fiscal_year=str(2027 + i % 3), code=f"C{i}") for i in range(40)]))
    assert response.status_code == 200
    assert "the limit is" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_rationale_needs_category_and_text_together(client, analyst_a):
    client.force_login(analyst_a)
    response = _upload(client, programs_csv(program_row()), rationale_category="data_correction")
    assert "Give both a rationale category and the rationale text" in response.content.decode()


def test_others_cannot_see_or_confirm_a_job(client, analyst_a, analyst_b):
    job = import_job_create(user=analyst_a, file_name="p.csv", content=programs_csv(program_row()))
    client.force_login(analyst_b)
    assert client.get(reverse("importing:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("importing:job-confirm", args=[job.pk])).status_code == 404
    assert client.get(reverse("importing:job-progress", args=[job.pk])).status_code == 404
    assert not Program.objects.exists()


def test_progress_fragment_polls_while_running_and_refreshes_when_done(client, analyst_a):
    job = import_job_create(user=analyst_a, file_name="p.csv", content=programs_csv(program_row()))
    client.force_login(analyst_a)
    url = reverse("importing:job-progress", args=[job.pk])

    done = client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 200 and done["HX-Refresh"] == "true"

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PREVIEWING)
    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in running and "<progress" in running
    page = client.get(reverse("importing:job", args=[job.pk])).content.decode()
    assert 'id="import-progress"' in page and "refresh it" in page
    assert client.get(url).status_code == 302  # without htmx: back to the page


@pytest.mark.parametrize("kind", [k.key for k in KINDS])
def test_csv_templates_have_the_header_row(client, analyst_a, kind):
    client.force_login(analyst_a)
    response = client.get(reverse("importing:template", args=[f"{kind}.csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == ",".join(next(k for k in KINDS if k.key == kind).names)


def test_xlsx_template_has_a_sheet_per_kind(client, analyst_a):
    client.force_login(analyst_a)
    response = client.get(reverse("importing:template", args=["workbook.xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Instructions", *[k.sheet_name for k in KINDS]]
    assert [c.value for c in next(workbook[KINDS[0].label].iter_rows(max_row=1))] == KINDS[0].names


def test_unknown_template_is_404(client, analyst_a):
    client.force_login(analyst_a)
    assert client.get(reverse("importing:template", args=["secrets.csv"])).status_code == 404


def test_example_templates_import_cleanly_and_twice_change_nothing(analyst_a):
    """The examples we hand out must pass our own checks (CSV per kind and the workbook)."""
    for kind in KINDS:
        job = import_job_create(user=analyst_a, file_name=f"{kind.key}.csv", content=template_csv(kind, with_examples=True))
        assert job.summary["error"] == 0, job.report
        job.refresh_from_db()
        from programs.importing.services import import_job_confirm

        assert import_job_confirm(user=analyst_a, job=job).status == ImportStatus.IMPORTED
    job = import_job_create(user=analyst_a, file_name="book.xlsx", content=template_xlsx(with_examples=True))
    assert {r["outcome"] for r in job.report} == {"unchanged"}, job.report
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize("jobs", [1, 8])
def test_upload_page_query_count_is_flat(client, analyst_a, django_assert_num_queries, jobs):
    for _ in range(jobs):
        import_job_create(user=analyst_a, file_name="p.csv", content=programs_csv(program_row()))
    client.force_login(analyst_a)
    client.get(UPLOAD)  # warm the session
    with django_assert_num_queries(7):  # session, user, groups, agency, unread notifications and sign-in policy (header), jobs with uploaders
        client.get(UPLOAD)


@pytest.mark.parametrize("rows", [1, 30])
def test_report_page_query_count_is_flat(client, analyst_a, django_assert_num_queries, rows):
    content = programs_csv(*[program_row(code=f"DOS-{i}") for i in range(rows)])
    job = import_job_create(user=analyst_a, file_name="p.csv", content=content)
    client.force_login(analyst_a)
    client.get(reverse("importing:job", args=[job.pk]))
    with django_assert_num_queries(7):  # session, user, groups, agency, unread notifications and sign-in policy (header), the job
        client.get(reverse("importing:job", args=[job.pk]))


def test_progress_shows_rows_done_from_the_result_backend(analyst_a, settings):
    """The worker reports progress through Celery's result backend (Redis); the page reads it."""
    from ssa_portal.celery import app
    from programs.importing.selectors import import_job_progress

    if not settings.CELERY_RESULT_BACKEND:
        pytest.fail("REDIS_URL must be set: progress is read from the Celery result backend")
    job = import_job_create(user=analyst_a, file_name="p.csv", content=programs_csv(program_row()))
    job.task_id = f"import-progress-test-{job.pk}"
    app.backend.store_result(job.task_id, {"done": 150, "total": 600, "started": time.time() - 10}, "PROGRESS")
    try:
        progress = import_job_progress(job)
        assert {k: progress[k] for k in ("done", "total", "percent")} == {"done": 150, "total": 600, "percent": 25}
        assert 10 <= progress["rate"] <= 15 and 30 <= progress["seconds_left"] <= 45  # 15 rows/s, 450 rows left
    finally:
        app.backend.forget(job.task_id)
    job.task_id = ""
    assert import_job_progress(job)["percent"] is None
