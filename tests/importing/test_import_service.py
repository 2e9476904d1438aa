"""The import service: preview, confirm, all-or-nothing, idempotence, permissions, bad input.

Given a file, when it is previewed and confirmed, then every row is reported with its
outcome (create / update / unchanged / error with column and reason) and the data lands
through the programs services, or not at all.
"""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from infrastructure.models import RationaleCategory
from programs.importing.columns import PROGRAMS
from programs.importing.services import import_job_confirm, import_job_create
from programs.models import (
    Funding,
    ImportStatus,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementStatus,
    Program,
    ProgramStatus,
    Target,
)
from tests import factories
from tests.importing.conftest import (
    csv_file,
    measurement_row,
    measurements_csv,
    moe_row,
    moes_csv,
    program_row,
    programs_csv,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


def _preview(user, content, name="programs.csv", **kwargs):
    return import_job_create(user=user, file_name=name, content=content, **kwargs)


def _import(user, content, name="programs.csv", **kwargs):
    job = _preview(user, content, name, **kwargs)
    assert job.status == ImportStatus.PREVIEWED, job.report
    assert job.can_confirm, job.report
    return import_job_confirm(user=user, job=job)


def _errors(job):
    return [(r["row"], e["column"], e["message"]) for r in job.report for e in r["errors"]]


def _history_rows() -> int:
    return sum(model.history.count() for model in (Program, Funding, MeasureOfEffectiveness, Target, Measurement))


# --- preview and confirm -----------------------------------------------------------


def test_preview_reports_every_row_and_saves_nothing(analyst_a):
    content = programs_csv(program_row(), program_row(fiscal_year="2028", planned="2,000,000", obligated="", disbursed=""))

    job = _preview(analyst_a, content)

    assert job.status == ImportStatus.PREVIEWED
    assert [(r["row"], r["outcome"]) for r in job.report] == [(2, "create"), (3, "create")]
    assert job.summary["create"] == 2 and job.summary["error"] == 0
    assert not Program.objects.exists() and not Funding.objects.exists()
    assert bytes(job.content) == content


def test_confirm_saves_the_whole_file_through_the_services(analyst_a):
    content = programs_csv(program_row(), program_row(fiscal_year="2028", planned="2,000,000", obligated="-", disbursed="-"))

    job = _import(analyst_a, content)

    assert job.status == ImportStatus.IMPORTED and job.summary["create"] == 2
    program = Program.objects.get(code="DOS-2027-0001")
    assert program.status == ProgramStatus.PROPOSED
    assert program.lead_agency.code == "DOS"
    assert sorted(program.countries.values_list("iso3", flat=True)) == ["KEN", "MMR"]
    assert list(program.goals.values_list("code", flat=True)) == ["1.e"]
    assert list(program.sectors.values_list("dac_code", flat=True)) == ["15210"]
    assert list(program.funding.values_list("fiscal_year", "planned", "obligated", "disbursed")) == [
        (2027, Decimal("1250000.00"), Decimal("900000.50"), Decimal("0.00")),
        (2028, Decimal("2000000.00"), Decimal("0.00"), Decimal("0.00")),
    ]
    assert program.history.first().history_user == analyst_a


def test_preview_and_confirm_report_the_same_outcomes(analyst_a, workbook_of_everything):
    job = _preview(analyst_a, workbook_of_everything, "all.xlsx")
    previewed = [(r["table"], r["row"], r["outcome"], r["note"]) for r in job.report]

    job = import_job_confirm(user=analyst_a, job=job)

    assert [(r["table"], r["row"], r["outcome"], r["note"]) for r in job.report] == previewed


def test_workbook_with_all_sheets_imports_in_dependency_order(analyst_a, workbook_of_everything):
    job = _import(analyst_a, workbook_of_everything, "all.xlsx")

    assert job.status == ImportStatus.IMPORTED
    moe = MeasureOfEffectiveness.objects.get(program__code="DOS-2027-0001", name="Interdictions")
    assert dict(moe.targets.values_list("period", "value")) == {"FY2027-Q1": Decimal("6"), "FY2027-Q2": Decimal("8")}
    measurement = moe.measurements.get(period="FY2027-Q1")
    assert measurement.value == Decimal("5") and measurement.status == MeasurementStatus.DRAFT
    assert measurement.entered_by == analyst_a
    assert [r["table"] for r in job.report] == ["Programs", "Programs", "MOEs", "MOEs", "Measurements"]


# --- idempotence ------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(analyst_a, workbook_of_everything):
    _import(analyst_a, workbook_of_everything, "all.xlsx")
    history_before = _history_rows()
    versions_before = list(Program.objects.values_list("version", flat=True))

    again = _import(analyst_a, workbook_of_everything, "all.xlsx")

    assert {r["outcome"] for r in again.report} == {"unchanged"}
    assert again.summary["unchanged"] == 5
    assert _history_rows() == history_before
    assert list(Program.objects.values_list("version", flat=True)) == versions_before
    assert Measurement.objects.count() == 1 and Target.objects.count() == 2


def test_reimport_with_a_changed_amount_is_one_update(analyst_a):
    _import(analyst_a, programs_csv(program_row()))

    job = _import(analyst_a, programs_csv(program_row(planned="1,300,000")))

    assert [(r["outcome"], r["note"]) for r in job.report] == [("update", "FY2027 funding changed")]
    assert Funding.objects.get().planned == Decimal("1300000.00")


def test_csv_and_xlsx_of_the_same_data_agree(analyst_a):
    _import(analyst_a, programs_csv(program_row()))

    job = _import(analyst_a, xlsx_file({"Programs": [PROGRAMS.names, program_row(planned=1250000, obligated=900000.5, start_fy=2027, end_fy=2029, fiscal_year=2027)]}), "p.xlsx")

    assert job.report[0]["outcome"] == "unchanged"


# --- all or nothing ---------------------------------------------------------------


def test_one_bad_row_blocks_the_whole_file(analyst_a):
    content = programs_csv(program_row(), program_row(code="DOS-2027-0002", countries="Narnia"))

    job = _preview(analyst_a, content)

    assert job.status == ImportStatus.PREVIEWED and not job.can_confirm
    assert [r["outcome"] for r in job.report] == ["create", "error"]
    ((row, column, message),) = _errors(job)
    assert (row, column) == (3, "countries")
    assert message.startswith("'Narnia' is not a known country; use its ISO code (e.g. KEN) or its name.")
    with pytest.raises(ValidationError, match="cannot be confirmed"):
        import_job_confirm(user=analyst_a, job=job)
    assert not Program.objects.exists()


def test_an_error_met_at_confirm_time_saves_nothing(analyst_a, analyst_b):
    """Between preview and confirm someone else takes a program code the file uses."""
    job = _preview(analyst_a, programs_csv(program_row(), program_row(code="DOS-2027-0002")))
    factories.ProgramFactory(code="DOS-2027-0002", lead_agency=factories.agency("DOD"))

    job = import_job_confirm(user=analyst_a, job=job)

    assert job.status == ImportStatus.FAILED
    assert "nothing was saved" in job.failure
    assert [r["outcome"] for r in job.report] == ["create", "error"]
    assert "changed since the preview" in job.report[1]["errors"][0]["message"]
    assert not Program.objects.filter(code="DOS-2027-0001").exists()


def test_a_job_is_confirmed_once(analyst_a):
    job = _import(analyst_a, programs_csv(program_row()))
    with pytest.raises(ValidationError, match="imported"):
        import_job_confirm(user=analyst_a, job=job)


# --- permissions and rationale --------------------------------------------------------


def test_row_of_another_agencys_program_is_an_error_row(analyst_b):
    factories.ProgramFactory(code="DOS-2027-0001", lead_agency=factories.agency("DOS"), start_fy=2027, end_fy=2029)

    job = _preview(analyst_b, programs_csv(program_row(lead_agency="DOD"), program_row(code="DOD-1", lead_agency="DOS")))

    assert _errors(job) == [
        (2, "code", "Only analysts of DOS may edit program DOS-2027-0001."),
        (3, "lead_agency", "You may only create programs led by your own agency."),
    ]


def test_measurements_of_another_agencys_program_are_error_rows(analyst_b, analyst_a, workbook_of_everything):
    _import(analyst_a, workbook_of_everything, "all.xlsx")

    job = _preview(analyst_b, measurements_csv(measurement_row(value="7")))

    assert _errors(job) == [(2, "program_code", "program DOS-2027-0001 is led by DOS; you may only import data of your own agency's programs")]


def test_manager_cannot_import(manager):
    with pytest.raises(PermissionDenied):
        _preview(manager, programs_csv(program_row()))


def test_only_the_uploader_confirms(analyst_a, administrator):
    job = _preview(analyst_a, programs_csv(program_row()))
    with pytest.raises(PermissionDenied):
        import_job_confirm(user=administrator, job=job)


def test_edit_of_approved_data_needs_the_forms_rationale(analyst_a):
    _import(analyst_a, programs_csv(program_row()))
    Program.objects.update(status=ProgramStatus.ACTIVE)
    changed = programs_csv(program_row(title="Coastal and riverine patrol capacity"))

    without = _preview(analyst_a, changed)
    with_rationale = _import(
        analyst_a, changed, rationale_category=RationaleCategory.SCOPE_CHANGE, rationale="Rivers added by the embassy."
    )

    assert {e[1] for e in _errors(without)} == {"rationale (upload form)"}
    assert "Set the rationale category and text on the upload form." in _errors(without)[0][2]
    assert with_rationale.report[0]["outcome"] == "update"
    record = Program.objects.get().history.first()
    assert (record.rationale_category, record.history_change_reason) == ("scope_change", "Rivers added by the embassy. (import of programs.csv)")


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, column, message",
    [
        ({"planned": "(1,000)"}, "planned", "negative amount (accounting parentheses)"),
        ({"obligated": "-5"}, "obligated", "is negative"),
        ({"planned": "1.234,56"}, "planned", "ambiguous"),
        ({"fiscal_year": "1980"}, "fiscal_year", "out of range"),
        ({"start_fy": "FY2200"}, "start_fy", "out of range"),
        ({"fiscal_year": "2031"}, "fiscal_year", "outside the program's years FY2027-FY2029"),
        ({"end_fy": "2026"}, "end_fy", "FY2026 is before the start fiscal year FY2027"),
        ({"countries": "KEN; Atlantis"}, "countries", "'Atlantis' is not a known country"),
        ({"countries": ""}, "countries", "is required"),
        ({"countries": "Kenya, Tanzania"}, "countries", "lists several countries; separate them with ';'"),
        ({"lead_agency": "NASA"}, "lead_agency", "'NASA' is not an agency code"),
        ({"purpose": "train"}, "purpose", "is not one of"),
        ({"goals": "9.z"}, "goals", "unknown goal code"),
        ({"sectors": "99999"}, "sectors", "unknown DAC sector code"),
        ({"title": ""}, "title", "is required"),
        ({"fiscal_year": "", "planned": "5"}, "fiscal_year", "is required when the row has funding amounts"),
    ],
)
def test_bad_program_cells_are_error_rows_naming_the_column(analyst_a, overrides, column, message):
    job = _preview(analyst_a, programs_csv(program_row(**overrides)))

    ((row, got_column, got_message),) = _errors(job)
    assert (row, got_column) == (2, column)
    assert message in got_message
    assert not Program.objects.exists()


