"""What the PDF briefs hold. A brief reads the dashboards' own selectors (one definition
of each figure: the country brief's score, tier, funding, programs, flags, assessment and
evaluations are the country dashboard's; the portfolio brief's are the portfolio
dashboard's), adds the few figures only a brief shows (funding by account, recent review
decisions, the flagged items) and the map of the region, and caps long tables so that a
brief stays a few pages.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from dashboards.maps.drawing import DrawnMap
from dashboards.selectors import maps
from dashboards.selectors.country import country_dashboard
from dashboards.selectors.overview import Dashboard, portfolio_dashboard, program_url
from dashboards.tables import Column, Link, Table
from dashboards.views.flags import flag_table
from programs.models import RUNNING_STATUSES, Country, Funding, Program, ProgramReview, ProgramStatus

from ..models import DEFAULT_FOOTER, BriefSettings

RUNNING_LABELS = {str(ProgramStatus(s).label) for s in RUNNING_STATUSES}
FLAG_KINDS_LISTED = ("overlaps", "gaps", "vetting", "surge")
FLAG_ROWS_SHOWN = 5
PROGRAMS_SHOWN = 30
PROGRAM_COLUMNS = ("Program", "Lead agency", "Status", "Years", "Obligated", "Achievement", "MOE status")
RANKING_SHOWN = 20
RANKING_COLUMNS = ("Rank", "Country", "Tier", "Score", "Band", "Obligated", "Mismatch")
REVIEWS_SHOWN = 10
NO_ACCOUNT = "(no account recorded)"


def footer_text() -> str:
    """The caveat printed at the foot of every page (Reports > Brief settings in the admin)."""
    return BriefSettings.objects.filter(pk=1).values_list("footer_text", flat=True).first() or DEFAULT_FOOTER


@dataclasses.dataclass
class Brief:
    """A brief ready to render: its dashboard, extra tables, map, flag tables and
    footer. ``generated_at``: when it was made (the date on every page)."""

    kind: str
    title: str
    dashboard: Dashboard
    tables: dict[str, Table]
    map: DrawnMap
    flag_tables: list[Table]
    footer: str
    generated_at: dt.datetime = dataclasses.field(default_factory=timezone.now)


def capped(table: Table, limit: int, what: str = "rows") -> Table:
    """``table`` with at most ``limit`` rows, its note saying how many there are in all."""
    if len(table.rows) <= limit:
        return table
    note = f"{table.note} First {limit} of {len(table.rows)} {what}; the dashboard and its CSV have them all.".strip()
    return dataclasses.replace(table, rows=table.rows[:limit], note=note)


def projected(table: Table, headers: tuple[str, ...]) -> Table:
    """``table`` with only the columns whose header starts with one of ``headers`` (in
    the table's order): the same figures, fewer columns for the page."""
    keep = [i for i, column in enumerate(table.columns) if column.header.startswith(headers)]
    return dataclasses.replace(table, columns=[table.columns[i] for i in keep],
                               rows=[[row[i] for i in keep] for row in table.rows])


def funding_by_account(country_ids: list[int] | None) -> Table:
    """Obligated USD by funding account (``Program.funding_authority``) and fiscal year,
    of programs not archived with a country in ``country_ids`` (None: all), each program
    once (a regional program counts in full, as on the dashboards). One query."""
    rows = Funding.objects.filter(program__archived_at__isnull=True)
    if country_ids is not None:
        rows = rows.filter(program__in=Program.objects.filter(countries__id__in=country_ids).values("id"))
    sums = (rows.values("program__funding_authority", "fiscal_year").annotate(obligated=Sum("obligated"))
            .order_by("program__funding_authority", "fiscal_year"))
    years: set[int] = set()
    by_account: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in sums:
        by_account[row["program__funding_authority"] or NO_ACCOUNT][row["fiscal_year"]] += row["obligated"]
        years.add(row["fiscal_year"])
    ordered = sorted(years)
    table_rows = [[account, *[amounts.get(y, Decimal(0)) for y in ordered], sum(amounts.values(), Decimal(0))]
                  for account, amounts in sorted(by_account.items())]
    return Table("funding-by-account", "Obligated funding by account and fiscal year",
                 [Column("Account"), *[Column(f"FY{y} (USD)", "money") for y in ordered],
                  Column("Total (USD)", "money")],
                 table_rows, note="Programs not archived; account: the program's funding authority.",
                 empty_message="No funding recorded.")


def _flag_tables(country_ids: list[int] | None, scope: str) -> list[Table]:
    """The open flags the brief lists (overlaps, gaps, vetting, surge): the flag lists'
    own tables (stored figure sets, with their counts), first rows only."""
    tables = []
    for key in FLAG_KINDS_LISTED:
        table = flag_table(key, country_ids, scope=scope)
        shown = capped(table, FLAG_ROWS_SHOWN, "items")
        shown.total = table.total
        tables.append(shown)
    return tables


def _reviews_table(country: Country) -> Table:
    reviews = list(ProgramReview.objects.filter(program__countries=country).exclude(decision="")
                   .select_related("program", "decided_by", "cycle").order_by("-decided_at", "-id")[:REVIEWS_SHOWN])
    return Table("review-decisions", "Recent review decisions",
                 [Column("Program"), Column("Review"), Column("Decision"), Column("Decided on", "datetime"),
                  Column("By"), Column("Rationale")],
                 [[Link(r.program.code, program_url(r.program_id)),
                   "out of cycle" if r.out_of_cycle else (f"FY{r.cycle.fiscal_year} cycle" if r.cycle else ""),
                   r.get_decision_display(), r.decided_at, str(r.decided_by or ""), r.rationale] for r in reviews],
                 note=f"The latest {REVIEWS_SHOWN} decided reviews of programs in this country.",
                 empty_message="No review decided yet.")


def country_brief(*, country: Country) -> Brief:
    """The country brief: the country dashboard's figures, funding by account, the running
    programs, the open flags with their items, recent review decisions and the map of the
    country's State bureau (coloured by selectivity band)."""
    dashboard = country_dashboard(country=country, programs_limit=None)
    programs = dashboard.tables["programs"]
    headers = [c.header for c in programs.columns]
    status, obligated = headers.index("Status"), headers.index("Obligated (USD)")
    rows = sorted((r for r in programs.rows if r[status] in RUNNING_LABELS), key=lambda r: -(r[obligated] or 0))
    running = projected(dataclasses.replace(
        programs, key="running-programs", title="Running programs, largest obligations first", rows=rows),
        PROGRAM_COLUMNS)
    tables = {
        "funding_by_account": funding_by_account([country.id]),
        "running_programs": capped(running, PROGRAMS_SHOWN, "running programs"),
        "reviews": _reviews_table(country),
        "evaluations": capped(dashboard.tables["evaluations"], 10, "evaluations"),
        "recommendations": capped(dashboard.tables["recommendations"], 10, "open recommendations"),
    }
    region_map = maps.region_map(region=country.state_bureau, choice="band", interactive=False)
    return Brief("country", f"Country brief: {country.name}", dashboard, tables, region_map,
                 _flag_tables([country.id], f"country:{country.id}"), footer_text())


def portfolio_brief() -> Brief:
    """The portfolio brief: the portfolio dashboard's totals, funding, ranking and flags,
    funding by account, and the world map coloured by selectivity band."""
    dashboard = portfolio_dashboard()
    tables = {
        "funding_by_account": funding_by_account(None),
        "ranking": capped(projected(dashboard.tables["ranking"], RANKING_COLUMNS), RANKING_SHOWN, "countries"),
        "mismatches": capped(projected(dashboard.tables["mismatches"], RANKING_COLUMNS), 10, "countries"),
    }
    return Brief("portfolio", "Portfolio brief", dashboard, tables,
                 maps.portfolio_map(choice="band", interactive=False,
                                    country_funding=dashboard.extra["country_funding"]),
                 _flag_tables(None, "portfolio"), footer_text())
