"""A measurement's breakdown adds up (issue 11 item 7): service, page, approvals queue."""
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.importing.columns import MEASUREMENTS
from programs.disaggregation import BreakdownStatus, breakdown_errors, breakdown_status
from programs.models import MeasurementStatus, ProgramStatus
from programs.services.measures import measurement_record
from tests import factories
from tests.api.conftest import token_client  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(agency_a):
    return factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED)


@pytest.fixture
def moe(program):
    moe = factories.MoeFactory(program=program, unit="officers")
    moe.disaggregation_categories.create(dimension="sex", name="female")
    moe.disaggregation_categories.create(dimension="sex", name="male")
    return moe


def _ids(moe):
    return {c.name: c.pk for c in moe.disaggregation_categories.all()}


def test_a_breakdown_that_does_not_add_up_is_a_field_error_naming_the_sums(analyst_a, moe):
    ids = _ids(moe)
    with pytest.raises(ValidationError) as error:
        measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(100),
                           breakdown={ids["female"]: D(70), ids["male"]: D(50)})
    assert error.value.message_dict == {"breakdown": ["Sex: female 70 + male 50 = 120, but the value is 100."]}
    assert not moe.measurements.exists()


def test_negative_category_values_only_where_the_unit_allows(analyst_a, moe):
    ids = _ids(moe)
    with pytest.raises(ValidationError) as error:
        measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(100),
                           breakdown={ids["female"]: D(-30), ids["male"]: D(130)})
    assert error.value.message_dict["breakdown"] == ["Sex: female -30: this measure (officers) does not allow negative values."]
    moe.allows_negative = True
    moe.save()
    saved = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(100),
                               breakdown={ids["female"]: D(-30), ids["male"]: D(130)})
    assert saved.breakdown.count() == 2


def test_a_partial_breakdown_sums_to_at_most_the_value(analyst_a, moe):
    ids = _ids(moe)
    saved = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(100),
                               breakdown={ids["female"]: D(30)}, breakdown_partial=True)
    assert saved.breakdown_partial and saved.breakdown.get().value == D(30)
    with pytest.raises(ValidationError) as error:
        measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(20), version=saved.version)
    assert error.value.message_dict["breakdown"] == [
        "Sex: female 30 = 30, more than the value 20 (partial breakdown)."]


def test_changing_the_value_under_a_complete_breakdown_is_refused(analyst_a, moe):
    ids = _ids(moe)
    saved = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(10),
                               breakdown={ids["female"]: D(4), ids["male"]: D(6)})
    with pytest.raises(ValidationError) as error:
        measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(12), version=saved.version)
    assert error.value.message_dict["breakdown"] == ["Sex: female 4 + male 6 = 10, but the value is 12."]


def test_status_of_a_breakdown():
    items = [("sex", "female", D(70)), ("sex", "male", D(30))]
    assert breakdown_status(D(100), items, partial=False, allows_negative=False) is BreakdownStatus.COMPLETE
    assert breakdown_status(D(120), items, partial=True, allows_negative=False) is BreakdownStatus.PARTIAL
    assert breakdown_status(D(90), items, partial=True, allows_negative=False) is BreakdownStatus.MISMATCH
    assert breakdown_status(D(120), items, partial=False, allows_negative=False) is BreakdownStatus.MISMATCH
    assert breakdown_status(D(1), [], partial=False, allows_negative=False) is BreakdownStatus.NONE
    two_dimensions = items + [("province", "Coast", D(60)), ("province", "Nairobi", D(40))]
    assert breakdown_errors(D(100), two_dimensions, partial=False, allows_negative=False, unit="x") == []


