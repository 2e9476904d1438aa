"""Data builders for the program page tests: programs with funding, MOEs, targets, countries."""
from decimal import Decimal

from programs.models import Goal, Sector
from tests import factories


def rich_program(index: int, *, agency=None):
    """A program with 2 countries, 2 funding years, 2 MOEs with targets and measurements."""
    program = factories.ProgramFactory(
        code=f"RICH-{index:04d}",
        lead_agency=agency or factories.agency("DOS"),
        countries=[factories.country("KEN"), factories.country("UGA")],
        goals=[Goal.objects.get(code="1.e")],
    )
    program.sectors.set([Sector.objects.get(dac_code="15210")])
    program.supporting_agencies.set([factories.agency("DOJ")])
    for fy in (2025, 2026):
        factories.FundingFactory(program=program, fiscal_year=fy, planned=Decimal("1000"))
    for _ in range(2):
        moe = factories.MoeFactory(program=program)
        factories.TargetFactory(moe=moe, period="FY2026-Q1")
        factories.MeasurementFactory(moe=moe, period="FY2026-Q1")
    institution = factories.PartnerInstitutionFactory()
    program.partner_institutions.add(institution)
    return program


def rich_programs(count: int, **kwargs):
    return [rich_program(i, **kwargs) for i in range(count)]
