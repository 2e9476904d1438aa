"""The home page's work lists: what waits for this user, by role, each item linking to
where it is dealt with.

Analyst: my draft values, values returned to me (with the reason), reporting periods due
or overdue for my agency's running programs (``notifications.reporting``), my proposals
awaiting a decision, open coordination findings on my agency's programs.
Manager: values awaiting approval grouped by program, country and agency (the groups
counted, each with its values),
proposals awaiting a decision, assessments to approve, programs under crisis review,
overdue recommendations.

Every list is one set-based query (a count and the first ``SHOWN`` rows), so the page
costs the same number of queries however much data there is.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentStatus, CountryAssessment
from evaluations.selectors.evaluations import overdue_recommendations
from notifications.models import ReportingPolicy
from notifications.reporting import OVERDUE, reporting_head
from programs import permissions
from programs.models import (
    MeasureOfEffectiveness,
    Measurement,
    MeasurementStatus,
    Program,
    ProgramReview,
    ProgramStatus,
    RUNNING_STATUSES,
)
from programs.selectors.measures import awaiting_approval
from infrastructure.dates import date_text
from infrastructure.text import shortened

SHOWN = 10  # rows shown per list; the count and a link lead to the rest


@dataclass
class WorkList:
    """One list of the home page: its heading, how many items, the first few rows
    (dicts with at least ``label`` and ``url``) and where the whole list is (``more_url``;
    for a list with a page of its own, ``rows_all`` gives that page its rows)."""

    key: str
    title: str
    count: int
    rows: list[dict] = field(default_factory=list)
    more_url: str = ""
    empty: str = "Nothing waiting."
    rows_all: "ListRows | None" = None


class ListRows:
    """A work list's whole list as the rows the page shows: ``count()`` and slices, one
    query each, so the home card shows its head and the list's own page paginates it
    (``django.core.paginator.Paginator`` takes it as it takes a queryset)."""

    def __init__(self, queryset, row: Callable[[Any], dict]):
        self.queryset, self.row = queryset, row

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, part: slice) -> list[dict]:
        return [self.row(item) for item in self.queryset[part]]


class _ReportingRows(ListRows):
    """The values an agency owes (``reporting_head``): the count of the rows and of the
    overdue ones come with every slice, by window functions."""

    def __init__(self, agency_id: int, today: dt.date, grace_days: int):
        super().__init__(None, self._row)
        self.agency_id, self.today, self.grace_days = agency_id, today, grace_days
        self.total: int | None = None
        self.overdue = 0

    def _head(self, offset: int, limit: int) -> list:
        self.total, self.overdue, rows = reporting_head(agency_id=self.agency_id, today=self.today,
                                                        grace_days=self.grace_days, limit=limit, offset=offset)
        return rows

    def count(self) -> int:
        if self.total is None:
            self._head(0, 1)
        return self.total

    def __getitem__(self, part: slice) -> list[dict]:
        start = part.start or 0
        return [self._row(r) for r in self._head(start, part.stop - start)]

    @staticmethod
    def _row(r) -> dict:
        return {"label": f"{r.program_code} · {r.moe_name} · {r.period}", "url": _grid_url(r.program_id, r.period),
                "detail": f"{'overdue since' if r.state == OVERDUE else 'due by'} {date_text(r.deadline)}",
                "tag": "Overdue" if r.state == OVERDUE else "Due"}


def _grid_url(program_id: int, period: str) -> str:
    return reverse("programs:measurement-grid", args=[program_id]) + f"?fy={period[2:6]}"


def _head(rows) -> tuple[int, list]:
    """How many rows, and the first SHOWN: always two queries, whatever the data."""
    return rows.count(), list(rows[:SHOWN])


def _analyst_list(key: str, title: str, rows: ListRows, *, empty: str) -> WorkList:
    """A list whose whole is on its own page (``dashboards:worklist``): its count and
    first SHOWN rows (two queries, whatever the data)."""
    shown = rows[:SHOWN]
    return WorkList(key, title, rows.count(), shown, more_url=reverse("dashboards:worklist", args=[key]),
                    empty=empty, rows_all=rows)


def _my_values(user, status: str) -> QuerySet[Measurement]:
    return (Measurement.objects.filter(entered_by=user, status=status, moe__archived_at__isnull=True,
                                       moe__program__archived_at__isnull=True)
            .select_related("moe__program").order_by("period_end", "pk"))


def my_drafts(user) -> WorkList:
    """Values the user entered and has not yet submitted."""
    rows = ListRows(_my_values(user, MeasurementStatus.DRAFT), lambda m: {
        "label": f"{m.moe.program.code} · {m.moe.name} · {m.period}", "url": _grid_url(m.moe.program_id, m.period),
        "detail": f"value {m.value.normalize():f}"})
    return _analyst_list("drafts", "My draft values", rows, empty="No drafts: every value you entered is submitted.")


def values_returned_to_me(user) -> WorkList:
    """Values a manager returned to the user, with the reason."""
    rows = ListRows(_my_values(user, MeasurementStatus.RETURNED), lambda m: {
        "label": f"{m.moe.program.code} · {m.moe.name} · {m.period}", "url": _grid_url(m.moe.program_id, m.period),
        "detail": f"Reason: {m.return_reason}"})
    return _analyst_list("returned", "Values returned to me", rows, empty="No value is waiting for your revision.")


def reporting_due(user, *, today: dt.date | None = None) -> WorkList:
    """Periods the user's agency's running programs owe values for: overdue, then due
    (oldest deadline first)."""
    today = today or timezone.localdate()
    if not user.agency_id:
        return WorkList("reporting", "Reporting due and overdue", 0, empty="You belong to no agency.")
    grace = ReportingPolicy.current().grace_days
    rows = _ReportingRows(user.agency_id, today, grace)
    work = _analyst_list("reporting", "Reporting due and overdue", rows,
                         empty=f"Every ended period has its values (values are due {grace} days after a period ends).")
    work.title = f"Reporting due and overdue ({rows.overdue} overdue)"
    return work


def _proposed() -> Q:
    return Q(status=ProgramStatus.PROPOSED, archived_at__isnull=True)


def my_proposals(user) -> WorkList:
    """Programs the user proposed (created) that wait for a manager's decision."""
    mine = Program.history.filter(history_type="+", history_user=user).values("id")
    rows = ListRows(Program.objects.filter(_proposed(), pk__in=mine).order_by("created_at", "pk"), lambda p: {
        "label": f"{p.code} {p.title}", "url": reverse("programs:program-detail", args=[p.pk]),
        "detail": f"proposed {date_text(p.created_at)}"})
    return _analyst_list("my-proposals", "My proposals awaiting decision", rows,
                         empty="None of your proposals is waiting for a decision.")


