"""IATI export against the IATI Standard's rules and codelists, not only the XSD (issue 11
item 12): running totals for cumulative MOEs, stable actual start and end dates, and the
standard ruleset (``tests/api/iati_rules.py``)."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone
from lxml import etree

from programs.iati import iati_activities_xml, iati_schema
from programs.models import Frequency, Program, ProgramStatus
from programs.services.measures import measurement_record, moe_create
from programs.services.programs import program_transition
from tests import factories

from .iati_rules import document_ruleset_errors

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return iati_schema()


def _activity(schema, program):
    document = etree.fromstring(iati_activities_xml(Program.objects.filter(pk=program.pk)))
    assert schema.validate(document), schema.error_log
    assert document_ruleset_errors(document, today=timezone.localdate()) == {}
    return document.find("iati-activity")


def _dates(activity) -> dict[str, str]:
    return {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}


def test_cumulative_actuals_are_the_running_totals_the_portal_shows(schema, analyst_a, manager):
    program = factories.program_full()
    moe = moe_create(user=analyst_a, program=program, data={
        "name": "Officers trained (cumulative)", "unit": "officers", "is_cumulative": True,
        "frequency": Frequency.QUARTERLY, "baseline_value": D(0), "baseline_date": dt.date(2025, 9, 30),
    }, targets=[{"period": f"FY2026-Q{q}", "value": D(10 * q)} for q in (1, 2, 3, 4)])
    for q in (1, 2, 3, 4):
        measurement = measurement_record(user=analyst_a, moe=moe, period=f"FY2026-Q{q}", value=D(10))
        factories.measurement_approved(analyst=analyst_a, manager=manager, measurement=measurement)
    activity = _activity(schema, program)
    result = next(r for r in activity.findall("result") if r.findtext("title/narrative") == moe.name)
    periods = result.findall("indicator/period")
    assert [(p.find("target").get("value"), p.find("actual").get("value")) for p in periods] == [
        ("10", "10"), ("20", "20"), ("30", "30"), ("40", "40")]


def test_actual_start_is_the_day_the_program_started_and_stays_through_review(schema, analyst_a, manager, agency_a):
    program = factories.program_full(status=ProgramStatus.APPROVED)
    assert "2" not in _dates(_activity(schema, program))
    program = program_transition(user=analyst_a, program=program, action="start", reason="kick-off", version=program.version)
    started = timezone.localdate().isoformat()
    assert _dates(_activity(schema, program))["2"] == started
    Program.objects.filter(pk=program.pk).update(actual_start_date=dt.date(2025, 11, 3))  # started last year
    program.refresh_from_db()
    program = program_transition(user=analyst_a, program=program, action="review", reason="midterm", version=program.version)
    assert _dates(_activity(schema, program))["2"] == "2025-11-03"  # not lost while under review
    program = program_transition(user=manager, program=program, action="continue", reason="on track", version=program.version)
    dates = _dates(_activity(schema, program))
    assert dates["2"] == "2025-11-03" and "4" not in dates  # not moved when it leaves review


@pytest.mark.parametrize("action, user_fixture, status_code", [("complete", "analyst_a", "4"), ("terminate", "manager", "5")])
def test_completed_and_terminated_programs_have_an_actual_end(schema, request, action, user_fixture, status_code):
    program = factories.program_full()
    Program.objects.filter(pk=program.pk).update(actual_start_date=dt.date(2025, 10, 6))
    program.refresh_from_db()
    user = request.getfixturevalue(user_fixture)
    program = program_transition(user=user, program=program, action=action, reason="done", version=program.version)
    activity = _activity(schema, program)
    assert activity.find("activity-status").get("code") == status_code
    assert _dates(activity)["2"] == "2025-10-06" and _dates(activity)["4"] == timezone.localdate().isoformat()


def test_a_program_without_sectors_and_an_awkward_code_still_follows_the_rules(schema):
    program = factories.ProgramFactory(code="DOS/2026&0007?")
    activity = _activity(schema, program)
    assert activity.findtext("iati-identifier") == "US-GOV-DOS-2026-0007-"
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in activity.findall("sector")] == [
        ("2", "152", "100")]


def test_transactions_name_provider_and_receiver(schema):
    activity = _activity(schema, factories.program_full())
    transaction = activity.find("transaction")
    assert transaction.findtext("provider-org/narrative") and transaction.findtext("receiver-org/narrative") == "Acme Training"


def test_the_checker_catches_what_it_is_for(schema):
    """The rule checker itself: a broken activity is reported, rule by rule."""
    activity = _activity(schema, factories.program_full())
    etree.SubElement(activity, "activity-date", type="2", **{"iso-date": "2001-01-01"})
    etree.SubElement(activity, "activity-date", type="4", **{"iso-date": "2000-01-01"})
    activity.find("recipient-country").set("percentage", "70")
    activity.find("activity-status").set("code", "9")
    errors = document_ruleset_errors(activity.getparent(), today=timezone.localdate())
    messages = " | ".join(next(iter(errors.values())))
    assert "date_order: activity-date 2 2001-01-01 after 4 2000-01-01" in messages
    assert "sum: recipient percentages add up to" in messages and "codelist: activity-status/@code '9'" in messages
