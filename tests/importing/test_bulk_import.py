"""Every table in bulk (programs and funding, MOEs and targets, measurements): flat query counts, history authorship, one rollup
announcement per import, and a confirm that refuses rows changed since the preview."""
import gc
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from infrastructure.models import RationaleCategory
from programs import permissions
from programs.importing.services import import_job_confirm, import_job_create
from programs.models import Funding, ImportStatus, Program, ProgramStatus
from programs.services.programs import funding_set
from programs.signals import program_data_changed
from tests.importing.conftest import program_row, programs_csv

pytestmark = pytest.mark.django_db


def _budget(programs: int, *, planned: str = "1,000,000", title: str = "Coastal patrol capacity") -> bytes:
    """``programs`` programs (FY2026-FY2029) with two funding years each (FY2027 and FY2028)."""
    rows = []
    for number in range(1, programs + 1):
        code = f"DOS-2027-{number:04d}"
        rows.append(program_row(code=code, title=title, start_fy="2026", fiscal_year="2027", planned=planned))
        rows.append(program_row(code=code, title=title, start_fy="2026", fiscal_year="2028", planned=planned, obligated="0"))
    return programs_csv(*rows)


def _preview_and_confirm_queries(user, content) -> tuple[int, int]:
    permissions.is_analyst(user)  # the user's groups, read once per request, are not per row
    with CaptureQueriesContext(connection) as preview:
        job = import_job_create(user=user, file_name="budget.csv", content=content)
    assert job.status == ImportStatus.PREVIEWED and job.can_confirm, job.report
    with CaptureQueriesContext(connection) as confirm:
        job = import_job_confirm(user=user, job=job)
    assert job.status == ImportStatus.IMPORTED, job.failure
    return len(preview), len(confirm)


def test_preview_and_confirm_queries_stay_flat_from_1x_to_10x_rows(analyst_a):
    small = _preview_and_confirm_queries(analyst_a, _budget(4))
    Program.objects.all().delete()
    large = _preview_and_confirm_queries(analyst_a, _budget(40))

    assert Program.objects.count() == 40 and Funding.objects.count() == 80
    assert large == small


def test_update_and_unchanged_reimport_queries_stay_flat(analyst_a):
    _preview_and_confirm_queries(analyst_a, _budget(40))
    small_update = _preview_and_confirm_queries(analyst_a, _budget(4, planned="2,000,000", title="Riverine"))
    large_update = _preview_and_confirm_queries(analyst_a, _budget(40, planned="3,000,000", title="Coastal"))
    small_same = _preview_and_confirm_queries(analyst_a, _budget(4, planned="3,000,000", title="Coastal"))
    large_same = _preview_and_confirm_queries(analyst_a, _budget(40, planned="3,000,000", title="Coastal"))

    assert large_update == small_update
    assert large_same == small_same
    assert set(Funding.objects.values_list("planned", flat=True)) == {Decimal("3000000.00")}


def test_history_names_the_uploader_the_job_and_the_file(analyst_a):
    job = import_job_create(user=analyst_a, file_name="budget.csv", content=_budget(1))
    job = import_job_confirm(user=analyst_a, job=job)

    program = Program.objects.get()
    created = program.history.get()
    assert (created.history_type, created.history_user, created.history_actor) == ("+", analyst_a, f"import job {job.pk}")
    assert created.history_change_reason == "import of budget.csv"
    assert sorted(created.countries.values_list("country__iso3", flat=True)) == ["KEN", "MMR"]
    assert list(created.goals.values_list("goal__code", flat=True)) == ["1.e"]
    funding = Funding.history.filter(program_id=program.pk)
    assert {(f.history_type, f.history_user, f.history_actor) for f in funding} == {("+", analyst_a, f"import job {job.pk}")}


def test_changed_memberships_are_an_update_with_the_new_memberships_in_history(analyst_a):
    _preview_and_confirm_queries(analyst_a, programs_csv(program_row()))

    job = import_job_create(user=analyst_a, file_name="b.csv", content=programs_csv(program_row(countries="KEN")))
    job = import_job_confirm(user=analyst_a, job=job)

    assert [(r["outcome"], r["note"]) for r in job.report] == [("update", "Program details changed")]
    program = Program.objects.get()
    assert program.version == 2
    assert list(program.countries.values_list("iso3", flat=True)) == ["KEN"]
    latest = program.history.first()
    assert (latest.history_type, latest.version) == ("~", 2)
    assert list(latest.countries.values_list("country__iso3", flat=True)) == ["KEN"]


