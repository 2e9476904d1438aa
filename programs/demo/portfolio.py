"""The portfolio builder: one synthetic SSA portfolio, at demo size or at scale.

Deterministic: every random draw comes from ``random.Random`` seeded with the seed and
the name of the step, and every date is set relative to the day the data is "as of"
(:class:`PortfolioCalendar`; today unless told), so the demo looks current whenever it
is loaded: values reported up to the current quarter, funding for this fiscal year and
the two before, a crisis of a few weeks ago. The same seed and day on the same reference
data give the same rows (ids and timestamps aside).

A well-run portfolio (the demo): running programs report every quarter since they
started; a handful of values are overdue (about 8% of MOEs miss the quarter before last;
values returned for correction were reported, and wait in the analyst's "returned" list)
and, in the grace period after a quarter ends (``programs.fiscal.DEFAULT_GRACE_DAYS``,
``ReportingPolicy``'s default), about a quarter of its values are still to come, due soon. Only MOEs of programs not yet started have no data.

Everything is written with bulk inserts (``bulk.insert_rows``: COPY on PostgreSQL), which
bypass ``Model.save()``: derived columns (``period_end``) are set here from
``programs.fiscal.Period`` and every row satisfies the database constraints. No change
history is recorded for generated rows.
"""
from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..fiscal import DEFAULT_GRACE_DAYS, Period, fiscal_year_end, fiscal_year_of, fiscal_year_start
from ..models import (
    Agency,
    Country,
    CountryPriorityTier,
    CrisisEvent,
    DisaggregationCategory,
    DonorEngagement,
    Funding,
    Goal,
    ImplementingPartner,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementDisaggregation,
    Objective,
    OtherDonor,
    PartnerInstitution,
    PlanningCycle,
    Program,
    ProgramReview,
    ProgramStatus,
    Region,
    Sector,
    Strategy,
    Target,
    Vetting,
)
from . import catalogue as cat
from .bulk import create_returning_ids, insert_rows

# Shares of the demo's MOEs (running programs) that owe a value: the quarter before last
# missing (overdue), and, in the grace period after the last quarter ended, that quarter's
# values still to come (due).
MISSING_BEFORE_LAST = 0.08  # a handful per agency on any day (returned values are not overdue)
STILL_TO_COME = 0.25


@dataclass(frozen=True)
class PortfolioCalendar:
    """The dates a portfolio is built around, from the day its data is "as of": the
    current fiscal year, three funding years, the first and last reported quarters (the
    last: the quarter holding ``as_of``, values of which are drafts or submitted), targets
    to the end of the fiscal year, a crisis 17 days back, last cycle's reviews decided on
    15 September of the fiscal year before."""

    as_of: dt.date

    @property
    def current_fy(self) -> int:
        return fiscal_year_of(self.as_of)

    @property
    def funding_years(self) -> tuple[int, int, int]:
        return (self.current_fy - 2, self.current_fy - 1, self.current_fy)

    @property
    def first_reported(self) -> Period:
        return Period(self.current_fy - 2, "Q", 1)

    @property
    def last_reported(self) -> Period:
        return Period.quarter_of(self.as_of)

    @property
    def last_targeted(self) -> Period:
        return Period(self.current_fy, "Q", 4)

    @property
    def crisis_occurred_on(self) -> dt.date:
        return self.as_of - dt.timedelta(days=17)

    @property
    def cycle_review_decided_at(self) -> dt.datetime:
        return dt.datetime(self.current_fy - 1, 9, 15, 14, 0, tzinfo=dt.timezone.utc)

    @property
    def in_grace_period(self) -> bool:
        """The quarter before ``as_of``'s ended at most the grace period ago: its values are due."""
        ended = Period.quarter_of(self.as_of).start - dt.timedelta(days=1)
        return self.as_of <= ended + dt.timedelta(days=DEFAULT_GRACE_DAYS)


RUNNING = {ProgramStatus.ACTIVE, ProgramStatus.UNDER_REVIEW, ProgramStatus.RESTRUCTURED}
ENDED = {ProgramStatus.COMPLETED, ProgramStatus.TERMINATED}
STATUS_WEIGHTS = {
    ProgramStatus.ACTIVE: 68, ProgramStatus.APPROVED: 7, ProgramStatus.PROPOSED: 6,
    ProgramStatus.UNDER_REVIEW: 5, ProgramStatus.COMPLETED: 9, ProgramStatus.RESTRUCTURED: 3,
    ProgramStatus.TERMINATED: 2,
}
TIER_PROGRAM_WEIGHTS = {1: 6, 2: 3, 3: 2, 4: 1}
TIER_FUNDING_FACTORS = {1: 1.5, 2: 1.2, 3: 0.8, 4: 0.5}
PROGRAM_COLUMNS = (
    "code", "title", "description", "lead_agency_id", "purpose", "funding_authority", "start_fy", "end_fy",
    "status", "status_changed_at", "actual_start_date", "actual_end_date", "is_surge", "long_term_objective_id",
    "sustainment_plan", "version", "created_at", "updated_at",
)
MOE_COLUMNS = (
    "program_id", "name", "kind", "unit", "allows_negative", "direction", "is_cumulative", "frequency",
    "baseline_value", "baseline_date", "weight", "means_of_verification", "version", "created_at", "updated_at",
)


