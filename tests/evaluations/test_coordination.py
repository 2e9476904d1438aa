"""Coordination checks: findings with stable fingerprints; acknowledgements that hold
while the data stays the same."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from evaluations.selectors.coordination import (
    coordination_findings,
    donor_overlaps,
    gaps,
    interagency_overlaps,
    surge_without_long_term_link,
    vetting_missing,
)
from evaluations.services.coordination import finding_acknowledge
from infrastructure.conflicts import StateConflict
from programs import models as m
from tests import factories

pytestmark = pytest.mark.django_db


def test_interagency_overlap_needs_different_agencies_a_shared_goal_and_overlapping_years(agency_a, agency_b):
    goal = m.Goal.objects.get(code="1.e")
    kenya = factories.country("KEN")
    p1 = factories.ProgramFactory(lead_agency=agency_a, countries=[kenya], goals=[goal], start_fy=2025, end_fy=2027)
    factories.ProgramFactory(lead_agency=agency_b, countries=[kenya], goals=[goal], start_fy=2027, end_fy=2029)
    factories.ProgramFactory(lead_agency=agency_b, countries=[kenya], goals=[goal], start_fy=2028, end_fy=2029)
    factories.ProgramFactory(lead_agency=agency_a, countries=[kenya], goals=[goal], start_fy=2025, end_fy=2026)
    findings = interagency_overlaps()
    assert len(findings) == 1
    assert "goal 1.e" in findings[0].summary and "FY2027-FY2027" in findings[0].summary
    first = findings[0].fingerprint
    assert interagency_overlaps()[0].fingerprint == first
    p1.end_fy = 2028
    p1.save()
    assert first not in {f.fingerprint for f in interagency_overlaps()}


def test_an_acknowledged_finding_reappears_when_its_data_changes(manager, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, is_surge=True, sustainment_plan="")
    finding = surge_without_long_term_link()[0]
    with pytest.raises(ValidationError):
        finding_acknowledge(user=manager, check_name="surge", fingerprint=finding.fingerprint, note=" ")
    finding_acknowledge(user=manager, check_name="surge", fingerprint=finding.fingerprint, note="Plan due in Q2")
    section = next(s for s in coordination_findings() if s["name"] == "surge")
    assert section["open_count"] == 0 and section["findings"][0].acknowledgement.note == "Plan due in Q2"
    # A second reviewer who saw it open does not overwrite the first one's note.
    with pytest.raises(StateConflict, match="manager acknowledged this finding on .*Plan due in Q2"):
        finding_acknowledge(user=analyst_a, check_name="surge", fingerprint=finding.fingerprint, note="Ignore")
    assert finding_acknowledge(user=analyst_a, check_name="surge", fingerprint=finding.fingerprint,
                               note="Plan due in Q2").acknowledged_by == manager  # the same note: no change
    program.sustainment_plan = "Partner budget line from FY2028"
    program.save()
    section = next(s for s in coordination_findings() if s["name"] == "surge")
    assert section["open_count"] == 1 and section["findings"][0].acknowledgement is None


def test_donor_overlap_gap_and_vetting_checks(agency_a):
    kenya = factories.country("KEN")
    kenya.priority_tier = 1
    kenya.save()
    sector = m.Sector.objects.get(dac_code="15210")
    program = factories.ProgramFactory(lead_agency=agency_a, countries=[kenya])
    program.sectors.set([sector])
    donor = m.OtherDonor.objects.create(name="EU", kind="multilateral")
    m.DonorEngagement.objects.create(donor=donor, country=kenya, sector=sector, start_fy=2026, end_fy=2030)
    assert len(donor_overlaps()) == 1

    strategy = m.Strategy.objects.create(title="Kenya ICS", scope="country", country=kenya, start_fy=2025, end_fy=2029)
    served = m.Objective.objects.create(strategy=strategy, code="1", description="Border control")
    m.Objective.objects.create(strategy=strategy, code="2", description="Police reform")
    program.objectives.set([served])
    assert [f.summary.split(" of ")[0] for f in gaps()] == ["Tier 1: objective 2"]

    unit = factories.PartnerInstitutionFactory(country=kenya)
    program.partner_institutions.set([unit])
    assert "never vetted" in vetting_missing()[0].summary
    m.Vetting.objects.create(institution=unit, status="approved", requested_on=dt.date(2025, 1, 1),
                             decided_on=dt.date(2025, 2, 1), expires_on=dt.date(2026, 2, 1))
    assert "expired" in vetting_missing(today=dt.date(2026, 6, 1))[0].summary
    assert vetting_missing(today=dt.date(2026, 1, 1)) == []


def test_dashboard_vetting_flag_and_coordination_check_agree_on_who_needs_vetting(agency_a):
    from dashboards.selectors.flags import flag_counts

    kenya = factories.country("KEN")
    program = factories.ProgramFactory(lead_agency=agency_a, countries=[kenya])
    police = factories.PartnerInstitutionFactory(country=kenya, institution_type=m.InstitutionType.SECURITY_PROVIDER)
    ngo = factories.PartnerInstitutionFactory(country=kenya, institution_type=m.InstitutionType.CIVIL_SOCIETY)
    un = factories.PartnerInstitutionFactory(country=kenya, institution_type=m.InstitutionType.INTERNATIONAL_ORGANIZATION)
    program.partner_institutions.set([police, ngo, un])
    # Civil society and international organizations are not vetted: one finding, one flag
    assert [f.summary.split(" serves ")[1].split(" without")[0] for f in vetting_missing()] == [police.name]
    assert flag_counts()["vetting"] == 1
    assert flag_counts([kenya.id])["vetting"] == 1


def test_an_overlap_of_three_agencies_is_one_finding_naming_every_program():
    # Given three agencies' programs serving goal 2 in Ghana, two of them sharing FY2027
    goal = m.Goal.objects.get(code="2")
    ghana = factories.country("GHA")
    codes = {}
    for code, agency, start, end in (("GH-DOS", "DOS", 2026, 2027), ("GH-DOD", "DOD", 2027, 2028),
                                     ("GH-USAID", "USAID", 2027, 2027), ("GH-LATE", "DOD", 2029, 2030)):
        codes[code] = factories.ProgramFactory(code=code, lead_agency=factories.agency(agency), countries=[ghana],
                                               goals=[goal], start_fy=start, end_fy=end)
    # When the overlap check runs
    findings = interagency_overlaps()
    # Then one finding names the three programs of the common year, and not the later one
    assert len(findings) == 1
    assert [label for label, _ in findings[0].links] == ["GH-DOS", "GH-DOD", "GH-USAID"]
    assert "FY2027-FY2027" in findings[0].summary and "GH-LATE" not in findings[0].summary


def test_dashboard_flag_counts_equal_the_findings_lists(agency_a, agency_b):
    from dashboards.selectors.flags import flag_counts, flag_rows

    from tests.factories.dashboards import portfolio_build

    # Given a portfolio with overlaps, a gap, a surge program and an unvetted partner unit
    portfolio_build()
    kenya = factories.country("KEN")
    goal = m.Goal.objects.get(code="1.e")
    unit = factories.PartnerInstitutionFactory(country=kenya)
    for agency in (agency_a, agency_b):
        program = factories.ProgramFactory(lead_agency=agency, countries=[kenya], goals=[goal], start_fy=2026,
                                           end_fy=2028, is_surge=agency == agency_a, sustainment_plan="")
        program.partner_institutions.set([unit])
    strategy = m.Strategy.objects.create(title="Kenya ICS", scope="country", country=kenya, start_fy=2025, end_fy=2029)
    m.Objective.objects.create(strategy=strategy, code="1", description="Border control")
    # When the dashboard counts its flags and the coordination checks list their findings
    checks = {"overlaps": interagency_overlaps, "gaps": gaps, "surge": surge_without_long_term_link,
              "vetting": vetting_missing}
    counts = flag_counts()
    # Then each count is the length of the list, for the portfolio and for one country
    for kind, check in checks.items():
        assert counts[kind] == len(check()) == len(flag_rows(kind)), kind
        assert counts[kind] > 0, kind
    for kind in checks:
        assert flag_counts([kenya.id])[kind] == len(flag_rows(kind, [kenya.id])), kind


def test_a_regional_programs_unvetted_institution_counts_only_under_its_own_country(agency_a):
    from dashboards.selectors.flags import flag_counts, flag_rows
    from evaluations.selectors.coordination import findings_filtered

    # Given a regional program in Kenya and Ghana serving an unvetted police unit of each
    kenya, ghana, colombia = factories.country("KEN"), factories.country("GHA"), factories.country("COL")
    program = factories.ProgramFactory(lead_agency=agency_a, countries=[kenya, ghana])
    kenyan = factories.PartnerInstitutionFactory(country=kenya, institution_type=m.InstitutionType.SECURITY_PROVIDER)
    ghanaian = factories.PartnerInstitutionFactory(country=ghana, institution_type=m.InstitutionType.SECURITY_PROVIDER)
    program.partner_institutions.set([kenyan, ghanaian])
    # When the vetting flag is counted and listed for each country, both, and the portfolio
    # Then each institution counts under its own country only, never under the program's other one
    assert flag_counts()["vetting"] == 2
    assert flag_counts([kenya.id])["vetting"] == 1 and flag_counts([ghana.id])["vetting"] == 1
    assert flag_counts([kenya.id, ghana.id])["vetting"] == 2 and flag_counts([colombia.id])["vetting"] == 0
    assert [row[2] for row in flag_rows("vetting", [ghana.id])] == [ghanaian.name]
    assert [f.summary for f in vetting_missing(country_ids=[kenya.id])] == [
        f"{program.code} serves {kenyan.name} without current human-rights vetting (never vetted)"]
    # And so for another day, computed by the rule itself rather than read from the stored findings
    assert [f.iso3s for f in vetting_missing(today=dt.date(2026, 1, 1), country_ids=[ghana.id])] == [["GHA"]]
    # And the coordination list filtered by country agrees
    assert [row.finding.summary.split(" serves ")[1].split(" without")[0]
            for row in findings_filtered(country="GHA", kind="vetting")] == [ghanaian.name]