def test_breakdown_page_shows_the_mismatch_and_saves_nothing(client, analyst_a, moe):
    ids = _ids(moe)
    measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.DRAFT, value=D(100))
    client.force_login(analyst_a)
    url = reverse("programs:measurement-breakdown", args=[measurement.pk])
    response = client.post(url, {"value": "100", f"category_{ids['female']}": "70", f"category_{ids['male']}": "50",
                                 "version": measurement.version})
    assert response.status_code == 400
    assert "Sex: female 70 + male 50 = 120, but the value is 100." in response.content.decode()
    assert not measurement.breakdown.exists()
    ok = client.post(url, {"value": "120", f"category_{ids['female']}": "70", f"category_{ids['male']}": "50",
                           "version": measurement.version})
    assert ok.status_code == 302
    measurement.refresh_from_db()
    assert measurement.value == D(120) and measurement.breakdown.count() == 2


def test_approvals_queue_shows_breakdown_status(client, analyst_a, manager, moe):
    ids = _ids(moe)
    expected = {}
    for quarter, (value, female, male, partial) in enumerate(
        [(D(10), D(4), D(6), False), (D(10), D(4), None, True), (D(10), D(4), D(7), False), (D(10), None, None, False)],
        start=1,
    ):
        measurement = factories.MeasurementFactory(
            moe=moe, period=f"FY2026-Q{quarter}", value=value, status=MeasurementStatus.SUBMITTED,
            entered_by=analyst_a, breakdown_partial=partial)
        for name, amount in (("female", female), ("male", male)):
            if amount is not None:  # stored as old data may be: straight to the table
                measurement.breakdown.create(category_id=ids[name], value=amount)
        expected[measurement.pk] = ["Complete", "Partial", "Mismatch", "No breakdown"][quarter - 1]
    client.force_login(manager)
    page = client.get(reverse("programs:approvals")).content.decode()
    for pk, label in expected.items():
        row = page.split(f'id="measurement-{pk}"')[1].split("</tr>")[0]
        assert f">{label}</span>" in row
    export = client.get(reverse("programs:approvals-export", args=["csv"])).content.decode("utf-8-sig")
    header = export.splitlines()[0].split(",")
    column = header.index("breakdown")
    assert column >= len(MEASUREMENTS.names)  # after the import template's columns
    assert sorted(line.split(",")[column] for line in export.splitlines()[1:]) == ["Complete", "Mismatch", "No breakdown", "Partial"]


def test_api_records_and_shows_a_breakdown_and_refuses_a_mismatch(token_client, analyst_a, moe):
    client = token_client(analyst_a, write=True)
    ids = _ids(moe)
    bad = client.post("/api/v1/measurements/", {
        "moe": moe.pk, "period": "FY2026-Q1", "value": "100",
        "breakdown": [{"category": ids["female"], "value": "70"}, {"category": ids["male"], "value": "50"}],
    }, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["breakdown"] == ["Sex: female 70 + male 50 = 120, but the value is 100."]
    ok = client.post("/api/v1/measurements/", {
        "moe": moe.pk, "period": "FY2026-Q1", "value": "100", "breakdown_partial": True,
        "breakdown": [{"category": ids["female"], "value": "70"}],
    }, format="json")
    assert ok.status_code == 201, ok.content
    body = client.get(f"/api/v1/measurements/{ok.json()['id']}/").json()
    assert body["breakdown_status"] == "partial" and body["breakdown_partial"] is True
    assert body["breakdown"] == [{"category": ids["female"], "dimension": "sex", "name": "female", "value": "70.0000"}]


def test_data_check_reports_stored_breakdowns_that_do_not_add_up(moe, capsys):
    from django.core.management import CommandError, call_command

    measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=D(100))
    for name, amount in (("female", D(70)), ("male", D(50))):
        measurement.breakdown.create(category_id=_ids(moe)[name], value=amount)
    with pytest.raises(CommandError, match="1 stored row"):
        call_command("data_check", rule=["breakdown"])
    assert capsys.readouterr().out.splitlines() == [
        f"[breakdown] measurement {moe.program.code} / {moe.name} FY2026-Q1: "
        "Sex: female 70 + male 50 = 120, but the value is 100."]
