"""Moving a program's fiscal years never leaves its data outside them (issue 11 item 6)."""
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from programs.models import Frequency, Measurement, Program
from programs.services.program_years import program_years_misfits
from programs.services.programs import program_update
from tests import factories
from tests.api.conftest import token_client  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
RATIONALE = {"rationale_category": "data_correction", "rationale": "years corrected"}


@pytest.fixture
def program_with_data(program_a):
    """FY2025-FY2028, with FY2025 funding, an FY2025-Q4 target and an approved FY2025-Q4 value."""
    moe = factories.MoeFactory(program=program_a, name="Officers trained")
    factories.FundingFactory(program=program_a, fiscal_year=2025)
    factories.TargetFactory(moe=moe, period="FY2025-Q4", value=D(10))
    factories.MeasurementFactory(moe=moe, period="FY2025-Q4", value=D(9))
    factories.MeasurementFactory(moe=moe, period="FY2027-Q1", value=D(9))
    return program_a


def test_moving_the_start_past_approved_data_is_refused_naming_it(analyst_a, program_with_data):
    program = program_with_data
    with pytest.raises(ValidationError) as error:
        program_update(user=analyst_a, program=program, data={"start_fy": 2026}, version=program.version, **RATIONALE)
    assert error.value.message_dict == {"start_fy": [
        "FY2026-FY2028 would leave outside the program's years: funding for FY2025; "
        "target of Officers trained for FY2025-Q4; approved measurement of Officers trained for FY2025-Q4. "
        "Move or remove them first."
    ]}
    program.refresh_from_db()
    assert (program.start_fy, program.version) == (2025, 1)


def test_moving_the_end_before_data_names_the_end_field(analyst_a, program_with_data):
    with pytest.raises(ValidationError) as error:
        program_update(user=analyst_a, program=program_with_data, data={"end_fy": 2026}, version=1, **RATIONALE)
    assert "approved measurement of Officers trained for FY2027-Q1" in error.value.message_dict["end_fy"][0]


def test_moving_years_that_keep_every_row_inside_is_accepted(analyst_a, program_with_data):
    program = program_update(user=analyst_a, program=program_with_data, data={"end_fy": 2030}, version=1, **RATIONALE)
    assert (program.start_fy, program.end_fy) == (2025, 2030)


def test_life_of_program_values_must_stay_at_the_last_year(analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a, name="Units certified", frequency=Frequency.LIFE_OF_PROGRAM)
    factories.MeasurementFactory(moe=moe, period="FY2028", value=D(4))
    with pytest.raises(ValidationError) as error:
        program_update(user=analyst_a, program=program_a, data={"end_fy": 2029}, version=1, **RATIONALE)
    assert "measurement of Units certified for FY2028" in error.value.message_dict["end_fy"][0]


def test_the_rule_is_a_pure_function_for_bulk_callers(program_a, django_assert_num_queries):
    moe = factories.MoeFactory(program=program_a, name="Officers trained")
    funding = [factories.FundingFactory(program=program_a, fiscal_year=2025)]
    measurements = [factories.MeasurementFactory(moe=moe, period="FY2025-Q1")]
    program_a.start_fy = 2026
    with django_assert_num_queries(0):
        misfits = program_years_misfits(program_a, funding=funding, targets=[], measurements=measurements)
    assert misfits == ["funding for FY2025", "approved measurement of Officers trained for FY2025-Q1"]


def test_api_patch_of_years_is_a_409_naming_what_falls_outside(token_client, analyst_a, program_with_data):
    response = token_client(analyst_a, write=True).patch(
        f"/api/v1/programs/{program_with_data.pk}/", {"start_fy": 2026, "version": 1, **RATIONALE}, format="json")
    assert response.status_code == 409  # the stored data decides (state_conflict)
    assert "funding for FY2025" in str(response.json()["errors"]["start_fy"])
    assert Program.objects.get(pk=program_with_data.pk).start_fy == 2025


def test_data_check_reports_rows_outside_program_years(program_a, capsys):
    moe = factories.MoeFactory(program=program_a, name="Officers trained")
    factories.MeasurementFactory(moe=moe, period="FY2030-Q1")
    with pytest.raises(CommandError, match="1 stored row"):
        call_command("data_check", rule=["program-years"])
    assert capsys.readouterr().out.splitlines() == [
        f"[program-years] measurement {program_a.code} / Officers trained FY2030-Q1: "
        "outside the program's years FY2025-FY2028"]
    assert Measurement.objects.filter(period="FY2030-Q1").exists()


def test_data_check_reports_funding_disbursed_above_obligated(program_a, capsys):
    # given a row stored before the rule (the constraint is NOT VALID: old rows stay until corrected)
    funding = factories.FundingFactory(program=program_a, fiscal_year=2026, obligated=500, disbursed=400)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks before ALTER TABLE
        cursor.execute("ALTER TABLE programs_funding DROP CONSTRAINT funding_disbursed_within_obligated")
        cursor.execute("UPDATE programs_funding SET disbursed = 900 WHERE id = %s", [funding.pk])
        cursor.execute("ALTER TABLE programs_funding ADD CONSTRAINT funding_disbursed_within_obligated "
                       "CHECK (disbursed <= obligated) NOT VALID")
    with pytest.raises(CommandError, match="1 stored row"):
        call_command("data_check", rule=["funding-amounts"])
    assert capsys.readouterr().out.splitlines() == [
        f"[funding-amounts] funding {program_a.code} FY2026: "
        "Disbursed ($900.00) cannot exceed obligated ($500.00): only obligated money can be disbursed."]
