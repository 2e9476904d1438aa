"""Builders for allocation tests: scores, programs with funding in an account, scenarios."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from allocation import services
from allocation.models import Scenario
from assessments.models import Band, SelectivityScore
from programs.models import Country, ProgramStatus
from tests import factories
from tests.factories import assessments as af

M = Decimal(1_000_000)


def score(country: Country, value: float | None, band: str = Band.INVEST, caps_applied: str = "",
          **flags: bool) -> SelectivityScore:
    """A current selectivity score written straight to the table (``band`` after the caps
    named in ``caps_applied``)."""
    framework = af.framework_v1()
    return SelectivityScore.objects.create(
        country=country, computed_at=timezone.now(), as_of=dt.date(2026, 11, 1), framework=framework,
        weight_priority=framework.weight_priority, weight_conditions=framework.weight_conditions,
        weight_effectiveness=framework.weight_effectiveness,
        score=None if value is None else Decimal(str(value)), band=band, band_uncapped=band,
        caps_applied=caps_applied, **flags,
    )


def program(countries: list[Country], account: str, *, planned: dict[int, float] = None,
            obligated: dict[int, float] = None, status: str = ProgramStatus.ACTIVE):
    """A program in ``account`` with planned / obligated $M per fiscal year."""
    planned, obligated = planned or {}, obligated or {}
    program = factories.ProgramFactory(countries=countries, funding_authority=account, status=status,
                                       start_fy=2020, end_fy=2030)
    for year in sorted(set(planned) | set(obligated)):
        factories.FundingFactory(program=program, fiscal_year=year, planned=Decimal(str(planned.get(year, 0))) * M,
                                 obligated=Decimal(str(obligated.get(year, 0))) * M, disbursed=0)
    return program


def scenario(manager, *, name: str = "Baseline", fiscal_year: int = 2027, envelopes: dict[str, float],
             **entries) -> Scenario:
    """A scenario through the service; envelope amounts in $M."""
    return services.scenario_create(
        user=manager, fiscal_year=fiscal_year, name=name,
        envelopes=[{"account": a, "amount": Decimal(str(v)) * M} for a, v in envelopes.items()], **entries,
    )


def kenya_and_colombia() -> tuple[Country, Country]:
    """Kenya (score 80, invest) and Colombia (score 50): a regional INCLE program in both
    (4 $M planned in FY2027, obligations 3 / 3 / 6 in FY2024-2026) and an FMF program in
    Kenya (2 $M planned, 6 obligated in FY2026)."""
    ken, col = factories.country("KEN"), factories.country("COL")
    score(ken, 80)
    score(col, 50)
    program([ken, col], "INCLE", planned={2027: 4}, obligated={2024: 3, 2025: 3, 2026: 6})
    program([ken], "FMF", planned={2027: 2}, obligated={2026: 6})
    return ken, col