@dataclass(frozen=True)
class PortfolioSize:
    """How much to build. ``moes`` / ``measurements`` None: a realistic spread (2-4 MOEs
    per program; quarterly data since each running program started, a handful owed: see
    the module docstring); a number: exactly that many, spread evenly."""

    countries: int
    programs: int
    moes: int | None = None
    measurements: int | None = None
    disaggregated_moes: int = 40  # MOEs counting people, broken down by sex

    def problems(self, *, countries_available: int) -> list[str]:
        found = []
        if not 1 <= self.countries <= countries_available:
            found.append(f"countries must be between 1 and {countries_available}, not {self.countries}")
        if self.programs < 1:
            found.append(f"programs must be at least 1, not {self.programs}")
        if self.moes is not None and self.moes < 0:
            found.append(f"moes cannot be negative ({self.moes})")
        if self.measurements is not None and self.measurements < 0:
            found.append(f"measurements cannot be negative ({self.measurements})")
        if self.measurements and self.moes == 0:
            found.append("measurements need at least one MOE")
        return found


DEMO_SIZE = PortfolioSize(countries=len(cat.DEMO_COUNTRY_TIERS), programs=150)


@dataclass(frozen=True)
class PortfolioActors:
    """Users the generated rows name: the manager who sets tiers, approves measurements
    and decides reviews; analysts (by agency code) who entered measurements."""

    manager_id: int
    analyst_ids_by_agency: dict[str, int] = field(default_factory=dict)


@dataclass
class PortfolioReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        rows = ", ".join(f"{name}: {count}" for name, count in self.counts.items())
        return f"{rows} ({self.seconds:.1f} s)"


class PortfolioError(ValueError):
    """The requested portfolio cannot be built (bad size, missing reference data)."""


def portfolio_build(
    *,
    size: PortfolioSize,
    seed: int,
    code_prefix: str,
    actors: PortfolioActors,
    progress: Callable[[str], None] | None = None,
    as_of: dt.date | None = None,
) -> PortfolioReport:
    """Build a portfolio of ``size`` with program codes ``<code_prefix>-<AGENCY>-<FY>-<n>``,
    its data "as of" ``as_of`` (default: today), in one transaction (nothing is left
    half-built)."""
    started = time.monotonic()
    calendar = PortfolioCalendar(as_of or timezone.localdate())
    with transaction.atomic():
        builder = _Builder(size=size, seed=seed, prefix=code_prefix, actors=actors, calendar=calendar,
                           say=progress or (lambda message: None), started=started)
        builder.run()
    return PortfolioReport(counts=builder.counts, seconds=time.monotonic() - started)


# --- quarters as integers (fiscal year * 4 + quarter - 1), for cheap arithmetic -----------

def _qi(period: Period) -> int:
    return period.fiscal_year * 4 + period.number - 1


_PERIOD_CACHE: dict[int, tuple[str, dt.date, dt.date]] = {}


