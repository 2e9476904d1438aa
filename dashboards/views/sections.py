"""What a dashboard page renders, assembled from a selector's figures: headline tiles,
sections (a table and the chart drawn from it), flag tiles linking to their lists.
The blocks the portfolio and region pages share are built here once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from .. import charts
from ..charts import Chart
from ..selectors import flags
from ..selectors.overview import OverviewFigures, Totals
from ..tables import overview as tables
from ..tables.base import DashboardTable


@dataclass
class Dashboard:
    """A dashboard page: ``sections`` by key (``funding_by_fy``: {"table", "chart"}),
    ``tables`` by their key (the exports), headline ``totals`` tiles, ``flags`` tiles and
    page-specific ``extra`` values."""

    title: str
    totals: list[dict] = field(default_factory=list)
    tables: dict[str, DashboardTable] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)
    flags: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    generated_at: dt.datetime = field(default_factory=timezone.now)
    sections: dict[str, dict] = field(default_factory=dict)

    def add(self, table: DashboardTable, chart: Chart | None = None) -> None:
        """Add a table (and the chart drawn from it) as a section of the page."""
        self.tables[table.key] = table
        if chart is not None:
            self.charts[chart.key] = chart
        self.sections[table.key.replace("-", "_")] = {"table": table, "chart": chart}


def flag_links(counts: dict[str, int], scope_query: str) -> list[dict]:
    """A tile per flag kind: its count and the address of its list in the same scope."""
    return [
        {"key": key, "label": kind.label, "count": counts[key], "description": kind.description,
         "url": reverse("dashboards:flag-list", kwargs={"kind": key}) + scope_query}
        for key, kind in flags.KINDS.items()
    ]


def totals_tiles(totals: Totals) -> list[dict]:
    """The headline tiles (label, value, kind of figure)."""
    return [
        {"label": "programs", "value": totals.programs, "kind": "number"},
        {"label": "running programs", "value": totals.running, "kind": "number"},
        {"label": "countries with programs", "value": totals.countries, "kind": "number"},
        {"label": "planned, all years", "value": totals.planned, "kind": "musd"},
        {"label": "obligated, all years", "value": totals.obligated, "kind": "musd"},
        {"label": "disbursed, all years", "value": totals.disbursed, "kind": "musd"},
    ]


def overview_sections(dashboard: Dashboard, overview: OverviewFigures, scope_query: str) -> None:
    """The totals, funding, ranking and flag blocks the portfolio and region pages share."""
    dashboard.totals = totals_tiles(overview.totals)
    dashboard.extra["figures_computed_at"] = overview.figures_computed_at
    dashboard.extra["window"] = overview.window
    stamp = overview.figures_computed_at
    dashboard.add(tables.FundingByFiscalYearTable(overview.fy_rows, computed_at=stamp),
                  charts.funding_by_fiscal_year_chart(overview.fy_rows))
    dashboard.add(tables.FundingByStatusTable(overview.status_rows, computed_at=stamp),
                  charts.funding_by_status_chart(overview.status_rows))
    dashboard.add(tables.FundingByGoalTable(overview.goal_rows, computed_at=overview.goals_computed_at),
                  charts.funding_by_goal_chart(overview.goal_rows))
    dashboard.add(tables.ranking_table(overview.ranking, window=overview.window,
                                       computed_at=overview.ranking_computed_at),
                  charts.score_funding_chart(overview.ranking, overview.window))
    dashboard.add(tables.mismatches_table(overview.mismatches, window=overview.window,
                                          computed_at=overview.ranking_computed_at))
    dashboard.flags = flag_links(overview.flag_counts, scope_query)
