"""Reads for the cross-app pages: the home page and the managers' dashboards.

Every dashboard reads the precomputed summary tables (selectivity scores, rollups) and
aggregates funding in the database: a fixed number of queries whatever the data size.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessments.models import Band
from assessments.selectors import current_scores, score_range_label
from evaluations.models import RegionRollup
from programs.fiscal import funding_window
from programs.models import (
    Country,
    MeasureOfEffectiveness,
    Measurement,
    Program,
    ProgramStatus,
    Region,
    RegionalOrganization,
    RegionScheme,
    RUNNING_STATUSES,
    Strategy,
)
from infrastructure.models import DeferredTask
from infrastructure.sql import db_datetime
from programs.selectors.sql import RUNNING_SQL

from . import flags, funding, snapshots

from ..tables import Chart, Column, Link, Table

MILLION = Decimal("1000000")
REGIONAL_PROGRAMS_SHOWN = 150
SCHEME_SLUGS = {"bureau": RegionScheme.STATE_BUREAU, "command": RegionScheme.COMBATANT_COMMAND}
SCHEME_SLUG_OF = {value: key for key, value in SCHEME_SLUGS.items()}
STATUS_LABELS = dict(ProgramStatus.choices)
BAND_LABELS = dict(Band.choices)


def _url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(fallback)


def home_overview() -> dict:
    """What the portal holds, as tiles linking to the lists (one query per table)."""
    programs = Program.objects.aggregate(
        total=Count("id", filter=Q(archived_at__isnull=True)),
    )
    tiles = [
        {"label": "partner countries", "count": Country.objects.count(), "url": _url("dashboards:country-list", "admin:programs_country_changelist")},
        {"label": "programs", "count": programs["total"], "url": _url("programs:program-list", "admin:programs_program_changelist")},
        {"label": "measures of effectiveness", "count": MeasureOfEffectiveness.objects.count(), "url": _url("programs:program-list", "admin:programs_measureofeffectiveness_changelist")},
        {"label": "measurements", "count": Measurement.objects.count(), "url": _url("programs:program-list", "admin:programs_measurement_changelist")},
    ]
    return {"tiles": tiles, "pending_deferred": DeferredTask.objects.count()}


# --- shared pieces ---------------------------------------------------------------------


@lru_cache(maxsize=16)
def _url_pattern_cached(name: str, key: str, value) -> str:
    return reverse(name, kwargs={key: value}).replace(str(value), "{}")


def _url_pattern(name: str, **placeholder) -> str:
    """A URL with one argument as a ``{}`` slot: reverse() once per page, not once per row."""
    (key, value), = placeholder.items()
    return _url_pattern_cached(name, key, value)


def country_url(iso3: str) -> str:
    """The country dashboard's URL (reversed once, formatted per row)."""
    return _url_pattern("dashboards:country", iso3="ZZZZZ").format(iso3)


def region_url(region_scheme: str, code: str) -> str:
    """The region dashboard's URL."""
    return reverse("dashboards:region", kwargs={"scheme": SCHEME_SLUG_OF[region_scheme], "code": code})


def program_url(program_id: int) -> str:
    """The program page's URL (reversed once, formatted per row)."""
    return _url_pattern("programs:program-detail", pk=987654321).format(program_id)


def _musd(value: Decimal | None) -> float:
    """US dollars -> millions of US dollars (chart axes), two decimals."""
    return round(float((value or Decimal(0)) / MILLION), 2)


def _pct(achievement: float | None) -> float | None:
    return None if achievement is None else round(achievement * 100, 1)


def _latest(*stamps: dt.datetime | None) -> dt.datetime | None:
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


@dataclass
class Dashboard:
    """What a dashboard page renders: headline figures, tables, charts and flags."""

    title: str
    totals: list[dict] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)
    flags: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    generated_at: dt.datetime = field(default_factory=timezone.now)
    sections: dict[str, dict] = field(default_factory=dict)

    def add(self, table: Table, chart: Chart | None = None) -> None:
        """Add a table (and the chart drawn from it) as a section of the page."""
        self.tables[table.key] = table
        if chart is not None:
            self.charts[chart.key] = chart
        self.sections[table.key.replace("-", "_")] = {"table": table, "chart": chart}


