"""The tables of the portfolio, region, countries index and goal coverage pages, over the
rows of ``dashboards.selectors.overview`` (dicts)."""
from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_tables2 import Column

from assessments.models import Band
from infrastructure.exports import cell_value
from programs.links import program_url
from programs.models import ProgramStatus, RegionScheme

from .base import DashboardTable
from .columns import LabelColumn, MoneyColumn, NumberColumn, PercentColumn, RecordLinkColumn, ScoreColumn, TextColumn
from .columns import program_label_html
from .links import country_url, region_url

STATUS_LABELS = dict(ProgramStatus.choices)
BAND_LABELS = dict(Band.choices)


def window_label(window: tuple[int, int]) -> str:
    """A funding window as ``FY2025-FY2027``."""
    return f"FY{window[0]}-FY{window[1]}"


class FiscalYearColumn(TextColumn):
    def render(self, value: int) -> str:
        return f"FY{value}"

    def value(self, value: int) -> str:
        return f"FY{value}"


class FundingByFiscalYearTable(DashboardTable):
    key, title = "funding-by-fy", "Funding by fiscal year"
    note = "Each program once, all funding rows of programs not archived."
    fiscal_year = FiscalYearColumn("Fiscal year")
    planned = MoneyColumn("Planned (USD)")
    obligated = MoneyColumn("Obligated (USD)")
    disbursed = MoneyColumn("Disbursed (USD)")

    empty = "No funding recorded yet."


class FundingByStatusTable(DashboardTable):
    key, title = "funding-by-status", "Programs and funding by status"
    note = "All fiscal years."
    status = LabelColumn("Status", labels=STATUS_LABELS)
    programs = NumberColumn("Programs")
    planned = MoneyColumn("Planned (USD)")
    obligated = MoneyColumn("Obligated (USD)")
    disbursed = MoneyColumn("Disbursed (USD)")

    empty = "No programs yet."


class GoalColumn(TextColumn):
    """A goal as "<code> <title>"."""

    def render(self, value: str, record: dict) -> str:
        return f"{value} {record['title']}"

    def value(self, value: str, record: dict) -> str:
        return f"{value} {record['title']}"


class FundingByGoalTable(DashboardTable):
    key, title = "funding-by-goal", "Funding by goal"
    note = ("A program serving several goals counts once for each; sub-goals count for their goal. "
            "Achievement: funding-weighted MOE achievement of running programs (precomputed rollups).")
    code = GoalColumn("Goal")
    programs = NumberColumn("Programs")
    running = NumberColumn("Running")
    planned = MoneyColumn("Planned (USD)")
    obligated = MoneyColumn("Obligated (USD)")
    disbursed = MoneyColumn("Disbursed (USD)")
    achievement = PercentColumn("Achievement")


class RankingTable(DashboardTable):
    """The selectivity ranking beside funding; also the mismatches (``mismatches_table``)."""

    key, title = "ranking", "Selectivity ranking and funding"
    rank = NumberColumn("Rank")
    name = RecordLinkColumn("Country", url=lambda record: country_url(record["iso3"]))
    tier = NumberColumn("Tier")
    score = ScoreColumn("Score")
    range = TextColumn("Range")
    band = LabelColumn("Band", labels=BAND_LABELS)
    flags = TextColumn("Flags")
    window_obligated = MoneyColumn("Obligated (USD)")
    planned = MoneyColumn("Planned, all years (USD)")
    mismatch = TextColumn("Mismatch")

    empty = "No selectivity scores computed yet."


def ranking_table(rows: list[dict], *, window: tuple[int, int], computed_at) -> RankingTable:
    """The selectivity ranking beside funding over ``window``."""
    label = window_label(window)
    note = (f"Scores from the latest selectivity computation, ranked by the low end of the range the missing "
            f"evidence could give, then the narrower range, then the score; funding: obligated over {label}, "
            "a program counting in full for each of its countries.")
    return RankingTable(rows, computed_at=computed_at, note=note,
                        headers={"window_obligated": f"Obligated {label} (USD)"})