def findings_on_my_programs(user) -> WorkList:
    """Open coordination findings that name a program of the user's agency."""
    from evaluations.selectors.coordination import CHECKS, coordination_findings

    url = reverse("evaluations:coordination")
    if not user.agency_id:
        return WorkList("findings", "Coordination findings on my agency's programs", 0, more_url=url)
    mine = set(Program.objects.filter(lead_agency_id=user.agency_id, archived_at__isnull=True,
                                      status__in=RUNNING_STATUSES).values_list("pk", flat=True))
    countries = sorted(set(Program.countries.through.objects.filter(program_id__in=mine).values_list("country_id", flat=True)))
    # Only the checks whose findings name programs, only in the countries the agency works in.
    found = [
        (section, f) for section in coordination_findings(include_acknowledged=False, country_ids=countries,
                                                          checks=[c for c in CHECKS if c != "gap"])
        for f in section["findings"] if mine & set(f.program_ids)
    ]
    agency = user.agency.code if user.agency_id else ""
    return WorkList("findings", "Coordination findings on my agency's programs", len(found), [
        {"label": f.summary, "url": f"{url}?kind={section['name']}&agency={agency}", "detail": section["title"]}
        for section, f in found[:SHOWN]
    ], more_url=f"{url}?agency={agency}", empty="No open finding names a program of your agency.")


def pending_values_grouped() -> list[WorkList]:
    """Values awaiting approval by program, by country and by agency (three grouped
    queries): each list's count is its groups (programs, countries, agencies: what its
    heading names), each group's count its values; each group links to the approvals
    queue filtered to it. A regional program's values count in each of its countries."""
    pending = awaiting_approval()
    queue = reverse("programs:approvals")
    by_program = list(pending.values("moe__program_id", "moe__program__code", "moe__program__title")
                      .annotate(n=Count("id")).order_by("-n", "moe__program__code"))
    by_country = list(pending.values("moe__program__countries__iso3", "moe__program__countries__name")
                      .annotate(n=Count("id", distinct=True)).order_by("-n", "moe__program__countries__name"))
    by_agency = list(pending.values("moe__program__lead_agency__code")
                     .annotate(n=Count("id")).order_by("-n", "moe__program__lead_agency__code"))
    empty = "No value is waiting for approval."
    return [
        WorkList("pending-program", "Programs with values awaiting approval", len(by_program), [
            {"label": f"{r['moe__program__code']} {r['moe__program__title']}", "count": r["n"],
             "url": f"{queue}?program={r['moe__program_id']}"} for r in by_program[:SHOWN]
        ], more_url=queue, empty=empty),
        WorkList("pending-country", "Countries with values awaiting approval", len(by_country), [
            {"label": r["moe__program__countries__name"], "count": r["n"],
             "url": f"{queue}?country={r['moe__program__countries__iso3']}"} for r in by_country[:SHOWN]
        ], more_url=queue, empty=empty),
        WorkList("pending-agency", "Agencies with values awaiting approval", len(by_agency), [
            {"label": r["moe__program__lead_agency__code"], "count": r["n"],
             "url": f"{queue}?agency={r['moe__program__lead_agency__code']}"} for r in by_agency[:SHOWN]
        ], more_url=queue, empty=empty),
    ]