def _flag_links(counts: dict[str, int], scope_query: str) -> list[dict]:
    return [
        {"key": key, "label": kind.label, "count": counts[key], "description": kind.description,
         "url": reverse("dashboards:flag-list", kwargs={"kind": key}) + scope_query}
        for key, kind in flags.KINDS.items()
    ]


MONEY_COLUMNS = [Column("Planned (USD)", "money"), Column("Obligated (USD)", "money"), Column("Disbursed (USD)", "money")]


def _fy_table(rows: list[dict]) -> tuple[Table, Chart]:
    table = Table("funding-by-fy", "Funding by fiscal year", [Column("Fiscal year"), *MONEY_COLUMNS],
                  [[f"FY{r['fiscal_year']}", r["planned"], r["obligated"], r["disbursed"]] for r in rows],
                  note="Each program once, all funding rows of programs not archived.",
                  empty_message="No funding recorded yet.")
    chart = Chart("chart-funding-by-fy", "Funding by fiscal year (USD millions)", table.key, "bar",
                  labels=[f"FY{r['fiscal_year']}" for r in rows],
                  datasets=[{"label": label, "data": [_musd(r[name]) for r in rows]}
                            for label, name in (("Planned", "planned"), ("Obligated", "obligated"),
                                                ("Disbursed", "disbursed"))],
                  y_label="USD millions")
    return table, chart


def _status_table(rows: list[dict]) -> tuple[Table, Chart]:
    table = Table("funding-by-status", "Programs and funding by status",
                  [Column("Status"), Column("Programs", "number"), *MONEY_COLUMNS],
                  [[STATUS_LABELS.get(r["status"], r["status"]), r["programs"], r["planned"], r["obligated"],
                    r["disbursed"]] for r in rows],
                  note="All fiscal years.", empty_message="No programs yet.")
    chart = Chart("chart-funding-by-status", "Obligated funding by program status (USD millions)", table.key, "bar",
                  labels=[STATUS_LABELS.get(r["status"], r["status"]) for r in rows],
                  datasets=[{"label": "Obligated", "data": [_musd(r["obligated"]) for r in rows]}],
                  y_label="USD millions", horizontal=True)
    return table, chart


def _goal_table(rows: list[dict], *, portfolio: bool) -> tuple[Table, Chart]:
    key = "achievement" if portfolio else "scope_achievement"
    stamp = "computed_at" if portfolio else "scope_computed_at"
    table = Table("funding-by-goal", "Funding by goal",
                  [Column("Goal"), Column("Programs", "number"), Column("Running", "number"), *MONEY_COLUMNS,
                   Column("Achievement", "percent")],
                  [[f"{r['code']} {r['title']}", r["programs"], r["running"], r["planned"], r["obligated"],
                    r["disbursed"], _pct(r[key])] for r in rows],
                  computed_at=_latest(*(r[stamp] for r in rows)),
                  note="A program serving several goals counts once for each; sub-goals count for their goal. "
                       "Achievement: funding-weighted MOE achievement of running programs (precomputed rollups).")
    chart = Chart("chart-funding-by-goal", "Obligated funding by goal (USD millions)", table.key, "bar",
                  labels=[f"Goal {r['code']}" for r in rows],
                  datasets=[{"label": "Obligated", "data": [_musd(r["obligated"]) for r in rows]}],
                  y_label="USD millions")
    return table, chart


