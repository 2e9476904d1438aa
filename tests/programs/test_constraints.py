"""Every database constraint of the programs app holds on its own (the last line of
defence behind form and service validation), and surfaces as a field-named
ValidationError through full_clean()."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs import models as m
from infrastructure.saving import validated_save
from tests import factories

pytestmark = pytest.mark.django_db


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_measurement_unique_per_moe_and_period():
    measurement = factories.MeasurementFactory()
    _violates(lambda: m.Measurement.objects.create(moe=measurement.moe, period="FY2026-Q1", value=1))


def test_target_unique_per_moe_and_period():
    target = factories.TargetFactory()
    _violates(lambda: m.Target.objects.create(moe=target.moe, period="FY2026-Q1", value=1))


def test_funding_unique_per_program_and_year():
    funding = factories.FundingFactory()
    _violates(lambda: m.Funding.objects.create(program=funding.program, fiscal_year=2026))


@pytest.mark.parametrize("field", ["planned", "obligated", "disbursed"])
def test_funding_non_negative(field):
    program = factories.ProgramFactory()
    _violates(lambda: m.Funding.objects.create(program=program, fiscal_year=2026, **{field: Decimal("-0.01")}))


def test_funding_disbursed_within_obligated():
    program = factories.ProgramFactory()
    _violates(lambda: m.Funding.objects.create(program=program, fiscal_year=2026, obligated=500, disbursed=900))


def test_funding_disbursed_above_obligated_is_a_disbursed_error_in_full_clean():
    funding = m.Funding(program=factories.ProgramFactory(), fiscal_year=2026, planned=1000, obligated=500, disbursed=900)
    with pytest.raises(ValidationError) as caught:
        funding.full_clean()
    assert caught.value.message_dict["disbursed"] == ["Disbursed ($900.00) cannot exceed obligated ($500.00): only obligated money can be disbursed."]


@pytest.mark.parametrize(("obligated", "disbursed", "refused"), [(500, 500, False), (500, 499, False), (500, 501, True), (0, 0, False)])
def test_funding_disbursed_error_reference(obligated, disbursed, refused):
    assert (m.funding_disbursed_error(Decimal(obligated), Decimal(disbursed)) is not None) is refused


def test_program_end_fy_not_before_start_fy():
    _violates(lambda: factories.ProgramFactory(start_fy=2027, end_fy=2026))


def test_program_fiscal_years_in_range():
    _violates(lambda: factories.ProgramFactory(start_fy=1950, end_fy=1951))


def test_program_status_valid():
    _violates(lambda: factories.ProgramFactory(status="sleeping"))


def test_program_purpose_valid():
    _violates(lambda: factories.ProgramFactory(purpose="other"))


def test_program_code_unique():
    factories.ProgramFactory(code="X-1")
    _violates(lambda: factories.ProgramFactory(code="X-1"))


def test_measurement_status_valid():
    _violates(lambda: factories.MeasurementFactory(status="maybe"))


def test_returned_measurement_has_reason():
    _violates(lambda: factories.MeasurementFactory(status="returned", return_reason=""))


@pytest.mark.parametrize(
    "field, value",
    [("weight", Decimal("0")), ("kind", "vibe"), ("direction", "sideways"), ("frequency", "daily")],
)
def test_moe_constraints(field, value):
    _violates(lambda: factories.MoeFactory(**{field: value}))


def test_country_tier_between_1_and_4():
    country = factories.country("KEN")
    country.priority_tier = 5
    _violates(lambda: country.save())


def test_region_unique_per_scheme():
    _violates(lambda: m.Region.objects.create(scheme="state_bureau", code="AF", name="dup"))


def test_region_scheme_valid():
    _violates(lambda: m.Region.objects.create(scheme="galaxy", code="X", name="x"))


def test_strategy_scope_matches_target_and_years_ordered():
    country = factories.country("KEN")
    region = m.Region.objects.get(code="AF")
    _violates(lambda: m.Strategy.objects.create(title="s", scope="country", region=region, start_fy=2025, end_fy=2027))
    _violates(lambda: m.Strategy.objects.create(title="s", scope="country", country=country, start_fy=2027, end_fy=2025))


def test_vetting_dates_and_decision():
    institution = factories.PartnerInstitutionFactory()
    base = {"institution": institution, "requested_on": dt.date(2026, 1, 10)}
    _violates(lambda: m.Vetting.objects.create(status="approved", **base))
    _violates(lambda: m.Vetting.objects.create(status="approved", decided_on=dt.date(2026, 1, 1), **base))
    _violates(lambda: m.Vetting.objects.create(
        status="approved", decided_on=dt.date(2026, 2, 1), expires_on=dt.date(2026, 1, 20), **base))
    _violates(lambda: m.Vetting.objects.create(status="lost", **base))


def test_institution_choices_and_unique_name():
    institution = factories.PartnerInstitutionFactory()
    _violates(lambda: factories.PartnerInstitutionFactory(name=institution.name))
    _violates(lambda: factories.PartnerInstitutionFactory(institution_type="club"))
    _violates(lambda: factories.PartnerInstitutionFactory(nature="robotic"))
    _violates(lambda: factories.PartnerInstitutionFactory(level="galactic"))


def test_donor_engagement_years_and_amount():
    donor = m.OtherDonor.objects.create(name="UK FCDO", kind="bilateral")
    base = {"donor": donor, "country": factories.country("KEN"), "sector": m.Sector.objects.get(dac_code="15210")}
    _violates(lambda: m.DonorEngagement.objects.create(start_fy=2027, end_fy=2026, **base))
    _violates(lambda: m.DonorEngagement.objects.create(start_fy=2026, end_fy=2026, amount_usd=-5, **base))


def test_donor_and_partner_kinds_valid():
    _violates(lambda: m.OtherDonor.objects.create(name="x", kind="private"))
    _violates(lambda: m.ImplementingPartner.objects.create(name="x", kind="friend"))


def test_crisis_closed_after_occurred():
    _violates(lambda: m.CrisisEvent.objects.create(
        country=factories.country("KEN"), title="x", occurred_on=dt.date(2026, 5, 1), closed_on=dt.date(2026, 4, 1)))


def test_review_constraints(manager):
    program = factories.ProgramFactory()
    cycle = m.PlanningCycle.objects.create(fiscal_year=2027)
    _violates(lambda: m.ProgramReview.objects.create(program=program, out_of_cycle=False))
    _violates(lambda: m.ProgramReview.objects.create(program=program, cycle=cycle, decision="continue"))
    _violates(lambda: m.ProgramReview.objects.create(program=program, cycle=cycle, decision="pause"))


def test_tier_decision_unique_per_country_and_cycle(manager):
    cycle = m.PlanningCycle.objects.create(fiscal_year=2027)
    kwargs = {"country": factories.country("KEN"), "cycle": cycle, "tier": 2, "rationale": "r", "set_by": manager}
    m.CountryPriorityTier.objects.create(**kwargs)
    _violates(lambda: m.CountryPriorityTier.objects.create(**kwargs))
    _violates(lambda: m.CountryPriorityTier.objects.create(**{**kwargs, "cycle": m.PlanningCycle.objects.create(fiscal_year=2028), "tier": 0}))


def test_full_clean_names_the_field_for_constraint_violations():
    program = factories.ProgramFactory.build(start_fy=2027, end_fy=2026, lead_agency=factories.agency("DOS"))
    with pytest.raises(ValidationError) as excinfo:
        program.full_clean()
    assert "end fiscal year" in str(excinfo.value) or "__all__" in excinfo.value.message_dict


def test_validated_save_turns_a_race_into_a_validation_error():
    measurement = factories.MeasurementFactory()
    duplicate = m.Measurement(moe=measurement.moe, period="FY2026-Q1", value=2)
    with pytest.raises(ValidationError):
        validated_save(duplicate)


def test_measurement_period_must_parse():
    moe = factories.MoeFactory()
    with pytest.raises(ValidationError) as excinfo:
        m.Measurement(moe=moe, period="Q1 2026", value=1).full_clean()
    assert "period" in excinfo.value.message_dict


def test_negative_measurement_refused_unless_unit_allows():
    moe = factories.MoeFactory(allows_negative=False)
    with pytest.raises(ValidationError) as excinfo:
        m.Measurement(moe=moe, period="FY2026-Q1", value=-1).full_clean()
    assert "value" in excinfo.value.message_dict