def mismatches_table(rows: list[dict], *, window: tuple[int, int], computed_at) -> RankingTable:
    """The ranking's rows whose funding and score do not match."""
    table = RankingTable(rows, computed_at=computed_at, key="mismatches", title="Funding and score mismatches",
                         note="High funding (top third) with a score below 50, or a score of 70 or more with "
                              "little funding (bottom third).",
                         headers={"window_obligated": f"Obligated {window_label(window)} (USD)"})
    table.empty_text = "No mismatch between scores and funding."
    return table


class RegionNameColumn(RecordLinkColumn):
    def render(self, value: str, record: dict) -> str:
        return super().render(f"{value} {record['name']}", record)

    def value(self, value: str, record: dict) -> str:
        return f"{value} {record['name']}"


class FundingByRegionTable(DashboardTable):
    key, title = "funding-by-region", "Funding by region"
    note = ("A program in several countries of a region counts once for it. Achievement: the "
            "precomputed region rollup.")
    code = RegionNameColumn("Region", url=lambda record: region_url(record["scheme"], record["code"]))
    programs = NumberColumn("Programs")
    planned = MoneyColumn("Planned (USD)")
    obligated = MoneyColumn("Obligated (USD)")
    disbursed = MoneyColumn("Disbursed (USD)")
    achievement = PercentColumn("Achievement")


class RegionCountriesTable(DashboardTable):
    key, title = "countries", "Countries of the region"
    note = "Countries with programs or a priority tier. A regional program counts in each of its countries."
    name = RecordLinkColumn("Country", url=lambda record: country_url(record["iso3"]))
    tier = NumberColumn("Tier")
    score = ScoreColumn("Score")
    band = LabelColumn("Band", labels=BAND_LABELS)
    running = NumberColumn("Running programs")
    window_obligated = MoneyColumn("Obligated (USD)")
    planned = MoneyColumn("Planned, all years (USD)")
    achievement = PercentColumn("Achievement")

    empty = "No country of this region has programs or a priority tier yet."


class ProgramNameColumn(RecordLinkColumn):
    """A program as "<code> <title>", linking to its page (rows with id, code, title)."""

    def __init__(self, verbose_name: str, **kwargs):
        super().__init__(verbose_name, url=lambda record: program_url(record["id"]), **kwargs)

    def render(self, value: str, record: dict) -> str:
        return super().render(program_label_html(value, record["title"]), record)

    def value(self, value: str, record: dict) -> str:
        return f"{value} {record['title']}"


class RegionalProgramsTable(DashboardTable):
    key, title = "regional-programs", "Regional and cross-border programs"
    code = ProgramNameColumn("Program")
    agency = TextColumn("Lead agency")
    status = LabelColumn("Status", labels=STATUS_LABELS)
    countries = TextColumn("Countries")
    years = TextColumn("Years")

    empty = "No regional or cross-border program touches this region."


class RegionalOrganizationsTable(DashboardTable):
    key, title = "regional-organizations", "Regional organizations"
    code = TextColumn("Organization")
    members_here = NumberColumn("Member countries in this region")

    empty = "No regional organization has members in this region."

    def render_code(self, value: str, record: dict) -> str:
        return f"{value} {record['name']}"

    def value_code(self, value: str, record: dict) -> str:
        return f"{value} {record['name']}"


class StrategiesTable(DashboardTable):
    key, title = "strategies", "Strategies"
    title_ = TextColumn("Strategy", accessor="title")
    scope = TextColumn("Scope")
    years = TextColumn("Years")
    objectives = NumberColumn("Objectives")

    empty = "No country or regional strategy recorded for this region."