def _ranking(scores: list, country_funding: dict[int, dict], window: tuple[int, int]) -> tuple[Table, Table, Chart]:
    """The selectivity ranking beside funding, and the mismatches (high funding with a low
    score; a high score with little funding). ``scores`` come in the ranking rule's order
    (current_scores: low end of the range first, docs/selectivity.md). Funding: obligated
    USD over the window."""
    ranked = scores
    amounts = sorted(country_funding.get(s.country_id, {}).get("window_obligated", Decimal(0)) for s in ranked)
    low_cut = amounts[len(amounts) // 3] if amounts else Decimal(0)
    high_cut = amounts[(2 * len(amounts)) // 3] if amounts else Decimal(0)

    def mismatch(score) -> str:
        amount = country_funding.get(score.country_id, {}).get("window_obligated", Decimal(0))
        if score.score is None:
            return ""
        if score.score < 50 and amount > 0 and amount >= high_cut:
            return "high funding, low score"
        if score.score >= 70 and amount <= low_cut:
            return "high score, little funding"
        return ""

    window_label = f"FY{window[0]}-FY{window[1]}"
    rows, mismatches = [], []
    groups: dict[str, list] = {"high funding, low score": [], "high score, little funding": [], "": []}
    for rank, score in enumerate(ranked, start=1):
        money = country_funding.get(score.country_id, {})
        label = mismatch(score)
        row = [rank, Link(score.country.name, country_url(score.country.iso3)), score.priority_tier, score.score,
               score_range_label(score), BAND_LABELS.get(score.band, score.band), ", ".join(score.flags),
               money.get("window_obligated", Decimal(0)), money.get("planned", Decimal(0)), label]
        rows.append(row)
        if label:
            mismatches.append(row)
        if score.score is not None:
            groups[label].append({"x": float(score.score), "y": _musd(money.get("window_obligated")),
                                  "label": score.country.name})
    columns = [Column("Rank", "number"), Column("Country"), Column("Tier", "number"), Column("Score", "score"),
               Column("Range"), Column("Band"), Column("Flags"), Column(f"Obligated {window_label} (USD)", "money"),
               Column("Planned, all years (USD)", "money"), Column("Mismatch")]
    stamp = _latest(*(s.computed_at for s in ranked))
    note = (f"Scores from the latest selectivity computation, ranked by the low end of the range the missing "
            f"evidence could give, then the narrower range, then the score; funding: obligated over {window_label}, "
            "a program counting in full for each of its countries.")
    ranking = Table("ranking", "Selectivity ranking and funding", columns, rows, computed_at=stamp, note=note,
                    empty_message="No selectivity scores computed yet.")
    mismatch_table = Table("mismatches", "Funding and score mismatches", columns, mismatches, computed_at=stamp,
                           note="High funding (top third) with a score below 50, or a score of 70 or more with "
                                "little funding (bottom third).",
                           empty_message="No mismatch between scores and funding.")
    chart = Chart("chart-score-funding", f"Selectivity score against obligated funding {window_label}", ranking.key,
                  "scatter", datasets=[
                      {"label": "High funding, low score", "data": groups["high funding, low score"], "tone": "bad"},
                      {"label": "High score, little funding", "data": groups["high score, little funding"],
                       "tone": "warn"},
                      {"label": "Other countries", "data": groups[""], "tone": "info"},
                  ], x_label="Selectivity score (0-100)", y_label="Obligated, USD millions")
    return ranking, mismatch_table, chart


def _totals(country_ids: Iterable[int] | None, fy_rows: list[dict], status_rows: list[dict],
            country_count: int) -> list[dict]:
    running = sum(r["programs"] for r in status_rows if r["status"] in RUNNING_STATUSES)
    return [
        {"label": "programs", "value": sum(r["programs"] for r in status_rows), "kind": "number"},
        {"label": "running programs", "value": running, "kind": "number"},
        {"label": "countries with programs", "value": country_count, "kind": "number"},
        {"label": "planned, all years", "value": sum((r["planned"] for r in fy_rows), Decimal(0)), "kind": "musd"},
        {"label": "obligated, all years", "value": sum((r["obligated"] for r in fy_rows), Decimal(0)), "kind": "musd"},
        {"label": "disbursed, all years", "value": sum((r["disbursed"] for r in fy_rows), Decimal(0)), "kind": "musd"},
    ]


def _overview(dashboard: Dashboard, country_ids: list[int] | None, scope_query: str, *,
              scope: str = "portfolio", more: dict | None = None, current: bool = False) -> dict:
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
    figures, computed_at = snapshots.figures(f"{scope}:{window[0]}", computations, current=current)
    fy_rows, status_rows, country_funding = (figures["funding_by_fy"], figures["funding_by_status"],
                                             figures["funding_by_country"])
    dashboard.totals = _totals(country_ids, fy_rows, status_rows, len(country_funding))
    dashboard.extra["figures_computed_at"] = computed_at
    dashboard.extra["country_funding"] = country_funding  # the maps colour countries by it
    fy_table, fy_chart = _fy_table(fy_rows)
    status_table, status_chart = _status_table(status_rows)
    fy_table.computed_at = status_table.computed_at = computed_at
    dashboard.add(fy_table, fy_chart)
    dashboard.add(status_table, status_chart)
    dashboard.add(*_goal_table(figures["funding_by_goal"], portfolio=country_ids is None))
    ranking, mismatches, chart = _ranking(list(current_scores(country_ids)), country_funding, window)
    dashboard.add(ranking, chart)
    dashboard.add(mismatches)
    dashboard.flags = _flag_links(figures["flag_counts"], scope_query)
    dashboard.extra["window"] = window
    return figures


def portfolio_dashboard(*, scheme: str = RegionScheme.STATE_BUREAU, current: bool = False) -> Dashboard:
    """The whole portfolio: totals, funding by FY / status / region / goal, the ranking
    beside funding, and the open flags. ``current``: never serve outdated stored figures
    (the background refresh)."""
    dashboard = Dashboard(title="Portfolio")
    figures = _overview(dashboard, None, "", current=current, more={
        f"funding_by_region_{scheme}": lambda: funding.funding_by_region(scheme=scheme)})
    regions = figures[f"funding_by_region_{scheme}"]
    table = Table("funding-by-region", "Funding by region",
                  [Column("Region"), Column("Programs", "number"), *MONEY_COLUMNS, Column("Achievement", "percent")],
                  [[Link(f"{r['code']} {r['name']}", region_url(scheme, r["code"])), r["programs"], r["planned"],
                    r["obligated"], r["disbursed"], _pct(r["achievement"])] for r in regions],
                  computed_at=_latest(*(r["computed_at"] for r in regions)),
                  note="A program in several countries of a region counts once for it. Achievement: the "
                       "precomputed region rollup.")
    chart = Chart("chart-funding-by-region", "Obligated funding by region (USD millions)", table.key, "bar",
                  labels=[r["code"] for r in regions],
                  datasets=[{"label": "Obligated", "data": [_musd(r["obligated"]) for r in regions]}],
                  y_label="USD millions")
    dashboard.add(table, chart)
    dashboard.extra["scheme"] = scheme
    dashboard.extra["scheme_slug"] = SCHEME_SLUG_OF[scheme]
    return dashboard


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


def region_dashboard(*, region: Region, current: bool = False) -> Dashboard:
    """The same as the portfolio for the countries of one region (either scheme), plus
    its countries, regional and cross-border programs, regional organizations and
    strategies."""
    dashboard = Dashboard(title=f"{region.code} {region.name}")
    country_ids = region_country_ids(region)
    scope = f"?region={SCHEME_SLUG_OF[region.scheme]}:{region.code}"
    figures = _overview(dashboard, country_ids, scope, scope=f"region:{region.id}", current=current,
                        more={"regional_programs": lambda: _regional_program_rows(country_ids)})
    country_funding = figures["funding_by_country"]
    window = dashboard.extra["window"]
    rollup = RegionRollup.objects.filter(region=region).first()
    dashboard.extra.update(region=region, rollup=rollup, scheme_slug=SCHEME_SLUG_OF[region.scheme],
                           has_programs=bool(country_funding), country_ids=country_ids)

    countries = list(
        Country.objects.filter(id__in=country_ids).filter(
            Q(id__in=list(country_funding)) | Q(priority_tier__isnull=False)
        ).select_related("rollup").order_by("name")
    )
    scores = {s.country_id: s for s in current_scores([c.id for c in countries])}
    rows = []
    for country in countries:
        money = country_funding.get(country.id, {})
        score = scores.get(country.id)
        country_rollup = getattr(country, "rollup", None)
        rows.append([Link(country.name, country_url(country.iso3)), country.priority_tier,
                     score.score if score else None, BAND_LABELS.get(score.band) if score else "",
                     money.get("running", 0), money.get("window_obligated", Decimal(0)), money.get("planned", Decimal(0)),
                     _pct(country_rollup.achievement) if country_rollup else None])
    table = Table("countries", "Countries of the region",
                  [Column("Country"), Column("Tier", "number"), Column("Score", "score"), Column("Band"),
                   Column("Running programs", "number"), Column(f"Obligated FY{window[0]}-FY{window[1]} (USD)", "money"),
                   Column("Planned, all years (USD)", "money"), Column("Achievement", "percent")],
                  rows, computed_at=_latest(*(getattr(getattr(c, "rollup", None), "computed_at", None) for c in countries)),
                  note="Countries with programs or a priority tier. A regional program counts in each of its countries.",
                  empty_message="No country of this region has programs or a priority tier yet.")
    chart = Chart("chart-countries", f"Obligated funding FY{window[0]}-FY{window[1]} by country (USD millions)",
                  table.key, "bar", labels=[c.name for c in countries],
                  datasets=[{"label": "Obligated", "data": [_musd(country_funding.get(c.id, {}).get("window_obligated"))
                                                            for c in countries]}],
                  y_label="USD millions", horizontal=True)
    dashboard.add(table, chart)

    dashboard.add(Table("regional-programs", "Regional and cross-border programs",
                        [Column("Program"), Column("Lead agency"), Column("Status"), Column("Countries"),
                         Column("Years")],
                        [[Link(f"{code} {title}", program_url(pk)), agency, STATUS_LABELS.get(status, status),
                          countries, years] for pk, code, title, agency, status, countries, years
                         in figures["regional_programs"]],
                        computed_at=dashboard.extra["figures_computed_at"],
                        note="Programs with more than one country, at least one in this region "
                             f"(at most {REGIONAL_PROGRAMS_SHOWN}, by code; the program list filters by region).",
                        empty_message="No regional or cross-border program touches this region."))
    organizations = list(
        RegionalOrganization.objects.filter(members__id__in=country_ids)
        .annotate(members_here=Count("members", distinct=True)).order_by("code")
    )
    dashboard.add(Table("regional-organizations", "Regional organizations",
                        [Column("Organization"), Column("Member countries in this region", "number")],
                        [[f"{o.code} {o.name}", o.members_here] for o in organizations],
                        empty_message="No regional organization has members in this region."))
    strategies = list(Strategy.objects.filter(archived_at__isnull=True).filter(
        Q(region=region) | Q(country_id__in=country_ids)).select_related("country", "region")
        .annotate(objectives_count=Count("objectives", distinct=True)).order_by("scope", "title"))
    dashboard.add(Table("strategies", "Strategies",
                        [Column("Strategy"), Column("Scope"), Column("Years"), Column("Objectives", "number")],
                        [[s.title, s.country.name if s.country_id else s.region.code, f"FY{s.start_fy}-FY{s.end_fy}",
                          s.objectives_count] for s in strategies],
                        empty_message="No country or regional strategy recorded for this region."))
    return dashboard


# --- countries index and goal coverage ---------------------------------------------


def _country_filter(*, region: Region | None, tier: int | None) -> Q:
    condition = Q()
    if region is not None:
        column = "state_bureau" if region.scheme == RegionScheme.STATE_BUREAU else "combatant_command"
        condition &= Q(**{column: region})
    if tier:
        condition &= Q(priority_tier=tier)
    return condition


def country_index(*, region: Region | None = None, tier: int | None = None, include_all: bool = False,
                  current: bool = False) -> Table:
    """Countries with their tier, score, running programs, funding and achievement."""
    window = funding_window()
    condition = _country_filter(region=region, tier=tier)
    figures, funding_at = snapshots.figures(f"portfolio:{window[0]}", {
        "funding_by_country": lambda: funding.funding_by_country(None, window)}, current=current)
    country_funding = figures["funding_by_country"]
    countries = Country.objects.filter(condition).select_related("state_bureau", "combatant_command", "rollup")
    if not include_all:
        countries = countries.filter(Q(id__in=list(country_funding)) | Q(priority_tier__isnull=False))
    countries = list(countries.order_by("name"))
    scores = {s.country_id: s for s in current_scores([c.id for c in countries])}
    rows = []
    for c in countries:
        money, score, rollup = country_funding.get(c.id, {}), scores.get(c.id), getattr(c, "rollup", None)
        rows.append([
            Link(c.name, country_url(c.iso3)), c.iso3,
            Link(c.state_bureau.code, region_url(RegionScheme.STATE_BUREAU, c.state_bureau.code)),
            Link(c.combatant_command.code, region_url(RegionScheme.COMBATANT_COMMAND, c.combatant_command.code)),
            c.priority_tier, score.score if score else None, BAND_LABELS.get(score.band) if score else "",
            ", ".join(score.flags) if score else "", money.get("running", 0),
            money.get("window_obligated", Decimal(0)), _pct(rollup.achievement) if rollup else None,
        ])
    return Table(
        "countries", "Countries",
        [Column("Country"), Column("ISO"), Column("Bureau"), Column("Command"), Column("Tier", "number"),
         Column("Score", "score"), Column("Band"), Column("Flags"), Column("Running programs", "number"),
         Column(f"Obligated FY{window[0]}-FY{window[1]} (USD)", "money"), Column("Achievement", "percent")],
        rows,
        computed_at=_latest(funding_at, *(s.computed_at for s in scores.values()),
                            *(getattr(getattr(c, "rollup", None), "computed_at", None) for c in countries)),
        note="Scores, achievement and funding from the latest computations.",
        empty_message="No country matches these filters.",
    )


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
    WHERE pc.country_id IN (SELECT id FROM programs_country c WHERE 1 = 1 {{where}})
    GROUP BY pc.country_id, pg.goal_id
"""


def _coverage_cells(window: tuple[int, int]) -> list[list]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(COVERAGE_SQL.format(where=""), [window[0], window[1]])
        return [[r[0], r[1], r[2], Decimal(r[3]).quantize(Decimal("0.01")), _pct(None if r[4] is None else float(r[4])),
                 db_datetime(r[5])] for r in cursor.fetchall()]


def goal_coverage(*, region: Region | None = None, tier: int | None = None, current: bool = False) -> dict:
    """Countries (rows) by principal goals (columns): each cell holds the running programs
    serving the goal in the country, their obligated funding over the window and their
    funding-weighted achievement (precomputed program rollups); an empty cell is a gap."""
    from programs.models import Goal

    window = funding_window()
    goals = list(Goal.objects.filter(parent__isnull=True).order_by("sort_order", "code"))
    stored, computed_at = snapshots.figures(f"portfolio:{window[0]}", {"coverage_cells": lambda: _coverage_cells(window)},
                                            current=current)
    cells = {(c[0], c[1]): {"programs": c[2], "obligated": c[3], "achievement": c[4], "computed_at": c[5]}
             for c in stored["coverage_cells"]}
    country_ids_with_cells = {cid for cid, _ in cells}
    countries = list(Country.objects.filter(_country_filter(region=region, tier=tier)).filter(
        Q(id__in=list(country_ids_with_cells)) | Q(priority_tier__isnull=False)).order_by("priority_tier", "name"))
    matrix = [{"country": c, "url": country_url(c.iso3),
               "cells": [cells.get((c.id, g.id)) for g in goals],
               "gaps": sum(1 for g in goals if (c.id, g.id) not in cells)} for c in countries]
    columns = [Column("Country"), Column("Tier", "number")]
    for g in goals:
        columns += [Column(f"Goal {g.code} running programs", "number"),
                    Column(f"Goal {g.code} obligated FY{window[0]}-FY{window[1]} (USD)", "money"),
                    Column(f"Goal {g.code} achievement", "percent")]
    rows = []
    for row in matrix:
        values = [Link(row["country"].name, row["url"]), row["country"].priority_tier]
        for cell in row["cells"]:
            values += [cell["programs"], cell["obligated"], cell["achievement"]] if cell else [0, None, None]
        rows.append(values)
    table = Table("coverage", "Goal coverage", columns, rows,
                  computed_at=_latest(*(c["computed_at"] for c in cells.values())),
                  note="Running programs; a program serving a sub-goal counts for its goal; funding: obligated "
                       f"FY{window[0]}-FY{window[1]}; achievement from the precomputed program rollups.",
                  empty_message="No country matches these filters.")
    table.computed_at = _latest(table.computed_at, computed_at)
    return {"goals": goals, "matrix": matrix, "table": table, "window": window,
            "gap_count": sum(r["gaps"] for r in matrix)}
