"""Every date a person enters lies within the portal's fiscal years (FY1990, which began
Oct 1, 1989, to FY2100), and a value's collection date is not before its period began
(``programs.fiscal.recorded_date_problem``, ``programs.models.measured_date_problem``).
A new-user trial typed Jan 1, 1900 as a collection date and a baseline date over the API
and both were saved; the same slip went through forms, the importer and every other date
field. One field validator on each entered date, so every path refuses it on its field.
"""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from programs.fiscal import Period, recorded_date_problem
from programs.models import MeasureOfEffectiveness, Measurement, Vetting
from programs.services.measures import measurement_record
from programs.services.records import record_create
from tests import factories
from tests.programs.test_measured_periods import moe, program  # noqa: F401 (fixtures: years around today)

pytestmark = pytest.mark.django_db


def _started() -> Period:
    """The quarter before the current one: started, and ended."""
    return Period.quarter_of(Period.quarter_of(timezone.localdate()).start - dt.timedelta(days=1))


def test_the_rule_takes_the_first_and_last_day_of_the_fiscal_years():
    assert recorded_date_problem(dt.date(1989, 10, 1)) is None
    assert recorded_date_problem(dt.date(2100, 9, 30)) is None
    assert recorded_date_problem(dt.date(1989, 9, 30)) == (
        "Sep 30, 1989 is before FY1990, the earliest fiscal year the portal records (it began Oct 1, 1989).")
    assert recorded_date_problem(dt.date(2100, 10, 1)) == (
        "Oct 1, 2100 is after FY2100, the latest fiscal year the portal records (it ends Sep 30, 2100).")


def test_a_collection_date_in_1900_is_refused_on_its_field(analyst_a, moe):
    with pytest.raises(ValidationError) as refused:
        measurement_record(user=analyst_a, moe=moe, period=_started().code, value=Decimal("7"),
                           collected_on=dt.date(1900, 1, 1))
    assert refused.value.message_dict == {"collected_on": [
        "Jan 1, 1900 is before FY1990, the earliest fiscal year the portal records (it began Oct 1, 1989)."]}
    assert not Measurement.objects.exists()


def test_a_collection_date_before_its_period_began_is_refused(analyst_a, moe):
    period = _started()
    day_before = period.start - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        measurement_record(user=analyst_a, moe=moe, period=period.code, value=Decimal("7"), collected_on=day_before)
    from infrastructure.dates import date_text

    assert refused.value.message_dict == {"collected_on": [
        f"Collection date {date_text(day_before)} is before {period.code} began ({date_text(period.start)}): "
        "a value is collected during its period or after it."]}
    # on the first day of its period, or after its end, it is taken
    measurement_record(user=analyst_a, moe=moe, period=period.code, value=Decimal("7"), collected_on=period.start)
    later = min(period.end + dt.timedelta(days=20), timezone.localdate())
    measurement = Measurement.objects.get()
    measurement_record(user=analyst_a, moe=moe, period=period.code, value=Decimal("8"), collected_on=later,
                       version=measurement.version)
    assert Measurement.objects.get().collected_on == later


def test_other_entered_dates_are_held_to_the_fiscal_years(analyst_a):
    institution = factories.PartnerInstitutionFactory()
    with pytest.raises(ValidationError) as refused:
        record_create(user=analyst_a, model=Vetting,
                      data={"institution": institution, "status": "pending", "requested_on": dt.date(1900, 1, 1)})
    assert list(refused.value.message_dict) == ["requested_on"]
    with pytest.raises(ValidationError) as refused:
        record_create(user=analyst_a, model=Vetting,
                      data={"institution": institution, "status": "approved", "requested_on": dt.date(2026, 5, 1),
                            "decided_on": dt.date(2026, 6, 1), "expires_on": dt.date(2999, 6, 1)})
    assert list(refused.value.message_dict) == ["expires_on"]
    assert not Vetting.objects.exists()


def test_every_entered_date_field_has_the_validator():
    """A new date field that people fill in gets the rule too (system dates are not entered)."""
    from django.apps import apps
    from django.db import models

    from programs.fiscal import validate_recorded_date

    system = {"period_end", "actual_start_date", "actual_end_date", "as_of", "assessment_date"}
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models() if model._meta.app_label in {"programs", "assessments", "evaluations"}
        and not model._meta.label.split(".")[1].startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
        and field.name not in system and validate_recorded_date not in field.validators
    ]
    assert missing == []


def test_the_importer_reports_the_row(analyst_a):
    from programs.importing.services import import_job_create
    from programs.models import ImportStatus
    from tests.importing.conftest import measurement_row, measurements_csv, moe_row, moes_csv, program_row, programs_csv
    from tests.importing.test_import_service import _errors, _import, _preview

    _import(analyst_a, programs_csv(program_row()))
    _import(analyst_a, moes_csv(moe_row()), "moes.csv")
    job = _preview(analyst_a, measurements_csv(measurement_row(collected_on="1900-01-01")), "m.csv")
    assert job.status == ImportStatus.PREVIEWED
    assert [(row, column) for row, column, _ in _errors(job)] == [(2, "collected_on")]
    assert not Measurement.objects.exists()
    job = import_job_create(user=analyst_a, file_name="moes.csv",
                            content=moes_csv(moe_row(moe_name="Arrests", baseline_date="1899-12-31")))
    assert [(row, column) for row, column, _ in _errors(job)] == [(2, "baseline_date")]


def test_data_check_lists_stored_dates_outside_the_rules(moe):
    period = _started()
    factories.MeasurementFactory(moe=moe, period=period.code, collected_on=period.start - dt.timedelta(days=1))
    MeasureOfEffectiveness.objects.filter(pk=moe.pk).update(baseline_date=dt.date(1900, 1, 1))
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 stored row"):
        call_command("data_check", "--rule", "measured-dates", stdout=out)
    text = out.getvalue()
    assert f"is before {period.code} began" in text
    assert "Baseline date Jan 1, 1900 is before FY1990" in text
