"""What a PDF brief renders, assembled as the dashboards assemble their pages: the
dashboard's own page (``country_page`` / ``portfolio_page`` over the dashboards'
selectors, so each figure has one definition), the briefs' own tables, the flag lists'
tables, the map of the region or the world, and the footer; long tables capped so that a
brief stays a few pages. A brief reads current figures only (never stored figures
outdated while a worker refreshes them): it is stored against the fingerprint of its
inputs (``reports.selectors.stored_briefs``)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone

from dashboards.maps.drawing import DrawnMap
from dashboards.selectors import flags, maps
from dashboards.selectors.country import country_dashboard
from dashboards.selectors.overview import portfolio_dashboard
from dashboards.tables.base import DashboardTable
from dashboards.tables.country import ProgramsTable
from dashboards.views.countries import country_page
from dashboards.views.flags import flag_table
from dashboards.views.portfolio import portfolio_page
from dashboards.views.sections import Dashboard
from programs.fiscal import current_fiscal_year
from programs.models import Country

from ..selectors.briefs import footer_text, funding_by_account, review_decisions, running_largest_first, undecided_reviews
from ..tables.briefs import FundingByAccountTable, ReviewDecisionsTable, capped, keep_columns

FLAG_KINDS_LISTED = ("overlaps", "gaps", "vetting", "surge")
FLAG_ROWS_SHOWN = 5
PROGRAMS_SHOWN = 30
PROGRAM_COLUMNS = ("program", "agency", "status", "years", "total_obligated", "achievement", "moe_status")
RANKING_SHOWN = 20
RANKING_COLUMNS = ("rank", "name", "tier", "score", "band", "window_obligated", "mismatch")
EVALUATIONS_SHOWN = 10


@dataclasses.dataclass
class Brief:
    """A brief ready to render: its dashboard page, its own tables by name, the map, the
    flag lists' tables and the footer. ``generated_at``: when it was made (the date on
    every page)."""

    kind: str
    title: str
    dashboard: Dashboard
    tables: dict[str, DashboardTable]
    map: DrawnMap
    flag_tables: list[DashboardTable]
    footer: str
    generated_at: dt.datetime = dataclasses.field(default_factory=timezone.now)


def _flag_tables(country_ids: list[int] | None, scope: str) -> list[DashboardTable]:
    """The open flags the brief lists (overlaps, gaps, vetting, surge): the flag lists'
    own tables (stored figure sets, with their counts), first rows only."""
    tables = []
    for key in FLAG_KINDS_LISTED:
        table = flag_table(flags.flag_list(key, country_ids, scope=scope))
        tables.append(capped(table, FLAG_ROWS_SHOWN, "items", total=table.total))
    return tables


def country_brief(*, country: Country) -> Brief:
    """The country brief: the country dashboard's figures, funding by account, the running
    programs, the open flags with their items, recent review decisions and the map of the
    country's State bureau (coloured by selectivity band)."""
    figures = country_dashboard(country=country, programs_limit=None)
    dashboard = country_page(figures)
    running = ProgramsTable(running_largest_first(figures.programs), key="running-programs",
                            title="Running programs, largest obligations first",
                            computed_at=figures.programs_computed_at,
                            note="Achievement: the program's precomputed rollup.")
    tables = {
        "funding_by_account": FundingByAccountTable(funding_by_account([country.id])),
        "running_programs": capped(keep_columns(running, PROGRAM_COLUMNS), PROGRAMS_SHOWN, "running programs"),
        "reviews": ReviewDecisionsTable(review_decisions(country), country_name=country.name,
                                        undecided=undecided_reviews(country), fiscal_year=current_fiscal_year()),
        "evaluations": capped(dashboard.tables["evaluations"], EVALUATIONS_SHOWN, "evaluations"),
        "recommendations": capped(dashboard.tables["recommendations"], EVALUATIONS_SHOWN, "open recommendations"),
    }
    region_map = maps.region_map(region=country.state_bureau, choice="band", interactive=False, current=True)
    return Brief("country", f"Country brief: {country.name}", dashboard, tables, region_map,
                 _flag_tables([country.id], f"country:{country.id}"), footer_text())


def portfolio_brief() -> Brief:
    """The portfolio brief: the portfolio dashboard's totals, funding, ranking and flags,
    funding by account, and the world map coloured by selectivity band."""
    figures = portfolio_dashboard(current=True)
    dashboard = portfolio_page(figures)
    tables = {
        "funding_by_account": FundingByAccountTable(funding_by_account(None)),
        "ranking": capped(keep_columns(dashboard.tables["ranking"], RANKING_COLUMNS), RANKING_SHOWN, "countries"),
        "mismatches": capped(keep_columns(dashboard.tables["mismatches"], RANKING_COLUMNS), 10, "countries"),
    }
    return Brief("portfolio", "Portfolio brief", dashboard, tables,
                 maps.portfolio_map(choice="band", interactive=False, country_funding=figures.overview.country_funding),
                 _flag_tables(None, "portfolio"), footer_text())