def test_one_rollup_announcement_per_import_for_exactly_the_changed_programs(analyst_a):
    _preview_and_confirm_queries(analyst_a, _budget(3))
    announced = []

    def receiver(sender, program_ids, **kwargs):
        announced.append(program_ids)

    program_data_changed.connect(receiver)
    try:
        changed = _budget(3)
        changed = changed.replace(b"DOS-2027-0002,Coastal patrol capacity", b"DOS-2027-0002,Coastal patrol")
        _preview_and_confirm_queries(analyst_a, changed)
    finally:
        program_data_changed.disconnect(receiver)

    expected = [Program.objects.get(code="DOS-2027-0002").pk]
    assert announced == [expected, expected]  # the preview's (rolled back, never published) and the confirm's


def test_confirm_refuses_a_row_whose_funding_changed_since_the_preview(analyst_a):
    _preview_and_confirm_queries(analyst_a, _budget(1))
    job = import_job_create(user=analyst_a, file_name="budget.csv", content=_budget(1, planned="5,000,000"))
    program = Program.objects.get()
    funding_set(user=analyst_a, program=program, fiscal_year=2028, planned=Decimal(7), obligated=Decimal(0),
                disbursed=Decimal(0), version=Funding.objects.get(fiscal_year=2028).version)

    job = import_job_confirm(user=analyst_a, job=job)

    assert job.status == ImportStatus.FAILED
    assert [(r["row"], r["outcome"]) for r in job.report] == [(2, "update"), (3, "error")]
    assert job.report[1]["errors"][0]["column"] == "fiscal_year"
    assert "FY2028 funding changed since the preview" in job.report[1]["errors"][0]["message"]
    assert Funding.objects.get(fiscal_year=2027).planned == Decimal("1000000.00")


def test_confirm_refuses_rows_of_a_program_edited_since_the_preview(analyst_a):
    _preview_and_confirm_queries(analyst_a, _budget(1))
    job = import_job_create(user=analyst_a, file_name="budget.csv", content=_budget(1, planned="5,000,000"))
    Program.objects.update(version=5)

    job = import_job_confirm(user=analyst_a, job=job)

    assert {r["outcome"] for r in job.report} == {"error"}
    assert all("The program changed since the preview" in r["errors"][0]["message"] for r in job.report)


def test_approved_program_changes_carry_the_forms_rationale_category(analyst_a):
    _preview_and_confirm_queries(analyst_a, _budget(1))
    Program.objects.update(status=ProgramStatus.ACTIVE)

    job = import_job_create(
        user=analyst_a, file_name="budget.csv", content=_budget(1, planned="2,000,000"),
        rationale_category=RationaleCategory.BUDGET_REALIGNMENT, rationale="Reprogrammed.",
    )
    import_job_confirm(user=analyst_a, job=job)

    latest = Funding.history.filter(fiscal_year=2027).first()
    assert (latest.rationale_category, latest.history_change_reason) == ("budget_realignment", "Reprogrammed. (import of budget.csv)")


# --- the services' rules apply to bulk rows ------------------------------------------


def test_a_row_writing_to_an_archived_program_is_an_error_row(analyst_a):
    _preview_and_confirm_queries(analyst_a, _budget(1))
    Program.objects.update(archived_at="2026-11-01T00:00:00Z")

    job = import_job_create(user=analyst_a, file_name="budget.csv", content=_budget(1, planned="5,000,000"))

    assert {r["outcome"] for r in job.report} == {"error"}
    assert all("archived" in r["errors"][0]["message"] for r in job.report)


def test_model_field_validators_are_error_rows_naming_the_column(analyst_a):
    content = programs_csv(program_row(code="DOS-2027-0001", title="x" * 300, funding_authority="y" * 201))

    job = import_job_create(user=analyst_a, file_name="bad.csv", content=content)

    assert [e["column"] for r in job.report for e in r["errors"]] == ["funding_authority"]