class CountryIndexTable(DashboardTable):
    """The page folds the ISO code under the country's name and the command under the
    bureau (eleven columns do not fit at 1366 px); the download keeps them as columns."""

    key, title = "countries", "Countries"
    note = "Scores, achievement and funding from the latest computations."
    name = RecordLinkColumn("Country", url=lambda record: country_url(record["iso3"]))
    iso3 = TextColumn("ISO", visible=False)
    bureau = RecordLinkColumn("Bureau", url=lambda record: region_url(RegionScheme.STATE_BUREAU, record["bureau"]))
    command = RecordLinkColumn("Command", visible=False,
                               url=lambda record: region_url(RegionScheme.COMBATANT_COMMAND, record["command"]))
    tier = NumberColumn("Tier")
    score = ScoreColumn("Score")
    band = LabelColumn("Band", labels=BAND_LABELS)
    flags = TextColumn("Flags")
    running = NumberColumn("Running programs")
    window_obligated = MoneyColumn("Obligated (USD)")
    achievement = PercentColumn("Achievement")

    empty = "No country matches these filters."

    def render_name(self, value, record: dict) -> SafeString:
        return format_html('{}<span class="cell-meta">{}</span>', self.columns["name"].column.render(value, record),
                           record["iso3"])

    def render_bureau(self, value, record: dict) -> SafeString:
        return format_html('{}<span class="cell-meta">{}</span>', self.columns["bureau"].column.render(value, record),
                           self.columns["command"].column.render(record["command"], record))

    def value_name(self, value) -> str:
        return cell_value(value)

    value_bureau = value_name


class CoverageTable(DashboardTable):
    """The goal coverage matrix as a download: one row per country, three columns per
    goal (running programs, obligated funding, achievement). The page draws the matrix
    itself (templates/dashboards/goal_coverage.html)."""

    key, title = "coverage", "Goal coverage"
    country = TextColumn("Country")
    tier = NumberColumn("Tier")

    empty = "No country matches these filters."


def coverage_table(coverage) -> CoverageTable:
    """``coverage``: a GoalCoverage (dashboards.selectors.overview)."""
    label = window_label(coverage.window)
    extra: list[tuple[str, Column]] = []
    for g in coverage.goals:
        extra += [(f"g{g.code}_programs", NumberColumn(f"Goal {g.code} running programs")),
                  (f"g{g.code}_obligated", MoneyColumn(f"Goal {g.code} obligated {label} (USD)")),
                  (f"g{g.code}_achievement", PercentColumn(f"Goal {g.code} achievement"))]
    rows = []
    for row in coverage.matrix:
        values = {"country": row["country"].name, "tier": row["country"].priority_tier}
        for g, cell in zip(coverage.goals, row["cells"]):
            values[f"g{g.code}_programs"] = cell["programs"] if cell else 0
            values[f"g{g.code}_obligated"] = cell["obligated"] if cell else None
            values[f"g{g.code}_achievement"] = cell["achievement"] if cell else None
        rows.append(values)
    return CoverageTable(rows, computed_at=coverage.computed_at, extra_columns=extra,
                         note="Running programs; a program serving a sub-goal counts for its goal; funding: obligated "
                              f"{label}; achievement from the precomputed program rollups.")


def region_countries_table(rows: list[dict], *, window: tuple[int, int], computed_at) -> RegionCountriesTable:
    """A region's countries with their funding over ``window``."""
    return RegionCountriesTable(rows, computed_at=computed_at,
                                headers={"window_obligated": f"Obligated {window_label(window)} (USD)"})


def country_index_table(index) -> CountryIndexTable:
    """``index``: a CountryIndex (dashboards.selectors.overview)."""
    return CountryIndexTable(index.rows, computed_at=index.computed_at,
                             headers={"window_obligated": f"Obligated {window_label(index.window)} (USD)"})


def regional_programs_table(rows: list[dict], *, computed_at, shown: int) -> RegionalProgramsTable:
    """A region's programs in more than one country (at most ``shown``)."""
    return RegionalProgramsTable(rows, computed_at=computed_at,
                                 note="Programs with more than one country, at least one in this region "
                                      f"(at most {shown}, by code; the program list filters by region).")
