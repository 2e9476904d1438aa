"""Exports come back in: every importable list's export (CSV and XLSX) re-imports with
no renaming, and every row comes back "unchanged"."""
import csv
import io

import pytest
from django.urls import reverse

from programs.importing.columns import MEASUREMENTS, MOES, PROGRAMS
from programs.importing.services import import_job_confirm, import_job_create
from programs.models import ImportStatus, Measurement
from programs.services.measures import measurements_submit
from tests.importing.conftest import measurement_row, moe_row, program_row, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(analyst_a):
    """Programs with and without funding (one with a formula-like title), an MOE and a
    submitted measurement, imported by analyst_a."""
    content = xlsx_file({
        "Programs": [
            PROGRAMS.names,
            program_row(),
            program_row(fiscal_year="2028", planned="2,000,000", obligated="0", disbursed="0"),
            program_row(code="DOS-2027-0002", title="+ coast guard (phase 2)", countries="Kenya", goals="", sectors="",
                        fiscal_year="", planned="", obligated="", disbursed="", description="Two\nlines"),
        ],
        "MOEs": [MOES.names, moe_row()],
        "Measurements": [MEASUREMENTS.names, measurement_row()],
    })
    job = import_job_create(user=analyst_a, file_name="all.xlsx", content=content)
    assert import_job_confirm(user=analyst_a, job=job).status == ImportStatus.IMPORTED
    measurements_submit(user=analyst_a, measurements=Measurement.objects.all())


def _reimport(user, content: bytes, fmt: str):
    job = import_job_create(user=user, file_name=f"export.{fmt}", content=content)
    assert job.status == ImportStatus.PREVIEWED, job.report
    return job


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_program_list_export_reimports_unchanged(client, analyst_a, portfolio, fmt):
    client.force_login(analyst_a)
    exported = client.get(reverse("programs:program-export", args=[fmt]))
    assert exported.status_code == 200

    job = _reimport(analyst_a, exported.content, fmt)

    assert [(r["key"], r["outcome"]) for r in job.report] == [
        ("DOS-2027-0001 / FY2027", "unchanged"), ("DOS-2027-0001 / FY2028", "unchanged"), ("DOS-2027-0002", "unchanged"),
    ]
    assert job.summary["unchanged"] == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_approvals_queue_export_reimports_unchanged(client, manager, analyst_a, portfolio, fmt):
    client.force_login(manager)
    exported = client.get(reverse("programs:approvals-export", args=[fmt]))
    assert exported.status_code == 200

    job = _reimport(analyst_a, exported.content, fmt)

    assert [(r["kind"], r["outcome"]) for r in job.report] == [("measurements", "unchanged")]


@pytest.mark.parametrize("url", ["programs:program-export", "programs:approvals-export"])
def test_every_importable_list_exports_the_template_columns(client, manager, portfolio, url):
    client.force_login(manager)
    exported = client.get(reverse(url, args=["csv"]))
    header = next(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))

    assert header in (PROGRAMS.names, [*MEASUREMENTS.names, *MEASUREMENTS.read_only])
