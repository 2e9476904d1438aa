"""Values and targets are of the MOE's own periods (issue 11 item 5), on every path."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from evaluations.models import MoeAchievement
from evaluations.services.rollups import rollups_recompute
from programs.models import Frequency, Measurement, Target, moe_period_error
from programs.fiscal import Period
from programs.services.measures import measurement_record, moe_create, moe_update, target_set
from tests import factories

pytestmark = pytest.mark.django_db
RATIONALE = {"rationale_category": "data_correction", "rationale": "test"}


def _quarterly_cumulative(user, program):
    return moe_create(
        user=user, program=program,
        data={"name": "Officers trained", "unit": "officers", "is_cumulative": True, "frequency": Frequency.QUARTERLY,
              "baseline_value": D(0), "baseline_date": dt.date(2025, 9, 30)},
        targets=[{"period": f"FY2026-Q{q}", "value": D(10 * q)} for q in (1, 2, 3, 4)],
    )


def test_quarterly_moe_takes_quarters_and_refuses_an_annual_value_and_target(analyst_a, manager, program_a):
    moe = _quarterly_cumulative(analyst_a, program_a)
    for q in (1, 2, 3, 4):
        factories.measurement_approved(analyst=analyst_a, manager=manager, measurement=measurement_record(
            user=analyst_a, moe=moe, period=f"FY2026-Q{q}", value=D(10)))
    with pytest.raises(ValidationError) as value_error:
        measurement_record(user=analyst_a, moe=moe, period="FY2026", value=D(40))
    assert value_error.value.message_dict["period"] == [
        "This MOE is quarterly: use FY2026-Q1 ... FY2026-Q4, not FY2026."]
    with pytest.raises(ValidationError) as target_error:
        target_set(user=analyst_a, moe=moe, period="FY2026", value=D(40), **RATIONALE)
    assert "This MOE is quarterly" in target_error.value.message_dict["period"][0]
    assert not Measurement.objects.filter(period="FY2026").exists()
    assert not Target.objects.filter(period="FY2026").exists()

    rollups_recompute()
    q4 = MoeAchievement.objects.get(program=program_a, period="FY2026-Q4")
    assert (q4.actual, q4.target, q4.achievement) == (D(40), D(40), pytest.approx(1.0))


@pytest.mark.parametrize("frequency, good, bad, message", [
    (Frequency.SEMI_ANNUAL, "FY2026-H2", "FY2026-Q2", "This MOE is semi-annual: use FY2026-H1 or FY2026-H2, not FY2026-Q2."),
    (Frequency.ANNUAL, "FY2026", "FY2026-H1", "This MOE is annual: use FY2026, not FY2026-H1."),
    # a program that has reached its last year: a value waits for its period to start
    (Frequency.LIFE_OF_PROGRAM, "FY2026", "FY2025",
     "This MOE is life of program: use FY2026 (the program's last fiscal year), not FY2025."),
])
def test_each_frequency_names_its_periods(analyst_a, program_a, frequency, good, bad, message):
    program_a.end_fy = 2026
    program_a.save()
    moe = factories.MoeFactory(program=program_a, frequency=frequency)
    assert measurement_record(user=analyst_a, moe=moe, period=good, value=D(3)).period == good
    with pytest.raises(ValidationError) as error:
        measurement_record(user=analyst_a, moe=moe, period=bad, value=D(3))
    assert error.value.message_dict["period"] == [message]
    assert moe_period_error(moe, Period.parse(bad)) == message


def test_model_validation_refuses_a_period_of_another_frequency(program_a):
    """What the Django admin (a ModelForm: full_clean) and any validated save run."""
    moe = factories.MoeFactory(program=program_a, frequency=Frequency.QUARTERLY)
    with pytest.raises(ValidationError) as error:
        Target(moe=moe, period="FY2026", value=D(1)).full_clean()
    assert "This MOE is quarterly" in error.value.message_dict["period"][0]
    Target(moe=moe, period="FY2026-Q3", value=D(1)).full_clean()


def test_changing_the_frequency_under_recorded_values_is_refused(analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a, frequency=Frequency.QUARTERLY)
    measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(3))
    with pytest.raises(ValidationError) as error:
        moe_update(user=analyst_a, moe=moe, data={"frequency": Frequency.ANNUAL}, version=moe.version, **RATIONALE)
    assert "FY2026-Q1" in error.value.message_dict["frequency"][0]


def test_data_check_reports_rows_of_the_wrong_frequency_without_deleting_them(program_a, capsys):
    moe = factories.MoeFactory(program=program_a, frequency=Frequency.QUARTERLY)
    factories.MeasurementFactory(moe=moe, period="FY2026")
    factories.TargetFactory(moe=moe, period="FY2026-Q1")
    with pytest.raises(CommandError, match="1 stored row"):
        call_command("data_check", rule=["period-frequency"])
    out = capsys.readouterr().out
    assert out.splitlines() == [f"[period-frequency] measurement {moe.program.code} / {moe.name} FY2026: "
                                "This MOE is quarterly: use FY2026-Q1 ... FY2026-Q4, not FY2026."]
    assert Measurement.objects.filter(moe=moe, period="FY2026").exists()
