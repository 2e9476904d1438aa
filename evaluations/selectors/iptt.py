"""The target-vs-actual report (IPTT, "indicator performance tracking table"): MOEs x
periods with targets, actuals and percent met, per program or across the programs of a
country, region or goal.

Wide layout: a row per MOE, then life-of-program and program-to-date figures, then a
column group per period (the MOEs' own periods, or fiscal years when rolled up to
annual). Everything is read in a fixed number of queries (flat as data grows) and each
cell is formatted here once, so the template only places precomputed text. Large reports
page by MOE (``PAGE_SIZE`` MOEs a page); exports read every MOE.

Figures come from the stored ``MoeAchievement`` rows (the rollup recompute keeps them
current); the summaries' rules are in :mod:`evaluations.computations.iptt`.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from decimal import Decimal
from math import ceil

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from programs.fiscal import Period
from programs.links import program_url
from programs.models import (
    RUNNING_STATUSES, Country, Goal, MeasureOfEffectiveness, MeasurementDisaggregation, Program, Region,
    RegionScheme,
)

from ..computations.achievement import fiscal_year_of_period
from ..computations.iptt import LOP, PTD, Met, Pairing, percent_met
from ..computations.iptt_sql import summary_pairings_sql
from ..models import MoeAchievement, RollupStatus
from infrastructure.text import shortened

PAGE_SIZE = 100
FREQUENCIES = {"own": "Each MOE's own periods", "annual": "Rolled up to fiscal years"}
GROUPINGS = {"program": "Program", "goal": "Goal", "objective": "Strategy objective"}
HIDEABLE = {
    "unit": "Unit", "baseline": "Baseline", "lop": "Life of program", "ptd": "Program to date",
    "target": "Targets", "actual": "Actuals", "met": "Percent met",
}
STATUS_TEXT = {
    RollupStatus.ON_TRACK: "on track", RollupStatus.NEEDS_ATTENTION: "needs attention",
    RollupStatus.OFF_TRACK: "off track", RollupStatus.NO_DATA: "",
}
RULES = (
    "Percent met = (actual − baseline) ÷ (target − baseline), mirrored for MOEs where a decrease is "
    "better; a target equal to the baseline is met or not (100% or 0%). On track from 85%, needs "
    "attention from 60%, off track below.",
    "Cumulative MOEs (marked Σ) show running totals: each period's actual is the sum of the approved "
    "values of every period ending on or before it.",
    "Fiscal years (rolled up to annual): the year-end target (the year's last targeted period) and "
    "the year's latest approved actual. Life of program: the last target and the latest actual. "
    "Program to date: the latest actual and the last target due by its period.",
)


# --- the request ------------------------------------------------------------------------
@dataclass(frozen=True)
class IpttOptions:
    """How to lay out a report: frequency (``own`` or ``annual``), the periods (the most
    recent ``last`` that have begun by ``today``, or ``start``..``end`` period codes),
    grouping, hidden column kinds (keys of ``HIDEABLE``), disaggregation rows, the page."""

    frequency: str = "own"
    last: int | None = None
    start: str | None = None
    end: str | None = None
    group_by: str = "program"
    hidden: frozenset[str] = frozenset()
    disaggregate: bool = False
    charts: bool = False
    page: int = 1
    today: dt.date | None = None


Subject = Program | Country | Region | Goal


def subject_moes(subject: Subject) -> QuerySet[MeasureOfEffectiveness]:
    """The MOEs a report covers: a program's (not archived); for a country, region (any
    scheme) or goal (with its sub-goals), those of its running, not archived programs."""
    moes = MeasureOfEffectiveness.objects.filter(archived_at__isnull=True)
    if isinstance(subject, Program):
        return moes.filter(program=subject)
    programs = Program.objects.filter(status__in=RUNNING_STATUSES, archived_at__isnull=True)
    if isinstance(subject, Country):
        programs = programs.filter(countries=subject)
    elif isinstance(subject, Region):
        where = "countries__state_bureau" if subject.scheme == RegionScheme.STATE_BUREAU else "countries__combatant_command"
        programs = programs.filter(**{where: subject})
    else:
        programs = programs.filter(Q(goals=subject) | Q(goals__parent=subject))
    return moes.filter(program__in=programs.values("id"))


# --- the answer -------------------------------------------------------------------------
Cell = tuple[str, str, str]  # (text, CSS classes, status text shown beside the colour)
Figure = tuple[str, "Decimal | None", "Decimal | None", Met]  # (column label, target, actual, percent met)


@dataclass(frozen=True)
class Column:
    """A period column group (``key``: period code, or fiscal year when annual)."""

    key: str | int
    label: str
    start: dt.date
    end: dt.date


@dataclass
class ReportRow:
    """One MOE (or one of its disaggregation categories: ``is_category``)."""

    moe_id: int
    program_id: int
    program_code: str
    name: str
    note: str
    cells: list[Cell]
    figures: list[Figure]  # life of program, program to date, then each column (exports read these)
    is_category: bool = False
    status: str = RollupStatus.NO_DATA
    url: str = ""

    @property
    def cells_html(self) -> SafeString:
        """The row's ``<td>`` cells as markup, built once here rather than per cell in
        the template engine (the report's rendering cost is in its cells); texts escaped."""
        return mark_safe("".join(
            f'<td class="{css}">{html.escape(text)}'
            + (f' <span class="iptt-status">{html.escape(note)}</span>' if note else "") + "</td>"
            for text, css, note in self.cells
        ))


@dataclass
class ReportGroup:
    label: str
    rows: list[ReportRow] = field(default_factory=list)


@dataclass
class IpttReport:
    """A report page: ``columns`` (period groups), ``headers`` (the sub-columns, in cell
    order, after the MOE column), ``groups`` of rows, paging and the rules in force."""

    title: str
    options: IpttOptions
    columns: list[Column]
    all_columns: list[Column]
    leading: list[tuple[str, int]]  # (label, span) of the groups before the periods
    sub_headers: list[str]
    groups: list[ReportGroup]
    moe_count: int
    page: int
    page_count: int
    series: dict[int, list[dict]]  # moe id -> period figures (for charts)
    moes: dict[int, dict]
    rules: tuple[str, ...] = RULES

    @property
    def span(self) -> int:
        return 1 + len(self.sub_headers)

    @property
    def triple_span(self) -> int:
        """Sub-columns of each period group (target, actual, % met less the hidden ones)."""
        return sum(kind not in self.options.hidden for kind in ("target", "actual", "met"))

    @property
    def page_numbers(self) -> range:
        """The page links shown: up to four either side of the current page."""
        return range(max(1, self.page - 4), min(self.page_count, self.page + 4) + 1)


VALUE_PLACES = Decimal("0.0001")  # MOE values and targets are stored with 4 decimals

def _number(value: Decimal | float | None) -> str:
    """12500.0000 -> "12,500"; 12.25 -> "12.25"; None -> "—"."""
    if value is None:
        return "—"
    # SQLite's window sums come back as floats: read them as written (str), then at the
    # values' stored precision (4 decimals), so 81.04 never shows as 81.0400000000000062.
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{number.quantize(VALUE_PLACES).normalize():,f}"


def _met_cell(met: Met) -> Cell:
    if met.achievement is None:
        return ("—", "num iptt-met status-no_data", "")
    return (f"{met.achievement * 100:.1f}%", f"num iptt-met status-{met.status}", STATUS_TEXT[met.status])


def _triple(target, actual, met: Met, shown: tuple[bool, bool, bool], *, first: bool) -> list[Cell]:
    edge = " iptt-group-start" if first else ""
    cells: list[Cell] = []
    if shown[0]:
        cells.append((_number(target), "num" + edge, ""))
    if shown[1]:
        cells.append((_number(actual), "num" + ("" if shown[0] else edge), ""))
    if shown[2]:
        text, css, note = _met_cell(met)
        cells.append((text, css + ("" if shown[0] or shown[1] else edge), note))
    return cells


def _columns(moes: QuerySet, options: IpttOptions) -> list[Column]:
    rows = (
        MoeAchievement.objects.filter(moe__in=moes.values("id"))
        .values_list("period", "period_end").distinct().order_by()
    )
    if options.frequency == "annual":
        years = sorted({fiscal_year_of_period(code) for code, _ in rows})
        return [Column(year, f"FY{year}", Period(year).start, Period(year).end) for year in years]
    periods = sorted({Period.parse(code) for code, _ in rows}, key=lambda p: (p.end, -len(p.code)))
    return [Column(p.code, p.code, p.start, p.end) for p in periods]


def columns_chosen(columns: list[Column], options: IpttOptions) -> list[Column]:
    """The columns of the chosen range: ``start``..``end`` by dates (a period code of any
    frequency), or the ``last`` N that have begun by ``today``; all by default."""
    chosen = columns
    if options.start:
        start = Period.parse(options.start).start
        chosen = [c for c in chosen if c.end >= start]
    if options.end:
        end = Period.parse(options.end).end
        chosen = [c for c in chosen if c.start <= end]
    if options.last:
        today = options.today or dt.date.today()
        chosen = [c for c in chosen if c.start <= today][-options.last:]
    return chosen


def _ordered_moes(moes: QuerySet, group_by: str) -> list[tuple[str, dict]]:
    """(group label, MOE fields) in report order: by group, program code, MOE id."""
    fields = ["id", "name", "unit", "direction", "is_cumulative", "frequency", "baseline_value",
              "program_id", "program__code", "program__title"]
    if group_by == "goal":
        group_fields = ["program__goals__code", "program__goals__title"]
    elif group_by == "objective":
        group_fields = ["program__objectives__strategy__title", "program__objectives__code",
                        "program__objectives__description"]
    else:
        group_fields = ["program__code", "program__title"]
    rows = moes.values(*fields, *group_fields).order_by()
    found = []
    for row in rows:
        if group_by == "goal":
            label = f"Goal {row['program__goals__code']}: {row['program__goals__title']}" \
                if row["program__goals__code"] else "No goal linked"
        elif group_by == "objective":
            label = (f"{row['program__objectives__strategy__title']} · objective {row['program__objectives__code']}: "
                     f"{shortened(row['program__objectives__description'], 80)}") if row["program__objectives__code"] \
                else "No strategy objective linked"
        else:
            label = f"{row['program__code']} · {row['program__title']}"
        found.append((label, row))
    unlinked = ("No goal linked", "No strategy objective linked")
    found.sort(key=lambda item: (item[0] in unlinked, item[0], item[1]["program__code"], item[1]["id"]))
    return found


def _shown(options: IpttOptions) -> tuple[bool, bool, bool]:
    return ("target" not in options.hidden, "actual" not in options.hidden, "met" not in options.hidden)


def _headers(columns: list[Column], options: IpttOptions) -> tuple[list[tuple[str, int]], list[str]]:
    shown = _shown(options)
    triple = [name for name, on in zip(("Target", "Actual", "% met"), shown) if on]
    leading: list[tuple[str, int]] = []
    subs: list[str] = []
    fixed = [name for key, name in (("unit", "Unit"), ("baseline", "Baseline")) if key not in options.hidden]
    if fixed:
        leading.append(("", len(fixed)))
        subs += fixed
    for key, label in (("lop", "Life of program"), ("ptd", "Program to date")):
        if key not in options.hidden and triple:
            leading.append((label, len(triple)))
            subs += triple
    if triple:
        subs += triple * len(columns)
    return leading, subs


def _category_rows(moe_ids: list[int], by_moe_meta: dict[int, dict]) -> dict[int, dict[str, dict[str, Decimal]]]:
    """moe id -> "dimension: category" -> period -> actual (running total for cumulative
    MOEs), from the approved measurements' breakdowns. One query."""
    rows = (
        MeasurementDisaggregation.objects.filter(measurement__moe_id__in=moe_ids, measurement__status="approved")
        .values_list("measurement__moe_id", "category__dimension", "category__name", "measurement__period",
                     "measurement__period_end", "value")
        .order_by("measurement__moe_id", "category__dimension", "category__name", "measurement__period_end")
    )
    found: dict[int, dict[str, dict[str, Decimal]]] = {}
    for moe_id, dimension, name, period, _end, value in rows:
        values = found.setdefault(moe_id, {}).setdefault(f"{dimension[:1].upper()}{dimension[1:]}: {name}", {})
        if by_moe_meta[moe_id]["is_cumulative"] and values:
            value = list(values.values())[-1] + value
        values[period] = value
    return found


def iptt_report(subject: Subject, options: IpttOptions, *, all_pages: bool = False) -> IpttReport:
    """The report of ``subject`` laid out by ``options`` (one page, or every MOE with
    ``all_pages`` for exports). Queries: columns, MOEs, figures, summaries, and the
    breakdowns when asked: flat as data grows."""
    moes = subject_moes(subject)
    all_columns = _columns(moes, options)
    columns = columns_chosen(all_columns, options)
    ordered = _ordered_moes(moes, options.group_by)
    moe_count = len({row["id"] for _, row in ordered})
    page_count = max(1, ceil(len(ordered) / PAGE_SIZE))
    page = min(max(1, options.page), page_count)
    if not all_pages:
        ordered = ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    meta = {row["id"]: row for _, row in ordered}
    moe_ids = list(meta)
    figures: dict[int, dict[str, dict]] = {moe_id: {} for moe_id in moe_ids}
    series: dict[int, list[dict]] = {moe_id: [] for moe_id in moe_ids}
    for row in (MoeAchievement.objects.filter(moe_id__in=moe_ids)
                .values("moe_id", "period", "period_end", "target", "actual", "achievement", "status")
                .order_by("moe_id", "period_end", "-period")):
        figures[row["moe_id"]][row["period"]] = row
        series[row["moe_id"]].append(row)
    annual = options.frequency == "annual"
    pairings = summary_pairings_sql(moe_ids, per_year=annual) if moe_ids else {}
    categories = _category_rows(moe_ids, meta) if options.disaggregate and moe_ids else {}
    leading, subs = _headers(columns, options)
    shown = _shown(options)
    # one address per program, not per MOE (reverse() per row cost ~10% of a program's report)
    urls = {program_id: program_url(program_id) for program_id in {row["program_id"] for row in meta.values()}}
    groups: list[ReportGroup] = []
    for label, row in ordered:
        if not groups or groups[-1].label != label:
            groups.append(ReportGroup(label))
        moe_pairings = pairings.get(row["id"], {})
        groups[-1].rows.append(_moe_row(row, columns, options, shown, figures[row["id"]], moe_pairings,
                                        url=urls[row["program_id"]]))
        for category, values in categories.get(row["id"], {}).items():
            groups[-1].rows.append(_category_row(row, category, values, columns, options, shown))
    return IpttReport(
        title=f"Target vs actual · {subject}", options=options, columns=columns, all_columns=all_columns,
        leading=leading, sub_headers=subs, groups=groups, moe_count=moe_count, page=page, page_count=page_count,
        series=series, moes=meta,
    )


def _fixed_cells(row: dict, options: IpttOptions) -> list[Cell]:
    cells: list[Cell] = []
    if "unit" not in options.hidden:
        cells.append((row["unit"], "", ""))
    if "baseline" not in options.hidden:
        cells.append((_number(row["baseline_value"]), "num", ""))
    return cells


def _note(row: dict) -> str:
    parts = [row["frequency"].replace("_", " ")]
    if row["is_cumulative"]:
        parts.append("Σ cumulative")
    if row["direction"] == "decrease":
        parts.append("decrease is better")
    return ", ".join(parts)


def _cells(row: dict, figures: list[Figure], options: IpttOptions, shown) -> list[Cell]:
    cells = _fixed_cells(row, options)
    index = 0
    for key in ("lop", "ptd"):
        if key not in options.hidden:
            cells += _triple(*figures[index][1:4], shown, first=True)
        index += 1
    for figure in figures[2:]:
        cells += _triple(*figure[1:4], shown, first=True)
    return cells


def _moe_row(row: dict, columns: list[Column], options: IpttOptions, shown, periods: dict[str, dict],
             pairings: dict[str | int, Pairing], *, url: str) -> ReportRow:
    def met_of(pairing: Pairing | None) -> Met:
        if pairing is None:
            return Met(None, RollupStatus.NO_DATA)
        return percent_met(pairing, direction=row["direction"], baseline=row["baseline_value"])

    def summary(label: str, pairing: Pairing | None) -> Figure:
        return (label, pairing and pairing.target, pairing and pairing.actual, met_of(pairing))

    figures: list[Figure] = [summary("Life of program", pairings.get(LOP)), summary("Program to date", pairings.get(PTD))]
    for column in columns:
        if options.frequency == "annual":
            figures.append(summary(column.label, pairings.get(column.key)))
        else:
            stored = periods.get(column.key)
            figures.append((column.label, None, None, Met(None, RollupStatus.NO_DATA)) if stored is None else
                           (column.label, stored["target"], stored["actual"], Met(stored["achievement"], stored["status"])))
    return ReportRow(
        moe_id=row["id"], program_id=row["program_id"], program_code=row["program__code"], name=row["name"],
        note=_note(row), cells=_cells(row, figures, options, shown), figures=figures, status=figures[1][3].status,
        url=url,
    )


def _category_row(row: dict, category: str, values: dict[str, Decimal], columns: list[Column],
                  options: IpttOptions, shown) -> ReportRow:
    """A disaggregation row: the category's actuals only (targets are set for the MOE)."""
    no_data = Met(None, RollupStatus.NO_DATA)
    latest = list(values.values())[-1] if values else None
    figures: list[Figure] = [("Life of program", None, latest, no_data), ("Program to date", None, latest, no_data)]
    for column in columns:
        if options.frequency == "annual":
            in_year = [v for period, v in values.items() if fiscal_year_of_period(period) == column.key]
            actual = in_year[-1] if in_year else None
        else:
            actual = values.get(column.key)
        figures.append((column.label, None, actual, no_data))
    cells = _cells(row, figures, options, shown)
    blank = len(_fixed_cells(row, options))
    cells[:blank] = [("", "", "")] * blank
    return ReportRow(
        moe_id=row["id"], program_id=row["program_id"], program_code=row["program__code"], name=category,
        note="", cells=cells, figures=figures, is_category=True,
    )