def test_funding_outside_the_programs_years_is_an_error_row(analyst_a):
    job = import_job_create(user=analyst_a, file_name="b.csv", content=programs_csv(program_row(fiscal_year="2031")))

    assert [(e["column"], e["message"]) for r in job.report for e in r["errors"]] == [
        ("fiscal_year", "FY2031 is outside the program's years FY2027-FY2029.")
    ]


def test_confirm_refuses_moe_and_measurement_rows_changed_since_the_preview(analyst_a, workbook_of_everything):
    from programs.models import MeasureOfEffectiveness, Measurement

    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="a.xlsx", content=workbook_of_everything))
    job = import_job_create(user=analyst_a, file_name="a.xlsx", content=workbook_of_everything)
    MeasureOfEffectiveness.objects.update(version=7)
    Measurement.objects.update(version=7)

    job = import_job_confirm(user=analyst_a, job=job)

    errors = {(r["kind"], e["column"]) for r in job.report for e in r["errors"]}
    assert job.status == ImportStatus.FAILED
    assert errors == {("moes", "moe_name"), ("measurements", "value")}
    assert all("changed since the preview" in e["message"] for r in job.report for e in r["errors"])


def test_control_characters_in_cells_are_error_rows_through_the_models_validator(analyst_a):
    job = import_job_create(user=analyst_a, file_name="c.csv", content=programs_csv(program_row(title="Coastal\x07patrol")))

    assert [e["column"] for r in job.report for e in r["errors"]] == ["title"]
    assert not Program.objects.exists()


def test_moving_a_programs_years_past_its_stored_measurements_is_an_error_row_as_in_the_service(analyst_a):
    """The bulk path applies the service's program-years rule (program_years_misfits)."""
    from programs.models import MeasureOfEffectiveness, Measurement

    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="a.csv", content=programs_csv(program_row())))
    program = Program.objects.get()
    moe = MeasureOfEffectiveness.objects.create(
        program=program, name="Interdictions", unit="interdictions", baseline_value=0, baseline_date="2026-09-30"
    )
    Measurement.objects.create(moe=moe, period="FY2029-Q2", value=3, entered_by=analyst_a)

    job = import_job_create(user=analyst_a, file_name="b.csv", content=programs_csv(program_row(end_fy="2028")))

    assert [(e["column"], e["message"]) for r in job.report for e in r["errors"]] == [
        ("end_fy", "FY2027-FY2028 would leave outside the program's years: draft measurement of Interdictions "
                   "for FY2029-Q2. Move or remove them first.")
    ]
    assert Program.objects.get().end_fy == 2029


def test_moving_a_programs_years_past_stored_funding_not_in_the_file_is_an_error_row(analyst_a):
    two_years = [program_row(), program_row(fiscal_year="2029", planned="1", obligated="0", disbursed="0")]
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="a.csv", content=programs_csv(*two_years)))

    job = import_job_create(user=analyst_a, file_name="b.csv", content=programs_csv(program_row(end_fy="2028")))

    assert [(e["column"], e["message"]) for r in job.report for e in r["errors"]] == [
        ("end_fy", "FY2027-FY2028 would leave outside the program's years: funding for FY2029. Move or remove them first.")
    ]


def test_moving_years_that_keep_every_stored_row_inside_is_an_update(analyst_a):
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="a.csv", content=programs_csv(program_row())))

    job = import_job_confirm(
        user=analyst_a,
        job=import_job_create(user=analyst_a, file_name="b.csv", content=programs_csv(program_row(end_fy="2028"))),
    )

    assert job.status == ImportStatus.IMPORTED and [r["outcome"] for r in job.report] == ["update"]
    assert Program.objects.get().end_fy == 2028


def test_a_funding_only_change_moves_the_programs_updated_at_without_a_new_version(analyst_a):
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="a.csv", content=programs_csv(program_row())))
    before = Program.objects.values_list("updated_at", "version").get()

    job = import_job_create(user=analyst_a, file_name="b.csv", content=programs_csv(program_row(planned="2,000,000")))
    job = import_job_confirm(user=analyst_a, job=job)

    assert [r["note"] for r in job.report] == ["FY2027 funding changed"]
    updated_at, version = Program.objects.values_list("updated_at", "version").get()
    assert updated_at > before[0] and version == before[1]


