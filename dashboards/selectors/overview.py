"""Reads of the home page and the managers' dashboards above the countries: the portfolio,
regions (either scheme), the countries index and goal coverage. Data only (the pages'
tables and charts are ``dashboards.tables`` and ``dashboards.charts``).

Every dashboard reads the precomputed summary tables (selectivity scores, rollups) and
its stored figure sets (``snapshots``): a fixed number of queries whatever the data size.
Money is US dollars (Decimal); achievement is a percentage (0-100, one decimal) of the
precomputed rollups; ``window`` is the funding window (first and last fiscal year,
``programs.fiscal.funding_window``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.db import connection
from django.db.models import Count, Q

from assessments.selectors import current_scores, score_range_label
from evaluations.models import RegionRollup
from infrastructure.sql import db_datetime
from programs.fiscal import funding_window
from programs.models import (
    RUNNING_STATUSES,
    Country,
    Goal,
    Region,
    RegionalOrganization,
    RegionScheme,
    Strategy,
)
from programs.selectors.sql import RUNNING_SQL

from . import flags, funding, snapshots
from infrastructure.sorting import by_name

REGIONAL_PROGRAMS_SHOWN = 150
# The mismatch rule of the ranking beside funding (docs/selectivity.md): a score below
# LOW_SCORE with funding in the top third, or a score of HIGH_SCORE or more in the bottom third.
LOW_SCORE, HIGH_SCORE = 50, 70
HIGH_FUNDING_LOW_SCORE = "high funding, low score"
HIGH_SCORE_LITTLE_FUNDING = "high score, little funding"


def _pct(achievement: float | None) -> float | None:
    """A rollup's achievement (a ratio) as a percentage, one decimal."""
    return None if achievement is None else round(achievement * 100, 1)


def latest(*stamps: dt.datetime | None) -> dt.datetime | None:
    """The latest of the timestamps given, None if none is."""
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


class RankedCountry(TypedDict):
    """A row of the selectivity ranking beside funding."""

    rank: int
    country_id: int
    name: str
    iso3: str
    tier: int | None
    score: Decimal | None
    range: str            # the score range the missing evidence could give
    band: str             # assessments.models.Band value
    flags: str            # the score's flags, comma-separated
    window_obligated: Decimal
    planned: Decimal
    mismatch: str         # HIGH_FUNDING_LOW_SCORE, HIGH_SCORE_LITTLE_FUNDING or ""


@dataclass(frozen=True)
class Totals:
    """Headline figures of a scope: program counts and funding over all fiscal years (USD)."""

    programs: int
    running: int
    countries: int
    planned: Decimal
    obligated: Decimal
    disbursed: Decimal


@dataclass
class OverviewFigures:
    """The figures the portfolio and a region share. Rows: ``fy_rows`` (fiscal_year,
    planned, obligated, disbursed), ``status_rows`` (status, programs, planned, obligated,
    disbursed), ``goal_rows`` (code, title, programs, running, planned, obligated,
    disbursed, achievement %, computed_at), ``ranking`` (RankedCountry, in the ranking
    rule's order), ``flag_counts`` (flag kind -> count)."""

    window: tuple[int, int]
    totals: Totals
    fy_rows: list[dict]
    status_rows: list[dict]
    goal_rows: list[dict]
    ranking: list[RankedCountry]
    ranking_computed_at: dt.datetime | None
    flag_counts: dict[str, int]
    figures_computed_at: dt.datetime | None
    country_funding: dict[int, dict] = field(default_factory=dict)
    stored: dict = field(default_factory=dict)

    @property
    def goals_computed_at(self) -> dt.datetime | None:
        return latest(*(r["computed_at"] for r in self.goal_rows))

    @property
    def mismatches(self) -> list[RankedCountry]:
        return [r for r in self.ranking if r["mismatch"]]


