"""What an import report says: one message per cell, whole sentences after "column x:",
rules stated as they are (a weight must be above zero), rows counted without the
Instructions sheet."""
import pytest

from programs.importing.blank_templates import example_rows, template_xlsx
from programs.importing.columns import KINDS
from programs.importing.services import import_job_create
from tests.importing.conftest import moe_row, moes_csv, program_row, programs_csv

pytestmark = pytest.mark.django_db


def _errors(user, content, name):
    job = import_job_create(user=user, file_name=name, content=content)
    return [(e["column"], e["message"]) for r in job.report for e in r["errors"]]


def test_a_huge_amount_gets_one_message_for_its_cell(analyst_a):
    errors = _errors(analyst_a, programs_csv(program_row(planned="99999999999999999999")), "programs.csv")
    assert [column for column, _ in errors] == ["planned"]


def test_a_missing_value_reads_as_a_sentence_after_the_column(analyst_a):
    assert ("title", "a value is required") in _errors(analyst_a, programs_csv(program_row(title="")), "programs.csv")


def test_a_bad_period_is_named_once(analyst_a):
    errors = _errors(analyst_a, moes_csv(moe_row(period="2027Q5")), "moes.csv")
    assert ("period", "'2027Q5' is not a period; use FY2027, FY2027-H1 or FY2027-Q1") in errors


@pytest.mark.parametrize("weight", ["-2", "0"])
def test_a_weight_must_be_above_zero_and_the_message_says_so(analyst_a, weight):
    errors = _errors(analyst_a, moes_csv(moe_row(weight=weight)), "moes.csv")
    assert ("weight", f"{weight} is not a weight; enter a number above zero (at least 0.001)") in errors


def test_the_example_workbook_counts_its_data_rows_only(analyst_a):
    job = import_job_create(user=analyst_a, file_name="template.xlsx", content=template_xlsx(with_examples=True))
    assert job.row_count == sum(len(example_rows(kind)) for kind in KINDS)  # not the Instructions' lines
