"""Forms that help: targets in a grid of the MOE's periods, the measurement grid on the
program's own year, values at their precision, one right message after each action."""
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.forms.measures import target_periods
from programs.models import MeasurementStatus, ProgramStatus
from programs.selectors.measures import grid_fiscal_year
from programs.views.measures import grid_outcome
from tests import factories

pytestmark = pytest.mark.django_db


def test_target_periods_follow_the_frequency_and_the_programs_years(program_a):
    program_a.start_fy, program_a.end_fy = 2026, 2027
    codes = lambda f: [[p.code for p in year] for year in target_periods(f, program_a)]  # noqa: E731
    assert codes("semi_annual") == [["FY2026-H1", "FY2026-H2"], ["FY2027-H1", "FY2027-H2"]]
    assert codes("quarterly")[1] == ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]
    assert codes("annual") == [["FY2026"], ["FY2027"]]
    assert codes("life_of_program") == [["FY2027"]]


def test_the_moe_form_shows_the_grid_and_redraws_it_for_another_frequency(client, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=2026, end_fy=2027)
    moe = factories.MoeFactory(program=program, baseline_value=Decimal("12.5"))
    factories.TargetFactory(moe=moe, period="FY2026-Q1", value=Decimal("18"))
    client.force_login(analyst_a)
    page = client.get(reverse("programs:moe-edit", args=[moe.pk])).content.decode()
    assert 'name="target_FY2026-Q1" id="id_target_FY2026-Q1" value="18"' in page
    assert 'name="target_FY2027-Q4"' in page and "18.0000" not in page
    assert 'value="12.5"' in page  # the baseline too
    assert f'hx-get="{reverse("programs:moe-target-grid", args=[program.pk])}"' in page
    grid = client.get(reverse("programs:moe-target-grid", args=[program.pk]),
                      {"frequency": "semi_annual", "target_FY2026-H1": "40"}).content.decode()
    assert 'name="target_FY2026-H1" id="id_target_FY2026-H1" value="40"' in grid and "FY2026-Q1" not in grid


def test_the_measurement_grid_opens_on_the_programs_current_or_latest_year(agency_a):
    past = factories.ProgramFactory(lead_agency=agency_a, start_fy=2019, end_fy=2021)
    future = factories.ProgramFactory(lead_agency=agency_a, start_fy=2040, end_fy=2042)
    assert grid_fiscal_year(past, None) == 2021
    assert grid_fiscal_year(future, None) == 2040
    assert grid_fiscal_year(past, "2020") == 2020


def test_messages_say_what_happened():
    assert grid_outcome({"recorded": 1, "resubmitted": 1, "submitted": 0}) == "1 value saved and sent back for approval"
    assert grid_outcome({"recorded": 2, "resubmitted": 0, "submitted": 0}) == "2 values saved as draft"
    assert grid_outcome({"recorded": 2, "resubmitted": 0, "submitted": 2}) == "2 values saved; 2 values submitted for approval"
    assert grid_outcome({"recorded": 0, "resubmitted": 0, "submitted": 0}) == "nothing changed"


def test_correcting_an_approved_value_says_it_went_back_for_approval_once(client, analyst_a, manager, program_a):
    moe = factories.MoeFactory(program=program_a)
    value = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal("18"), entered_by=analyst_a,
                                         status=MeasurementStatus.SUBMITTED)
    from programs.services.measures import measurement_approve

    measurement_approve(user=manager, measurement=value, version=value.version)
    value.refresh_from_db()
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[program_a.pk]) + "?fy=2026"
    response = client.post(url, {"fy": "2026", f"value_{moe.pk}_FY2026-Q1": "19", f"version_{moe.pk}_FY2026-Q1": value.version,
                                 "rationale_category": "data_correction", "rationale": "District report corrected",
                                 "save": "1"}, follow=True)
    page = response.content.decode()
    assert page.count("FY2026: 1 value saved and sent back for approval.") == 1
    assert 'value="19"' in page
    value.refresh_from_db()
    measurement_approve(user=manager, measurement=value, version=value.version)
    value.refresh_from_db()
    refused = client.post(url, {"fy": "2026", f"value_{moe.pk}_FY2026-Q1": "20",
                                f"version_{moe.pk}_FY2026-Q1": value.version, "save": "1"})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert page.count("Nothing was saved") == 1
    # Once in the error summary (linking to the field), once beside the field (USWDS pattern)
    assert page.count("Choose why this approved data is changing.") == 2
    assert 'href="#id_rationale_category"' in page
