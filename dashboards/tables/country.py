"""The country dashboard's tables, over ``dashboards.selectors.country.CountryFigures``
(model instances with their joins, and dicts)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from assessments.models import Band
from evaluations.models import RollupStatus
from programs.links import program_url

from .base import DashboardTable
from .columns import (
    BadgeColumn,
    DateColumn,
    DateTimeColumn,
    LabelColumn,
    MoneyColumn,
    NumberColumn,
    PercentColumn,
    RecordLinkColumn,
    ScoreColumn,
    TextColumn,
    program_label_html,
)
from .links import url_or_none
from .overview import FiscalYearColumn
from infrastructure.dates import date_text

BAND_LABELS = dict(Band.choices)
MOE_STATUS_LABELS = dict(RollupStatus.choices)


class ScoreTrendTable(DashboardTable):
    key, title = "score-trend", "Selectivity score trend"
    computed = DateTimeColumn("Computed at", accessor="computed_at")
    score = ScoreColumn("Score")
    band = LabelColumn("Band", labels=BAND_LABELS)
    priority_component = ScoreColumn("P, priority")
    conditions_component = ScoreColumn("C, conditions")
    effectiveness_component = ScoreColumn("E, effectiveness")
    framework = TextColumn("Framework", accessor="framework__version")
    flags = TextColumn("Flags")

    empty = "No selectivity score computed for this country yet."

    def render_framework(self, value) -> str:
        return f"v{value}"

    def value_framework(self, value) -> str:
        return f"v{value}"

    def render_flags(self, value) -> str:
        return ", ".join(value) or "—"

    def value_flags(self, value) -> str:
        return ", ".join(value)


class AssessmentTable(DashboardTable):
    key, title = "assessment", "Latest approved assessment by criterion"
    criterion = TextColumn("Criterion", accessor="criterion__name")
    score = NumberColumn("Score (1-5)")
    weight = NumberColumn("Weight", accessor="criterion__weight")
    justification = TextColumn("Justification")

    empty = "No approved assessment of this country yet."


def assessment_table(figures) -> AssessmentTable:
    """The latest approved assessment's criterion scores, saying when and under which framework."""
    assessment = figures.assessment
    note = (f"Assessed on {date_text(assessment.assessed_on)}, framework v{assessment.framework.version}."
            if assessment else "")
    return AssessmentTable(figures.assessment_scores, note=note,
                           computed_at=assessment.approved_at if assessment else None)


class FundingByFiscalYearAgencyTable(DashboardTable):
    key, title = "funding-by-fy-agency", "Funding by fiscal year and lead agency"
    note = "Programs not archived; a regional program's funding counts in full here."
    fiscal_year = FiscalYearColumn("Fiscal year")
    agency = TextColumn("Lead agency", accessor="agency")
    planned = MoneyColumn("Planned (USD)")
    obligated = MoneyColumn("Obligated (USD)")
    disbursed = MoneyColumn("Disbursed (USD)")

    empty = "No funding recorded for programs in this country."


class ProgramLinkColumn(RecordLinkColumn):
    """A Program as "<code> <title>", linking to its page."""

    def __init__(self, verbose_name: str, **kwargs):
        super().__init__(verbose_name, url=lambda program: program_url(program.id), **kwargs)

    def render(self, value, record) -> str:
        return super().render(program_label_html(record.code, record.title), record)

    def value(self, value, record) -> str:
        return f"{record.code} {record.title}"


def _next_review(program) -> str:
    if program.review_created is None:
        return ""
    if program.review_out_of_cycle:
        return "pending, out of cycle"
    return f"pending, FY{program.review_fy} cycle"


class ProgramsTable(DashboardTable):
    """The page folds lead agency, years and scope into the program's cell (a line under
    its title) so that every figure fits at 1366 px; the download keeps them as columns."""

    key, title = "programs", "Programs"
    program = ProgramLinkColumn("Program", accessor="code")
    agency = TextColumn("Lead agency", accessor="lead_agency__code", visible=False)
    status = TextColumn("Status", accessor="get_status_display")
    years = TextColumn("Years", accessor="start_fy", visible=False)
    scope = TextColumn("Scope", accessor="country_count", visible=False)
    total_planned = MoneyColumn("Planned (USD)")
    total_obligated = MoneyColumn("Obligated (USD)")
    achievement = PercentColumn("Achievement", accessor="rollup__achievement")
    moe_status = BadgeColumn("MOE status", labels={**MOE_STATUS_LABELS, None: "No data"}, accessor="rollup__status",
                             empty_values=())
    review = TextColumn("Next review", accessor="review_created", empty_values=())

    empty = "No programs in this country yet."

    def render_program(self, value, record) -> SafeString:
        facts = [record.lead_agency.code, self.render_years(record)] + (["regional"] if record.country_count > 1 else [])
        return format_html('{}<span class="cell-meta">{}</span>', self.columns["program"].column.render(value, record),
                           " · ".join(facts))

    def value_program(self, value, record) -> str:
        return self.columns["program"].column.value(value, record)

    def render_years(self, record) -> str:
        return f"FY{record.start_fy}-FY{record.end_fy}"

    value_years = render_years

    def render_scope(self, value) -> str:
        return "regional" if value > 1 else "—"

    def value_scope(self, value) -> str:
        return "regional" if value > 1 else ""

    def render_achievement(self, value) -> str:
        return f"{value * 100:.1f} %"

    def value_achievement(self, value) -> float:
        return round(value * 100, 1)

    def render_review(self, record) -> str:
        return _next_review(record) or "—"

    def value_review(self, record) -> str:
        return _next_review(record)


