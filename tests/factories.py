"""factory-boy factories for the portal's models (reference data comes from the loader)."""
import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from programs import models as m
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
    disbursed = Decimal("500000.00")


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
