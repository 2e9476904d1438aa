"""The briefs' own tables (funding by account, recent review decisions) and the two ways
a brief shortens a dashboard table for the page without changing a figure: fewer rows
(``capped``) and fewer columns (``keep_columns``)."""
from __future__ import annotations

from dashboards.tables.base import DashboardTable
from dashboards.tables.columns import DateTimeColumn, MoneyColumn, RecordLinkColumn, TextColumn
from programs.links import program_url

from django.urls import reverse

from ..selectors.briefs import REVIEWS_SHOWN, AccountFunding, UndecidedReviews


class FundingByAccountTable(DashboardTable):
    """Rows of ``reports.selectors.briefs.AccountFunding``; a column per fiscal year."""

    key, title = "funding-by-account", "Obligated funding by account and fiscal year"
    note = "Programs not archived, each once; account: the program's funding authority."
    account = TextColumn("Account")

    empty = "No funding recorded."

    def __init__(self, funding: AccountFunding, **kwargs):
        columns = [*((f"fy{y}", MoneyColumn(f"FY{y} (USD)")) for y in funding.years),
                   ("total", MoneyColumn("Total (USD)"))]
        super().__init__(funding.rows, extra_columns=columns, **kwargs)


class ReviewDecisionsTable(DashboardTable):
    """ProgramReview rows (``reports.selectors.briefs.review_decisions``)."""

    key, title = "review-decisions", "Recent review decisions"
    note = f"The latest {REVIEWS_SHOWN} decided reviews of programs in this country."
    program = RecordLinkColumn("Program", accessor="program__code", is_code=True,
                               url=lambda review: program_url(review.program_id))
    review = TextColumn("Review", accessor="out_of_cycle", empty_values=())
    decision = TextColumn("Decision", accessor="get_decision_display")
    decided_at = DateTimeColumn("Decided on")
    decided_by = TextColumn("By")
    rationale = TextColumn("Rationale")

    empty = "No review decided yet."

    def __init__(self, data, *, country_name: str, undecided: UndecidedReviews, fiscal_year: int, **kwargs):
        super().__init__(data, **kwargs)
        self.empty_text, self.empty_action = reviews_missing(country_name, undecided, fiscal_year)

    def render_review(self, record) -> str:
        if record.out_of_cycle:
            return "out of cycle"
        return f"FY{record.cycle.fiscal_year} cycle" if record.cycle else "—"

    value_review = render_review


def reviews_missing(country_name: str, undecided: UndecidedReviews, fiscal_year: int) -> tuple[str, dict]:
    """What a brief says when no review of the country's programs is decided: what is
    missing, and where to act (``{"text", "url"}``: the review queue when reviews wait
    for a decision, else the planning worksheet of ``fiscal_year``, where a cycle opens a
    review of every program). No query."""
    if undecided.count:
        waiting = f"{undecided.count} review{'s' if undecided.count != 1 else ''} of its programs wait{'s' if undecided.count == 1 else ''} for a manager's decision"
        if undecided.after_crisis:
            waiting += f" ({undecided.after_crisis} opened by a crisis)"
        return (f"No review of a program in {country_name} has been decided yet: {waiting}.",
                {"text": "Decide them in the review queue", "url": reverse("dashboards:review-queue")})
    return (f"No program in {country_name} has been reviewed yet: a review opens with the annual planning cycle "
            "or with a crisis event on the country.",
            {"text": f"Open the FY{fiscal_year} cycle on the planning worksheet",
             "url": reverse("dashboards:planning-worksheet") + f"?fy={fiscal_year}"})


def capped(table: DashboardTable, limit: int, what: str = "rows", *, total: int | None = None) -> DashboardTable:
    """``table`` showing at most its first ``limit`` rows (django-tables2's first page),
    its note saying how many there are in all (``total``: when the table itself holds
    only the first of them). The table itself, shortened."""
    total = len(table.rows) if total is None else total
    if len(table.rows) > limit:
        table.paginate(per_page=limit)
        table.note = f"{table.note} First {limit} of {total} {what}; the dashboard and its download have them all."
        table.note = table.note.strip()
    return table


def keep_columns(table: DashboardTable, names: tuple[str, ...]) -> DashboardTable:
    """``table`` showing only the columns named in ``names``: the same figures, fewer
    columns for the page. The table itself, with the others hidden."""
    for column in list(table.columns.iterall()):
        if column.name not in names:
            table.columns.hide(column.name)
    return table
