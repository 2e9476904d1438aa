"""A number too long for any column is an error row naming its column (with the limit), not a
failed job with no report ("InvalidOperation"), as a new-user trial found.

Given a file whose amount or value has more digits than any column holds, when it is
previewed, then the job is previewed with that row reported as an error on that column
(as a 17-digit amount already is), and nothing is saved.
"""
import pytest

from programs.importing.columns import PROGRAMS
from programs.importing.services import import_job_create
from programs.models import ImportStatus, Program
from tests.importing.conftest import program_row, programs_csv, xlsx_file

pytestmark = pytest.mark.django_db


def _errors(job):
    return [(r["row"], e["column"]) for r in job.report for e in r["errors"]]


@pytest.mark.parametrize("amount", ["1" + "0" * 29, "1" + "0" * 40])
def test_csv_amount_with_thirty_digits_is_an_error_row(analyst_a, amount):
    job = import_job_create(user=analyst_a, file_name="p.csv", content=programs_csv(program_row(planned=amount)))

    assert job.status == ImportStatus.PREVIEWED, job.failure
    assert _errors(job) == [(2, "planned")]
    assert not Program.objects.exists()


@pytest.mark.parametrize("amount", [1e300, 10**30])
def test_xlsx_numeric_amount_too_large_is_an_error_row(analyst_a, amount):
    content = xlsx_file({"Programs": [PROGRAMS.names, program_row(planned=amount)]})

    job = import_job_create(user=analyst_a, file_name="p.xlsx", content=content)

    assert job.status == ImportStatus.PREVIEWED, job.failure
    assert _errors(job) == [(2, "planned")]
    assert not Program.objects.exists()


def test_a_measurement_value_of_thirty_digits_is_an_error_row_with_the_limit(analyst_a):
    from programs.importing.services import import_job_confirm
    from programs.models import Measurement
    from tests.importing.conftest import measurement_row, measurements_csv, moe_row, moes_csv

    for name, content in (("p.csv", programs_csv(program_row())), ("m.csv", moes_csv(moe_row()))):
        import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name=name, content=content))
    job = import_job_create(user=analyst_a, file_name="v.csv",
                            content=measurements_csv(measurement_row(value="9" * 30)))

    assert job.status == ImportStatus.PREVIEWED, job.failure
    [row] = job.report
    assert [(e["column"], e["message"]) for e in row["errors"]] == [
        ("value", f"{'9' * 30} has more digits than any amount or value the portal records "
                  "(at most 14 before the decimal point)")]
    assert not Measurement.objects.exists()
