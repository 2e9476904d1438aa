"""The home page: the user's own work lists by role, and counts that mean something; and
the page of each analyst's list whole (the card's "Open the full list")."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from infrastructure.models import DeferredTask
from infrastructure.worker_heartbeat import worker_absent
from programs import permissions
from programs.views.paging import paginate_windowed

from ..selectors.worklists import ANALYST_LISTS, headline_counts, work_lists

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/home.html", {
        "lists": work_lists(request.user),
        "tiles": headline_counts(request.user),
        "pending_deferred": DeferredTask.objects.count(),
        "worker_absent": worker_absent(),
    })


def worklist_page(request: HttpRequest, key: str) -> HttpResponse:
    """One of the user's analyst lists, whole, PAGE_SIZE rows a page (404: no such list,
    or the user has no analyst role, so the list is not theirs)."""
    if key not in ANALYST_LISTS or not permissions.is_analyst(request.user):
        raise Http404("No such work list.")
    work = ANALYST_LISTS[key](request.user)
    if work.rows is None:  # an analyst of no agency owes no reporting
        raise Http404("No such work list.")
    page = paginate_windowed(request, work.rows, per_page=PAGE_SIZE)  # one query a page
    return render(request, "dashboards/worklist.html", {"work": work, "title": work.rows.heading(work.title), "page": page})
