"""Exports come back in: every importable list's export (CSV and XLSX) re-imports with
no renaming, and every row comes back "unchanged"."""
import csv
import io

import pytest
from django.urls import reverse

from programs.importing.columns import MEASUREMENTS, MOES, PROGRAMS
from programs.importing.services import import_job_confirm, import_job_create
from programs.models import ImportStatus, Measurement, Program
from programs.services.measures import measurements_submit
from tests.importing.conftest import csv_file, measurement_row, moe_row, program_row, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(analyst_a):
    """Programs with and without funding (one with a formula-like title), an MOE with a
    target and one without, and a submitted measurement, imported by analyst_a."""
    content = xlsx_file({
        "Programs": [
            PROGRAMS.names,
            program_row(),
            program_row(fiscal_year="2028", planned="2,000,000", obligated="0", disbursed="0"),
            program_row(code="DOS-2027-0002", title="+ coast guard (phase 2)", countries="Kenya", goals="", sectors="",
                        fiscal_year="", planned="", obligated="", disbursed="", description="Two\nlines"),
        ],
        "MOEs": [MOES.names, moe_row(), moe_row(moe_name="Patrols", frequency="annual", period="", target="",
                                                  allows_negative="yes", cumulative="yes", weight="0.5")],
        "Measurements": [MEASUREMENTS.names, measurement_row()],
    })
    job = import_job_create(user=analyst_a, file_name="all.xlsx", content=content)
    assert import_job_confirm(user=analyst_a, job=job).status == ImportStatus.IMPORTED
    measurements_submit(user=analyst_a, measurements=Measurement.objects.all())


def _reimport(user, content: bytes, fmt: str):
    job = import_job_create(user=user, file_name=f"export.{fmt}", content=content)
    assert job.status == ImportStatus.PREVIEWED, job.report
    return job


def _data_rows(job) -> list[tuple[str, str]]:
    return [(r["key"], r["outcome"]) for r in job.report if r["key"] != "(header row)"]


def _ignored_note(job) -> str:
    return next(r["note"] for r in job.report if r["key"] == "(header row)")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_program_list_export_reimports_unchanged(client, analyst_a, portfolio, fmt):
    client.force_login(analyst_a)
    exported = client.get(reverse("programs:program-export", args=[fmt]))
    assert exported.status_code == 200

    job = _reimport(analyst_a, exported.content, fmt)

    assert _data_rows(job) == [
        ("DOS-2027-0001 / FY2027", "unchanged"), ("DOS-2027-0001 / FY2028", "unchanged"), ("DOS-2027-0002", "unchanged"),
    ]
    assert job.summary["unchanged"] == 3 and job.can_confirm
    assert _ignored_note(job).endswith(": supporting_agencies, status, surge, archived_at, updated_at")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_moe_export_of_the_program_list_reimports_unchanged(client, analyst_a, portfolio, fmt):
    client.force_login(analyst_a)
    exported = client.get(reverse("programs:program-moe-export", args=[fmt]))
    assert exported.status_code == 200

    job = _reimport(analyst_a, exported.content, fmt)

    assert _data_rows(job) == [
        ("DOS-2027-0001 / Interdictions / FY2027-Q1", "unchanged"), ("DOS-2027-0001 / Patrols", "unchanged"),
    ]
    assert _ignored_note(job).endswith(": lead_agency, archived_at, updated_at")


