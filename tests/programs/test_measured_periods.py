"""A measured value waits for its period to start; collection and baseline dates are not
in the future (programs.models.measured_period_problem / measured_date_problem). Targets
are plans and stay allowed. Grid, MOE form, services, approvals filter, admin, data_check.

Periods are taken relative to today (the current quarter has started, the next has not),
so the tests hold whatever day they run.
"""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from programs.fiscal import Period, current_fiscal_year
from programs.models import Measurement, MeasurementStatus, ProgramStatus, measured_date_problem, measured_period_problem
from programs.services.measures import measurement_approve, measurement_record, measurement_return, target_set
from tests import factories

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _current() -> Period:
    return Period.quarter_of(_today())


def _next() -> Period:
    return Period.quarter_of(_current().end + dt.timedelta(days=1))


def _us(day: dt.date) -> str:
    from infrastructure.dates import date_text

    return date_text(day)


@pytest.fixture
def program(agency_a):
    fy = current_fiscal_year()
    return factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=fy - 1, end_fy=fy + 2)


@pytest.fixture
def moe(program):
    return factories.MoeFactory(program=program)


def test_the_rule_starts_a_period_on_its_first_day():
    # Given FY2027-Q1 (October-December 2026)
    q1 = Period.parse("FY2027-Q1")
    # Then it takes values from October 1, 2026 on, and the message says when it starts
    assert measured_period_problem(q1, today=dt.date(2026, 10, 1)) is None
    assert measured_period_problem(q1, today=dt.date(2026, 9, 30)) == (
        "FY2027-Q1 has not started yet: its values can be entered from Oct 1, 2026 (targets for it can be set now).")
    assert measured_period_problem(Period.parse("FY2029-Q4"), today=dt.date(2026, 12, 1)).startswith(
        "FY2029-Q4 has not started yet: its values can be entered from Jul 1, 2029")
    assert measured_period_problem(Period.parse("FY2027"), today=dt.date(2026, 12, 1)) is None  # a year under way
    assert measured_date_problem(dt.date(2026, 12, 1), label="Collection date", today=dt.date(2026, 12, 1)) is None
    assert measured_date_problem(dt.date(2030, 1, 1), label="Baseline date", today=dt.date(2026, 12, 1)) == (
        "Baseline date Jan 1, 2030 is in the future: enter today (Dec 1, 2026) or an earlier day.")


def test_service_refuses_a_value_of_a_period_not_started_and_a_future_collection_date(analyst_a, moe):
    # When an analyst records a value for next quarter
    with pytest.raises(ValidationError) as refused:
        measurement_record(user=analyst_a, moe=moe, period=_next().code, value=Decimal("70"))
    # Then it is refused on the period, saying when it starts; nothing is saved
    assert refused.value.message_dict["period"] == [measured_period_problem(_next(), today=_today())]
    assert _us(_next().start) in refused.value.message_dict["period"][0]
    tomorrow = _today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        measurement_record(user=analyst_a, moe=moe, period=_current().code, value=Decimal("7"), collected_on=tomorrow)
    assert list(refused.value.message_dict) == ["collected_on"]
    assert not Measurement.objects.exists()
    # But this quarter (started) takes a value collected today, and next quarter a target
    measurement_record(user=analyst_a, moe=moe, period=_current().code, value=Decimal("7"), collected_on=_today())
    assert target_set(user=analyst_a, moe=moe, period=_next().code, value=Decimal("80")).value == Decimal("80")


def test_a_stored_value_of_a_period_not_started_cannot_be_approved_but_can_be_returned(analyst_a, manager, moe):
    # Given a value stored before the rule, submitted, for next quarter
    early = factories.MeasurementFactory(moe=moe, period=_next().code, value=Decimal("70"),
                                         status=MeasurementStatus.SUBMITTED, entered_by=analyst_a)
    # Then a manager cannot approve it (the message says when the period starts)
    with pytest.raises(ValidationError) as refused:
        measurement_approve(user=manager, measurement=early, version=early.version)
    assert "has not started yet" in refused.value.message_dict["period"][0]
    # but can return it, so that its analyst can clear it
    returned = measurement_return(user=manager, measurement=early, reason="Period not started", version=early.version)
    assert returned.status == MeasurementStatus.RETURNED


def test_grid_shows_periods_not_started_read_only_with_the_reason(client, analyst_a, program, moe):
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[program.pk])
    # When the analyst opens the grid of next quarter's fiscal year
    page = client.get(url, {"fy": _next().fiscal_year}).content.decode()
    # Then next quarter has no input, and says when it opens
    assert f'name="value_{moe.pk}_{_next().code}"' not in page
    assert measured_period_problem(_next(), today=_today()) in page
    # and the current quarter (started) has one
    current = client.get(url, {"fy": _current().fiscal_year}).content.decode()
    assert f'name="value_{moe.pk}_{_current().code}"' in current


def test_grid_post_for_a_period_not_started_saves_nothing(client, analyst_a, program, moe):
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[program.pk])
    # When a post names next quarter's cell anyway (a hand-made or stale form) and submits
    response = client.post(url, {"fy": str(_next().fiscal_year), f"value_{moe.pk}_{_next().code}": "70", "submit": "1"})
    # Then no value is saved or submitted
    assert response.status_code == 302
    assert not Measurement.objects.exists()


def test_moe_form_refuses_a_future_baseline_date_naming_the_field(client, analyst_a, program):
    client.force_login(analyst_a)
    future = _today() + dt.timedelta(days=400)
    response = client.post(reverse("programs:moe-create", args=[program.pk]), {
        "name": "Officers trained", "kind": "output", "unit": "officers", "direction": "increase",
        "frequency": "quarterly", "baseline_value": "0", "baseline_date": future.isoformat(), "weight": "1",
        f"target_{_next().code}": "100",
    })
    assert response.status_code == 400
    assert f"Baseline date {_us(future)} is in the future" in response.content.decode()
    assert not program.moes.exists()


def test_approvals_period_filter_lists_started_periods_only(client, analyst_a, manager, moe):
    factories.MeasurementFactory(moe=moe, period=_current().code, status=MeasurementStatus.SUBMITTED, entered_by=analyst_a)
    other = factories.MoeFactory(program=moe.program)
    factories.MeasurementFactory(moe=other, period=_next().code, status=MeasurementStatus.SUBMITTED, entered_by=analyst_a)
    client.force_login(manager)
    page = client.get(reverse("programs:approvals")).content.decode()
    assert f'<option value="{_current().code}"' in page
    assert f'<option value="{_next().code}"' not in page


def test_admin_cannot_write_measurements_or_moes(rf, administrator):
    """The admin cannot write what the rule guards: measurements and MOEs change through
    the portal's services only (every domain admin: tests/security/test_admin_write_path.py)."""
    from django.contrib import admin

    from programs.models import MeasureOfEffectiveness

    request = rf.get("/admin/")
    request.user = administrator
    for model in (Measurement, MeasureOfEffectiveness):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_data_check_reports_stored_values_of_periods_not_started_and_future_dates(moe):
    early = factories.MeasurementFactory(moe=moe, period=_next().code)
    factories.MeasurementFactory(moe=moe, period=_current().code, collected_on=_today() + dt.timedelta(days=3))
    moe.baseline_date = _today() + dt.timedelta(days=30)
    moe.save()
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 stored row"):
        call_command("data_check", "--rule", "measured-dates", stdout=out)
    text = out.getvalue()
    assert f"measurement {moe.program.code} / {moe.name} {early.period}: {early.period} has not started yet" in text
    assert "Collection date" in text and "Baseline date" in text