def ranking_beside_funding(scores: list, country_funding: dict[int, dict]) -> list[RankedCountry]:
    """The selectivity ranking beside funding, with the mismatches marked. ``scores`` come
    in the ranking rule's order (current_scores: low end of the range first,
    docs/selectivity.md); funding: obligated USD over the window (top and bottom thirds
    of the countries ranked)."""
    def obligated(country_id: int) -> Decimal:
        return country_funding.get(country_id, {}).get("window_obligated", Decimal(0))

    amounts = sorted(obligated(s.country_id) for s in scores)
    low_cut = amounts[len(amounts) // 3] if amounts else Decimal(0)
    high_cut = amounts[(2 * len(amounts)) // 3] if amounts else Decimal(0)

    def mismatch(score) -> str:
        amount = obligated(score.country_id)
        if score.score is None:
            return ""
        if score.score < LOW_SCORE and amount > 0 and amount >= high_cut:
            return HIGH_FUNDING_LOW_SCORE
        if score.score >= HIGH_SCORE and amount <= low_cut:
            return HIGH_SCORE_LITTLE_FUNDING
        return ""

    return [
        RankedCountry(rank=rank, country_id=score.country_id, name=score.country.name, iso3=score.country.iso3,
                      tier=score.priority_tier, score=score.score, range=score_range_label(score), band=score.band,
                      flags=", ".join(score.flags), window_obligated=obligated(score.country_id),
                      planned=country_funding.get(score.country_id, {}).get("planned", Decimal(0)),
                      mismatch=mismatch(score))
        for rank, score in enumerate(scores, start=1)
    ]


def _totals(fy_rows: list[dict], status_rows: list[dict], country_count: int) -> Totals:
    return Totals(
        programs=sum(r["programs"] for r in status_rows),
        running=sum(r["programs"] for r in status_rows if r["status"] in RUNNING_STATUSES),
        countries=country_count,
        planned=sum((r["planned"] for r in fy_rows), Decimal(0)),
        obligated=sum((r["obligated"] for r in fy_rows), Decimal(0)),
        disbursed=sum((r["disbursed"] for r in fy_rows), Decimal(0)),
    )


def _overview(country_ids: list[int] | None, *, scope: str, more: dict | None = None,
              current: bool = False) -> OverviewFigures:
    """The blocks the portfolio and region dashboards share, from stored figure sets."""
    window = funding_window()
    computations = {
        "funding_by_fy": lambda: funding.funding_by_fiscal_year(country_ids),
        "funding_by_status": lambda: funding.funding_by_status(country_ids),
        "funding_by_country": lambda: funding.funding_by_country(country_ids, window),
        "funding_by_goal": lambda: funding.funding_by_goal(country_ids),
        "flag_counts": lambda: flags.flag_counts(country_ids),
        **(more or {}),
    }
    stored, computed_at = snapshots.figures(f"{scope}:{window[0]}", computations, current=current)
    portfolio = country_ids is None
    goal_rows = [{**r, "achievement": _pct(r["achievement"] if portfolio else r["scope_achievement"]),
                  "computed_at": r["computed_at"] if portfolio else r["scope_computed_at"]}
                 for r in stored["funding_by_goal"]]
    scores = list(current_scores(country_ids))
    return OverviewFigures(
        window=window,
        totals=_totals(stored["funding_by_fy"], stored["funding_by_status"], len(stored["funding_by_country"])),
        fy_rows=stored["funding_by_fy"], status_rows=stored["funding_by_status"], goal_rows=goal_rows,
        ranking=ranking_beside_funding(scores, stored["funding_by_country"]),
        ranking_computed_at=latest(*(s.computed_at for s in scores)),
        flag_counts=stored["flag_counts"], figures_computed_at=computed_at,
        country_funding=stored["funding_by_country"], stored=stored,
    )


@dataclass
class PortfolioFigures:
    """The portfolio: the shared overview and funding by region of ``scheme`` (rows: id,
    scheme, code, name, programs, planned, obligated, disbursed, achievement %, computed_at)."""

    scheme: str
    overview: OverviewFigures
    region_rows: list[dict]

    @property
    def regions_computed_at(self) -> dt.datetime | None:
        return latest(*(r["computed_at"] for r in self.region_rows))


def portfolio_dashboard(*, scheme: str = RegionScheme.STATE_BUREAU, current: bool = False) -> PortfolioFigures:
    """The whole portfolio: totals, funding by fiscal year / status / region / goal, the
    ranking beside funding, and the open flags. ``current``: never serve outdated stored
    figures (the background refresh)."""
    key = f"funding_by_region_{scheme}"
    overview = _overview(None, scope="portfolio", current=current,
                         more={key: lambda: funding.funding_by_region(scheme=scheme)})
    regions = [{**r, "scheme": scheme, "achievement": _pct(r["achievement"])} for r in overview.stored[key]]
    return PortfolioFigures(scheme=scheme, overview=overview, region_rows=regions)


def _regional_program_rows(country_ids: list[int]) -> list[list]:
    programs = (funding.scope_programs(country_ids).annotate(country_count=Count("countries", distinct=True))
                .filter(country_count__gt=1).select_related("lead_agency").prefetch_related("countries")
                .order_by("code")[:REGIONAL_PROGRAMS_SHOWN])
    return [[p.id, p.code, p.title, p.lead_agency.code, p.status,
             ", ".join(sorted(c.iso3 for c in p.countries.all())), f"FY{p.start_fy}-FY{p.end_fy}"] for p in programs]


def region_find(*, scheme: str, code: str) -> Region | None:
    """The region of ``scheme`` (a RegionScheme value) with ``code`` (any case); None
    when there is none."""
    return Region.objects.filter(scheme=scheme, code__iexact=code).first()


def region_country_ids(region: Region) -> list[int]:
    """Ids of the countries of the region in its scheme."""
    column = "state_bureau" if region.scheme == RegionScheme.STATE_BUREAU else "combatant_command"
    return list(Country.objects.filter(**{column: region}).values_list("id", flat=True))


@dataclass
class RegionFigures:
    """A region: the shared overview for its countries (ids: ``country_ids``), plus ``countries`` (name, iso3,
    tier, score, band, running, window_obligated, planned, achievement %), regional and
    cross-border ``programs`` (id, code, title, agency, status, countries, years; at most
    REGIONAL_PROGRAMS_SHOWN), ``organizations`` (code, name, members_here) and
    ``strategies`` (title, scope, years, objectives)."""

    region: Region
    rollup: RegionRollup | None
    overview: OverviewFigures
    country_ids: list[int]
    countries: list[dict]
    countries_computed_at: dt.datetime | None
    programs: list[dict]
    organizations: list[dict]
    strategies: list[dict]

    @property
    def has_programs(self) -> bool:
        return bool(self.overview.country_funding)


def region_dashboard(*, region: Region, current: bool = False) -> RegionFigures:
    """The same as the portfolio for the countries of one region (either scheme), plus
    its countries, regional and cross-border programs, regional organizations and
    strategies."""
    country_ids = region_country_ids(region)
    overview = _overview(country_ids, scope=f"region:{region.id}", current=current,
                         more={"regional_programs": lambda: _regional_program_rows(country_ids)})
    country_funding = overview.country_funding
    countries = list(
        Country.objects.filter(id__in=country_ids).filter(
            Q(id__in=list(country_funding)) | Q(priority_tier__isnull=False)
        ).select_related("rollup").order_by(by_name())
    )
    scores = {s.country_id: s for s in current_scores([c.id for c in countries])}
    country_rows = []
    for country in countries:
        money = country_funding.get(country.id, {})
        score = scores.get(country.id)
        rollup = getattr(country, "rollup", None)
        country_rows.append({
            "name": country.name, "iso3": country.iso3, "tier": country.priority_tier,
            "score": score.score if score else None, "band": score.band if score else "",
            "running": money.get("running", 0), "window_obligated": money.get("window_obligated", Decimal(0)),
            "planned": money.get("planned", Decimal(0)), "achievement": _pct(rollup.achievement) if rollup else None})
    organizations = (RegionalOrganization.objects.filter(members__id__in=country_ids)
                     .annotate(members_here=Count("members", distinct=True)).order_by("code")
                     .values("code", "name", "members_here"))
    strategies = (Strategy.objects.filter(archived_at__isnull=True)
                  .filter(Q(region=region) | Q(country_id__in=country_ids)).select_related("country", "region")
                  .annotate(objectives_count=Count("objectives", distinct=True)).order_by("scope", "title"))
    return RegionFigures(
        region=region, rollup=RegionRollup.objects.filter(region=region).first(), overview=overview,
        country_ids=country_ids, countries=country_rows,
        countries_computed_at=latest(*(getattr(getattr(c, "rollup", None), "computed_at", None) for c in countries)),
        programs=[{"id": pk, "code": code, "title": title, "agency": agency, "status": status, "countries": isos,
                   "years": years} for pk, code, title, agency, status, isos, years in overview.stored["regional_programs"]],
        organizations=list(organizations),
        strategies=[{"title": s.title, "scope": s.country.name if s.country_id else s.region.code,
                     "years": f"FY{s.start_fy}-FY{s.end_fy}", "objectives": s.objectives_count} for s in strategies],
    )


# --- countries index and goal coverage ---------------------------------------------


def _country_filter(*, region: Region | None, tier: int | None, country_ids: list[int] | None = None) -> Q:
    condition = Q() if country_ids is None else Q(id__in=country_ids)
    if region is not None:
        column = "state_bureau" if region.scheme == RegionScheme.STATE_BUREAU else "combatant_command"
        condition &= Q(**{column: region})
    if tier:
        condition &= Q(priority_tier=tier)
    return condition


@dataclass
class CountryIndex:
    """Countries (rows: name, iso3, bureau, command, tier, score, band, flags, running,
    window_obligated, achievement %) with the funding window and when the figures were
    computed."""

    rows: list[dict]
    window: tuple[int, int]
    computed_at: dt.datetime | None


def country_index(*, region: Region | None = None, tier: int | None = None, include_all: bool = False,
                  current: bool = False, country_ids: list[int] | None = None) -> CountryIndex:
    """Countries with their tier, score, running programs, funding and achievement: those
    with programs or a tier (``include_all``: every country), in ``region`` / ``tier`` and
    among ``country_ids`` (None: any; ``[]``: none, for a filter that is not valid)."""
    window = funding_window()
    stored, funding_at = snapshots.figures(f"portfolio:{window[0]}", {
        "funding_by_country": lambda: funding.funding_by_country(None, window)}, current=current)
    country_funding = stored["funding_by_country"]
    countries = Country.objects.filter(_country_filter(region=region, tier=tier, country_ids=country_ids)).select_related(
        "state_bureau", "combatant_command", "rollup")
    if not include_all:
        countries = countries.filter(Q(id__in=list(country_funding)) | Q(priority_tier__isnull=False))
    countries = list(countries.order_by(by_name()))
    scores = {s.country_id: s for s in current_scores([c.id for c in countries])}
    rows = []
    for c in countries:
        money, score, rollup = country_funding.get(c.id, {}), scores.get(c.id), getattr(c, "rollup", None)
        rows.append({
            "name": c.name, "iso3": c.iso3, "bureau": c.state_bureau.code, "command": c.combatant_command.code,
            "tier": c.priority_tier, "score": score.score if score else None, "band": score.band if score else "",
            "flags": ", ".join(score.flags) if score else "", "running": money.get("running", 0),
            "window_obligated": money.get("window_obligated", Decimal(0)),
            "achievement": _pct(rollup.achievement) if rollup else None,
        })
    computed_at = latest(funding_at, *(s.computed_at for s in scores.values()),
                         *(getattr(getattr(c, "rollup", None), "computed_at", None) for c in countries))
    return CountryIndex(rows=rows, window=window, computed_at=computed_at)


COVERAGE_SQL = f"""
    SELECT pc.country_id, pg.goal_id, COUNT(DISTINCT p.id),
           COALESCE(SUM(t.obligated), 0),
           {funding.ACHIEVEMENT_SQL}, MAX(pr.computed_at)
    FROM programs_program_countries pc
    JOIN programs_program p ON p.id = pc.program_id AND p.archived_at IS NULL AND p.status IN {RUNNING_SQL}
    JOIN (SELECT DISTINCT x.program_id, COALESCE(g.parent_id, g.id) AS goal_id
          FROM programs_program_goals x JOIN programs_goal g ON g.id = x.goal_id) pg ON pg.program_id = p.id
    LEFT JOIN (SELECT program_id, SUM(CASE WHEN fiscal_year BETWEEN %s AND %s THEN obligated ELSE 0 END) AS obligated
               FROM programs_funding GROUP BY program_id) t ON t.program_id = p.id
    LEFT JOIN evaluations_programrollup pr ON pr.program_id = p.id
    GROUP BY pc.country_id, pg.goal_id
"""


def _coverage_cells(window: tuple[int, int]) -> list[list]:
    with connection.cursor() as cursor:
        cursor.execute(COVERAGE_SQL, [window[0], window[1]])
        return [[r[0], r[1], r[2], Decimal(r[3]).quantize(Decimal("0.01")), _pct(None if r[4] is None else float(r[4])),
                 db_datetime(r[5])] for r in cursor.fetchall()]


class CoverageCell(TypedDict):
    """The running programs serving a goal in a country: count, obligated USD over the
    window, funding-weighted achievement % (program rollups), latest rollup time."""

    programs: int
    obligated: Decimal
    achievement: float | None
    computed_at: dt.datetime | None


@dataclass
class GoalCoverage:
    """Countries (rows of ``matrix``: country, cells in the order of ``goals``, gaps) by
    principal goals; a cell is None where no running program serves the goal (a gap)."""

    goals: list[Goal]
    matrix: list[dict]
    window: tuple[int, int]
    computed_at: dt.datetime | None

    @property
    def gap_count(self) -> int:
        return sum(r["gaps"] for r in self.matrix)


def goal_coverage(*, region: Region | None = None, tier: int | None = None, current: bool = False,
                  country_ids: list[int] | None = None) -> GoalCoverage:
    """Countries (rows) by principal goals (columns): each cell holds the running programs
    serving the goal in the country, their obligated funding over the window and their
    funding-weighted achievement (precomputed program rollups); an empty cell is a gap.
    Countries with a covered cell or a tier, in ``region`` / ``tier`` and among
    ``country_ids`` (None: any; ``[]``: none), by tier then name."""
    window = funding_window()
    goals = list(Goal.objects.filter(parent__isnull=True).order_by("sort_order", "code"))
    stored, computed_at = snapshots.figures(f"portfolio:{window[0]}", {"coverage_cells": lambda: _coverage_cells(window)},
                                            current=current)
    cells = {(c[0], c[1]): CoverageCell(programs=c[2], obligated=c[3], achievement=c[4], computed_at=c[5])
             for c in stored["coverage_cells"]}
    country_ids_with_cells = {cid for cid, _ in cells}
    countries = list(Country.objects.filter(_country_filter(region=region, tier=tier, country_ids=country_ids)).filter(
        Q(id__in=list(country_ids_with_cells)) | Q(priority_tier__isnull=False)).order_by("priority_tier", by_name()))
    matrix = [{"country": c, "cells": [cells.get((c.id, g.id)) for g in goals],
               "gaps": sum(1 for g in goals if (c.id, g.id) not in cells)} for c in countries]
    return GoalCoverage(goals=goals, matrix=matrix, window=window,
                        computed_at=latest(computed_at, *(c["computed_at"] for c in cells.values())))