@pytest.mark.parametrize("url", ["programs:program-measurement-export", "programs:approvals-export"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_measurement_exports_reimport_unchanged(client, manager, analyst_a, portfolio, url, fmt):
    client.force_login(manager)
    exported = client.get(reverse(url, args=[fmt]))
    assert exported.status_code == 200

    job = _reimport(analyst_a, exported.content, fmt)

    assert _data_rows(job) == [("DOS-2027-0001 / Interdictions / FY2027-Q1", "unchanged")]
    assert _ignored_note(job).endswith(": lead_agency, unit, status, breakdown, entered_by, updated_at")


EXPORTS = ["programs:program-export", "programs:program-moe-export", "programs:program-measurement-export", "programs:approvals-export"]


@pytest.mark.parametrize("url", EXPORTS)
def test_every_importable_list_exports_every_template_column_first(client, manager, portfolio, url):
    client.force_login(manager)
    exported = client.get(reverse(url, args=["csv"]))
    header = next(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))

    kind = next(k for k in (PROGRAMS, MOES, MEASUREMENTS) if header[: len(k.names)] == k.names)
    assert header == [*kind.names, *kind.read_only]


def test_an_edited_export_imports_the_edit_and_nothing_else(client, analyst_a, portfolio):
    client.force_login(analyst_a)
    exported = client.get(reverse("programs:program-export", args=["csv"])).content.decode("utf-8-sig")
    edited = exported.replace("Coastal patrol capacity", "Coastal and riverine patrol capacity")

    job = import_job_confirm(user=analyst_a, job=_reimport(analyst_a, edited.encode(), "csv"))

    assert job.status == ImportStatus.IMPORTED
    assert [outcome for _, outcome in _data_rows(job)] == ["update", "unchanged", "unchanged"]
    assert Program.objects.get(code="DOS-2027-0001").title == "Coastal and riverine patrol capacity"


def test_a_column_of_the_users_own_is_ignored_and_named_while_a_misspelt_template_column_is_an_error(analyst_a):
    content = csv_file([*PROGRAMS.names, "Reviewer notes"], [[*program_row(), "check with post"]])
    misspelt = csv_file([*PROGRAMS.names[:-1], "disbursment"], [program_row()])

    job = import_job_create(user=analyst_a, file_name="p.csv", content=content)
    refused = import_job_create(user=analyst_a, file_name="p.csv", content=misspelt)

    assert [(r["outcome"], r["note"]) for r in job.report] == [
        ("skipped", "Columns not in the template, ignored (an import does not change them): Reviewer notes"),
        ("create", "New program with FY2027 funding"),
    ]
    assert job.can_confirm
    assert [e["column"] for r in refused.report for e in r["errors"]] == ["disbursment"] and not refused.can_confirm


def test_another_agencys_exported_programs_reimport_unchanged_and_a_change_is_refused(client, analyst_b, portfolio):
    # given analyst_b (DOD) exports the list, which shows agency A's (DOS) programs too
    client.force_login(analyst_b)
    exported = client.get(reverse("programs:program-export", args=["csv"]))
    assert exported.status_code == 200 and b"DOS-2027-0001" in exported.content

    job = _reimport(analyst_b, exported.content, "csv")

    assert _data_rows(job) == [
        ("DOS-2027-0001 / FY2027", "unchanged"), ("DOS-2027-0001 / FY2028", "unchanged"), ("DOS-2027-0002", "unchanged"),
    ]
    assert job.summary["unchanged"] == 3 and job.summary["error"] == 0 and job.can_confirm

    # a changed row of another agency's program is still refused, naming the program and its agency
    changed = exported.content.decode().replace("+ coast guard (phase 2)", "+ coast guard (phase 3)")
    job = _reimport(analyst_b, changed.encode(), "csv")
    refused = next(r for r in job.report if r["key"] == "DOS-2027-0002")
    assert refused["outcome"] == "error" and "DOS" in str(refused["errors"]), refused
    assert Program.objects.get(code="DOS-2027-0002").title == "+ coast guard (phase 2)"


@pytest.mark.parametrize(("url", "edit", "key"), [
    ("programs:program-moe-export", ("Interdictions", "Interdictions made"), "DOS-2027-0001 / Interdictions made / FY2027-Q1"),
    ("programs:program-measurement-export", (",Interdictions,FY2027-Q1,", ",Interdictions,FY2027-Q2,"),
     "DOS-2027-0001 / Interdictions / FY2027-Q2"),
])
def test_another_agencys_exported_moes_and_measurements_reimport_unchanged(client, analyst_b, portfolio, url, edit, key):
    client.force_login(analyst_b)
    exported = client.get(reverse(url, args=["csv"]))
    assert exported.status_code == 200

    job = _reimport(analyst_b, exported.content, "csv")

    assert {outcome for _, outcome in _data_rows(job)} == {"unchanged"} and job.can_confirm, job.report

    # a row that would add or change another agency's data is refused, naming the program's agency
    text = exported.content.decode("utf-8-sig")
    assert edit[0] in text
    job = _reimport(analyst_b, text.replace(edit[0], edit[1], 1).encode(), "csv")
    refused = next(r for r in job.report if r["key"] == key)
    assert refused["outcome"] == "error" and "led by DOS" in str(refused["errors"]), job.report
