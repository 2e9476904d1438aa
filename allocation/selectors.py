"""Reads of the allocation planner: the solver's inputs in a few set-based queries (never
one per country), scenarios with their inputs and results, and comparisons.

Attribution of a program's funding to countries: a program with n countries counts 1/n
of its planned (or obligated) dollars in each, so that account totals add up to the
account's money (unlike the dashboards, where a regional program counts in full in each
country). A program's account is its ``funding_authority``, trimmed.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from assessments.models import Band, CapCondition
from assessments.selectors import current_scores
from programs.models import Country, Funding, Program
from programs.models.planning import RUNNING_STATUSES

from .models import AccountRestriction, AllocationLine, CountryCeiling, CountryMinimum, CountryOutcome, Envelope, Scenario
from infrastructure.sorting import by_name

ZERO = Decimal(0)
OBLIGATION_YEARS = 3  # the default ceiling looks at this many fiscal years before the scenario's
# Bands that receive no new money (docs/allocation.md, eligibility).
INELIGIBLE_BANDS = {Band.DEPRIORITISE: "band deprioritize"}


@dataclass
class CountryFacts:
    """What the planner knows of one country for one fiscal year (US dollars)."""

    country_id: int
    iso3: str
    name: str
    priority_tier: int | None
    score: Decimal | None = None
    band: str = ""
    capped: str = ""  # the band cap that applies, if any
    commitments: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    current_plan: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    obligations_before: Decimal = ZERO  # over the OBLIGATION_YEARS before the year

    @property
    def weight(self) -> float:
        """Selectivity score / 100; 0 for a country never scored or with no score."""
        return float(self.score) / 100 if self.score is not None else 0.0

    @property
    def ineligible_reason(self) -> str:
        """Why no account may give this country new money ("" when it may)."""
        if self.band in INELIGIBLE_BANDS:
            return INELIGIBLE_BANDS[self.band]
        if self.capped:
            return f"band cap: {self.capped}"
        return ""

    def default_ceiling(self, multiple: Decimal) -> Decimal:
        """``multiple`` x average yearly obligations of the previous years, never below
        the commitments (US dollars, to the cent)."""
        average = self.obligations_before / OBLIGATION_YEARS
        committed = sum(self.commitments.values(), ZERO)
        return max(multiple * average, committed).quantize(Decimal("0.01"))


def _band_cap(caps_applied: str) -> str:
    """The band caps that held for a score (its ``caps_applied`` codes), as their labels
    ("" if none): a country under a cap gets no new money."""
    return ", ".join(CapCondition(code).label.lower() if code in CapCondition.values else code
                     for code in caps_applied.split(",") if code)


def country_facts(
    *, fiscal_year: int, country_ids: Iterable[int] = (), tiers: Iterable[int] = ()
) -> dict[int, CountryFacts]:
    """Country id -> facts for ``fiscal_year``: commitments (planned funding of running
    programs) and the current plan (planned funding of every program not archived) per
    account, obligations over the three previous years, the current selectivity score.

    Countries with neither funding nor a score are left out unless named in
    ``country_ids`` or of a priority tier in ``tiers`` (those a scenario's minimums reach).
    Three queries.
    """
    country_count = Subquery(
        Program.countries.through.objects.filter(program_id=OuterRef("program_id"))
        .order_by().values("program_id").annotate(n=Count("id")).values("n")
    )
    rows = (
        Funding.objects.filter(
            program__archived_at__isnull=True,
            fiscal_year__gte=fiscal_year - OBLIGATION_YEARS, fiscal_year__lte=fiscal_year,
        )
        .annotate(n=country_count)
        .values_list("program__countries", "program__funding_authority", "program__status", "fiscal_year",
                     "planned", "obligated", "n")
    )
    by_country: dict[int, dict] = defaultdict(lambda: {"rows": []})
    for country_id, authority, status, year, planned, obligated, n in rows:
        if country_id is not None:
            by_country[country_id]["rows"].append((authority.strip(), status, year, planned / n, obligated / n))
    scores = {row["country_id"]: row for row in current_scores().values("country_id", "score", "band", "caps_applied")}
    wanted = Q(id__in=set(by_country) | set(scores) | set(country_ids)) | Q(priority_tier__in=list(tiers))
    countries = Country.objects.filter(wanted).values_list(
        "id", "iso3", "name", "priority_tier")
    facts: dict[int, CountryFacts] = {}
    for country_id, iso3, name, tier in countries:
        fact = CountryFacts(country_id=country_id, iso3=iso3, name=name, priority_tier=tier)
        score = scores.get(country_id)
        if score:
            fact.score, fact.band, fact.capped = score["score"], score["band"], _band_cap(score["caps_applied"])
        for account, status, year, planned, obligated in by_country.get(country_id, {"rows": []})["rows"]:
            if year == fiscal_year:
                fact.current_plan[account] += planned
                if status in RUNNING_STATUSES:
                    fact.commitments[account] += planned
            else:
                fact.obligations_before += obligated
        facts[country_id] = fact
    return facts


def accounts_in_use(*, fiscal_year: int | None = None) -> list[str]:
    """Funding accounts named by programs not archived (for the form's hints), sorted."""
    programs = Program.objects.filter(archived_at__isnull=True).exclude(funding_authority="")
    if fiscal_year is not None:
        programs = programs.filter(start_fy__lte=fiscal_year, end_fy__gte=fiscal_year)
    return sorted({a.strip() for a in programs.values_list("funding_authority", flat=True).distinct() if a.strip()})


def scenario_list() -> QuerySet[Scenario]:
    return Scenario.objects.select_related("author").annotate(envelope_count=Count("envelopes")).order_by(
        "-fiscal_year", "name", "id")


def scenario_get(*, pk: int) -> Scenario:
    """A scenario with its inputs (envelopes, minimums, ceilings, restrictions) prefetched."""
    return (
        Scenario.objects.select_related("author")
        .prefetch_related(
            "envelopes",
            Prefetch("minimums", queryset=CountryMinimum.objects.select_related("country")),
            Prefetch("ceilings", queryset=CountryCeiling.objects.select_related("country")),
            Prefetch("restrictions", queryset=AccountRestriction.objects.select_related("country")),
        )
        .get(pk=pk)
    )


def scenario_outcomes(scenario: Scenario) -> QuerySet[CountryOutcome]:
    return CountryOutcome.objects.filter(scenario=scenario).select_related("country").order_by("-total", by_name("country__name"))


def scenario_lines(scenario: Scenario) -> QuerySet[AllocationLine]:
    return AllocationLine.objects.filter(scenario=scenario).select_related("country").order_by(
        "country__name", "account")


def scenario_envelopes(scenario: Scenario) -> QuerySet[Envelope]:
    return Envelope.objects.filter(scenario=scenario).order_by("account")


@dataclass
class ComparisonRow:
    """One country's totals side by side (US dollars; None: not in that scenario)."""

    iso3: str
    name: str
    current_plan: Decimal
    totals: list[Decimal | None]

    @property
    def columns(self) -> list[tuple[Decimal | None, Decimal | None]]:
        """(total, change against the current plan) per scenario."""
        return [(t, None if t is None else t - self.current_plan) for t in self.totals]


def scenarios_compare(scenarios: Iterable[Scenario]) -> list[ComparisonRow]:
    """Country totals of each scenario beside the current plan (the first scenario's year
    and accounts; the other's for a country only it has).

    One query: the stored outcomes of all the scenarios.
    """
    scenarios = list(scenarios)
    position = {s.pk: i for i, s in enumerate(scenarios)}
    rows: dict[str, ComparisonRow] = {}
    outcomes = CountryOutcome.objects.filter(scenario__in=scenarios).values_list(
        "scenario_id", "country__iso3", "country__name", "current_plan", "total")
    for scenario_id, iso3, name, current, total in outcomes:
        row = rows.setdefault(iso3, ComparisonRow(iso3=iso3, name=name, current_plan=current,
                                                  totals=[None] * len(scenarios)))
        row.totals[position[scenario_id]] = total
        if position[scenario_id] == 0:
            row.current_plan = current  # the current plan in the first scenario's accounts
    return sorted(rows.values(), key=lambda r: (-max((t or ZERO) for t in r.totals), r.name))


@dataclass
class AccountComparisonRow:
    """One account across scenarios: envelope and allocated dollars per scenario (None:
    not in that scenario) and the current plan (in the first scenario with a result)."""

    account: str
    current_plan: Decimal
    envelopes: list[Decimal | None]
    allocated: list[Decimal | None]

    @property
    def columns(self) -> list[tuple[Decimal | None, Decimal | None]]:
        return list(zip(self.envelopes, self.allocated))


def accounts_compare(scenarios: Iterable[Scenario]) -> list[AccountComparisonRow]:
    """Each account's envelope and allocation in each scenario. Two queries."""
    scenarios = list(scenarios)
    position = {s.pk: i for i, s in enumerate(scenarios)}
    rows: dict[str, AccountComparisonRow] = {}
    for scenario_id, account, amount, allocated in Envelope.objects.filter(scenario__in=scenarios).values_list(
            "scenario_id", "account", "amount", "allocated"):
        row = rows.setdefault(account, AccountComparisonRow(
            account=account, current_plan=ZERO, envelopes=[None] * len(scenarios), allocated=[None] * len(scenarios)))
        row.envelopes[position[scenario_id]], row.allocated[position[scenario_id]] = amount, allocated
    plans = (AllocationLine.objects.filter(scenario__in=scenarios).order_by().values("scenario_id", "account")
             .annotate(plan=Sum("current_plan")))
    for plan in sorted(plans, key=lambda p: -position[p["scenario_id"]]):  # the first scenario's wins
        rows[plan["account"]].current_plan = plan["plan"]
    return sorted(rows.values(), key=lambda r: r.account)