def test_an_unchanged_reimport_leaves_updated_at_alone(analyst_a):
    content = programs_csv(program_row())
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="a.csv", content=content))
    before = Program.objects.values_list("updated_at", flat=True).get()

    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="a.csv", content=content))

    assert Program.objects.values_list("updated_at", flat=True).get() == before


# --- MOEs, targets and measurements in bulk ---------------------------------------------


def _moes(programs: int, *, target: str = "6", unit: str = "interdictions") -> bytes:
    """Two MOEs for each of ``programs`` programs, each with targets for two quarters (both
    started: measured values wait for their period to start)."""
    from tests.importing.conftest import moe_row, moes_csv

    rows = []
    for number in range(1, programs + 1):
        for name in ("Interdictions", "Patrols"):
            for period in ("FY2026-Q4", "FY2027-Q1"):
                rows.append(moe_row(program_code=f"DOS-2027-{number:04d}", moe_name=name, unit=unit, period=period, target=target))
    return moes_csv(*rows)


def _measurements(programs: int, *, value: str = "5") -> bytes:
    from tests.importing.conftest import measurement_row, measurements_csv

    rows = []
    for number in range(1, programs + 1):
        for name in ("Interdictions", "Patrols"):
            for period in ("FY2026-Q4", "FY2027-Q1"):
                rows.append(measurement_row(program_code=f"DOS-2027-{number:04d}", moe_name=name, period=period, value=value))
    return measurements_csv(*rows)


def test_moe_and_measurement_queries_stay_flat_from_1x_to_10x_rows(analyst_a):
    from programs.models import MeasureOfEffectiveness, Measurement, Target

    _preview_and_confirm_queries(analyst_a, _budget(40))

    small_moes = _preview_and_confirm_queries(analyst_a, _moes(4))
    small_values = _preview_and_confirm_queries(analyst_a, _measurements(4))
    MeasureOfEffectiveness.objects.all().delete()
    large_moes = _preview_and_confirm_queries(analyst_a, _moes(40))
    large_values = _preview_and_confirm_queries(analyst_a, _measurements(40))

    assert (MeasureOfEffectiveness.objects.count(), Target.objects.count(), Measurement.objects.count()) == (80, 160, 160)
    assert large_moes == small_moes
    assert large_values == small_values


@pytest.fixture
def collector_on(monkeypatch) -> dict[str, bool]:
    """Whether the cyclic garbage collector was on ({"reading": bool, "rows": bool}) when
    the importer started reading a file and when it started running its rows; filled as
    an import runs (the table cache forgotten first, so the file is read)."""
    from programs.importing import reading
    from programs.importing.rows import ImportRun

    noted: dict[str, bool] = {}

    def noting(name, function):
        def wrapper(*args, **kwargs):
            noted[name] = gc.isenabled()
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(reading, "read_csv", noting("reading", reading.read_csv))
    monkeypatch.setattr(ImportRun, "run", noting("rows", ImportRun.run))
    reading.recent_tables_forget()
    return noted


def test_the_cyclic_collector_is_paused_while_a_file_is_read_and_its_rows_run(analyst_a, collector_on):
    """The run keeps every row, result and record until its end, and each full collection
    walked that growing heap again (the MOE workbook at 10x: 23 full collections, 25 s of
    a 205 s preview): the collector is off while the file is read and while its rows are
    checked and written, and on again afterwards."""
    _preview_and_confirm_queries(analyst_a, _budget(4))

    assert collector_on == {"reading": False, "rows": False}
    assert gc.isenabled()


def test_the_collector_stays_on_while_another_thread_of_the_process_runs(analyst_a, collector_on):
    """The collector's switch is the process's: where another thread runs (the development
    server's request threads; without a broker, the thread a large import runs in), an
    import pausing it would pause it for every request the process serves. It stays on."""
    import threading

    stop = threading.Event()
    request = threading.Thread(target=stop.wait, name="another request")
    request.start()
    try:
        _preview_and_confirm_queries(analyst_a, _budget(4))
    finally:
        stop.set()
        request.join()

    assert collector_on == {"reading": True, "rows": True}


