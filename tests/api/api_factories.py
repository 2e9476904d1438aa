"""Factories for API tests: richer programs (every relation filled) and oversight records."""
import datetime as dt
from decimal import Decimal

from programs import models as m
from tests import factories


def program_full(*, agency: str = "DOS", countries=("KEN", "UGA"), status=m.ProgramStatus.ACTIVE, **fields) -> m.Program:
    """A program with funding, goals, sectors, partners, institutions and one MOE with target
    and approved measurement: every list endpoint has something per row to join."""
    program = factories.ProgramFactory(
        lead_agency=factories.agency(agency),
        countries=[factories.country(c) for c in countries],
        status=status,
        **fields,
    )
    program.goals.set(m.Goal.objects.filter(code__in=["1.a", "4"]))
    program.sectors.set(m.Sector.objects.filter(dac_code__in=["15210", "15130"]))
    program.supporting_agencies.set(m.Agency.objects.filter(code="DOJ"))
    program.partner_institutions.set([factories.PartnerInstitutionFactory()])
    partner, _ = m.ImplementingPartner.objects.get_or_create(name="Acme Training", defaults={"kind": "contractor"})
    program.implementing_partners.set([partner])
    for fy in (2025, 2026):
        factories.FundingFactory(program=program, fiscal_year=fy)
    moe = factories.MoeFactory(program=program)
    factories.TargetFactory(moe=moe, period="FY2026-Q1", value=Decimal("100"))
    factories.TargetFactory(moe=moe, period="FY2026-Q2", value=Decimal("150"))
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal("60"))
    return program


def review(program: m.Program) -> m.ProgramReview:
    cycle, _ = m.PlanningCycle.objects.get_or_create(fiscal_year=2026)
    return m.ProgramReview.objects.create(program=program, cycle=cycle)


def crisis(iso3: str = "KEN") -> m.CrisisEvent:
    return m.CrisisEvent.objects.create(
        country=factories.country(iso3), title=f"Flooding in {iso3}", occurred_on=dt.date(2026, 3, 1)
    )
