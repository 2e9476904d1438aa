"""Spreadsheets as people make them: each case a small workbook built here with openpyxl
and imported through the same services as the upload page.

Formula cells carry the cached value Excel would have saved (openpyxl writes formulas
without values, so the test writes the formula, then sets the cached value in the XML as
Excel does when it saves a workbook).
"""
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from programs.importing.columns import MOES, PROGRAMS
from programs.importing.services import import_job_confirm, import_job_create
from programs.models import Funding, ImportStatus, MeasureOfEffectiveness, Program, Target
from tests.importing.conftest import moe_row, program_row

pytestmark = pytest.mark.django_db


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_cached_values(xlsx: bytes, values: dict[str, str]) -> bytes:
    """Give formula cells the value Excel caches on save: ``<c r="M2"><f>..</f><v>300.29999999999995</v></c>``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                for ref, value in values.items():
                    data = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?'.encode(),
                        rb"\1\2<v>" + value.encode() + b"</v>", data,
                    )
            target.writestr(info, data)
    return buffer.getvalue()


def _import(user, content: bytes, name: str = "budget.xlsx"):
    job = import_job_create(user=user, file_name=name, content=content)
    assert job.status == ImportStatus.PREVIEWED and job.can_confirm, job.report
    job = import_job_confirm(user=user, job=job)
    assert job.status == ImportStatus.IMPORTED, job.failure
    return job


def _programs_sheet(workbook: Workbook, rows: list[list[object]], title: str = "Programs"):
    sheet = workbook.active
    sheet.title = title
    sheet.append(PROGRAMS.names)
    for row in rows:
        sheet.append(row)
    return sheet


def _column(name: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[PROGRAMS.names.index(name)]


def test_formula_cells_are_read_at_excels_15_digits_then_the_fields_precision(analyst_a):
    workbook = Workbook()
    row = program_row(obligated="0", disbursed="0")
    row[PROGRAMS.names.index("planned")] = "=100.1+200.2"
    _programs_sheet(workbook, [row])
    content = _with_cached_values(_save(workbook), {f"{_column('planned')}2": repr(100.1 + 200.2)})

    job = _import(analyst_a, content)

    assert job.summary["create"] == 1
    assert Funding.objects.get().planned == Decimal("300.30")


def test_numbers_stored_as_text_with_separators_and_currency_signs(analyst_a):
    workbook = Workbook()
    _programs_sheet(workbook, [program_row(start_fy="2027", end_fy="2029", fiscal_year="FY2027",
                                           planned="$1,250,000.00", obligated="USD 900,000", disbursed=" 1000 ")])

    _import(analyst_a, _save(workbook))

    funding = Funding.objects.get()
    assert (funding.planned, funding.obligated, funding.disbursed) == (Decimal("1250000"), Decimal("900000"), Decimal("1000"))


def test_number_cells_for_years_and_amounts(analyst_a):
    workbook = Workbook()
    _programs_sheet(workbook, [program_row(start_fy=2027, end_fy=2029.0, fiscal_year=2027, planned=1250000.5, obligated=0, disbursed=0)])

    _import(analyst_a, _save(workbook))

    assert Program.objects.get().end_fy == 2029
    assert Funding.objects.get().planned == Decimal("1250000.50")


def test_date_columns_take_excel_dates_serials_and_text_dates(analyst_a):
    _import(analyst_a, _programs_only_workbook())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "MOEs"
    sheet.append(MOES.names)
    date_column = MOES.names.index("baseline_date")
    for name, day in (("Date cell", dt.date(2026, 9, 30)), ("Serial", 46295), ("Serial as text", "46295"),
                      ("Written out", "30 September 2026"), ("US", "9/30/2026")):
        row = moe_row(moe_name=name, period="", target="")
        row[date_column] = day
        sheet.append(row)

    _import(analyst_a, _save(workbook))

    assert set(MeasureOfEffectiveness.objects.values_list("baseline_date", flat=True)) == {dt.date(2026, 9, 30)}
    assert MeasureOfEffectiveness.objects.count() == 5


def _programs_only_workbook() -> bytes:
    workbook = Workbook()
    _programs_sheet(workbook, [program_row()])
    return _save(workbook)


def test_trailing_blank_rows_and_columns_are_ignored(analyst_a):
    workbook = Workbook()
    sheet = _programs_sheet(workbook, [program_row()])
    for row in range(3, 40):  # formatted but empty rows and columns, as a used sheet has
        sheet.cell(row=row, column=len(PROGRAMS.names) + 3).number_format = "0.00"
        sheet.cell(row=row, column=2, value="   ")
    sheet.cell(row=1, column=len(PROGRAMS.names) + 3, value=None)

    job = _import(analyst_a, _save(workbook))

    assert job.row_count == 1 and job.summary["create"] == 1


def test_a_merged_title_row_above_the_header_is_skipped(analyst_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Programs"
    sheet.append(["FY2027 security assistance budget table (USD)"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PROGRAMS.names))
    sheet.append([])
    sheet.append(PROGRAMS.names)
    sheet.append(program_row())

    job = _import(analyst_a, _save(workbook))

    assert [(r["row"], r["outcome"]) for r in job.report] == [(4, "create")]


def test_merged_header_cells_over_the_amount_columns(analyst_a):
    """A group label merged over planned/obligated/disbursed in a row above the real header."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Programs"
    first = PROGRAMS.names.index("planned") + 1
    sheet.cell(row=1, column=first, value="Funding (USD)")
    sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=first + 2)
    for index, name in enumerate(PROGRAMS.names, start=1):
        sheet.cell(row=2, column=index, value=name)
    for index, value in enumerate(program_row(), start=1):
        sheet.cell(row=3, column=index, value=value)

    job = _import(analyst_a, _save(workbook))

    assert [(r["row"], r["outcome"]) for r in job.report] == [(3, "create")]
    assert Funding.objects.get().planned == Decimal("1250000")


def test_hidden_sheets_are_ignored(analyst_a):
    workbook = Workbook()
    _programs_sheet(workbook, [program_row()])
    lookups = workbook.create_sheet("Lookups")
    lookups.append(["code", "title"])
    lookups.append(["not a program", "agency list"])
    lookups.sheet_state = "hidden"

    job = _import(analyst_a, _save(workbook))

    assert {r["table"] for r in job.report} == {"Programs"}


def test_a_second_sheet_holds_a_second_kind_of_record(analyst_a):
    workbook = Workbook()
    moes = workbook.active
    moes.title = "Targets"
    moes.append(MOES.names)
    moes.append(moe_row())
    programs = workbook.create_sheet("Budget")
    programs.append(PROGRAMS.names)
    programs.append(program_row())

    job = _import(analyst_a, _save(workbook))

    assert [(r["table"], r["outcome"]) for r in job.report] == [("Budget", "create"), ("Targets", "create")]
    assert Target.objects.get().moe.program == Program.objects.get()
