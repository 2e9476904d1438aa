"""Change history: every editable model records who, when, what and why."""
from decimal import Decimal

import pytest
from django.apps import apps

from infrastructure.history import field_changes
from programs.services.measures import measurement_approve, measurement_record, measurements_submit, moe_create
from programs.services.programs import funding_set, program_update
from tests import factories

pytestmark = pytest.mark.django_db

EDITABLE_WITHOUT_HISTORY = {"DeferredTask", "ImportJob"}


def test_every_editable_model_has_history():
    models = [m for m in apps.get_app_config("programs").get_models() if not m.__name__.startswith("Historical")]
    missing = [m.__name__ for m in models if not hasattr(m, "history") and m.__name__ not in EDITABLE_WITHOUT_HISTORY]
    assert missing == []


def test_program_edit_records_user_diff_and_rationale(analyst_a, program_a):
    program_update(user=analyst_a, program=program_a, data={"title": "Maritime domain awareness"},
                   version=program_a.version, rationale_category="change_in_context", rationale="scope narrowed")
    record = program_a.history.first()
    assert record.history_user == analyst_a
    assert record.rationale_category == "change_in_context"
    assert record.history_change_reason == "scope narrowed"
    assert {"field": "title", "old": program_a.title, "new": "Maritime domain awareness"} in field_changes(record)


def test_funding_and_measurement_history_name_the_user(analyst_a, manager, program_a):
    funding = funding_set(user=analyst_a, program=program_a, fiscal_year=2026, planned=Decimal("10"),
                          obligated=Decimal("5"), disbursed=Decimal("1"))
    assert funding.history.first().history_user == analyst_a
    moe = moe_create(user=analyst_a, program=program_a,
                     data={"name": "Patrols", "unit": "patrols", "baseline_value": 0, "baseline_date": "2024-09-30"},
                     targets=[{"period": "FY2026-Q1", "value": 10}])
    measurement = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=Decimal("4"))
    measurements_submit(user=analyst_a, measurements=[measurement])
    measurement.refresh_from_db()
    measurement_approve(user=manager, measurement=measurement, version=measurement.version)
    users = [h.history_user for h in measurement.history.order_by("history_date")]
    assert users == [analyst_a, analyst_a, manager]


def test_membership_changes_are_in_the_history_with_a_diff(analyst_a, program_a):
    uganda = factories.country("UGA")
    program_update(user=analyst_a, program=program_a, data={"countries": [factories.country("KEN"), uganda]},
                   version=program_a.version, rationale_category="scope_change", rationale="cross-border")
    record = program_a.history.first()
    changes = {c["field"]: c for c in field_changes(record)}
    assert "countries" in changes
    assert record.history_user == analyst_a
    assert record.rationale_category == "scope_change"


def test_history_page_entries_name_the_countries_added(analyst_a, program_a):
    from programs.selectors.history import history_entries

    before = sorted(str(c) for c in program_a.countries.all())
    uganda = factories.country("UGA")
    program_update(user=analyst_a, program=program_a, data={"countries": [*program_a.countries.all(), uganda]},
                   version=program_a.version, rationale_category="scope_change", rationale="cross-border")
    newest = history_entries(program_a.history.all())[0]
    change = {c["field"]: c for c in newest["changes"]}["countries"]
    assert change["old"] == ", ".join(before)
    assert change["new"] == ", ".join(sorted([*before, str(uganda)]))
    assert change["label"] == "Countries"