def test_moe_and_measurement_updates_and_unchanged_reimports_stay_flat(analyst_a):
    from programs.models import Measurement, Target

    _preview_and_confirm_queries(analyst_a, _budget(40))
    _preview_and_confirm_queries(analyst_a, _moes(40))
    _preview_and_confirm_queries(analyst_a, _measurements(40))

    counts = {
        size: (
            _preview_and_confirm_queries(analyst_a, _moes(size, target=str(size), unit=f"u{size}")),
            _preview_and_confirm_queries(analyst_a, _measurements(size, value=str(size))),
            _preview_and_confirm_queries(analyst_a, _moes(size, target=str(size), unit=f"u{size}")),
            _preview_and_confirm_queries(analyst_a, _measurements(size, value=str(size))),
        )
        for size in (4, 40)
    }

    assert counts[40] == counts[4]
    assert set(Target.objects.values_list("value", flat=True)) == {Decimal("40")}
    assert set(Measurement.objects.values_list("value", flat=True)) == {Decimal("40")}


def test_moe_target_and_measurement_history_names_the_uploader_the_job_and_the_file(analyst_a):
    from programs.models import MeasureOfEffectiveness, Measurement, Target

    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="p.csv", content=_budget(1)))
    moes = import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="moes.csv", content=_moes(1)))
    values = import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="m.csv", content=_measurements(1)))

    for model, job, file_name, count in (
        (MeasureOfEffectiveness, moes, "moes.csv", 2), (Target, moes, "moes.csv", 4), (Measurement, values, "m.csv", 4),
    ):
        rows = model.history.all()
        assert {(h.history_type, h.history_user, h.history_actor, h.history_change_reason) for h in rows} == {
            ("+", analyst_a, f"import job {job.pk}", f"import of {file_name}")
        }
        assert rows.count() == count
    assert set(Target.objects.values_list("period_end", flat=True)) == {
        __import__("datetime").date(2026, 9, 30), __import__("datetime").date(2026, 12, 31)
    }


def test_one_rollup_announcement_for_exactly_the_programs_whose_moe_data_changed(analyst_a):
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="p.csv", content=_budget(3)))
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="m.csv", content=_moes(3)))
    announced = []

    def listener(sender, program_ids, **kwargs):
        announced.append(sorted(program_ids))

    program_data_changed.connect(listener)
    try:
        import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="m.csv", content=_moes(1, target="9")))
    finally:
        program_data_changed.disconnect(listener)

    expected = [Program.objects.get(code="DOS-2027-0001").pk]
    assert announced == [expected, expected]  # the preview's (rolled back, never published) and the confirm's


def test_changing_a_moes_frequency_over_stored_values_is_an_error_row_as_in_the_service(analyst_a):
    from tests.importing.conftest import moe_row, moes_csv

    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="p.csv", content=_budget(1)))
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="m.csv", content=_moes(1)))
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="v.csv", content=_measurements(1)))

    job = import_job_create(user=analyst_a, file_name="m.csv", content=moes_csv(
        moe_row(program_code="DOS-2027-0001", moe_name="Patrols", frequency="annual", period="FY2027", target="6"),
    ))

    assert [(e["column"], e["message"]) for r in job.report for e in r["errors"]] == [
        ("frequency", "Values or targets exist for FY2026-Q4, FY2027-Q1, which a annual MOE cannot hold; change them first.")
    ]


def test_a_measurement_whose_stored_breakdown_would_no_longer_add_up_is_an_error_row(analyst_a):
    from programs.models import DisaggregationCategory, Measurement, MeasurementDisaggregation

    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="p.csv", content=_budget(1)))
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="m.csv", content=_moes(1)))
    import_job_confirm(user=analyst_a, job=import_job_create(user=analyst_a, file_name="v.csv", content=_measurements(1)))
    measurement = Measurement.objects.get(moe__name="Patrols", period="FY2027-Q1")
    for name, value in (("female", 2), ("male", 3)):
        category = DisaggregationCategory.objects.create(moe=measurement.moe, dimension="sex", name=name)
        MeasurementDisaggregation.objects.create(measurement=measurement, category=category, value=value)

    job = import_job_create(user=analyst_a, file_name="v.csv", content=_measurements(1, value="7"))

    errors = [(r["key"], e["column"]) for r in job.report for e in r["errors"]]
    assert errors == [("DOS-2027-0001 / Patrols / FY2027-Q1", "breakdown")]
