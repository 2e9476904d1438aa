"""factory-boy factories of the programs app's models (reference data comes from the
loader), and builders of programs with every relation filled."""
import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from programs import models as m
from programs.models import Goal, Sector
from programs.permissions import ANALYST, MANAGER


def country(iso3: str = "KEN") -> m.Country:
    return m.Country.objects.get(iso3=iso3)


def agency(code: str = "DOS") -> m.Agency:
    return m.Agency.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    role = factory.PostGeneration(lambda user, create, extracted, **kw: _add_role(user, create, extracted))


def _add_role(user: m.User, create: bool, role: str | None) -> None:
    if create:
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        user.save()


class AnalystFactory(UserFactory):
    role = factory.PostGeneration(lambda user, create, extracted, **kw: _add_role(user, create, extracted or ANALYST))


class ManagerFactory(UserFactory):
    role = factory.PostGeneration(lambda user, create, extracted, **kw: _add_role(user, create, extracted or MANAGER))


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Program
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TST-2026-{n:04d}")
    title = factory.Sequence(lambda n: f"Border security program {n}")
    lead_agency = factory.LazyFunction(lambda: agency("DOS"))
    purpose = m.Purpose.BUILD_CAPACITY
    start_fy = 2025
    end_fy = 2028
    status = m.ProgramStatus.ACTIVE

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create:
            self.countries.set(extracted if extracted is not None else [country("KEN")])

    @factory.post_generation
    def goals(self, create, extracted, **kwargs):
        if create and extracted:
            self.goals.set(extracted)


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Funding

    program = factory.SubFactory(ProgramFactory)
    fiscal_year = 2026
    planned = Decimal("1000000.00")
    obligated = Decimal("800000.00")
    # within obligated (funding_disbursed_within_obligated), whatever obligated a test gives
    disbursed = factory.LazyAttribute(lambda funding: min(Decimal("500000.00"), Decimal(funding.obligated)))


class MoeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MeasureOfEffectiveness

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Officers trained {n}")
    unit = "officers"
    baseline_value = Decimal("0")
    baseline_date = dt.date(2024, 9, 30)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Target

    moe = factory.SubFactory(MoeFactory)
    period = "FY2026-Q1"
    value = Decimal("100")


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Measurement

    moe = factory.SubFactory(MoeFactory)
    period = "FY2026-Q1"
    value = Decimal("50")
    status = m.MeasurementStatus.APPROVED


class PartnerInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PartnerInstitution

    country = factory.LazyFunction(lambda: country("KEN"))
    name = factory.Sequence(lambda n: f"National Police Unit {n}")
    institution_type = m.InstitutionType.SECURITY_PROVIDER
    nature = m.InstitutionNature.CIVILIAN
    level = m.InstitutionLevel.NATIONAL


def measurement_approved(*, analyst, manager, measurement: m.Measurement) -> m.Measurement:
    """Take a draft measurement through the real workflow: the analyst submits it, a
    manager approves it (services, so history, versions and announcements happen)."""
    from programs.services.measures import measurement_approve, measurements_submit

    measurements_submit(user=analyst, measurements=[measurement])
    measurement.refresh_from_db()
    return measurement_approve(user=manager, measurement=measurement, version=measurement.version)


# --- Programs with every relation filled ------------------------------------------------


def rich_program(index: int, *, agency=None):
    """A program with 2 countries, 2 funding years, 2 MOEs with targets and measurements."""
    program = ProgramFactory(
        code=f"RICH-{index:04d}",
        lead_agency=agency or m.Agency.objects.get(code="DOS"),
        countries=[country("KEN"), country("UGA")],
        goals=[Goal.objects.get(code="1.e")],
    )
    program.sectors.set([Sector.objects.get(dac_code="15210")])
    program.supporting_agencies.set([m.Agency.objects.get(code="DOJ")])
    for fy in (2025, 2026):
        FundingFactory(program=program, fiscal_year=fy, planned=Decimal("1000"))
    for _ in range(2):
        moe = MoeFactory(program=program)
        TargetFactory(moe=moe, period="FY2026-Q1")
        MeasurementFactory(moe=moe, period="FY2026-Q1")
    institution = PartnerInstitutionFactory()
    program.partner_institutions.add(institution)
    return program


def rich_programs(count: int, **kwargs):
    return [rich_program(i, **kwargs) for i in range(count)]


def program_full(*, agency: str = "DOS", countries=("KEN", "UGA"), status=m.ProgramStatus.ACTIVE, **fields) -> m.Program:
    """A program with funding, goals, sectors, partners, institutions and one MOE with target
    and approved measurement: every list endpoint has something per row to join."""
    program = ProgramFactory(
        lead_agency=m.Agency.objects.get(code=agency),
        countries=[country(c) for c in countries],
        status=status,
        **fields,
    )
    program.goals.set(m.Goal.objects.filter(code__in=["1.a", "4"]))
    program.sectors.set(m.Sector.objects.filter(dac_code__in=["15210", "15130"]))
    program.supporting_agencies.set(m.Agency.objects.filter(code="DOJ"))
    program.partner_institutions.set([PartnerInstitutionFactory()])
    partner, _ = m.ImplementingPartner.objects.get_or_create(name="Acme Training", defaults={"kind": "contractor"})
    program.implementing_partners.set([partner])
    for fy in (2025, 2026):
        FundingFactory(program=program, fiscal_year=fy)
    moe = MoeFactory(program=program)
    TargetFactory(moe=moe, period="FY2026-Q1", value=Decimal("100"))
    TargetFactory(moe=moe, period="FY2026-Q2", value=Decimal("150"))
    MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal("60"))
    return program


def review(program: m.Program) -> m.ProgramReview:
    cycle, _ = m.PlanningCycle.objects.get_or_create(fiscal_year=2026)
    return m.ProgramReview.objects.create(program=program, cycle=cycle)


def crisis(iso3: str = "KEN") -> m.CrisisEvent:
    return m.CrisisEvent.objects.create(
        country=country(iso3), title=f"Flooding in {iso3}", occurred_on=dt.date(2026, 3, 1)
    )
