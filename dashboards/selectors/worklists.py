"""The home page's work lists: what waits for this user, by role, each item linking to
where it is dealt with.

Analyst: my draft values, values returned to me (with the reason), reporting periods due
or overdue for my agency's running programs (``notifications.reporting``), my proposals
awaiting a decision, open coordination findings on my agency's programs.
Manager: values awaiting approval grouped by program, country and agency (the groups
counted, each with its values),
proposals awaiting a decision, assessments to approve, programs under crisis review,
overdue recommendations.

Every list is one set-based query (its first ``SHOWN`` rows, each carrying the count of
the whole list by ``COUNT(*) OVER ()``), so the page costs the same number of queries
however much data there is; a page of an analyst's whole list is one query too.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Window
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
    ProgramStatus,
    RUNNING_STATUSES,
)
from programs.selectors.measures import awaiting_approval
from programs.selectors.reviews import reviews_pending
from infrastructure.dates import date_text
from infrastructure.text import shortened

SHOWN = 10  # rows shown per list; the count and a link lead to the rest


@dataclass
class WorkList:
    """One list of the home page: its heading, how many items, the first few rows
    (dicts with at least ``label`` and ``url``) and where the whole list is (``more_url``)."""

    key: str
    title: str
    count: int
    rows: list[dict] = field(default_factory=list)
    more_url: str = ""
    empty: str = "Nothing waiting."


class ListRows:
    """A list's rows as the page shows them, read a window at a time: each window comes
    with the count of the whole list (``COUNT(*) OVER ()`` in the same statement), so a
    home card or a page of the whole list is one query, not a count and then the rows."""

    def __init__(self, queryset: QuerySet, row: Callable[[Any], Any]):
        self.queryset, self.row = queryset, row

    def window(self, offset: int, limit: int) -> tuple[int, list]:
        """(how many rows the whole list has, ``limit`` rows from the ``offset``-th), one
        query. A window past the last row is (0, []): its statement returns no row to
        carry the count."""
        found = list(self.queryset.annotate(rows_in_list=Window(Count("*")))[offset:offset + limit])
        return (found[0].rows_in_list if found else 0), [self.row(item) for item in found]

    def heading(self, title: str) -> str:
        """The list's title, once a window has been read (a list may add its counts)."""
        return title


class _ReportingRows(ListRows):
    """The values an agency owes (``reporting_head``): the count of the rows and of the
    overdue ones come with every window, by window functions."""

    def __init__(self, agency_id: int, today: dt.date, grace_days: int):
        super().__init__(None, self._row)
        self.agency_id, self.today, self.grace_days = agency_id, today, grace_days
        self.overdue = 0

    def window(self, offset: int, limit: int) -> tuple[int, list]:
        total, self.overdue, rows = reporting_head(agency_id=self.agency_id, today=self.today,
                                                   grace_days=self.grace_days, limit=limit, offset=offset)
        return total, [self._row(r) for r in rows]

    def heading(self, title: str) -> str:
        return f"{title} ({self.overdue} overdue)"

    @staticmethod
    def _row(r) -> dict:
        return {"label": f"{r.program_code} · {r.moe_name} · {r.period}", "url": _grid_url(r.program_id, r.period),
                "detail": f"{'overdue since' if r.state == OVERDUE else 'due by'} {date_text(r.deadline)}",
                "tag": "Overdue" if r.state == OVERDUE else "Due"}


@dataclass
class AnalystList:
    """An analyst's list that has a page of its own (``dashboards:worklist``): the home
    card shows its count and first ``SHOWN`` rows, the page the whole list by pages.
    ``rows`` is None when the user can have no such list (no agency: no reporting)."""

    key: str
    title: str
    empty: str
    rows: ListRows | None

    def card(self) -> WorkList:
        """The home page's card: one query, whatever the data."""
        if self.rows is None:
            return WorkList(self.key, self.title, 0, empty=self.empty)
        count, shown = self.rows.window(0, SHOWN)
        return WorkList(self.key, self.rows.heading(self.title), count, shown,
                        more_url=reverse("dashboards:worklist", args=[self.key]), empty=self.empty)


