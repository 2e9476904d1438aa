"""A small synthetic portfolio for dashboard tests, built with the shared factories and
then summarised by the real recompute services (rollups, selectivity scores)."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from assessments.services import selectivity_recompute
from evaluations.services.rollups import rollups_recompute
from programs import models as m
from . import programs as factories

# Countries of two State bureaus (AF: KEN, NGA, GHA; WHA: COL, PER) and their tiers.
COUNTRIES = {"KEN": 1, "NGA": 2, "GHA": 3, "COL": 1, "PER": 4}
AGENCIES = ("DOS", "DOD", "USAID")
_serial = itertools.count(1)


def goal(code: str) -> m.Goal:
    return m.Goal.objects.get(code=code)


def portfolio_build(*, programs_per_country: int = 2, with_moes: bool = True) -> list[m.Program]:
    """``programs_per_country`` running programs in each country, alternating agencies and
    goals, each with three years of funding and (optionally) an MOE with a measurement;
    plus one regional program (KEN + NGA) and one archived program (must not count)."""
    m.Country.objects.filter(iso3__in=COUNTRIES).update(priority_tier=None)
    for iso3, tier in COUNTRIES.items():
        m.Country.objects.filter(iso3=iso3).update(priority_tier=tier)
    goals = [goal("1.a"), goal("2"), goal("3")]
    programs = []
    for iso3 in COUNTRIES:
        for index in range(programs_per_country):
            n = next(_serial)
            program = factories.ProgramFactory(
                code=f"DSH-{n:05d}", lead_agency=factories.agency(AGENCIES[n % 3]),
                countries=[factories.country(iso3)], goals=[goals[n % 3]], start_fy=2025, end_fy=2028,
            )
            programs.append(program)
    regional = factories.ProgramFactory(code=f"DSH-R{next(_serial):04d}", lead_agency=factories.agency("DOD"),
                                        countries=[factories.country("KEN"), factories.country("NGA")],
                                        goals=[goal("1.a"), goal("1.b")])
    programs.append(regional)
    archived = factories.ProgramFactory(code=f"DSH-A{next(_serial):04d}", countries=[factories.country("KEN")],
                                        goals=[goal("2")])
    for index, program in enumerate(programs + [archived]):
        for year, scale in ((2025, 1), (2026, 2), (2027, 3)):
            factories.FundingFactory(program=program, fiscal_year=year,
                                     planned=Decimal(100_000 * scale + index * 1000),
                                     obligated=Decimal(80_000 * scale + index * 500),
                                     disbursed=Decimal(50_000 * scale))
        if with_moes:
            moe = factories.MoeFactory(program=program, baseline_value=Decimal(0))
            factories.TargetFactory(moe=moe, period="FY2026-Q1", value=Decimal(100))
            factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal(40 + (index * 13) % 60))
    m.Program.objects.filter(pk=archived.pk).update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    summarise()
    return programs


def summarise() -> None:
    """Run the real recomputes the dashboards read (summary tables)."""
    rollups_recompute()
    selectivity_recompute()


def findings_of_every_rule(agency_a: m.Agency, agency_b: m.Agency) -> dict:
    """``portfolio_build`` plus findings of every coordination rule, two of them spanning
    Kenya and Ghana: two programs of the two agencies (the first a surge program without a
    plan) in both countries on goal 1.e, serving a Kenyan partner unit never vetted and
    sector 15210, where the EU is engaged in Kenya; an objective of Kenya's strategy (tier
    1) that no program serves. Returns the countries by ISO3 (KEN, GHA, COL), the
    "programs", the "unit" and the "objective"."""
    portfolio_build()
    kenya, ghana = factories.country("KEN"), factories.country("GHA")
    kenya.priority_tier = 1
    kenya.save()
    goal, sector = m.Goal.objects.get(code="1.e"), m.Sector.objects.get(dac_code="15210")
    unit = factories.PartnerInstitutionFactory(country=kenya)
    programs = []
    for agency in (agency_a, agency_b):
        program = factories.ProgramFactory(lead_agency=agency, countries=[kenya, ghana], goals=[goal], start_fy=2026,
                                           end_fy=2028, is_surge=agency == agency_a, sustainment_plan="")
        program.partner_institutions.set([unit])
        program.sectors.set([sector])
        programs.append(program)
    donor = m.OtherDonor.objects.create(name="EU", kind="multilateral")
    m.DonorEngagement.objects.create(donor=donor, country=kenya, sector=sector, start_fy=2026, end_fy=2030)
    strategy = m.Strategy.objects.create(title="Kenya ICS", scope="country", country=kenya, start_fy=2025, end_fy=2029)
    objective = m.Objective.objects.create(strategy=strategy, code="1", description="Border control")
    return {"KEN": kenya, "GHA": ghana, "COL": factories.country("COL"), "programs": programs, "unit": unit,
            "objective": objective}