def test_several_bad_cells_of_one_row_are_all_reported(analyst_a):
    job = _preview(analyst_a, programs_csv(program_row(planned="abc", obligated="(3)", countries="Mordor")))
    assert sorted(e[1] for e in _errors(job)) == ["countries", "obligated", "planned"]


def test_duplicate_rows_are_reported(analyst_a):
    job = _preview(analyst_a, programs_csv(program_row(), program_row()))
    assert _errors(job) == [(3, "fiscal_year", "duplicate row: FY2027 of DOS-2027-0001 already appears on row 2")]


def test_conflicting_repeat_of_a_program_is_reported(analyst_a):
    job = _preview(analyst_a, programs_csv(program_row(), program_row(fiscal_year="2028", title="Other title")))
    assert _errors(job) == [(3, "title", "'Other title' differs from row 2 ('Coastal patrol capacity') for the same record")]


def test_continuation_rows_take_the_program_from_the_row_above(analyst_a):
    blank = {c: "" for c in PROGRAMS.record_columns}
    _import(analyst_a, programs_csv(program_row(), program_row(fiscal_year="2028", planned="5", obligated="", disbursed="", **blank)))
    assert sorted(Funding.objects.values_list("fiscal_year", flat=True)) == [2027, 2028]


@pytest.mark.parametrize("label", ["Total", "Grand total", "TOTAL FY2027"])
def test_totals_rows_are_skipped_and_reported(analyst_a, label):
    totals = ["" for _ in PROGRAMS.names]
    totals[0], totals[PROGRAMS.names.index("planned")] = label, "1,250,000"

    job = _import(analyst_a, programs_csv(program_row(), totals))

    assert [r["outcome"] for r in job.report] == ["create", "skipped"]
    assert "Totals row" in job.report[1]["note"]
    assert Funding.objects.count() == 1