def _grid_url(program_id: int, period: str) -> str:
    return reverse("programs:measurement-grid", args=[program_id]) + f"?fy={period[2:6]}"


def _head(rows: QuerySet) -> tuple[int, list]:
    """How many rows, and the first SHOWN: one query, whatever the data."""
    return ListRows(rows, lambda item: item).window(0, SHOWN)


def _my_values(user, status: str) -> QuerySet[Measurement]:
    return (Measurement.objects.filter(entered_by=user, status=status, moe__archived_at__isnull=True,
                                       moe__program__archived_at__isnull=True)
            .select_related("moe__program").order_by("period_end", "pk"))


def drafts_list(user) -> AnalystList:
    """Values the user entered and has not yet submitted."""
    rows = ListRows(_my_values(user, MeasurementStatus.DRAFT), lambda m: {
        "label": f"{m.moe.program.code} · {m.moe.name} · {m.period}", "url": _grid_url(m.moe.program_id, m.period),
        "detail": f"value {m.value.normalize():f}"})
    return AnalystList("drafts", "My draft values", "No drafts: every value you entered is submitted.", rows)


def returned_list(user) -> AnalystList:
    """Values a manager returned to the user, with the reason."""
    rows = ListRows(_my_values(user, MeasurementStatus.RETURNED), lambda m: {
        "label": f"{m.moe.program.code} · {m.moe.name} · {m.period}", "url": _grid_url(m.moe.program_id, m.period),
        "detail": f"Reason: {m.return_reason}"})
    return AnalystList("returned", "Values returned to me", "No value is waiting for your revision.", rows)


def reporting_list(user, *, today: dt.date | None = None) -> AnalystList:
    """Periods the user's agency's running programs owe values for: overdue, then due
    (oldest deadline first); its heading adds how many are overdue."""
    today = today or timezone.localdate()
    if not user.agency_id:
        return AnalystList("reporting", "Reporting due and overdue", "You belong to no agency.", None)
    grace = ReportingPolicy.current().grace_days
    return AnalystList("reporting", "Reporting due and overdue",
                       f"Every ended period has its values (values are due {grace} days after a period ends).",
                       _ReportingRows(user.agency_id, today, grace))


def reporting_due(user, *, today: dt.date | None = None) -> WorkList:
    """The home card of :func:`reporting_list`."""
    return reporting_list(user, today=today).card()


def _proposed() -> Q:
    return Q(status=ProgramStatus.PROPOSED, archived_at__isnull=True)


def proposals_list(user) -> AnalystList:
    """Programs the user proposed (created) that wait for a manager's decision."""
    mine = Program.history.filter(history_type="+", history_user=user).values("id")
    rows = ListRows(Program.objects.filter(_proposed(), pk__in=mine).order_by("created_at", "pk"), lambda p: {
        "label": f"{p.code} {p.title}", "url": reverse("programs:program-detail", args=[p.pk]),
        "detail": f"proposed {date_text(p.created_at)}"})
    return AnalystList("my-proposals", "My proposals awaiting decision",
                       "None of your proposals is waiting for a decision.", rows)


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
    reviews = (reviews_pending().filter(crisis__isnull=False)
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
         "detail": f"{r.evaluation.program.code}, {r.owner}, due {date_text(r.due_on)}"} for r in shown
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
ANALYST_LISTS: dict[str, Callable[[Any], AnalystList]] = {
    "drafts": drafts_list, "returned": returned_list, "reporting": reporting_list, "my-proposals": proposals_list,
}


def work_lists(user, *, today: dt.date | None = None) -> dict[str, list[WorkList]]:
    """The lists of the user's roles: {"analyst": [...], "manager": [...]} (a role the user
    lacks is left out)."""
    lists: dict[str, list[WorkList]] = {}
    if permissions.is_analyst(user):
        lists["analyst"] = [drafts_list(user).card(), returned_list(user).card(), reporting_due(user, today=today),
                            proposals_list(user).card(), findings_on_my_programs(user)]
    if permissions.is_manager(user):
        lists["manager"] = [*pending_values_grouped(), proposals_awaiting_decision(), assessments_to_approve(),
                            programs_under_crisis_review(), recommendations_overdue()]
    return lists