def programs_table(figures) -> ProgramsTable:
    """The country's programs, saying how many are shown when the page lists the first."""
    shown, total = len(figures.programs), figures.programs_total
    note = "Achievement: the program's precomputed rollup. Next review: a pending program review."
    if shown < total:
        note += f" Showing {shown} of {total} programs; the CSV download and the program list have them all."
    return ProgramsTable(figures.programs, computed_at=figures.programs_computed_at, note=note)


class MoePerformanceTable(DashboardTable):
    key, title = "moe-performance", "MOE performance (running programs)"
    note = "On track >= 85 % achievement, needs attention >= 60 %, off track below."
    status = LabelColumn("Status by latest period", labels=MOE_STATUS_LABELS)
    moes = NumberColumn("MOEs")

    empty = "No measures of effectiveness on running programs yet."


def moe_performance_table(figures) -> MoePerformanceTable:
    """MOEs of running programs by the status of their latest period (empty without MOEs)."""
    rows = [{"status": s, "moes": n} for s, n in figures.moe_counts.items()] if figures.moe_count else []
    return MoePerformanceTable(rows, computed_at=figures.moe_computed_at)


def _evaluation_url(evaluation) -> str:
    return url_or_none("evaluations:evaluation-detail", pk=evaluation.pk) or program_url(evaluation.program_id)


class EvaluationsTable(DashboardTable):
    key, title = "evaluations", "Evaluations"
    evaluation = RecordLinkColumn("Evaluation", accessor="title", url=_evaluation_url)
    program = RecordLinkColumn("Program", accessor="program__code", is_code=True,
                               url=lambda evaluation: program_url(evaluation.program_id))
    evaluation_type = TextColumn("Type", accessor="get_evaluation_type_display")
    started_on = DateColumn("Started")
    completed_on = DateColumn("Completed")
    rating = TextColumn("Rating", accessor="get_rating_display")
    open_recs = NumberColumn("Open recommendations")

    empty = "No evaluation of programs in this country yet."


class RecommendationsTable(DashboardTable):
    key, title = "recommendations", "Open recommendations"
    text = TextColumn("Recommendation")
    program = RecordLinkColumn("Program", accessor="evaluation__program__code", is_code=True,
                               url=lambda r: program_url(r.evaluation.program_id))
    owner = TextColumn("Owner")
    due_on = DateColumn("Due on")
    follow_up = TextColumn("Follow-up", accessor="get_follow_up_status_display")
    overdue = TextColumn("Overdue", accessor="due_on")

    empty = "No open recommendation."

    def __init__(self, data, *, today, **kwargs):
        self.today = today
        super().__init__(data, **kwargs)

    def render_overdue(self, value) -> str:
        return "overdue" if value < self.today else "—"

    def value_overdue(self, value) -> str:
        return "overdue" if value < self.today else ""


def records_url(kind: str, country) -> str:
    """The record list of ``kind`` searched for the country's name."""
    return reverse("programs:record-list", kwargs={"kind": kind}) + "?" + urlencode({"q": country.name})


class DonorEngagementsTable(DashboardTable):
    key, title = "donor-engagements", "Other donors' engagements"
    donor = TextColumn("Donor", accessor="donor__name")
    kind = TextColumn("Kind", accessor="donor__get_kind_display")
    sector = TextColumn("Sector", accessor="sector__dac_code")
    years = TextColumn("Years", accessor="start_fy")
    amount_usd = MoneyColumn("Amount (USD)")
    description = TextColumn("Description")

    empty = "No other donor's engagement recorded."

    def __init__(self, data, *, country, **kwargs):
        self.records = records_url("donor-engagements", country)
        super().__init__(data, **kwargs)

    def render_donor(self, value) -> str:
        return format_html('<a href="{}">{}</a>', self.records, value)

    def render_sector(self, record) -> str:
        return f"{record.sector.dac_code} {record.sector.name}"

    value_sector = render_sector

    def render_years(self, record) -> str:
        return f"FY{record.start_fy}-FY{record.end_fy}"

    value_years = render_years


class DivisionOfLabourTable(DashboardTable):
    key, title = "division-of-labor", "Division of labor by sector"
    note = ("'shared' marks a sector where US programs and other donors are both active "
            "(a possible redundancy to coordinate).")
    sector = TextColumn("Sector (DAC)")
    us = TextColumn("US agencies (running programs)")
    donors = TextColumn("Other donors")
    who = TextColumn("Who")

    empty = "No sector recorded for running programs or donors."


class CrisesTable(DashboardTable):
    key, title = "crises", "Crisis events"
    crisis = TextColumn("Crisis", accessor="title")
    occurred_on = DateColumn("Occurred on")
    closed_on = DateColumn("Closed on")
    state = TextColumn("State", accessor="is_open")

    empty = "No crisis event recorded."

    def render_state(self, value) -> str:
        return "open" if value else "closed"

    value_state = render_state
