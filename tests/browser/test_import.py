"""Spreadsheet import in a real browser: a bad row blocks the file, the corrected file imports."""
import pytest
from playwright.sync_api import Error as PlaywrightError

from programs.importing.columns import PROGRAMS
from programs.models import Funding, ImportJob, Program
from tests.conftest import screenshot
from tests.importing.conftest import csv_file, program_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, name: str, content: bytes) -> None:
    page.goto("/import/")
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.click("button:has-text('Check the file')")
    page.wait_for_selector("h1:has-text('Import:')")


def test_bad_row_shows_the_report_and_writes_nothing_then_the_corrected_file_imports(new_page, analyst_a):
    good = program_row(code="DOS-2027-0101", countries="Burma; Cote d'Ivoire")
    bad_file = csv_file(PROGRAMS.names, [good, program_row(code="DOS-2027-0102", countries="Narnia", planned="(1,000)")])
    page = new_page(analyst_a)

    _upload(page, "programs.csv", bad_file)

    report = page.locator("table.import-report")
    assert "Row 3, column countries: 'Narnia' is not a known country" in report.inner_text()
    assert "Row 3, column planned: '(1,000)' is a negative amount" in report.inner_text()
    assert page.locator("button:has-text('Confirm import')").count() == 0
    assert "cannot be imported, so nothing will be saved" in page.locator("main").inner_text()
    screenshot(page, "import-report-with-error")
    assert not Program.objects.exists() and not Funding.objects.exists()

    fixed_file = csv_file(PROGRAMS.names, [good, program_row(code="DOS-2027-0102", countries="The Gambia", planned="1,000")])
    _upload(page, "programs-fixed.csv", fixed_file)
    assert page.locator(".import-row-error").count() == 0
    assert "Nothing has been saved yet" in page.locator("main").inner_text()
    page.click("button:has-text('Confirm import')")
    page.wait_for_selector(".message.success")

    assert "Imported programs-fixed.csv" in page.locator(".messages").inner_text()
    screenshot(page, "import-confirmed")
    assert sorted(Program.objects.values_list("code", flat=True)) == ["DOS-2027-0101", "DOS-2027-0102"]
    assert sorted(Program.objects.get(code="DOS-2027-0101").countries.values_list("iso3", flat=True)) == ["CIV", "MMR"]
    assert Funding.objects.get(program__code="DOS-2027-0102").planned == 1000
    assert ImportJob.objects.count() == 2


def test_upload_page_lists_templates_and_recent_imports(new_page, analyst_a):
    page = new_page(analyst_a)
    page.goto("/import/")
    assert page.locator("nav.usa-nav .usa-nav__primary").inner_text().count("Import") == 1
    with page.expect_download() as download:
        page.click("text=Excel workbook (all three sheets)")
    assert download.value.suggested_filename == "ssa-import-workbook.xlsx"
    screenshot(page, "import-upload")


@pytest.mark.worker
def test_large_file_shows_progress_then_the_report_by_itself(new_page, analyst_a, celery_worker_process, settings):
    """Over the size threshold the check runs on the Celery worker; the page polls its
    progress fragment (htmx) and reloads itself with the report when the job is done."""
    settings.IMPORT_ASYNC_ROWS = 3
    rows = [program_row(code=f"DOS-2027-{i:04d}") for i in range(8)]
    page = new_page(analyst_a)

    _upload(page, "large.csv", csv_file(PROGRAMS.names, rows))

    page.wait_for_selector("button:has-text('Confirm import of 8 rows')", timeout=60_000)
    assert page.locator("#import-progress").count() == 0
    page.click("button:has-text('Confirm import')")
    page.wait_for_selector(".message.success", timeout=60_000)
    screenshot(page, "import-large-confirmed")
    assert Program.objects.count() == 8


@pytest.fixture
def no_broker(settings):
    """The ``make start`` set-up: no broker configured, every task runs in process."""
    from ssa_portal.celery import app

    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_large_file_without_a_broker_shows_progress_then_the_report(new_page, analyst_a, no_broker, settings):
    """With no broker the check runs in a thread of the web process: the upload answers at
    once, the progress bar advances (rows done, rows per second, time left), then the
    page shows the report by itself."""
    settings.IMPORT_ASYNC_ROWS = 100
    rows = [program_row(code=f"DOS-2027-{i // 2:04d}", fiscal_year=str(2027 + i % 2)) for i in range(8000)]
    page = new_page(analyst_a)

    _upload(page, "budget.csv", csv_file(PROGRAMS.names, rows))

    seen = set()
    while page.locator("button:has-text('Confirm import of 8,000 rows')").count() == 0:
        # One read of the bar and its text: the fragment is replaced as the check advances,
        # and a locator read after count() may wait 30 s for a bar that is already gone.
        try:
            state = page.evaluate(
                """() => { const box = document.getElementById('import-progress');
                           const bar = box && box.querySelector('progress[value]');
                           return bar ? [Number(bar.getAttribute('value')), box.innerText] : null; }"""
            )
        except PlaywrightError as error:  # the page reloads itself with the report meanwhile
            if "context was destroyed" not in str(error):
                raise
            state = None
        if state:
            value, text = state
            seen.add(int(value))
            if "rows per second" in text:
                screenshot(page, "import-progress-no-broker")
                seen.add("rate")
        page.wait_for_timeout(100)
    # rows are read in bulk, so on a fast run the count may go from 0 straight to all rows
    assert "rate" in seen and [v for v in seen if v != "rate" and v > 0], seen
    assert page.locator("#import-progress").count() == 0
    assert "Nothing has been saved yet" in page.locator("main").inner_text()
    assert not Program.objects.exists()