def proposals_awaiting_decision() -> WorkList:
    rows = Program.objects.filter(_proposed()).select_related("lead_agency").order_by("created_at", "pk")
    count, shown = _head(rows)
    return WorkList("proposals", "Proposals awaiting decision", count, [
        {"label": f"{p.code} {p.title}", "url": reverse("programs:program-detail", args=[p.pk]),
         "detail": f"{p.lead_agency.code}, proposed {date_text(p.created_at)}"} for p in shown
    ], more_url=reverse("programs:program-list") + "?status=proposed", empty="No proposal is waiting.")


def assessments_to_approve() -> WorkList:
    rows = CountryAssessment.objects.filter(status=AssessmentStatus.SUBMITTED).select_related("country", "created_by").order_by("submitted_at", "pk")
    count, shown = _head(rows)
    return WorkList("assessments", "Assessments to approve", count, [
        {"label": f"{a.country.name}, assessed {date_text(a.assessed_on)}", "url": reverse("assessments:assessment-detail", args=[a.pk]),
         "detail": f"by {a.created_by.get_full_name() or a.created_by.username}"} for a in shown
    ], more_url=reverse("assessments:assessment-list") + "?status=submitted", empty="No assessment is waiting.")


def programs_under_crisis_review() -> WorkList:
    reviews = (ProgramReview.objects.filter(decision="", crisis__isnull=False, program__archived_at__isnull=True)
               .select_related("program", "crisis__country").order_by("crisis__occurred_on", "program__code"))
    count, shown = _head(reviews)
    return WorkList("crisis", "Programs under crisis review", count, [
        {"label": f"{r.program.code} {r.program.title}", "url": reverse("dashboards:review-queue"),
         "detail": f"{r.crisis.title} ({r.crisis.country.name}, {date_text(r.crisis.occurred_on)})"} for r in shown
    ], more_url=reverse("dashboards:review-queue"), empty="No program is under crisis review.")


def recommendations_overdue() -> WorkList:
    rows = overdue_recommendations()
    count, shown = _head(rows)
    return WorkList("recommendations", "Overdue recommendations", count, [
        {"label": shortened(r.text, 120), "url": reverse("evaluations:evaluation-detail", args=[r.evaluation_id]) + f"#recommendation-{r.pk}",
         "detail": f"{r.evaluation.program.code}, {r.owner}, due {r.due_on:%d %b %Y}"} for r in shown
    ], more_url=reverse("evaluations:overdue"), empty="No recommendation is overdue.")


def headline_counts(user) -> list[dict]:
    """Counts that mean something: countries with programs (not every ISO country),
    running programs, MOEs in use, values awaiting approval; each with the URL of the page
    that lists them, or None where ``user`` may not open it (the approvals queue is the
    managers')."""
    programs = Program.objects.filter(archived_at__isnull=True)
    return [
        {"label": "countries with programs", "count": Program.countries.through.objects.filter(
            program__archived_at__isnull=True).values("country_id").distinct().count(),
         "url": reverse("dashboards:country-list")},
        {"label": "running programs", "count": programs.filter(status__in=RUNNING_STATUSES).count(),
         "url": reverse("programs:program-list")},
        {"label": "measures of effectiveness in use", "count": MeasureOfEffectiveness.objects.filter(
            archived_at__isnull=True, program__archived_at__isnull=True).count(), "url": reverse("programs:program-list")},
        {"label": "values awaiting approval", "count": awaiting_approval().count(),
         "url": reverse("programs:approvals") if permissions.is_manager(user) else None},
    ]


# The analyst's lists that have a page of their own (``dashboards:worklist``), by key.
ANALYST_LISTS: dict[str, Callable[[Any], WorkList]] = {
    "drafts": my_drafts, "returned": values_returned_to_me, "reporting": reporting_due, "my-proposals": my_proposals,
}


def work_lists(user, *, today: dt.date | None = None) -> dict[str, list[WorkList]]:
    """The lists of the user's roles: {"analyst": [...], "manager": [...]} (a role the user
    lacks is left out)."""
    lists: dict[str, list[WorkList]] = {}
    if permissions.is_analyst(user):
        lists["analyst"] = [my_drafts(user), values_returned_to_me(user), reporting_due(user, today=today),
                            my_proposals(user), findings_on_my_programs(user)]
    if permissions.is_manager(user):
        lists["manager"] = [*pending_values_grouped(), proposals_awaiting_decision(), assessments_to_approve(),
                            programs_under_crisis_review(), recommendations_overdue()]
    return lists