def test_wrong_headers_are_reported_with_the_column(analyst_a):
    header = [*PROGRAMS.names[:-1], "disbursment"]
    job = _preview(analyst_a, csv_file(header, [program_row()]))

    assert _errors(job) == [
        (1, "disbursment", "'disbursment' is not a column of the programs and funding template (columns: " + ", ".join(PROGRAMS.names) + ")."),
    ]
    assert not job.can_confirm


def test_missing_required_column_is_reported(analyst_a):
    header = [n for n in PROGRAMS.names if n != "countries"]
    job = _preview(analyst_a, csv_file(header, [[c for n, c in zip(PROGRAMS.names, program_row()) if n != "countries"]]))
    assert (1, "countries", "The required column 'countries' is missing.") in _errors(job)


def test_unrecognisable_headers_are_reported(analyst_a):
    job = _preview(analyst_a, csv_file(["foo", "bar"], [["1", "2"]]))
    assert job.report[0]["errors"][0]["column"] == "(header row)"
    assert "names none of the expected columns" in job.report[0]["errors"][0]["message"]


def test_headers_with_spaces_case_and_units_are_recognised(analyst_a):
    header = [n.replace("_", " ").title() + (" (USD)" if n == "planned" else "") for n in PROGRAMS.names]
    job = _preview(analyst_a, csv_file(header, [program_row()]))
    assert job.report[0]["outcome"] == "create"


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("empty.csv", b"", "The file is empty."),
        ("header.csv", ",".join(PROGRAMS.names).encode(), "no data rows"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n....", "PNG image"),
        ("broken.xlsx", b"PK\x03\x04garbage", "damaged"),
        ("bad.csv", b"code,title\nA,\x81\x8d\n", "not UTF-8 or Windows-1252"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(analyst_a, name, content, problem):
    with pytest.raises(ValidationError) as caught:
        _preview(analyst_a, content, name)
    assert problem in caught.value.message_dict["file"][0]


def test_wrong_type_xlsx_cells_are_error_rows(analyst_a):
    from datetime import datetime

    content = xlsx_file({"Programs": [PROGRAMS.names, program_row(planned=True, obligated=datetime(2027, 1, 1), start_fy="2027", fiscal_year=2027)]})

    job = _preview(analyst_a, content, "p.xlsx")

    assert sorted((c, m) for _, c, m in _errors(job)) == [
        ("obligated", "'2027-01-01 00:00:00' is a date, not a number"),
        ("planned", "'True' is a true/false value, not a number"),
    ]


def test_formula_without_value_is_an_error_row(analyst_a):
    content = xlsx_file({"Programs": [PROGRAMS.names, program_row(planned="=B2*2")]})
    job = _preview(analyst_a, content, "p.xlsx")
    assert _errors(job) == [(2, "planned", "holds the formula =B2*2 with no computed value; recalculate and save the workbook, or paste values")]


# --- MOEs, targets and measurements -----------------------------------------------------


def test_moe_and_measurement_errors_name_their_columns(analyst_a):
    _import(analyst_a, programs_csv(program_row()))
    moes = moes_csv(
        moe_row(),
        moe_row(moe_name="Patrols", period="FY2035-Q1"),
        moe_row(moe_name="Arrests", baseline_date="soon"),
        moe_row(program_code="NOPE-1"),
        moe_row(moe_name="Seizures", period="FY2027-Q1", target=""),
    )
    job = _preview(analyst_a, moes, "moes.csv")
    errors = {row: (column, message) for row, column, message in _errors(job)}
    assert job.report[0]["outcome"] == "create"
    assert errors[3] == ("period", "FY2035-Q1 is outside the program's years FY2027-FY2029.")
    assert errors[4] == ("baseline_date", "'soon' is not a date; write it as 2026-09-30")
    assert errors[5][0] == "program_code" and "no program has the code 'NOPE-1'" in errors[5][1]
    assert errors[6] == ("target", "a value is required when the row has a period")


def test_measurement_rules(analyst_a):
    _import(analyst_a, programs_csv(program_row(start_fy="2026")))  # quarters that have started
    _import(analyst_a, moes_csv(moe_row()), "moes.csv")
    job = _preview(
        analyst_a,
        measurements_csv(
            measurement_row(),
            measurement_row(),
            measurement_row(period="FY2026-Q4", value="-3"),
            measurement_row(moe_name="Unknown"),
            measurement_row(period="FY2026-Q3", evidence_url="not a link"),
        ),
        "m.csv",
    )
    errors = {row: (column, message) for row, column, message in _errors(job)}
    assert errors[3] == ("period", "duplicate row: the measurement of 'Interdictions' for FY2027-Q1 already appears on row 2")
    assert errors[4] == ("value", "Enter zero or more: -3 is negative, and this measure (interdictions) does not allow negative values.")
    assert errors[5][0] == "moe_name" and "no MOE named 'Unknown'" in errors[5][1]
    assert errors[6] == ("evidence_url", "Enter a valid URL.")


def test_percent_values_and_targets_above_100_are_error_rows_and_us_numbers_are_read(analyst_a):
    """The MOE value rule and the typed-number rule of the pages hold for the importer."""
    too_high = "Enter a percentage from 0 to 100: 250 is more than 100."
    _import(analyst_a, programs_csv(program_row()))
    job = _preview(analyst_a, moes_csv(moe_row(unit="percent", target="250"),
                                       moe_row(moe_name="Share", unit="percent", baseline_value="250", period="", target="")),
                   "moes.csv")
    errors = {row: (column, message) for row, column, message in _errors(job)}
    assert errors[2] == ("target", too_high) and errors[3] == ("baseline_value", too_high)
    _import(analyst_a, moes_csv(moe_row(unit="percent", target="60"), moe_row(moe_name="Seizures", target="1,250.5")),
            "moes.csv")
    assert Target.objects.get(moe__name="Seizures").value == Decimal("1250.5")
    job = _preview(analyst_a, measurements_csv(measurement_row(value="250"), measurement_row(moe_name="Seizures", value="1.234,5")),
                   "m.csv")
    errors = {row: (column, message) for row, column, message in _errors(job)}
    assert errors[2] == ("value", too_high)
    assert errors[3][0] == "value" and "is ambiguous" in errors[3][1]
    _import(analyst_a, measurements_csv(measurement_row(value="99.5"), measurement_row(moe_name="Seizures", value="1,234.5")),
            "m.csv")
    assert dict(Measurement.objects.values_list("moe__name", "value")) == {"Interdictions": Decimal("99.5"),
                                                                          "Seizures": Decimal("1234.5")}


def test_a_unit_change_that_stored_values_break_is_an_error_row_naming_the_column(analyst_a):
    """As in the services (check_values_fit): the stored values and the targets the file
    keeps must fit the MOE's new unit; a stored target the file changes is checked too."""
    _import(analyst_a, programs_csv(program_row()))
    _import(analyst_a, moes_csv(moe_row(target="260"), moe_row(period="FY2027-Q2", target="80")), "moes.csv")
    _import(analyst_a, measurements_csv(measurement_row(value="150")), "m.csv")
    job = _preview(analyst_a, moes_csv(moe_row(unit="percent", target="260")), "moes.csv")
    assert _errors(job) == [(2, "unit", (
        "With the unit 'percent', 2 stored values would be refused: values of FY2027-Q1; targets of FY2027-Q1 "
        "(FY2027-Q1: Enter a percentage from 0 to 100: 150 is more than 100.) Correct them first, or keep the unit "
        "'interdictions'."))]
    Measurement.objects.update(value=Decimal("50"))
    job = _preview(analyst_a, moes_csv(moe_row(unit="percent", target="250")), "moes.csv")
    assert _errors(job) == [(2, "target", "Enter a percentage from 0 to 100: 250 is more than 100.")]
    _import(analyst_a, moes_csv(moe_row(unit="percent", target="60")), "moes.csv")
    assert MeasureOfEffectiveness.objects.get().unit == "percent"
    assert dict(Target.objects.values_list("period", "value")) == {"FY2027-Q1": Decimal("60"), "FY2027-Q2": Decimal("80")}


def test_changing_an_approved_measurement_needs_a_rationale_and_resubmits(analyst_a, manager):
    _import(analyst_a, programs_csv(program_row()))
    _import(analyst_a, moes_csv(moe_row()), "moes.csv")
    _import(analyst_a, measurements_csv(measurement_row()), "m.csv")
    Measurement.objects.update(status=MeasurementStatus.APPROVED, approved_by=manager)
    changed = measurements_csv(measurement_row(value="9"))

    refused = _preview(analyst_a, changed, "m.csv")
    accepted = _import(analyst_a, changed, "m.csv", rationale_category="data_correction", rationale="Typo in Q1 report.")

    assert _errors(refused)[0][1] == "rationale (upload form)"
    assert accepted.report[0]["outcome"] == "update"
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.status) == (Decimal("9"), MeasurementStatus.SUBMITTED)


def test_moe_rows_update_targets_by_natural_key(analyst_a):
    _import(analyst_a, programs_csv(program_row()))
    _import(analyst_a, moes_csv(moe_row(), moe_row(period="FY2027-Q2", target="8")), "moes.csv")

    job = _import(analyst_a, moes_csv(moe_row(), moe_row(period="FY2027-Q2", target="9")), "moes.csv")

    assert [(r["outcome"], r["note"]) for r in job.report] == [("unchanged", ""), ("update", "FY2027-Q2 target changed")]
    assert MeasureOfEffectiveness.objects.count() == 1
    assert Target.objects.get(period="FY2027-Q2").value == Decimal("9")


# --- large files go to Celery ---------------------------------------------------------


def test_large_file_is_queued_for_the_worker_after_commit(analyst_a, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_ASYNC_ROWS = 1
    rows = [program_row(fiscal_year=str(fy)) for fy in (2027, 2028)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _preview(analyst_a, programs_csv(*rows))

    assert job.status == ImportStatus.PREVIEW_QUEUED and job.report == []
    assert len(callbacks) == 1
    assert not Program.objects.exists()


def test_later_funding_years_of_an_approved_program_need_the_rationale_too(analyst_a):
    two_years = [program_row(), program_row(fiscal_year="2028", planned="2,000,000", obligated="0", disbursed="0")]
    _import(analyst_a, programs_csv(*two_years))
    Program.objects.update(status=ProgramStatus.ACTIVE)
    two_years[1] = program_row(fiscal_year="2028", planned="2,500,000", obligated="0", disbursed="0")

    without = _preview(analyst_a, programs_csv(*two_years))
    with_rationale = _import(analyst_a, programs_csv(*two_years), rationale_category="budget_realignment", rationale="FY2028 request raised.")

    assert [r["outcome"] for r in without.report] == ["unchanged", "error"]
    assert _errors(without)[0][:2] == (3, "rationale (upload form)")
    assert [(r["outcome"], r["note"]) for r in with_rationale.report] == [("unchanged", ""), ("update", "FY2028 funding changed")]
    assert Funding.objects.get(fiscal_year=2028).planned == Decimal("2500000.00")


def test_nul_characters_in_cells_are_error_rows_not_crashes(analyst_a):
    """NUL bytes past the start of the file (the start is sniffed and refused as binary)."""
    filler = [program_row(code=f"DOS-{i}") for i in range(40)]
    content = programs_csv(*filler, program_row(code="DOS-X", title="Patrol\x00boats", planned="12\x003"))
    assert b"\x00" not in content[:4096]

    job = _preview(analyst_a, content)

    assert sorted(c for _, c, _ in _errors(job)) == ["planned", "title"]
    assert all("\x00" not in m for _, _, m in _errors(job))


def test_a_value_of_a_period_not_started_or_collected_in_the_future_is_an_error_row(analyst_a):
    """The rule of the pages and the API (programs.models.measured_period_problem /
    measured_date_problem) holds for the importer, naming the column; targets of periods
    not started stay allowed (the MOE rows below plan FY2029-Q4)."""
    import datetime as dt

    from django.utils import timezone

    from programs.fiscal import Period, current_fiscal_year

    today = timezone.localdate()
    fy = current_fiscal_year()
    later = Period.quarter_of(Period.quarter_of(today).end + dt.timedelta(days=1))
    code = f"DOS-{fy}-0001"
    _import(analyst_a, programs_csv(program_row(code=code, start_fy=str(fy - 1), end_fy=str(fy + 2), fiscal_year=str(fy))))
    _import(analyst_a, moes_csv(moe_row(program_code=code, period=f"FY{fy}-Q1"),
                                moe_row(program_code=code, period=f"FY{fy + 2}-Q4", target="9")), "moes.csv")
    job = _preview(analyst_a, measurements_csv(
        measurement_row(program_code=code, period=f"FY{fy - 1}-Q4", collected_on=today.isoformat()),
        measurement_row(program_code=code, period=later.code, collected_on=""),
        measurement_row(program_code=code, period=Period.quarter_of(today).code, moe_name="Interdictions",
                        collected_on=(today + dt.timedelta(days=1)).isoformat()),
    ), "m.csv")
    errors = {row: (column, message) for row, column, message in _errors(job)}
    assert 2 not in errors
    assert errors[3][0] == "period" and errors[3][1].startswith(f"{later.code} has not started yet")
    assert errors[4][0] == "collected_on" and "is in the future" in errors[4][1]
    assert not job.can_confirm
    assert Target.objects.filter(period=f"FY{fy + 2}-Q4").exists()


def test_a_future_baseline_date_is_an_error_row(analyst_a):
    _import(analyst_a, programs_csv(program_row()))
    job = _preview(analyst_a, moes_csv(moe_row(baseline_date="2035-01-01")), "moes.csv")
    assert _errors(job) == [(2, "baseline_date",
                             f"Baseline date Jan 1, 2035 is in the future: enter today "
                             f"({timezone_today_us()}) or an earlier day.")]


def timezone_today_us() -> str:
    from django.utils import timezone

    from infrastructure.dates import date_text

    return date_text(timezone.localdate())