def _quarter(index: int) -> tuple[str, dt.date, dt.date]:
    """(code, first day, last day) of the quarter with integer index ``index``."""
    found = _PERIOD_CACHE.get(index)
    if found is None:
        period = Period(index // 4, "Q", index % 4 + 1)
        found = _PERIOD_CACHE[index] = (period.code, period.start, period.end)
    return found


def _short_name(name: str) -> str:
    """"Moldova, Republic of" -> "Moldova" (ISO names put the qualifier after a comma)."""
    return name.split(",")[0].strip()


def _rounded(value: float, integral: bool) -> str:
    return f"{round(value):d}" if integral else f"{value:.2f}"


@dataclass
class _CountryRef:
    id: int
    iso3: str
    name: str
    bureau: str
    tier: int = 4


@dataclass
class _ProgramPlan:
    index: int
    theme: cat.Theme
    countries: list[_CountryRef]
    lead: str
    status: str
    start_fy: int
    end_fy: int
    performance: float
    is_surge: bool = False
    objective_id: int | None = None
    long_term_objective_id: int | None = None
    first_targeted: int = 0  # quarter index of the MOEs' first target
    code: str = ""
    id: int | None = None
    moes: list[dict] = field(default_factory=list)
    calendar: PortfolioCalendar | None = None

    @property
    def measurable(self) -> bool:
        return self.status in RUNNING or self.status in ENDED

    @property
    def actual_dates(self) -> tuple[dt.date | None, dt.date | None]:
        """(actual start, actual end): a program that ran started on the first day of its
        first fiscal year; an ended one ended on the last day of its last (or, for one
        ended early, on the data's day)."""
        as_of = self.calendar.as_of
        start = min(fiscal_year_start(self.start_fy), as_of) if self.measurable else None
        end = min(fiscal_year_end(self.end_fy), as_of) if self.status in ENDED else None
        return start, end

    @property
    def last_reported(self) -> int:
        if self.status in ENDED:
            return min(_qi(self.calendar.last_reported), self.end_fy * 4 + 3)
        return _qi(self.calendar.last_reported)

    @property
    def last_targeted(self) -> int:
        return min(_qi(self.calendar.last_targeted), self.end_fy * 4 + 3)


class _Builder:
    def __init__(self, *, size: PortfolioSize, seed: int, prefix: str, actors: PortfolioActors,
                 calendar: PortfolioCalendar, say: Callable[[str], None], started: float) -> None:
        self.size, self.seed, self.prefix, self.actors, self.calendar = size, seed, prefix, actors, calendar
        self.say, self.started = say, started
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")

    def done(self, name: str, count: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + count
        self.say(f"{name}: {count} ({time.monotonic() - self.started:.1f} s)")

    # -------------------------------------------------------------------------------------
    def run(self) -> None:
        self.load_reference()
        self.choose_countries()
        self.set_priority_tiers()
        self.ensure_partners_and_donors()
        self.create_strategies()
        self.plan_programs()
        self.plan_moes()
        self.insert_programs()
        self.insert_funding()
        self.insert_moes_targets_measurements()
        self.insert_disaggregation()
        self.insert_vetting()
        self.insert_donor_engagements()
        self.insert_crisis_and_reviews()

    def load_reference(self) -> None:
        bureaus = dict(Region.objects.values_list("id", "code"))
        self.all_countries = [
            _CountryRef(id=pk, iso3=iso3, name=_short_name(name), bureau=bureaus[bureau_id])
            for pk, iso3, name, bureau_id in Country.objects.exclude(iso3="USA")
            .order_by("iso3").values_list("id", "iso3", "name", "state_bureau_id")
        ]
        self.agencies = dict(Agency.objects.values_list("code", "id"))
        self.goals = dict(Goal.objects.values_list("code", "id"))
        self.sectors = dict(Sector.objects.values_list("dac_code", "id"))
        if not self.all_countries or "DOS" not in self.agencies or not self.goals:
            raise PortfolioError("Reference data is missing: run `manage.py load_reference_data` first.")
        problems = self.size.problems(countries_available=len(self.all_countries))
        if problems:
            raise PortfolioError("; ".join(problems))
        fy = self.calendar.current_fy
        self.cycle, _ = PlanningCycle.objects.get_or_create(fiscal_year=fy, defaults={"is_open": True})
        self.last_cycle, _ = PlanningCycle.objects.get_or_create(
            fiscal_year=fy - 1, defaults={"is_open": False}
        )

    def choose_countries(self) -> None:
        rng = self.rng("countries")
        by_iso = {c.iso3: c for c in self.all_countries}
        listed = [by_iso[iso] for iso in cat.DEMO_COUNTRY_TIERS if iso in by_iso]
        for country in listed:
            country.tier = cat.DEMO_COUNTRY_TIERS[country.iso3]
        others = [c for c in self.all_countries if c.iso3 not in cat.DEMO_COUNTRY_TIERS]
        rng.shuffle(others)
        for country in others:
            country.tier = rng.choices((1, 2, 3, 4), weights=(1, 3, 8, 8))[0]
        self.countries = (listed + others)[: self.size.countries]
        self.by_bureau: dict[str, list[_CountryRef]] = defaultdict(list)
        for country in self.countries:
            self.by_bureau[country.bureau].append(country)
        crisis_candidates = [c for iso in cat.CRISIS_COUNTRIES for c in self.countries if c.iso3 == iso]
        self.crisis_country = (crisis_candidates or self.countries)[0]

    def set_priority_tiers(self) -> None:
        """Tier decisions in the FY2027 cycle; countries already decided keep theirs."""
        decided = dict(CountryPriorityTier.objects.filter(cycle=self.cycle).values_list("country_id", "tier"))
        new = [c for c in self.countries if c.id not in decided]
        for country in self.countries:
            country.tier = decided.get(country.id, country.tier)
        for tier in (1, 2, 3, 4):
            ids = [c.id for c in new if c.tier == tier]
            if ids:
                Country.objects.filter(id__in=ids).update(priority_tier=tier, updated_at=self.now)
        rows = (
            (c.id, self.cycle.id, c.tier, cat.TIER_RATIONALES[c.tier], self.actors.manager_id, self.now, self.now)
            for c in new
        )
        self.done("country priority tiers", insert_rows(
            CountryPriorityTier,
            ("country_id", "cycle_id", "tier", "rationale", "set_by_id", "created_at", "updated_at"), rows,
        ))

    def ensure_partners_and_donors(self) -> None:
        existing = set(ImplementingPartner.objects.values_list("name", flat=True))
        partners = [ImplementingPartner(name=name, kind=kind)
                    for name, kind in cat.IMPLEMENTING_PARTNER_KINDS.items() if name not in existing]
        ImplementingPartner.objects.bulk_create(partners)
        self.partners = dict(ImplementingPartner.objects.filter(
            name__in=list(cat.IMPLEMENTING_PARTNER_KINDS)).values_list("name", "id"))
        existing = set(OtherDonor.objects.values_list("name", flat=True))
        donors = [OtherDonor(name=name, kind=kind)
                  for name, (kind, _) in cat.OTHER_DONORS.items() if name not in existing]
        OtherDonor.objects.bulk_create(donors)
        self.donors = dict(OtherDonor.objects.filter(name__in=list(cat.OTHER_DONORS)).values_list("name", "id"))
        self.done("implementing partners", len(partners))
        self.done("other donors", len(donors))

    def _themes_for(self, country: _CountryRef) -> list[cat.Theme]:
        return [t for t in cat.THEMES if not (t.needs_coast and country.iso3 in cat.LANDLOCKED)]

    def _pick_theme(self, rng: random.Random, country: _CountryRef) -> cat.Theme:
        themes = self._themes_for(country)
        return rng.choices(themes, weights=[cat.THEME_WEIGHTS[t.key] for t in themes])[0]

    def create_strategies(self) -> None:
        """A FY2025-FY2029 strategy for every tier 1-2 country without one, 3-4 objectives
        each; in every other strategy the last objective is left without a program (a gap
        to show)."""
        rng = self.rng("strategies")
        planned = []
        has_strategy = set(Strategy.objects.filter(
            country_id__in=[c.id for c in self.countries]).values_list("country_id", flat=True))
        for country in self.countries:
            if country.tier > 2 or country.id in has_strategy:
                continue
            themes = self._themes_for(country)
            chosen = rng.sample(themes, k=min(len(themes), rng.randint(3, 4)))
            planned.append((country, chosen))
        strategies = create_returning_ids([
            Strategy(title=f"{country.name} Integrated Country Strategy: Security Sector FY2025-FY2029",
                     scope="country", country_id=country.id, start_fy=2025, end_fy=2029,
                     summary=f"U.S. security sector assistance priorities for {country.name}, "
                             f"agreed by the country team and the regional bureau.")
            for country, _ in planned
        ])
        objectives: list[Objective] = []
        objective_goals: list[tuple[int, str]] = []
        for strategy, (country, themes) in zip(strategies, planned):
            for number, theme in enumerate(themes, start=1):
                objectives.append(Objective(
                    strategy_id=strategy.id, code=f"O{number}",
                    description=theme.objective.format(country=country.name),
                    measure=theme.moes[0].name,
                ))
        create_returning_ids(objectives)
        # Objectives by country and theme, and which ones are deliberate gaps.
        self.objectives: dict[tuple[int, str], int] = {}
        self.any_objective: dict[int, int] = {}
        position = 0
        for number, (country, themes) in enumerate(planned):
            for rank, theme in enumerate(themes):
                objective = objectives[position]
                position += 1
                for goal in theme.goals[:2]:
                    objective_goals.append((objective.id, goal))
                self.any_objective.setdefault(country.id, objective.id)
                is_gap = number % 2 == 0 and rank == len(themes) - 1
                if not is_gap:
                    self.objectives[(country.id, theme.key)] = objective.id
        through = Objective.goals.through
        insert_rows(through, ("objective_id", "goal_id"),
                    ((oid, self.goals[g]) for oid, g in objective_goals if g in self.goals))
        self.strategy_themes = {country.id: [t for t in themes if (country.id, t.key) in self.objectives]
                                for country, themes in planned}
        self.done("strategies", len(strategies))
        self.done("objectives", len(objectives))

    def plan_programs(self) -> None:
        rng = self.rng("programs")
        tier_weights = [TIER_PROGRAM_WEIGHTS[c.tier] for c in self.countries]
        statuses, status_weights = zip(*STATUS_WEIGHTS.items())
        self.plans: list[_ProgramPlan] = []
        for index in range(self.size.programs):
            if index < len(self.countries):
                country = self.countries[index]
            else:
                country = rng.choices(self.countries, weights=tier_weights)[0]
            strategy_themes = self.strategy_themes.get(country.id, [])
            if strategy_themes and rng.random() < 0.7:
                theme = rng.choice(strategy_themes)
            else:
                theme = self._pick_theme(rng, country)
            countries = [country]
            neighbours = [c for c in self.by_bureau[country.bureau] if c is not country
                          and not (theme.needs_coast and c.iso3 in cat.LANDLOCKED)]
            if neighbours and rng.random() < 0.12:
                countries += rng.sample(neighbours, k=min(len(neighbours), rng.randint(1, 3)))
            status = rng.choices(statuses, weights=status_weights)[0]
            fy = self.calendar.current_fy
            if status in (ProgramStatus.PROPOSED, ProgramStatus.APPROVED):
                start_fy, end_fy = fy, fy + rng.randint(2, 4)
            elif status in ENDED:
                start_fy, end_fy = rng.randint(fy - 5, fy - 3), fy - 1
            else:
                start_fy, end_fy = rng.randint(fy - 4, fy - 2), fy + rng.randint(0, 3)
            lead = rng.choice(theme.lead_agencies)
            if lead not in self.agencies:
                lead = "DOS"
            roll = rng.random()
            performance = (rng.uniform(0.88, 1.08) if roll < 0.5 else
                           rng.uniform(0.62, 0.84) if roll < 0.78 else rng.uniform(0.2, 0.55))
            plan = _ProgramPlan(index=index, theme=theme, countries=countries, lead=lead, status=status,
                                start_fy=start_fy, end_fy=end_fy, performance=performance, calendar=self.calendar)
            plan.objective_id = self.objectives.get((country.id, theme.key))
            if status in RUNNING and rng.random() < 0.05:
                plan.is_surge = True
                if rng.random() < 0.5:
                    plan.long_term_objective_id = self.any_objective.get(country.id)
            if status in RUNNING and any(c.id == self.crisis_country.id for c in countries):
                plan.status = ProgramStatus.UNDER_REVIEW
            self.plans.append(plan)
        self.say(f"planned {len(self.plans)} programs ({time.monotonic() - self.started:.1f} s)")

    def plan_moes(self) -> None:
        """Decide each program's MOEs and each MOE's measured and targeted quarters."""
        rng = self.rng("moes")
        programs = self.plans
        if self.size.moes is None:
            per_program = [rng.randint(2, 4) for _ in programs]
        else:
            per_program = _spread(self.size.moes, len(programs), rng)
        moes: list[tuple[_ProgramPlan, dict]] = []
        for plan, count in zip(programs, per_program):
            templates = list(plan.theme.moes)
            rng.shuffle(templates)
            for number in range(count):
                template = templates[number % len(templates)]
                round_ = number // len(templates)
                name = template.name if round_ == 0 else f"{template.name} (component {round_ + 1})"
                name = name[:300]
                jitter = rng.uniform(0.85, 1.15)
                baseline = 0.0 if template.cumulative else template.baseline * rng.uniform(0.85, 1.15)
                target = template.target * jitter
                if template.ceiling is not None:
                    baseline, target = min(baseline, template.ceiling), min(target, template.ceiling)
                integral = template.unit not in ("percent",) and template.target >= 10 and template.baseline >= 0 \
                    and float(template.target).is_integer()
                moe = {
                    "template": template, "name": name, "baseline": baseline, "target": target,
                    "integral": integral, "weight": rng.choice(("1.000", "1.000", "1.000", "1.500", "2.000", "0.500")),
                    "performance": min(1.25, max(0.05, plan.performance + rng.uniform(-0.08, 0.08))),
                    "measured": 0,
                    "missing": set(),  # quarters (indexes) without a value
                }
                plan.moes.append(moe)
                moes.append((plan, moe))
        eligible = [moe for plan, moe in moes if plan.measurable] or [moe for _, moe in moes]
        if self.size.measurements is None:  # the demo: a well-run portfolio
            for plan, moe in moes:
                if not plan.measurable:
                    continue
                first = plan.start_fy * 4 if plan.status in RUNNING else max(_qi(self.calendar.first_reported), plan.start_fy * 4)
                moe["measured"] = max(0, plan.last_reported - first + 1)
                if plan.status in RUNNING:
                    if rng.random() < MISSING_BEFORE_LAST:
                        moe["missing"].add(plan.last_reported - 2)
                    if self.calendar.in_grace_period and rng.random() < STILL_TO_COME:
                        moe["missing"].add(plan.last_reported - 1)
        else:
            for moe, count in zip(eligible, _spread(self.size.measurements, len(eligible), rng)):
                moe["measured"] = count
        for plan in programs:
            first_target = min(_qi(self.calendar.first_reported) if plan.measurable else plan.start_fy * 4,
                               plan.last_targeted)
            for moe in plan.moes:
                if moe["measured"]:
                    first_target = min(first_target, plan.last_reported - moe["measured"] + 1)
            plan.start_fy = min(plan.start_fy, first_target // 4)
            plan.first_targeted = first_target
            plan.code = f"{self.prefix}-{plan.lead}-{plan.start_fy}-{plan.index + 1:05d}"

    # -------------------------------------------------------------------------------------
    def insert_programs(self) -> None:
        rng = self.rng("program-text")
        rows = []
        for plan in self.plans:
            theme, first = plan.theme, plan.countries[0]
            if len(plan.countries) == 1:
                title = rng.choice(theme.titles).format(country=first.name, place=first.name)
                place = first.name
            else:
                names = [c.name for c in plan.countries]
                place = ", ".join(names[:-1]) + " and " + names[-1]
                title = f"{cat.BUREAU_LABELS.get(first.bureau, first.bureau)} {cat.REGIONAL_TITLES[theme.key]}"
            description = theme.description.format(place=place)
            sustainment = theme.sustainment if rng.random() < 0.6 else ""
            if plan.is_surge:
                title = f"Surge: {title}"
                description += (" Surge support launched at short notice in response to an urgent "
                                "deterioration in the security situation.")
                sustainment = theme.sustainment if rng.random() < 0.5 else ""
            rows.append((
                plan.code, title[:300], description, self.agencies[plan.lead], rng.choice(theme.purposes),
                rng.choice(cat.FUNDING_AUTHORITIES.get(plan.lead, ("",))), plan.start_fy, plan.end_fy,
                plan.status, self.now, *plan.actual_dates, plan.is_surge, plan.long_term_objective_id, sustainment, 1,
                self.now, self.now,
            ))
        insert_rows(Program, PROGRAM_COLUMNS, rows)
        # Ids back by natural key (COPY returns none).
        ids = dict(Program.objects.filter(code__startswith=f"{self.prefix}-").values_list("code", "id"))
        for plan in self.plans:
            plan.id = ids[plan.code]
        self.done("programs", len(rows))
        self.insert_program_links(rng)

    def insert_program_links(self, rng: random.Random) -> None:
        links: dict[str, list[tuple[int, int]]] = defaultdict(list)
        wanted_institutions: dict[tuple[int, str], cat.InstitutionTemplate] = {}
        program_institutions: list[tuple[int, tuple[int, str]]] = []
        for plan in self.plans:
            theme = plan.theme
            for country in plan.countries:
                links["countries"].append((plan.id, country.id))
            supporting = [a for a in cat.SUPPORTING_AGENCIES if a != plan.lead and a in self.agencies]
            for code in rng.sample(supporting, k=rng.choice((0, 0, 1, 1, 2))):
                links["supporting_agencies"].append((plan.id, self.agencies[code]))
            for goal in rng.sample(theme.goals, k=min(len(theme.goals), rng.randint(1, 2))):
                if goal in self.goals:
                    links["goals"].append((plan.id, self.goals[goal]))
            for sector in rng.sample(theme.sectors, k=min(len(theme.sectors), rng.randint(1, 2))):
                if sector in self.sectors:
                    links["sectors"].append((plan.id, self.sectors[sector]))
            for partner in rng.sample(theme.implementers, k=rng.randint(1, 2)):
                links["implementing_partners"].append((plan.id, self.partners[partner]))
            if plan.objective_id:
                links["objectives"].append((plan.id, plan.objective_id))
            for number, country in enumerate(plan.countries):
                templates = theme.institutions[:1] if number else rng.sample(
                    theme.institutions, k=min(len(theme.institutions), rng.randint(1, 2)))
                for template in templates:
                    key = (country.id, template.name.format(country=country.name))
                    wanted_institutions.setdefault(key, template)
                    program_institutions.append((plan.id, key))
        self.insert_institutions(wanted_institutions)
        seen = set()
        for program_id, key in program_institutions:
            pair = (program_id, self.institutions[key])
            if pair not in seen:
                seen.add(pair)
                links["partner_institutions"].append(pair)
        total = 0
        for name, pairs in links.items():
            m2m = Program._meta.get_field(name)
            through = m2m.remote_field.through
            columns = (f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id")
            total += insert_rows(through, columns, pairs)
        self.done("program links (countries, agencies, goals, sectors, partners, objectives)", total)

    def insert_institutions(self, wanted: dict[tuple[int, str], cat.InstitutionTemplate]) -> None:
        country_ids = sorted({country_id for country_id, _ in wanted})
        self.institutions = {
            (country_id, name): pk for pk, country_id, name in PartnerInstitution.objects.filter(
                country_id__in=country_ids).values_list("id", "country_id", "name")
        }
        new = [PartnerInstitution(country_id=country_id, name=name[:250], institution_type=t.institution_type,
                                  nature=t.nature, level=t.level)
               for (country_id, name), t in sorted(wanted.items(), key=lambda item: item[0])
               if (country_id, name) not in self.institutions]
        create_returning_ids(new)
        self.vetted_institutions = []
        for institution in new:
            self.institutions[(institution.country_id, institution.name)] = institution.id
            if wanted[(institution.country_id, institution.name)].vetted:
                self.vetted_institutions.append(institution.id)
        self.done("partner institutions", len(new))

    def insert_funding(self) -> None:
        rng = self.rng("funding")
        tiers = {c.id: c.tier for c in self.countries}

        def rows() -> Iterator[tuple]:
            for plan in self.plans:
                scale = plan.theme.funding_scale * 1_000_000 * rng.lognormvariate(0, 0.5)
                scale *= TIER_FUNDING_FACTORS[tiers[plan.countries[0].id]]
                scale *= 1.5 if len(plan.countries) > 1 else 1.0
                scale = min(max(scale, 150_000), 40_000_000)
                for fy in self.calendar.funding_years:
                    if not plan.start_fy <= fy <= plan.end_fy:
                        continue
                    planned = round(scale * rng.uniform(0.85, 1.15) / 1000) * 1000
                    if plan.status == ProgramStatus.PROPOSED:
                        obligated = disbursed = 0
                    elif plan.status == ProgramStatus.APPROVED:
                        obligated = round(planned * rng.uniform(0.0, 0.1) / 1000) * 1000
                        disbursed = 0
                    elif fy < self.calendar.current_fy:
                        obligated = round(planned * rng.uniform(0.85, 1.0) / 1000) * 1000
                        share = rng.uniform(0.8, 1.0) if fy == self.calendar.current_fy - 2 else rng.uniform(0.5, 0.85)
                        disbursed = round(obligated * share / 1000) * 1000
                    else:
                        obligated = round(planned * rng.uniform(0.1, 0.45) / 1000) * 1000
                        disbursed = round(obligated * rng.uniform(0.0, 0.25) / 1000) * 1000
                    yield (plan.id, fy, Decimal(planned), Decimal(obligated), Decimal(disbursed), 1,
                           self.now, self.now)

        self.done("funding", insert_rows(
            Funding, ("program_id", "fiscal_year", "planned", "obligated", "disbursed", "version",
                      "created_at", "updated_at"), rows()))

    def insert_moes_targets_measurements(self) -> None:
        def rows() -> Iterator[tuple]:
            for plan in self.plans:
                # The day before the first target's quarter, and never after "today" (a
                # baseline is measured: programs.models.measured_date_problem).
                baseline_date = min(_quarter(plan.first_targeted)[1] - dt.timedelta(days=1), self.calendar.as_of)
                for moe in plan.moes:
                    template = moe["template"]
                    yield (plan.id, moe["name"], template.kind, template.unit, False, template.direction,
                           template.cumulative, "quarterly", _rounded(moe["baseline"], moe["integral"]),
                           baseline_date, moe["weight"], template.verification, 1, self.now, self.now)

        count = insert_rows(MeasureOfEffectiveness, MOE_COLUMNS, rows())
        # Ids back by natural key: MOE names are unique within a program.
        ids = {(program_id, name): pk for pk, program_id, name in MeasureOfEffectiveness.objects.filter(
            program__code__startswith=f"{self.prefix}-").values_list("id", "program_id", "name")}
        for plan in self.plans:
            for moe in plan.moes:
                moe["id"] = ids[(plan.id, moe["name"])]
        self.done("MOEs", count)
        self.done("targets", insert_rows(
            Target, ("moe_id", "period", "period_end", "value", "created_at", "updated_at"), self._target_rows()))
        self.done("measurements", insert_rows(
            Measurement,
            ("moe_id", "period", "period_end", "value", "source", "evidence_url", "collected_on",
             "entered_by_id", "status", "return_reason", "approved_by_id", "approved_at", "version",
             "created_at", "updated_at"),
            self._measurement_rows(),
        ))

    @staticmethod
    def _trajectory(plan: _ProgramPlan, moe: dict) -> tuple[int, list[float]]:
        """Target values per quarter, from the first targeted quarter to the last, moving
        evenly from the baseline to the MOE's target."""
        first, last = plan.first_targeted, plan.last_targeted
        steps = last - first + 1
        baseline, target = moe["baseline"], moe["target"]
        return first, [baseline + (target - baseline) * (n + 1) / steps for n in range(steps)]

    def _target_rows(self) -> Iterator[tuple]:
        now = self.now
        for plan in self.plans:
            for moe in plan.moes:
                first, values = self._trajectory(plan, moe)
                for offset, value in enumerate(values):
                    code, _, end = _quarter(first + offset)
                    yield (moe["id"], code, end, _rounded(value, moe["integral"]), now, now)

    def _measurement_rows(self) -> Iterator[tuple]:
        rng = self.rng("measurements")
        now, manager = self.now, self.actors.manager_id
        last_reported = _qi(self.calendar.last_reported)
        as_of = self.calendar.as_of
        for plan in self.plans:
            entered_by = self.actors.analyst_ids_by_agency.get(plan.lead)
            for moe in plan.moes:
                count = moe["measured"]
                if not count:
                    continue
                template, integral = moe["template"], moe["integral"]
                first, targets = self._trajectory(plan, moe)
                baseline, ceiling = moe["baseline"], template.ceiling
                start = plan.last_reported - count + 1
                for quarter in range(start, plan.last_reported + 1):
                    if quarter in moe["missing"]:
                        continue
                    step = quarter - first
                    # Achievement near the MOE's performance level: actual = baseline +
                    # p * (target - baseline); cumulative MOEs report the quarter's increment.
                    p = moe["performance"] + rng.uniform(-0.05, 0.05)
                    if 0 <= step < len(targets):
                        target_now = targets[step]
                        target_before = targets[step - 1] if step else baseline
                    else:  # before the target window (long benchmark histories)
                        target_now = target_before = baseline
                    if template.cumulative:
                        value = p * (target_now - target_before)
                        if step < 0:
                            value = 0.0
                    else:
                        value = baseline + p * (target_now - baseline)
                    value = max(value, 0.0)
                    if ceiling is not None:
                        value = min(value, ceiling)
                    code, _, end = _quarter(quarter)
                    collected = min(end + dt.timedelta(days=rng.randint(10, 40)), as_of)
                    if quarter == last_reported and plan.status not in ENDED:
                        status = "draft" if rng.random() < 0.5 else "submitted"
                    elif quarter == last_reported - 1 and plan.status not in ENDED:
                        roll = rng.random()
                        status = "approved" if roll < 0.75 else "submitted" if roll < 0.92 else "returned"
                    else:
                        status = "approved"
                    reason = rng.choice(cat.RETURN_REASONS) if status == "returned" else ""
                    approved_at = None
                    if status == "approved":
                        day = min(collected + dt.timedelta(days=rng.randint(5, 20)), as_of)
                        approved_at = dt.datetime(day.year, day.month, day.day, 15, 0, tzinfo=dt.timezone.utc)
                    yield (moe["id"], code, end, _rounded(value, integral), rng.choice(cat.MEASUREMENT_SOURCES),
                           "", collected, entered_by, status, reason,
                           manager if status == "approved" else None, approved_at, 1, now, now)

    def insert_disaggregation(self) -> None:
        """Break the first measured people-counting MOEs down by sex (female share 10-35%)."""
        rng = self.rng("disaggregation")
        moes = [moe for plan in self.plans for moe in plan.moes
                if moe["measured"] and moe["template"].unit in cat.PEOPLE_UNITS][: self.size.disaggregated_moes]
        categories = create_returning_ids([
            DisaggregationCategory(moe_id=moe["id"], dimension="sex", name=name)
            for moe in moes for name in ("female", "male")
        ])
        by_moe: dict[int, dict[str, int]] = {category.moe_id: {} for category in categories}
        for category in categories:
            by_moe[category.moe_id][category.name] = category.id
        shares = {moe["id"]: rng.uniform(0.10, 0.35) for moe in moes}

        def rows() -> Iterator[tuple]:
            for measurement_id, moe_id, value in Measurement.objects.filter(
                moe_id__in=list(by_moe)
            ).order_by("moe_id", "period_end").values_list("id", "moe_id", "value"):
                female = (value * Decimal(str(round(shares[moe_id], 2)))).quantize(Decimal("1"))
                yield (measurement_id, by_moe[moe_id]["female"], female, self.now, self.now)
                yield (measurement_id, by_moe[moe_id]["male"], value - female, self.now, self.now)

        self.done("disaggregation categories", len(categories))
        self.done("measurement breakdowns", insert_rows(
            MeasurementDisaggregation, ("measurement_id", "category_id", "value", "created_at", "updated_at"),
            rows()))

    def insert_vetting(self) -> None:
        rng = self.rng("vetting")

        def rows() -> Iterator[tuple]:
            for number, institution_id in enumerate(self.vetted_institutions, start=1):
                roll = rng.random()
                requested = self.calendar.as_of - dt.timedelta(days=rng.randint(40, 330))
                decided = expires = None
                if roll < 0.78:
                    status = "approved"
                    decided = requested + dt.timedelta(days=rng.randint(10, 30))
                    expires = decided + dt.timedelta(days=365)
                elif roll < 0.88:
                    status = "pending"
                    requested = self.calendar.as_of - dt.timedelta(days=rng.randint(3, 45))
                elif roll < 0.96:
                    status = "expired"
                    requested = self.calendar.as_of - dt.timedelta(days=rng.randint(420, 700))
                    decided = requested + dt.timedelta(days=rng.randint(10, 30))
                    expires = decided + dt.timedelta(days=365)
                else:
                    status = "denied"
                    decided = requested + dt.timedelta(days=rng.randint(15, 45))
                notes = ("Credible information of gross violations of human rights; remediation required."
                         if status == "denied" else "")
                yield (institution_id, rng.choice(cat.VETTED_UNIT_NAMES), status, requested, decided, expires,
                       f"INVEST-{requested.year}-{self.seed % 1000:03d}{number:06d}", notes, self.now, self.now)

        self.done("vetting", insert_rows(
            Vetting, ("institution_id", "unit_name", "status", "requested_on", "decided_on", "expires_on",
                      "reference", "notes", "created_at", "updated_at"), rows()))

    def insert_donor_engagements(self) -> None:
        rng = self.rng("donors")
        donors = list(cat.OTHER_DONORS.items())

        def rows() -> Iterator[tuple]:
            for country in self.countries:
                for _ in range(rng.randint(2, 4) if country.tier <= 2 else rng.randint(0, 2)):
                    name, (_, sectors) = rng.choice(donors)
                    sector = rng.choice([s for s in sectors if s in self.sectors] or list(self.sectors))
                    start = rng.randint(self.calendar.current_fy - 4, self.calendar.current_fy - 1)
                    amount = round(rng.lognormvariate(15, 0.8) / 10_000) * 10_000
                    yield (self.donors[name], country.id, self.sectors[sector],
                           f"{name}: {cat.DONOR_ACTIVITIES.get(sector, 'security sector support')} in {country.name}.",
                           start, start + rng.randint(2, 4), Decimal(amount), self.now, self.now)

        self.done("donor engagements", insert_rows(
            DonorEngagement, ("donor_id", "country_id", "sector_id", "description", "start_fy", "end_fy",
                              "amount_usd", "created_at", "updated_at"), rows()))

    def insert_crisis_and_reviews(self) -> None:
        """One open crisis (its country's running programs under immediate, pending review);
        last cycle's decided reviews; pending in-cycle reviews of programs under review."""
        rng = self.rng("reviews")
        crisis = CrisisEvent.objects.filter(country_id=self.crisis_country.id, closed_on__isnull=True).first()
        if crisis is None:
            crisis = CrisisEvent.objects.create(
                country_id=self.crisis_country.id, title=f"{self.crisis_country.name}: {cat.CRISIS_TITLE}",
                description=cat.CRISIS_DESCRIPTION, occurred_on=self.calendar.crisis_occurred_on,
                recorded_by_id=self.actors.manager_id,
            )
            self.done("crisis events", 1)
        columns = ("program_id", "cycle_id", "out_of_cycle", "crisis_id", "decision", "rationale",
                   "decided_by_id", "decided_at", "created_at", "updated_at")
        rows = []
        for plan in self.plans:
            in_crisis = any(c.id == self.crisis_country.id for c in plan.countries)
            if in_crisis and plan.status == ProgramStatus.UNDER_REVIEW:
                rows.append((plan.id, None, True, crisis.id, "", "", None, None, self.now, self.now))
            elif plan.status == ProgramStatus.UNDER_REVIEW:
                rows.append((plan.id, self.cycle.id, False, None, "", "", None, None, self.now, self.now))
            if plan.status == ProgramStatus.RESTRUCTURED or (plan.status in RUNNING and rng.random() < 0.25):
                decision = "restructure" if plan.status == ProgramStatus.RESTRUCTURED else "continue"
                rows.append((plan.id, self.last_cycle.id, False, None, decision, cat.REVIEW_RATIONALES[decision],
                             self.actors.manager_id, self.calendar.cycle_review_decided_at, self.now, self.now))
        self.done("program reviews", insert_rows(ProgramReview, columns, rows))


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    """``total`` split over ``buckets`` as evenly as possible; the remainder goes to a
    random choice of buckets. Sums to ``total`` exactly."""
    if buckets == 0:
        return []
    base, extra = divmod(total, buckets)
    counts = [base] * buckets
    for index in rng.sample(range(buckets), extra):
        counts[index] += 1
    return counts
