"""The API refuses a collection date or a baseline date of Jan 1, 1900 with a 400 on its
field, saving nothing (a new-user trial saw both saved): ``programs.fiscal.recorded_date_problem``
by the models' field validator, as on every other path (tests/programs/test_recorded_dates.py)."""
import datetime as dt

import pytest
from django.utils import timezone

from programs.fiscal import Period, current_fiscal_year
from programs.models import MeasureOfEffectiveness, Measurement, ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _started() -> Period:
    return Period.quarter_of(Period.quarter_of(timezone.localdate()).start - dt.timedelta(days=1))


def test_the_api_refuses_dates_of_1900_naming_the_field(token_client, analyst_a, agency_a):
    fy = current_fiscal_year()
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=fy - 1, end_fy=fy + 2)
    moe = factories.MoeFactory(program=program)
    client = token_client(analyst_a, write=True)
    response = client.post("/api/v1/measurements/", {
        "moe": moe.pk, "period": _started().code, "value": "1", "collected_on": "1900-01-01"}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["collected_on"]
    assert "before FY1990" in response.json()["errors"]["collected_on"][0]
    response = client.post("/api/v1/moes/", {
        "program": program.pk, "name": "Cases prosecuted", "kind": "outcome", "unit": "cases",
        "baseline_value": "10", "baseline_date": "1900-01-01"}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["baseline_date"]
    assert not Measurement.objects.exists()
    assert list(MeasureOfEffectiveness.objects.all()) == [moe]
